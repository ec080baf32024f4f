//! The other languages are JSON files in `www/wording/` (`{"key": "text", …}`), which a page
//! fetches only when one of its widgets speaks that language, so an English page does not download
//! them. Keys are documented in the README; a key with plural forms has `.one`, `.other` (and
//! whatever else the language's plural rules use).

/// English, the reference wording every other language is checked against.
mod en;

use crate::text::concat;

/// Languages with wording: English built in, the others in `www/wording/<language>.json`.
/// Any other language falls back to English.
pub const SUPPORTED_LANGUAGES: &[&str] = &["en", "de", "fr", "es", "ja"];

/// The language whose wording a BCP 47 locale uses: its primary subtag if supported, else
/// English.
pub fn language_of(locale: &str) -> &'static str {
    let primary = locale
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    SUPPORTED_LANGUAGES
        .iter()
        .copied()
        .find(|&language| language == primary)
        .unwrap_or("en")
}

/// The locale dates and plural forms are written in: the shopper's own when its language has
/// wording, or when the merchant wrote wording of their own (`merchant_wording`: they write in
/// their shoppers' language); else English, so words and dates speak one language (a `pt-BR`
/// shopper reads English words, and English dates with them).
pub fn formatting_locale(locale: &str, merchant_wording: bool) -> &str {
    let primary = locale.split(['-', '_']).next().unwrap_or_default();
    if !merchant_wording && language_of(locale) == "en" && !primary.eq_ignore_ascii_case("en") {
        "en"
    } else {
        locale
    }
}

/// The built-in English text of `key`.
pub fn english(key: &str) -> Option<&'static str> {
    en::MESSAGES
        .iter()
        .find(|(candidate, _)| *candidate == key)
        .map(|(_, text)| *text)
}

/// The English keys a language's wording lacks, given whether it has a key. A plural form
/// `key.one` is not missing when the language has `key.other` (its rules may not use "one").
pub fn missing_keys(has: impl Fn(&str) -> bool) -> Vec<&'static str> {
    let mut missing = Vec::new();
    for &(key, _) in en::MESSAGES {
        let lacks = match key.strip_suffix(".one") {
            Some(base) => !has(key) && !has(&concat(&[base, ".other"])),
            None => !has(key),
        };
        if lacks {
            missing.push(key);
        }
    }
    missing
}

// Native only: the wording files are read from disk.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// No payment happens in the widget's flow: "You pay when you reserve" was untrue. The
    /// wording says what the shop does instead.
    #[test]
    fn the_payment_wording_promises_no_payment_in_the_form() {
        assert_eq!(
            english("payment.at_order"),
            Some(
                "The shop takes payment when it confirms your reservation; nothing is charged in this form."
            )
        );
    }

    /// German speaks of one queue, the "Warteliste", everywhere it mentions one.
    #[test]
    fn german_names_the_queue_with_one_word() {
        let german = translation("de");
        let queue: Vec<&str> = german
            .iter()
            .map(|(_, text)| text.as_str())
            .filter(|text| text.contains("Warte"))
            .collect();
        assert!(queue.len() >= 3, "{queue:?}");
        assert!(
            queue.iter().all(|text| text.contains("Warteliste")),
            "{queue:?}"
        );
    }

    #[test]
    fn dates_speak_the_language_of_the_words() {
        for (locale, expected) in [
            ("de-CH", "de-CH"),
            ("en-GB", "en-GB"),
            ("EN", "EN"),
            ("ja", "ja"),
            ("fr-CA", "fr-CA"),
            // No wording in these languages, so the words are English, and so are the dates.
            ("pt-BR", "en"),
            ("nl", "en"),
            ("", "en"),
        ] {
            assert_eq!(formatting_locale(locale, false), expected, "{locale:?}");
        }
        // A merchant who translated the wording into Portuguese gets Portuguese dates.
        assert_eq!(formatting_locale("pt-BR", true), "pt-BR");
    }

    /// The CLDR plural categories a language may use as `key.category`.
    const PLURAL_CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

    /// The text of `www/wording/<language>.json`, as the browser fetches it.
    pub(crate) fn file_text(language: &str) -> String {
        let path = format!("{}/www/wording/{language}.json", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
    }

    /// The pairs of a wording file, in file order, as `Messages::with_translation` takes them.
    pub(crate) fn translation(language: &str) -> Vec<(String, String)> {
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&file_text(language)).expect("a JSON object");
        map.into_iter()
            .map(|(key, text)| (key, text.as_str().expect("text").to_owned()))
            .collect()
    }

    /// The `{…}` placeholders of a text; an unclosed `{` counts as one too, so it shows up.
    fn placeholders(text: &str) -> BTreeSet<&str> {
        let mut found = BTreeSet::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let from_brace = &rest[start..];
            let Some(end) = from_brace.find('}') else {
                found.insert(from_brace);
                break;
            };
            found.insert(&from_brace[..=end]);
            rest = &from_brace[end + 1..];
        }
        found
    }

    /// The English text a translated key stands for: the same key, or for a plural form
    /// `base.category` the English `base.other`.
    fn english_counterpart(key: &str) -> Option<&'static str> {
        english(key).or_else(|| {
            let (base, category) = key.rsplit_once('.')?;
            if PLURAL_CATEGORIES.contains(&category) {
                english(&format!("{base}.other"))
            } else {
                None
            }
        })
    }

    /// Every language file has every English key (or its `.other` plural form), once, with the
    /// same placeholders, so nothing falls back silently; and no file exists for a language
    /// that is not supported.
    #[test]
    fn every_language_has_every_key() {
        let folder = format!("{}/www/wording", env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<String> = std::fs::read_dir(&folder)
            .expect("www/wording")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        files.sort();
        let mut expected: Vec<String> = SUPPORTED_LANGUAGES
            .iter()
            .filter(|&&language| language != "en")
            .map(|language| format!("{language}.json"))
            .collect();
        expected.sort();
        assert_eq!(
            files, expected,
            "www/wording holds one file per supported language"
        );
        for &language in SUPPORTED_LANGUAGES.iter().filter(|&&l| l != "en") {
            let text = file_text(language);
            let table = translation(language);
            let missing = missing_keys(|key| table.iter().any(|(candidate, _)| candidate == key));
            assert!(missing.is_empty(), "{language} lacks {missing:?}");
            for (key, translated) in &table {
                // serde_json keeps the last of two equal keys; the file must not have two.
                assert_eq!(
                    text.matches(&format!("\"{key}\":")).count(),
                    1,
                    "{language} has {key} twice"
                );
                let Some(english) = english_counterpart(key) else {
                    panic!("{language} has {key}, which English lacks");
                };
                assert_eq!(
                    placeholders(translated),
                    placeholders(english),
                    "{language}: placeholders of {key} differ from English"
                );
            }
        }
    }
}
