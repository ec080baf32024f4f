//! Time as the widgets see it: the shop's wall clock, milliseconds and timers, behind a trait
//! the page gives (the browser's) and tests replace (a clock advanced by hand).

use chrono::NaiveDate;

/// Time as the widgets see it.
pub trait Clock {
    /// The date and the minutes after midnight now, in an IANA time zone (`None`: the
    /// browser's).
    fn wall(&self, time_zone: Option<&str>) -> (NaiveDate, u32);
    /// Milliseconds since the epoch.
    fn now_ms(&self) -> u64;
    /// Calls `callback` after `millis` milliseconds, unless the [`Timer`] is dropped first.
    fn after(&self, millis: u32, callback: Box<dyn FnOnce()>) -> Timer;
}

/// A timer that has not fired: dropping it cancels it. It holds whatever its clock needs to
/// cancel (a browser timeout, a test clock's entry).
pub struct Timer(#[allow(dead_code, reason = "held for its drop")] Box<dyn std::any::Any>);

impl Timer {
    pub fn new(cancelled_on_drop: impl std::any::Any) -> Self {
        Self(Box::new(cancelled_on_drop))
    }
}

impl std::fmt::Debug for Timer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Timer")
    }
}
