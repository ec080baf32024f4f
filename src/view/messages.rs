//! `{date}` and `{count}` placeholders are filled in, and plural forms chosen by the locale's
//! rules.

use std::rc::Rc;

use chrono::NaiveDate;

use super::wording;
use crate::domain::date::format_iso_date;
use crate::text::{concat, decimal};

/// How long a date is written: in words for the product page ("Tuesday, December 15"), short
/// for a badge on a collection card ("Dec 15").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    Long,
    Short,
}

/// The locale-dependent formatting the browser provides through `Intl`.
pub trait LocaleFormat {
    /// A date as the shopper's locale writes it ("Tuesday, December 15").
    fn date(&self, date: NaiveDate) -> String;
    /// The CLDR plural category of `count`: `zero`, `one`, `two`, `few`, `many` or `other`.
    fn plural_category(&self, count: u32) -> &'static str;
}

/// ISO dates and English plurals: for native tests and as the last resort.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainFormat;

impl LocaleFormat for PlainFormat {
    fn date(&self, date: NaiveDate) -> String {
        format_iso_date(date)
    }

    fn plural_category(&self, count: u32) -> &'static str {
        if count == 1 { "one" } else { "other" }
    }
}

/// The wording for one language, with the merchant's overrides on top.
#[derive(Debug, Clone)]
pub struct Messages {
    language: &'static str,
    /// The language's own wording (`www/wording/<language>.json`), once it has been fetched.
    translation: Rc<[(String, String)]>,
    /// The merchant's wording: a few dozen pairs at most, searched in order.
    overrides: Vec<(String, String)>,
}

impl Messages {
    /// Wording for a BCP 47 locale such as `de-CH`: English until [`Messages::with_translation`]
    /// adds the language's own; unknown languages stay English.
    pub fn for_locale(locale: &str) -> Self {
        Self {
            language: wording::language_of(locale),
            translation: Rc::from([]),
            overrides: Vec::new(),
        }
    }

    /// Adds the language's own wording, as read from its file.
    pub fn with_translation(mut self, translation: Rc<[(String, String)]>) -> Self {
        self.translation = translation;
        self
    }

    /// Adds the merchant's wording; keys are the message keys (see the README), values may use
    /// `{date}` and `{count}`.
    pub fn with_overrides(mut self, overrides: impl IntoIterator<Item = (String, String)>) -> Self {
        self.overrides = overrides.into_iter().collect();
        self
    }

    /// The built-in language this wording uses.
    pub fn language(&self) -> &'static str {
        self.language
    }

    /// The raw template for `key`, trying the plural form `key.category` first when given;
    /// a language without the plural form uses its `key.other`.
    fn template(&self, key: &str, category: Option<&str>) -> String {
        let plural_key = category.map(|category| concat(&[key, ".", category]));
        let other = concat(&[key, ".other"]);
        let own = [plural_key.as_deref(), Some(key)];
        let with_other = [plural_key.as_deref(), Some(key), Some(other.as_str())];
        let find = |pairs: &[(String, String)], candidates: &[Option<&str>]| {
            candidates
                .iter()
                .flatten()
                .find_map(|candidate| pairs.iter().find(|(key, _)| key == candidate))
                .map(|(_, text)| text.clone())
        };
        find(&self.overrides, &own)
            .or_else(|| find(&self.translation, &with_other))
            .or_else(|| {
                with_other
                    .iter()
                    .flatten()
                    .find_map(|candidate| wording::english(candidate))
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| key.to_owned())
    }

    /// A message with no placeholders.
    pub fn text(&self, key: &str) -> String {
        self.template(key, None)
    }

    /// A message with `{count}` (plural-aware) and optionally `{date}`.
    pub fn counted(
        &self,
        key: &str,
        count: u32,
        date: Option<&str>,
        format: &dyn LocaleFormat,
    ) -> String {
        let count_text = decimal(count);
        let mut values = vec![("count", count_text.as_str())];
        values.extend(date.map(|date| ("date", date)));
        self.compose(key, Some(count), &values, format)
    }

    /// A message with `{date}`.
    pub fn dated(&self, key: &str, date: &str) -> String {
        fill(&self.template(key, None), &[("date", date)])
    }

    /// A message with any placeholders; the plural form follows `plural` when given.
    pub fn compose(
        &self,
        key: &str,
        plural: Option<u32>,
        values: &[(&str, &str)],
        format: &dyn LocaleFormat,
    ) -> String {
        let category = plural.map(|count| format.plural_category(count));
        fill(&self.template(key, category), values)
    }
}

/// Puts each value in its `{name}`, in one pass: a value is never read as a placeholder, and an
/// unknown `{…}` stays as written.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = values.iter().find(|(candidate, _)| *candidate == name)?;
            Some((*value, &after[close + 1..]))
        });
        match known {
            Some((value, next)) => {
                text.push_str(value);
                rest = next;
            }
            None => {
                text.push('{');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    text
}

// Native only: the wording files are read from disk.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::view::wording::tests::translation;

    fn check_fill(template: &str, expected: &str) {
        let values = [("count", "3"), ("date", "{count} May")];
        assert_eq!(fill(template, &values), expected, "filling {template:?}");
    }

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_stay() {
        check_fill("Only {count} left", "Only 3 left");
        check_fill("{count} ship by {date}", "3 ship by {count} May");
        check_fill("{date}{date}", "{count} May{count} May");
        check_fill("no placeholders", "no placeholders");
        check_fill("{position} in line", "{position} in line");
        check_fill("an open { brace and {count}", "an open { brace and 3");
        check_fill("unclosed {count", "unclosed {count");
        check_fill("{}", "{}");
        check_fill("", "");
    }

    #[test]
    fn overrides_win_then_language_then_english() {
        let messages = Messages::for_locale("de-AT");
        assert_eq!(messages.language(), "de");
        assert_eq!(
            messages.text("in_stock"),
            "In stock",
            "English until German arrives"
        );
        let messages = messages.with_translation(Rc::from(translation("de")));
        assert_eq!(messages.text("in_stock"), "Auf Lager");
        let messages = messages.with_overrides(BTreeMap::from([(
            "in_stock".to_owned(),
            "Sofort lieferbar".to_owned(),
        )]));
        assert_eq!(messages.text("in_stock"), "Sofort lieferbar");
        assert_eq!(Messages::for_locale("xx").text("in_stock"), "In stock");
        assert_eq!(
            Messages::for_locale("en").text("no_such_key"),
            "no_such_key"
        );
    }

    #[test]
    fn plural_forms_and_placeholders() {
        let messages = Messages::for_locale("en");
        assert_eq!(
            messages.counted("low_stock", 1, None, &PlainFormat),
            "Only 1 left"
        );
        assert_eq!(
            messages.counted("low_stock", 3, None, &PlainFormat),
            "Only 3 left"
        );
        let custom = messages.with_overrides(BTreeMap::from([
            ("low_stock.one".to_owned(), "Last one!".to_owned()),
            ("low_stock".to_owned(), "{count} to go".to_owned()),
        ]));
        assert_eq!(
            custom.counted("low_stock", 1, None, &PlainFormat),
            "Last one!"
        );
        assert_eq!(
            custom.counted("low_stock", 4, None, &PlainFormat),
            "4 to go"
        );
    }
}
