//! Dates and plurals in the shopper's language, through the browser's own `Intl`.
//!
//! Bound by hand: two constructors and two methods are all the widget needs, and the browser
//! already ships the locale data, so the WebAssembly carries none.

use crate::view::messages::DateStyle;
use chrono::{Datelike, NaiveDate};
use js_sys::Object;
use wasm_bindgen::prelude::*;

use super::js::Builder;
use crate::view::messages::LocaleFormat;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    #[derive(Clone)]
    type DateTimeFormat;
    #[wasm_bindgen(constructor, catch, js_namespace = Intl, js_class = "DateTimeFormat")]
    fn new(locale: &str, options: &Object) -> Result<DateTimeFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "DateTimeFormat")]
    fn format(this: &DateTimeFormat, date: &js_sys::Date) -> String;
    #[wasm_bindgen(method, js_class = "DateTimeFormat", js_name = formatToParts)]
    fn format_to_parts(this: &DateTimeFormat, date: &js_sys::Date) -> js_sys::Array;

    #[wasm_bindgen(js_namespace = Intl, js_name = PluralRules)]
    type PluralRules;
    #[wasm_bindgen(constructor, catch, js_namespace = Intl, js_class = "PluralRules")]
    fn new(locale: &str) -> Result<PluralRules, JsValue>;
    #[wasm_bindgen(method, js_class = "PluralRules")]
    fn select(this: &PluralRules, count: u32) -> String;
}

thread_local! {
    /// One clock formatter per time zone for the page's life: building one costs the browser
    /// a fraction of a millisecond, and every render asks the shop's date.
    static CLOCKS: std::cell::RefCell<Vec<(String, Option<DateTimeFormat>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The date and the minutes after midnight now, in the IANA `time_zone`, from the browser's
/// own zone data (the WebAssembly carries none); `None` for a zone the browser does not know.
pub fn wall_clock_in(time_zone: &str) -> Option<(NaiveDate, u32)> {
    let formatter = CLOCKS.with(|clocks| {
        let mut clocks = clocks.borrow_mut();
        if let Some((_, formatter)) = clocks.iter().find(|(zone, _)| zone == time_zone) {
            return formatter.clone();
        }
        let options: Object = Builder::new()
            .set("timeZone", time_zone)
            .set("year", "numeric")
            .set("month", "numeric")
            .set("day", "numeric")
            .set("hour", "numeric")
            .set("minute", "numeric")
            .set("hourCycle", "h23")
            .build()
            .unchecked_into();
        let formatter = DateTimeFormat::new("en-US", &options).ok();
        clocks.push((time_zone.to_owned(), formatter.clone()));
        formatter
    })?;
    let parts = formatter.format_to_parts(&js_sys::Date::new_0());
    let mut values = [0u32; 5];
    for part in parts.iter() {
        let field = |name: &str| {
            js_sys::Reflect::get(&part, &JsValue::from_str(name))
                .ok()
                .and_then(|value| value.as_string())
        };
        let slot = match field("type").as_deref() {
            Some("year") => 0,
            Some("month") => 1,
            Some("day") => 2,
            Some("hour") => 3,
            Some("minute") => 4,
            _ => continue,
        };
        values[slot] = field("value")?.parse().ok()?;
    }
    let [year, month, day, hour, minute] = values;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some((date, (hour % 24) * 60 + minute))
}

/// `Intl` formatters for one locale and date style, built once per page and shared by its
/// widgets (each costs the browser a fraction of a millisecond to build).
pub struct IntlFormat {
    dates: DateTimeFormat,
    dates_with_year: DateTimeFormat,
    plurals: PluralRules,
    this_year: i32,
}

impl IntlFormat {
    /// Formatters for `locale`; an invalid locale tag falls back to English.
    pub fn new(locale: &str, today: NaiveDate, style: DateStyle) -> Self {
        let options = |with_year: bool| -> Object {
            let month = match style {
                DateStyle::Long => "long",
                DateStyle::Short => "short",
            };
            Builder::new()
                .maybe("weekday", (style == DateStyle::Long).then_some("long"))
                .set("month", month)
                .set("day", "numeric")
                .maybe("year", with_year.then_some("numeric"))
                .build()
                .unchecked_into()
        };
        let dates = |with_year| {
            DateTimeFormat::new(locale, &options(with_year))
                .or_else(|_| DateTimeFormat::new("en", &options(with_year)))
                .unwrap_or_else(|_| JsValue::UNDEFINED.unchecked_into())
        };
        Self {
            dates: dates(false),
            dates_with_year: dates(true),
            plurals: PluralRules::new(locale)
                .or_else(|_| PluralRules::new("en"))
                .unwrap_or_else(|_| JsValue::UNDEFINED.unchecked_into()),
            this_year: today.year(),
        }
    }
}

impl std::fmt::Debug for IntlFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IntlFormat { .. }")
    }
}

impl LocaleFormat for IntlFormat {
    fn date(&self, date: NaiveDate) -> String {
        // Noon local time, so no time zone shift can move the calendar day.
        let js_date = js_sys::Date::new_with_year_month_day_hr(
            date.year() as u32,
            date.month0() as i32,
            date.day() as i32,
            12,
        );
        let formatter = if date.year() == self.this_year {
            &self.dates
        } else {
            &self.dates_with_year
        };
        formatter.format(&js_date)
    }

    fn plural_category(&self, count: u32) -> &'static str {
        match self.plurals.select(count).as_str() {
            "zero" => "zero",
            "one" => "one",
            "two" => "two",
            "few" => "few",
            "many" => "many",
            _ => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::wall_clock_in;

    wasm_bindgen_test_configure!(run_in_browser);

    /// The shop's clock comes from the browser's own zone data: UTC matches the browser's UTC
    /// clock, a zone 14 hours ahead is a day or two ahead of one 12 hours behind, and a zone
    /// the browser does not know is `None`.
    #[wasm_bindgen_test]
    fn the_shops_clock_reads_its_own_time_zone() {
        let now = js_sys::Date::new_0();
        let (date, minutes) = wall_clock_in("UTC").expect("UTC is known");
        assert_eq!(
            (date.year(), date.month(), date.day()),
            (
                now.get_utc_full_year() as i32,
                now.get_utc_month() + 1,
                now.get_utc_date()
            )
        );
        let utc_minutes = now.get_utc_hours() * 60 + now.get_utc_minutes();
        assert!(
            minutes.abs_diff(utc_minutes) <= 1,
            "{minutes} {utc_minutes}"
        );
        let (ahead, _) = wall_clock_in("Pacific/Kiritimati").expect("a zone 14 hours ahead");
        let (behind, _) = wall_clock_in("Etc/GMT+12").expect("a zone 12 hours behind");
        // 26 hours apart: one or two calendar days, whatever the hour.
        assert!(
            (1..=2).contains(&(ahead - behind).num_days()),
            "{ahead} {behind}"
        );
        assert_eq!(wall_clock_in("Mars/Olympus_Mons"), None);
    }
}
