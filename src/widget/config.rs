use crate::domain::MAX_QUANTITY;
use crate::text::{concat, decimal};
use crate::wire::{ReadJson, texts};

/// How much the element shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Status and request form.
    #[default]
    Full,
    /// Status only, for collection grids.
    Badge,
}

impl Mode {
    /// `full` or `badge`; anything else is reported and read as `full`, which shows the most.
    pub fn read(text: &str, problems: &mut Vec<String>) -> Self {
        match text {
            "full" => Self::Full,
            "badge" => Self::Badge,
            other => {
                problems.push(concat(&[
                    "mode \"",
                    other,
                    "\" is not \"full\" or \"badge\"; using full",
                ]));
                Self::Full
            }
        }
    }
}

/// One element's settings, from its attributes (or from `mount`'s config object).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElementConfig {
    pub sku: String,
    pub quantity: u32,
    pub quantity_input: Option<String>,
    pub mode: Mode,
    pub locale: Option<String>,
    pub endpoint: Option<String>,
    pub availability_url: Option<String>,
}

impl ElementConfig {
    /// Reads the element's attributes (`attribute` gives each by name). Values that make no
    /// sense are reported and replaced by defaults so the widget still shows something useful.
    pub fn read(attribute: impl Fn(&str) -> Option<String>) -> (Self, Vec<String>) {
        let attribute = |name: &str| non_empty(attribute(name));
        let mut problems = Vec::new();
        let quantity = match attribute("quantity") {
            None => 1,
            Some(text) => parse_quantity(&text).unwrap_or_else(|| {
                problems.push(concat(&[
                    "quantity \"",
                    &text,
                    "\" is not a whole number from 1 to ",
                    &decimal(MAX_QUANTITY),
                    "; using 1",
                ]));
                1
            }),
        };
        let mode = attribute("mode").map_or(Mode::Full, |text| Mode::read(&text, &mut problems));
        let config = Self {
            sku: attribute("sku")
                .map(|sku| sku.trim().to_owned())
                .unwrap_or_default(),
            quantity,
            quantity_input: attribute("quantity-input"),
            mode,
            locale: attribute("locale"),
            endpoint: attribute("endpoint"),
            availability_url: attribute("availability-url"),
        };
        (config, problems)
    }
}

/// What a new configuration changes, and so what the element must do again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// Another SKU, stock source or endpoint: load afresh, and forget the request under way.
    pub reload: bool,
    /// Another `locale`: other words, fetched if need be.
    pub relocale: bool,
    /// Between full and badge: dates long or short, the form or none.
    pub remode: bool,
    /// Another `quantity-input`: follow that field instead.
    pub refollow: bool,
}

impl ElementConfig {
    /// What going from `self` to `next` changes. A new quantity alone changes none of these:
    /// the state is only evaluated again.
    pub fn changes(&self, next: &Self) -> Changes {
        Changes {
            reload: self.sku != next.sku
                || self.availability_url != next.availability_url
                || self.endpoint != next.endpoint,
            relocale: self.locale != next.locale,
            remode: self.mode != next.mode,
            refollow: self.quantity_input != next.quantity_input,
        }
    }
}

/// A quantity typed by a shopper or a merchant: a whole number from 1 up.
pub fn parse_quantity(text: &str) -> Option<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|quantity| (1..=MAX_QUANTITY).contains(quantity))
}

/// Whether a page URL's query string (`?a=1&backorder-preview`) asks for the merchant preview.
pub fn asks_for_preview(search: &str) -> bool {
    search
        .trim_start_matches('?')
        .split('&')
        .any(|pair| pair.split('=').next() == Some("backorder-preview"))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.trim().is_empty())
}

/// Page-wide settings, read once from the `<script>` tag's `data-*` attributes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageConfig {
    /// `data-endpoint`: where requests are POSTed.
    pub endpoint: Option<String>,
    /// `data-availability-url`: where stock records are fetched.
    pub availability_url: Option<String>,
    /// The JSON text of the inline stock (`data-stock="#id"`), if any.
    pub inline_stock: Option<String>,
    /// Problems found while reading the configuration, reported by every widget.
    pub problems: Vec<String>,
    /// The merchant's wording (`data-messages="#id"`).
    pub messages: Vec<(String, String)>,
    /// `data-structured-data="on"`: keep a JSON-LD `Offer` in sync with each widget.
    pub structured_data: bool,
    /// `?backorder-preview` in the page URL: every element shows every state.
    pub preview: bool,
    /// The folder of the wording files (`de.json`, …), ending with `/`: `data-wording-url`, else
    /// `wording/` beside the loader.
    pub wording_url: Option<String>,
}

/// What the page gives [`PageConfig::read`]: the script tag's attributes and the page around it.
pub trait ScriptTag {
    /// The tag's attribute `name` (`None`: no tag, or no such attribute).
    fn attribute(&self, name: &str) -> Option<String>;
    /// The text of the element `selector` names, or why there is none.
    fn text_of(&self, selector: &str) -> Result<String, String>;
    /// `folder` as an absolute URL against the page (`None`: it is not a URL).
    fn absolute(&self, folder: &str) -> Option<String>;
    /// The page URL's query string.
    fn search(&self) -> String;
    /// The page's JSON reader.
    fn json(&self) -> ReadJson;
}

impl PageConfig {
    /// The page settings from the script tag; `wording_url` is the loader's own `wording/`
    /// folder, used unless the tag names another. A broken reference is recorded as a problem,
    /// never thrown.
    pub fn read(tag: &impl ScriptTag, wording_url: Option<&str>) -> Self {
        let set = |name| tag.attribute(name).filter(|value| !value.trim().is_empty());
        let folder = |folder: &str| {
            let mut url = tag.absolute(folder)?;
            if !url.ends_with('/') {
                url.push('/');
            }
            Some(url)
        };
        let mut config = Self {
            preview: asks_for_preview(&tag.search()),
            wording_url: set("data-wording-url")
                .as_deref()
                .or(wording_url)
                .and_then(folder),
            structured_data: tag.attribute("data-structured-data").as_deref() == Some("on"),
            endpoint: set("data-endpoint"),
            availability_url: set("data-availability-url"),
            ..Self::default()
        };
        if let Some(selector) = set("data-stock") {
            match tag.text_of(&selector) {
                Ok(text) => config.inline_stock = Some(text),
                Err(problem) => config.problems.push(concat(&["data-stock: ", &problem])),
            }
        }
        if let Some(selector) = set("data-messages") {
            let read = |text: String| texts(&tag.json()(&text).ok_or("not valid JSON")?);
            match tag.text_of(&selector).and_then(read) {
                Ok(messages) => config.messages = messages,
                Err(problem) => config.problems.push(concat(&["data-messages: ", &problem])),
            }
        }
        config
    }
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use super::*;

    fn read(attributes: &[(&str, &str)]) -> (ElementConfig, Vec<String>) {
        ElementConfig::read(|name| {
            attributes
                .iter()
                .find(|(candidate, _)| *candidate == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn attributes_are_read_and_nonsense_is_reported_with_a_default() {
        type Attributes = &'static [(&'static str, &'static str)];
        // (attributes, sku, quantity, mode, problems)
        let table: [(Attributes, &str, u32, Mode, usize); 9] = [
            (&[], "", 1, Mode::Full, 0),
            (&[("sku", "  SCARF  ")], "SCARF", 1, Mode::Full, 0),
            (&[("sku", "A"), ("quantity", "3")], "A", 3, Mode::Full, 0),
            (&[("quantity", " 7 ")], "", 7, Mode::Full, 0),
            (&[("quantity", "0")], "", 1, Mode::Full, 1),
            (&[("quantity", "2.5")], "", 1, Mode::Full, 1),
            (&[("quantity", "1000001")], "", 1, Mode::Full, 1),
            (&[("mode", "badge")], "", 1, Mode::Badge, 0),
            (&[("mode", "tiny"), ("quantity", "x")], "", 1, Mode::Full, 2),
        ];
        for (attributes, sku, quantity, mode, problems) in table {
            let (config, found) = read(attributes);
            assert_eq!(
                (
                    config.sku.as_str(),
                    config.quantity,
                    config.mode,
                    found.len()
                ),
                (sku, quantity, mode, problems),
                "{attributes:?}: {found:?}"
            );
        }
        let (_, problems) = read(&[("quantity", "-2")]);
        assert_eq!(
            problems,
            [format!(
                "quantity \"-2\" is not a whole number from 1 to {MAX_QUANTITY}; using 1"
            )]
        );
    }

    #[test]
    fn blank_attributes_count_as_missing() {
        let (config, problems) = read(&[
            ("sku", " "),
            ("locale", ""),
            ("endpoint", "  "),
            ("quantity", " "),
            ("mode", ""),
            ("quantity-input", "#qty"),
            ("availability-url", "/stock"),
        ]);
        assert!(problems.is_empty());
        assert_eq!(
            config,
            ElementConfig {
                quantity: 1,
                quantity_input: Some("#qty".to_owned()),
                availability_url: Some("/stock".to_owned()),
                ..ElementConfig::default()
            }
        );
    }

    #[test]
    fn each_setting_says_what_must_happen_again() {
        let base = ElementConfig {
            sku: "A".to_owned(),
            quantity: 1,
            ..ElementConfig::default()
        };
        let set = |change: fn(&mut ElementConfig)| {
            let mut next = base.clone();
            change(&mut next);
            base.changes(&next)
        };
        let reload = Changes {
            reload: true,
            ..Changes::default()
        };
        type Change = fn(&mut ElementConfig);
        // (what changed, what it changes)
        let table: [(Change, Changes); 8] = [
            (|_| {}, Changes::default()),
            (|next| next.quantity = 5, Changes::default()),
            (|next| next.sku = "B".to_owned(), reload),
            (|next| next.endpoint = Some("/api".to_owned()), reload),
            (
                |next| next.availability_url = Some("/stock".to_owned()),
                reload,
            ),
            (
                |next| next.locale = Some("de".to_owned()),
                Changes {
                    relocale: true,
                    ..Changes::default()
                },
            ),
            (
                |next| next.mode = Mode::Badge,
                Changes {
                    remode: true,
                    ..Changes::default()
                },
            ),
            (
                |next| next.quantity_input = Some("#qty".to_owned()),
                Changes {
                    refollow: true,
                    ..Changes::default()
                },
            ),
        ];
        for (index, (change, expected)) in table.into_iter().enumerate() {
            assert_eq!(set(change), expected, "row {index}");
        }
    }

    #[test]
    fn quantities_are_whole_numbers_from_one() {
        for (text, quantity) in [
            ("1", Some(1)),
            (" 12 ", Some(12)),
            ("0", None),
            ("-1", None),
            ("1e2", None),
            ("", None),
            ("٣", None),
            (&*MAX_QUANTITY.to_string(), Some(MAX_QUANTITY)),
            (&*(MAX_QUANTITY + 1).to_string(), None),
        ] {
            assert_eq!(parse_quantity(text), quantity, "{text:?}");
        }
    }

    #[test]
    fn the_preview_is_asked_for_by_its_own_parameter() {
        for (search, asked) in [
            ("", false),
            ("?backorder-preview", true),
            ("?a=1&backorder-preview=1", true),
            ("?backorder-preview-not", false),
            ("?x=backorder-preview", false),
            ("backorder-preview", true),
        ] {
            assert_eq!(asks_for_preview(search), asked, "{search:?}");
        }
    }

    /// A script tag with these attributes, on a page with these elements' texts.
    /// Names and values: a tag's attributes, or selectors and the texts they name.
    type Pairs<'a> = &'a [(&'a str, &'a str)];

    struct Tag<'a>(Pairs<'a>, Pairs<'a>);

    impl ScriptTag for Tag<'_> {
        fn attribute(&self, name: &str) -> Option<String> {
            let found = self.0.iter().find(|(candidate, _)| *candidate == name);
            found.map(|(_, value)| (*value).to_owned())
        }
        fn text_of(&self, selector: &str) -> Result<String, String> {
            let found = self.1.iter().find(|(candidate, _)| *candidate == selector);
            found
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| format!("no element matches \"{selector}\""))
        }
        fn absolute(&self, folder: &str) -> Option<String> {
            Some(format!(
                "https://shop.example/{}",
                folder.trim_start_matches('/')
            ))
        }
        fn search(&self) -> String {
            "?a=1&backorder-preview".to_owned()
        }
        fn json(&self) -> ReadJson {
            crate::wire::parse_json
        }
    }

    #[test]
    fn the_script_tag_is_read_and_what_it_names_wrongly_is_a_problem_not_a_throw() {
        let page = |attributes: Pairs, elements: Pairs| {
            PageConfig::read(&Tag(attributes, elements), Some("/w/"))
        };
        let plain = page(&[], &[]);
        assert_eq!(
            plain.wording_url.as_deref(),
            Some("https://shop.example/w/")
        );
        assert!(plain.preview && !plain.structured_data && plain.problems.is_empty());
        let full = page(
            &[
                ("data-endpoint", "/api/backorders"),
                ("data-availability-url", " "),
                ("data-structured-data", "on"),
                ("data-wording-url", "texts"),
                ("data-stock", "#stock"),
                ("data-messages", "#words"),
            ],
            &[
                ("#stock", "{\"items\": []}"),
                ("#words", "{\"in_stock\": \"Ready\"}"),
            ],
        );
        assert_eq!(full.endpoint.as_deref(), Some("/api/backorders"));
        assert_eq!(full.availability_url, None, "blank is unset");
        assert!(full.structured_data);
        assert_eq!(
            full.wording_url.as_deref(),
            Some("https://shop.example/texts/")
        );
        assert_eq!(full.inline_stock.as_deref(), Some("{\"items\": []}"));
        assert_eq!(full.messages, [("in_stock".to_owned(), "Ready".to_owned())]);
        // (the attribute, what the page holds, the problem)
        let table: [(&str, Pairs, &str); 3] = [
            ("data-stock", &[], "data-stock: no element matches \"#x\""),
            (
                "data-messages",
                &[("#x", "[1]")],
                "data-messages: not a JSON object of texts",
            ),
            (
                "data-messages",
                &[("#x", "{")],
                "data-messages: not valid JSON",
            ),
        ];
        for (attribute, elements, problem) in table {
            assert_eq!(page(&[(attribute, "#x")], elements).problems, [problem]);
        }
    }
}
