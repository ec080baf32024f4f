//! Configuration from the script tag (page-wide) and from each element's attributes.

use web_sys::Element;

use crate::domain::MAX_QUANTITY;
use crate::text::{concat, decimal};

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

impl PageConfig {
    /// Reads the script tag; `wording_url` is the loader's own `wording/` folder, used unless
    /// the tag names another. A broken reference is recorded as a problem, never thrown.
    pub fn from_script(script: Option<&Element>, wording_url: Option<String>) -> Self {
        let mut config = Self {
            preview: page_asks_for_preview(),
            wording_url: wording_url.as_deref().and_then(folder_url),
            ..Self::default()
        };
        let Some(script) = script else { return config };
        config.structured_data =
            script.get_attribute("data-structured-data").as_deref() == Some("on");
        config.endpoint = non_empty(script.get_attribute("data-endpoint"));
        config.availability_url = non_empty(script.get_attribute("data-availability-url"));
        if let Some(folder) = non_empty(script.get_attribute("data-wording-url")) {
            config.wording_url = folder_url(&folder);
        }
        if let Some(selector) = non_empty(script.get_attribute("data-stock")) {
            match text_of(&selector) {
                Ok(text) => config.inline_stock = Some(text),
                Err(problem) => config.problems.push(concat(&["data-stock: ", &problem])),
            }
        }
        if let Some(selector) = non_empty(script.get_attribute("data-messages")) {
            match text_of(&selector).and_then(|text| super::js::texts_from_json(&text)) {
                Ok(messages) => config.messages = messages,
                Err(problem) => config.problems.push(concat(&["data-messages: ", &problem])),
            }
        }
        config
    }
}

/// A folder as an absolute URL ending with `/`, relative to the page.
fn folder_url(folder: &str) -> Option<String> {
    let page = web_sys::window()?.location().href().ok()?;
    let mut url = web_sys::Url::new_with_base(folder, &page).ok()?.href();
    if !url.ends_with('/') {
        url.push('/');
    }
    Some(url)
}

/// Whether the page URL has `backorder-preview` in its query string.
fn page_asks_for_preview() -> bool {
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .any(|pair| pair.split('=').next() == Some("backorder-preview"))
}

/// The text content of the element a selector names.
fn text_of(selector: &str) -> Result<String, String> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or("no document")?;
    let element = document
        .query_selector(selector)
        .map_err(|_| concat(&["\"", selector, "\" is not a valid CSS selector"]))?
        .ok_or_else(|| concat(&["no element matches \"", selector, "\""]))?;
    Ok(element.text_content().unwrap_or_default())
}

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
    /// Reads the attributes. Values that make no sense are reported and replaced by defaults
    /// so the widget still shows something useful.
    pub fn from_attributes(element: &Element) -> (Self, Vec<String>) {
        let attribute = |name: &str| non_empty(element.get_attribute(name));
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

/// A quantity typed by a shopper or a merchant: a whole number from 1 up.
pub fn parse_quantity(text: &str) -> Option<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|quantity| (1..=MAX_QUANTITY).contains(quantity))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.trim().is_empty())
}
