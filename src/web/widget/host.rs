//! What a widget reads from its host page: the quantity field it follows, the language, the
//! colours around it, and the endpoint resolved against the page.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, ShadowRoot};

use super::super::platform;
use crate::text::concat;
use crate::view::scheme::{Scheme, Shade};
use crate::widget::endpoint;

/// The host page's input matching `selector`, if it is one.
pub(super) fn quantity_input(document: &Document, selector: &str) -> Option<HtmlInputElement> {
    let input = document.query_selector(selector).ok().flatten()?;
    input.dyn_into::<HtmlInputElement>().ok()
}

/// The palette for the page around `container`: the first background behind it that hides
/// what is further back (the merchant's own container background first), and the text colour
/// it inherits. An unreadable background (an image, a gradient, a colour space no reader here
/// knows) stops the walk: the text colour then decides.
pub(super) fn page_scheme(container: &Element) -> Scheme {
    let Some(window) = web_sys::window() else {
        return Scheme::Light;
    };
    let property = |element: &Element, name: &str| {
        let style = window.get_computed_style(element).ok().flatten()?;
        style.get_property_value(name).ok()
    };
    let text = property(container, "color").and_then(|text| Shade::parse(&text));
    let mut background = None;
    let mut current = Some(container.clone());
    // A page is rarely more than a few dozen elements deep; the bound only guards a loop.
    for _ in 0..256 {
        let Some(element) = current else { break };
        let colour = property(&element, "background-color").unwrap_or_default();
        match Shade::parse(&colour) {
            Some(shade) if shade.is_opaque() => {
                background = Some(shade);
                break;
            }
            Some(_) => {
                let image = property(&element, "background-image").unwrap_or_default();
                if !image.is_empty() && image != "none" {
                    break;
                }
            }
            None => break,
        }
        // Up to the parent, or out of a shadow root to its host.
        current = element.parent_element().or_else(|| {
            let root = element.get_root_node().dyn_into::<ShadowRoot>().ok()?;
            Some(root.host())
        });
    }
    Scheme::for_page(background, text)
}

/// The language the page speaks around `element`: the nearest `lang`, then the browser's (an
/// element's own `locale` wins over both, as the model decides).
pub(super) fn host_locale(element: &Element) -> String {
    let lang = element
        .closest("[lang]")
        .ok()
        .flatten()
        .and_then(|holder| holder.get_attribute("lang"));
    if let Some(lang) = lang.filter(|lang| !lang.trim().is_empty()) {
        return lang;
    }
    web_sys::window()
        .and_then(|window| window.navigator().language())
        .unwrap_or_else(|| "en".to_owned())
}

/// The endpoint resolved against the page, if `widget::endpoint` lets shoppers' emails go there.
pub(super) fn check_endpoint(endpoint: &str) -> Result<String, String> {
    let Some(location) = web_sys::window().map(|window| window.location()) else {
        return Ok(endpoint.to_owned());
    };
    let base = location.href().unwrap_or_default();
    let url = web_sys::Url::new_with_base(endpoint, &base)
        .map_err(|_| concat(&["endpoint \"", endpoint, "\" is not a valid URL"]))?;
    endpoint::check_endpoint(
        endpoint,
        &url.protocol(),
        url.href(),
        platform::page_is_local(),
    )
}
