//! Dates and plurals in the shopper's language, through the browser's own `Intl`.
//!
//! Bound by hand: two constructors and two methods are all the widget needs, and the browser
//! already ships the locale data, so the WebAssembly carries none.

use chrono::{Datelike, NaiveDate};
use js_sys::Object;
use wasm_bindgen::prelude::*;

use super::js::Builder;
use crate::view::LocaleFormat;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type DateTimeFormat;
    #[wasm_bindgen(constructor, catch, js_namespace = Intl, js_class = "DateTimeFormat")]
    fn new(locale: &str, options: &Object) -> Result<DateTimeFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "DateTimeFormat")]
    fn format(this: &DateTimeFormat, date: &js_sys::Date) -> String;

    #[wasm_bindgen(js_namespace = Intl, js_name = PluralRules)]
    type PluralRules;
    #[wasm_bindgen(constructor, catch, js_namespace = Intl, js_class = "PluralRules")]
    fn new(locale: &str) -> Result<PluralRules, JsValue>;
    #[wasm_bindgen(method, js_class = "PluralRules")]
    fn select(this: &PluralRules, count: u32) -> String;
}

/// How long a date is written: in words for the product page ("Tuesday, December 15"), short
/// for a badge on a collection card ("Dec 15").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    Long,
    Short,
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
