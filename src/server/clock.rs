use chrono::{DateTime, Local, NaiveDate, SecondsFormat, Timelike, Utc};
use chrono_tz::Tz;

use crate::domain::calendar::{ShopCalendar, ShopDay};

/// The current instant.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// An instant as RFC 3339 with milliseconds, for `received_at`, history and logs.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The current instant in UTC, as [`stamp`] writes it.
pub fn now_utc() -> String {
    stamp(now())
}

/// The shop's *today* at the instant `at`: its date in its own time zone (`shop.time_zone`, or
/// the server's when it names none), with handling moved to the next day after its cutoff.
pub fn shop_day(calendar: &ShopCalendar, at: DateTime<Utc>) -> ShopDay {
    let (date, minutes) = match calendar.time_zone.as_deref().and_then(zone) {
        Some(zone) => wall_clock(at.with_timezone(&zone)),
        None => wall_clock(at.with_timezone(&Local)),
    };
    calendar.shop_day(date, minutes)
}

/// Noon of `date` in the shop's time zone, as an instant: a day's clock reading that no time
/// zone moves to another date.
pub fn noon(calendar: &ShopCalendar, date: NaiveDate) -> DateTime<Utc> {
    let noon = date.and_hms_opt(12, 0, 0).unwrap_or_default();
    let local = match calendar.time_zone.as_deref().and_then(zone) {
        Some(zone) => noon
            .and_local_timezone(zone)
            .earliest()
            .map(|at| at.to_utc()),
        None => noon
            .and_local_timezone(Local)
            .earliest()
            .map(|at| at.to_utc()),
    };
    local.unwrap_or_else(|| noon.and_utc())
}

/// A time zone the server knows by its IANA name.
pub fn zone(name: &str) -> Option<Tz> {
    name.parse().ok()
}

fn wall_clock<Z: chrono::TimeZone>(local: DateTime<Z>) -> (NaiveDate, u32) {
    let time = local.time();
    (local.date_naive(), time.hour() * 60 + time.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ShopConfig;

    #[test]
    fn the_shops_day_is_its_own_time_zones() {
        let config = ShopConfig {
            time_zone: Some("Pacific/Auckland".to_owned()),
            cutoff: Some("14:00".to_owned()),
            ..ShopConfig::default()
        };
        let calendar = ShopCalendar::from_config(&config).expect("calendar");
        // 2026-11-30 23:30 UTC is 12:30 on 1 December in Auckland (UTC+13 in summer).
        let at = DateTime::parse_from_rfc3339("2026-11-30T23:30:00Z")
            .expect("instant")
            .with_timezone(&Utc);
        let day = shop_day(&calendar, at);
        assert_eq!(day.date.to_string(), "2026-12-01");
        assert_eq!(day.handling_from, day.date, "before the cutoff");
        // Two hours later it is past 14:00 there: handling starts the next day.
        let later = at + chrono::TimeDelta::hours(2);
        assert_eq!(
            shop_day(&calendar, later).handling_from.to_string(),
            "2026-12-02"
        );
    }
}
