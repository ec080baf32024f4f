//! The shop's calendar: which days the warehouse ships, and how far out a promise may go.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::RecordError;
use super::stock::{bounded, date};
use crate::text::concat;

/// Ten years: any longer wait is a typing mistake, not a promise.
const MAX_WAIT_DAYS: u32 = 3660;

/// The optional `shop` object of the availability response, as it arrives on the wire.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShopConfig {
    /// Three-letter English day names, `["mon", "tue", "wed", "thu", "fri"]` by default.
    pub working_days: Option<Vec<String>>,
    pub holidays: Vec<String>,
    pub max_wait_days: Option<i64>,
    /// `"at_order"` or `"at_shipment"`: when the shopper pays for a backorder.
    pub payment: Option<String>,
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
    /// A short list (a shop has a handful a year), so a plain vector is the smallest and fastest.
    holidays: Vec<NaiveDate>,
    /// A ship date more than this many days after today is not promised.
    pub max_wait_days: u32,
    pub payment: Option<Payment>,
}

impl Default for ShopCalendar {
    fn default() -> Self {
        Self {
            working_days: [true, true, true, true, true, false, false],
            holidays: Vec::new(),
            max_wait_days: 90,
            payment: None,
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
        for holiday in &config.holidays {
            calendar.holidays.push(date("holidays", holiday)?);
        }
        if let Some(days) = config.max_wait_days {
            calendar.max_wait_days = bounded("max_wait_days", days, MAX_WAIT_DAYS)?;
        }
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
            && !self.holidays.contains(&date)
    }

    /// The day goods arriving on `arrival` ship: the `handling_days`-th working day after the
    /// arrival, or with no handling the first working day on or after it (nothing ships on a
    /// Sunday just because it arrived on one). `None` only past the end of the calendar.
    pub fn ship_date(&self, arrival: NaiveDate, handling_days: u32) -> Option<NaiveDate> {
        let mut day = arrival;
        if handling_days == 0 {
            while !self.is_working_day(day) {
                day = day.succ_opt()?;
            }
            return Some(day);
        }
        let mut remaining = handling_days;
        while remaining > 0 {
            day = day.succ_opt()?;
            if self.is_working_day(day) {
                remaining -= 1;
            }
        }
        Some(day)
    }
}

fn parse_weekday(text: &str) -> Option<Weekday> {
    Some(match text.to_ascii_lowercase().get(..3)? {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}
