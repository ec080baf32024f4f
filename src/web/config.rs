//! Configuration from the script tag (page-wide) and from each element's attributes.

use web_sys::Element;

use crate::text::concat;
use crate::widget::config::{ElementConfig, PageConfig, asks_for_preview};

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

/// Whether the page URL asks for the merchant preview.
fn page_asks_for_preview() -> bool {
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    asks_for_preview(&search)
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

/// One element's settings from its attributes (`widget::config` reads them); values that make
/// no sense are reported and replaced by defaults.
pub fn element_config(element: &Element) -> (ElementConfig, Vec<String>) {
    ElementConfig::read(|name| element.get_attribute(name))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.trim().is_empty())
}
