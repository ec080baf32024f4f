//! Configuration from the script tag (page-wide) and from each element's attributes, read
//! from the DOM; `widget::config` decides what they mean.

use web_sys::Element;

use super::js::json_tree;
use crate::text::concat;
use crate::widget::config::{ElementConfig, PageConfig, ScriptTag};
use crate::wire::ReadJson;

/// The loader's `<script>` tag (none when another module imports the widget) on this page.
struct Script<'a>(Option<&'a Element>);

impl ScriptTag for Script<'_> {
    fn attribute(&self, name: &str) -> Option<String> {
        self.0?.get_attribute(name)
    }

    fn text_of(&self, selector: &str) -> Result<String, String> {
        let document = web_sys::window()
            .and_then(|window| window.document())
            .ok_or("no document")?;
        let element = document
            .query_selector(selector)
            .map_err(|_| concat(&["\"", selector, "\" is not a valid CSS selector"]))?
            .ok_or_else(|| concat(&["no element matches \"", selector, "\""]))?;
        Ok(element.text_content().unwrap_or_default())
    }

    fn absolute(&self, folder: &str) -> Option<String> {
        let page = web_sys::window()?.location().href().ok()?;
        Some(web_sys::Url::new_with_base(folder, &page).ok()?.href())
    }

    fn search(&self) -> String {
        web_sys::window()
            .and_then(|window| window.location().search().ok())
            .unwrap_or_default()
    }

    fn json(&self) -> ReadJson {
        json_tree
    }
}

/// The page settings from the script tag and the loader's own `wording/` folder.
pub fn page_config(script: Option<&Element>, wording_url: Option<String>) -> PageConfig {
    PageConfig::read(&Script(script), wording_url.as_deref())
}

/// One element's settings from its attributes (`widget::config` reads them); values that make
/// no sense are reported and replaced by defaults.
pub fn element_config(element: &Element) -> (ElementConfig, Vec<String>) {
    ElementConfig::read(|name| element.get_attribute(name))
}
