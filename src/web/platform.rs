//! Every clock, randomness and console call of the browser layer, in one place.

use chrono::NaiveDate;
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsValue;

use crate::text::concat;

/// The shopper's local calendar date.
pub fn local_today() -> NaiveDate {
    let now = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// The date and the minutes after midnight now, in the shop's IANA `time_zone` (the shop's day
/// is *today*, not the shopper's), or in the browser's own zone when the shop names none or one
/// the browser does not know.
pub fn wall_clock(time_zone: Option<&str>) -> (NaiveDate, u32) {
    if let Some(clock) = time_zone.and_then(super::intl::wall_clock_in) {
        return clock;
    }
    let now = js_sys::Date::new_0();
    (local_today(), now.get_hours() * 60 + now.get_minutes())
}

/// An instant (milliseconds since the epoch) as an RFC 3339 UTC timestamp, for `created_at`.
pub fn rfc3339(millis: u64) -> String {
    let iso: String = js_sys::Date::new(&JsValue::from_f64(millis as f64))
        .to_iso_string()
        .into();
    // `toISOString` gives milliseconds (`…T10:00:00.000Z`); the wire uses whole seconds.
    match iso.split_once('.') {
        Some((seconds, _)) => concat(&[seconds, "Z"]),
        None => iso,
    }
}

/// Milliseconds since the epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Calls `callback` after `millis` milliseconds, unless the timer is dropped first. The callback
/// is boxed so that every timer of the widget shares one closure type and its glue.
pub fn timer(millis: u32, callback: Box<dyn FnOnce()>) -> Timeout {
    Timeout::new(millis, callback)
}

/// A fresh random idempotency key: a UUID v4 from `crypto.randomUUID`, or 128 bits from
/// `Math.random` where that is missing (plain-http pages, older Safari). A key only has to be
/// unique, not secret.
// Not inlined: two callers (a submission, a cancel or keep) share one copy.
#[inline(never)]
pub fn random_key() -> String {
    let crypto = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .filter(|crypto| {
            js_sys::Reflect::has(crypto, &JsValue::from_str("randomUUID")).unwrap_or(false)
        });
    if let Some(crypto) = crypto {
        return crypto.random_uuid();
    }
    let mut key = String::from("k");
    for _ in 0..4 {
        let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        // Eight lowercase hexadecimal digits, most significant first.
        key.extend(
            (0..8)
                .rev()
                .map(|digit| char::from_digit((random >> (digit * 4)) & 0xf, 16).unwrap_or('0')),
        );
    }
    key
}

/// Whether the page is served from this machine (development).
pub fn page_is_local() -> bool {
    let host = web_sys::window()
        .and_then(|window| window.location().hostname().ok())
        .unwrap_or_default();
    crate::widget::endpoint::is_local_host(&host)
}

/// Marks the page's first shown status in the Performance timeline, once, so tools (and
/// `make bench`) can measure time to first status with `performance.measure`.
pub fn mark_first_status() {
    thread_local! {
        static MARKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if MARKED.with(|marked| marked.replace(true)) {
        return;
    }
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark("backorder-widget:first-status");
    }
}

/// Reports a problem to the developer console, prefixed so merchants can filter it.
pub fn console_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(&concat(&[
        "<backorder-status>: ",
        message,
    ])));
}

/// Warns the developer console.
pub fn console_warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&concat(&[
        "<backorder-status>: ",
        message,
    ])));
}
