//! The server's only clock. Everything else receives dates and times as values.

use chrono::{Local, NaiveDate, SecondsFormat, Utc};

/// The shop's today: the server's local date, since the warehouse works by its own calendar.
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// The current instant in UTC, as RFC 3339 with milliseconds, for `received_at` and logs.
pub fn now_utc() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}
