use super::error::RecordError;
use super::stock::{bounded, date};
use crate::text::concat;
use crate::wire::ShopConfig;
use chrono::{Datelike, NaiveDate, Weekday};

/// Ten years: any longer wait is a typing mistake, not a promise.
const MAX_WAIT_DAYS: u32 = 3660;

/// What a pre-order with nothing in the warehouse and no batch announced may promise in all,
/// unless the record's `backorder_limit` or the shop's `preorder_limit` says otherwise: the
/// release date is then the merchant's only promise, and it must not be an unlimited one.
pub const DEFAULT_PREORDER_LIMIT: u32 = 100;

/// The last day a date on the wire can name (`YYYY-MM-DD` has four digits for the year). A ship
/// date that would fall later is no promise. A constant: ship dates are checked against it in
/// the engine's inner loop.
pub const LAST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(day) => day,
    None => NaiveDate::MAX,
};

/// How the shop handles a delivery later than it promised (SPEC, "Late deliveries follow the
/// law").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelayRule {
    /// US 16 CFR 435: notices, consent and cancellation (`domain::delay`).
    Ftc,
    /// Dates move, and nothing else happens.
    None,
}

/// When a backorder or pre-order is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payment {
    AtOrder,
    AtShipment,
}

/// The checked calendar the rules use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopCalendar {
    working_days: [bool; 7],
    /// Sorted, without repeats, and found by binary search: a plain vector stays the smallest,
    /// and a long list (years of holidays) costs each day asked about only a few comparisons.
    holidays: Vec<NaiveDate>,
    /// A ship date more than this many days after today is not promised.
    pub max_wait_days: u32,
    pub payment: Option<Payment>,
    /// The shop's IANA time zone, as given (checked for its shape; the browser and the server
    /// each know the zones themselves).
    pub time_zone: Option<String>,
    /// Minutes after midnight, shop time, after which orders start handling the next day.
    pub cutoff_minutes: Option<u32>,
    pub preorder_limit: u32,
    /// The shop's `max_per_order`, for records that set none.
    pub max_per_order: Option<u32>,
    pub delay_rule: DelayRule,
}

/// The shop's *today*: its date, and the first day handling can start (the next day once the
/// cutoff has passed). A plain date converts into one with no cutoff passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShopDay {
    pub date: NaiveDate,
    pub handling_from: NaiveDate,
}

impl From<NaiveDate> for ShopDay {
    fn from(date: NaiveDate) -> Self {
        Self {
            date,
            handling_from: date,
        }
    }
}

impl Default for ShopCalendar {
    fn default() -> Self {
        Self {
            working_days: [true, true, true, true, true, false, false],
            holidays: Vec::new(),
            max_wait_days: 90,
            payment: None,
            time_zone: None,
            cutoff_minutes: None,
            preorder_limit: DEFAULT_PREORDER_LIMIT,
            max_per_order: None,
            delay_rule: DelayRule::Ftc,
        }
    }
}

impl ShopCalendar {
    /// Checks the wire calendar; an absent field keeps its default.
    pub fn from_config(config: &ShopConfig) -> Result<Self, RecordError> {
        let mut calendar = Self::default();
        if let Some(days) = &config.working_days {
            calendar.working_days = [false; 7];
            for day in days {
                let weekday = parse_weekday(day).ok_or_else(|| RecordError::Malformed {
                    detail: concat(&[
                        "`working_days` has \"",
                        day,
                        "\", expected a day such as \"mon\"",
                    ]),
                })?;
                calendar.working_days[weekday.num_days_from_monday() as usize] = true;
            }
            if !calendar.working_days.contains(&true) {
                return Err(RecordError::Malformed {
                    detail: "`working_days` names no day, so nothing could ever ship".to_owned(),
                });
            }
        }
        // Kept sorted as it is read, so each day asked about is found by binary search however
        // long the list (an evaluation asks about every day up to its date). Inserting in place
        // moves at most the list once per holiday, nothing for the hundreds years of holidays
        // come to, and costs the WebAssembly no sort routine (about 180 B gzipped).
        for holiday in &config.holidays {
            let holiday = date("holidays", holiday)?;
            if let Err(at) = calendar.holidays.binary_search(&holiday) {
                calendar.holidays.insert(at, holiday);
            }
        }
        if let Some(days) = config.max_wait_days {
            calendar.max_wait_days = bounded("max_wait_days", days, MAX_WAIT_DAYS)?;
        }
        if let Some(zone) = &config.time_zone {
            if !is_time_zone_name(zone) {
                return Err(RecordError::Malformed {
                    detail: concat(&[
                        "`time_zone` must be an IANA time zone such as \"Europe/Berlin\" (got \"",
                        zone,
                        "\")",
                    ]),
                });
            }
            calendar.time_zone = Some(zone.clone());
        }
        if let Some(cutoff) = &config.cutoff {
            calendar.cutoff_minutes =
                Some(parse_time(cutoff).ok_or_else(|| RecordError::Malformed {
                    detail: concat(&[
                        "`cutoff` must be a time written HH:MM (got \"",
                        cutoff,
                        "\")",
                    ]),
                })?);
        }
        if let Some(limit) = config.preorder_limit {
            calendar.preorder_limit =
                bounded("preorder_limit", limit, crate::domain::MAX_QUANTITY)?;
        }
        if let Some(cap) = config.max_per_order {
            let cap = bounded("max_per_order", cap, crate::domain::MAX_QUANTITY)?;
            if cap == 0 {
                return Err(RecordError::Malformed {
                    detail: "`max_per_order` must be at least 1".to_owned(),
                });
            }
            calendar.max_per_order = Some(cap);
        }
        calendar.delay_rule = match config.delay_rule.as_deref() {
            None | Some("ftc") => DelayRule::Ftc,
            Some("none") => DelayRule::None,
            Some(other) => {
                return Err(RecordError::Malformed {
                    detail: concat(&[
                        "`delay_rule` must be \"ftc\" or \"none\" (got \"",
                        other,
                        "\")",
                    ]),
                });
            }
        };
        calendar.payment = match config.payment.as_deref() {
            None => None,
            Some("at_order") => Some(Payment::AtOrder),
            Some("at_shipment") => Some(Payment::AtShipment),
            Some(other) => {
                return Err(RecordError::Malformed {
                    detail: concat(&[
                        "`payment` must be \"at_order\" or \"at_shipment\" (got \"",
                        other,
                        "\")",
                    ]),
                });
            }
        };
        Ok(calendar)
    }

    /// Whether the warehouse ships on this day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.working_days[date.weekday().num_days_from_monday() as usize]
            && self.holidays.binary_search(&date).is_err()
    }

    /// The shop's day for a clock reading in its own time zone: the date, and the first day
    /// handling can start, the next one once `cutoff` has passed.
    pub fn shop_day(&self, local_date: NaiveDate, minutes_after_midnight: u32) -> ShopDay {
        let past_cutoff = self
            .cutoff_minutes
            .is_some_and(|cutoff| minutes_after_midnight >= cutoff);
        let handling_from = match past_cutoff {
            true => local_date.succ_opt().unwrap_or(local_date),
            false => local_date,
        };
        ShopDay {
            date: local_date,
            handling_from,
        }
    }

    /// The day goods arriving on `arrival` ship: the `handling_days`-th working day after the
    /// arrival, or with no handling the first working day on or after it (nothing ships on a
    /// Sunday just because it arrived on one). `None` past the last day a date can name.
    pub fn ship_date(&self, arrival: NaiveDate, handling_days: u32) -> Option<NaiveDate> {
        let mut day = arrival;
        if handling_days == 0 {
            while !self.is_working_day(day) {
                day = day.succ_opt()?;
            }
        } else {
            day = self.add_working_days(day, handling_days)?;
        }
        (day <= LAST_DAY).then_some(day)
    }

    /// The `days`-th working day after `from` (`from` itself is not counted).
    pub fn add_working_days(&self, from: NaiveDate, days: u32) -> Option<NaiveDate> {
        let mut day = from;
        let mut remaining = days;
        while remaining > 0 {
            day = day.succ_opt()?;
            if self.is_working_day(day) {
                remaining -= 1;
            }
        }
        (day <= LAST_DAY).then_some(day)
    }
}

/// `"14:30"` → minutes after midnight.
fn parse_time(text: &str) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    let number = |part: &str| -> Option<u32> {
        (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit())).then(|| {
            part.bytes()
                .fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
        })
    };
    let (hours, minutes) = (number(hours)?, number(minutes)?);
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// The shape of an IANA zone name (`Area/Location`, `UTC`): letters, digits, `/`, `_`, `-`, `+`.
/// Which zones exist is for the browser's `Intl` and the server's zone database to say.
fn is_time_zone_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'_' | b'-' | b'+'))
}

/// `"mon"` or `"monday"`, in any case; nothing else (`"monkey"` is not Monday).
fn parse_weekday(text: &str) -> Option<Weekday> {
    const DAYS: [(&str, &str, Weekday); 7] = [
        ("mon", "monday", Weekday::Mon),
        ("tue", "tuesday", Weekday::Tue),
        ("wed", "wednesday", Weekday::Wed),
        ("thu", "thursday", Weekday::Thu),
        ("fri", "friday", Weekday::Fri),
        ("sat", "saturday", Weekday::Sat),
        ("sun", "sunday", Weekday::Sun),
    ];
    DAYS.iter()
        .find(|(short, long, _)| {
            text.eq_ignore_ascii_case(short) || text.eq_ignore_ascii_case(long)
        })
        .map(|(_, _, day)| *day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso_date;

    #[test]
    fn holidays_in_any_order_and_repeated_are_each_a_day_off() {
        let config = ShopConfig {
            holidays: ["2026-12-25", "2026-12-24", "2027-01-01", "2026-12-24"]
                .map(str::to_owned)
                .to_vec(),
            ..ShopConfig::default()
        };
        let calendar = ShopCalendar::from_config(&config).expect("a calendar");
        // (a weekday, whether the warehouse ships on it)
        let table = [
            ("2026-12-23", true),
            ("2026-12-24", false),
            ("2026-12-25", false),
            ("2026-12-31", true),
            ("2027-01-01", false),
        ];
        for (day, ships) in table {
            let date = parse_iso_date(day).expect("a date");
            assert_eq!(calendar.is_working_day(date), ships, "{day}");
        }
    }
}
