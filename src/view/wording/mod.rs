//! The built-in wording, one file per language. Keys are documented in the README; a key with
//! plural forms has `.one`, `.other` (and whatever else the language's plural rules use).

mod de;
mod en;
mod es;
mod fr;
mod ja;

/// Languages with built-in wording. Any other falls back to English.
pub const SUPPORTED_LANGUAGES: &[&str] = &["en", "de", "fr", "es", "ja"];

/// The built-in language for a BCP 47 locale: its primary subtag if supported, else English.
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

/// The built-in text of `key` in `language`, if that language has it.
pub fn built_in(language: &str, key: &str) -> Option<&'static str> {
    let table = match language {
        "en" => en::MESSAGES,
        "de" => de::MESSAGES,
        "fr" => fr::MESSAGES,
        "es" => es::MESSAGES,
        "ja" => ja::MESSAGES,
        _ => return None,
    };
    table
        .iter()
        .find(|(candidate, _)| *candidate == key)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The CLDR plural categories a language may use as `key.category`.
    const PLURAL_CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

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
        built_in("en", key).or_else(|| {
            let (base, category) = key.rsplit_once('.')?;
            if PLURAL_CATEGORIES.contains(&category) {
                built_in("en", &format!("{base}.other"))
            } else {
                None
            }
        })
    }

    /// Every language has every English key (or its `.other` plural form), so nothing falls back silently.
    #[test]
    fn every_language_has_every_key() {
        let translations: &[(&str, &[(&str, &str)])] = &[
            ("de", de::MESSAGES),
            ("fr", fr::MESSAGES),
            ("es", es::MESSAGES),
            ("ja", ja::MESSAGES),
        ];
        for language in SUPPORTED_LANGUAGES {
            let checked = *language == "en"
                || translations
                    .iter()
                    .any(|(candidate, _)| candidate == language);
            assert!(checked, "{language} is supported but not checked here");
        }
        for &(language, table) in translations {
            let has = |key: &str| table.iter().any(|&(candidate, _)| candidate == key);
            for &(key, _) in en::MESSAGES {
                let present = match key.strip_suffix(".one") {
                    Some(base) => has(key) || has(format!("{base}.other").as_str()),
                    None => has(key),
                };
                assert!(present, "{language} lacks {key}");
            }
            let mut seen = BTreeSet::new();
            for &(key, text) in table {
                assert!(seen.insert(key), "{language} has {key} twice");
                assert_eq!(
                    built_in(language, key),
                    Some(text),
                    "{language}: built_in does not return {key}"
                );
                let Some(english) = english_counterpart(key) else {
                    panic!("{language} has {key}, which English lacks");
                };
                assert_eq!(
                    placeholders(text),
                    placeholders(english),
                    "{language}: placeholders of {key} differ from English"
                );
            }
        }
    }
}
