//! What a widget reads from its host page: the quantity field it follows, the language, and
//! the endpoint (checked before any email is sent to it).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, ShadowRoot};

use super::{State, Widget};
use crate::text::concat;
use crate::view::{Scheme, Shade};
use crate::web::Listener;
use crate::web::platform;
use crate::widget::config::parse_quantity;
use crate::widget::endpoint;

impl Widget {
    pub(super) fn endpoint(&self) -> Result<String, String> {
        self.endpoint_of(&self.state.borrow())
    }

    pub(super) fn endpoint_of(&self, state: &State) -> Result<String, String> {
        let endpoint = state
            .config
            .endpoint
            .clone()
            .or_else(|| self.page.config.endpoint.clone())
            .ok_or("no endpoint for requests: set data-endpoint on the script tag or endpoint on the element")?;
        check_endpoint(&endpoint)
    }

    /// Chooses the default palette from the colours the page shows around the element
    /// (`view::Scheme` decides); the merchant's `--backorder-*` properties still win.
    pub(super) fn refresh_scheme(&self) {
        self.dom.set_scheme(page_scheme(&self.dom.container));
    }

    /// Follows the host page's quantity field named by `quantity-input`.
    pub(super) fn follow_quantity_input(&self) {
        let selector = self.state.borrow().config.quantity_input.clone();
        self.state.borrow_mut().quantity_listeners.clear();
        let Some(selector) = selector else { return };
        let input = self
            .dom
            .document
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|input| input.dyn_into::<HtmlInputElement>().ok());
        let Some(input) = input else {
            return self.report(
                "config",
                &concat(&[
                    "quantity-input \"",
                    &selector,
                    "\" matches no input on the page",
                ]),
            );
        };
        let read = {
            let input = input.clone();
            let this = self.this.clone();
            move || {
                if let (Some(widget), Some(quantity)) =
                    (this.upgrade(), parse_quantity(&input.value()))
                {
                    widget.set_quantity(quantity);
                }
            }
        };
        if let Some(quantity) = parse_quantity(&input.value()) {
            self.state.borrow_mut().config.quantity = quantity;
        }
        let on_input = read.clone();
        let listeners = vec![
            Listener::new(&input, "input", move |_| on_input()),
            Listener::new(&input, "change", move |_| read()),
        ];
        self.state.borrow_mut().quantity_listeners = listeners;
    }
}

/// The palette for the page around `container`: the first background behind it that hides
/// what is further back (the merchant's own container background first), and the text colour
/// it inherits. An unreadable background (an image, a gradient, a colour space no reader here
/// knows) stops the walk: the text colour then decides.
fn page_scheme(container: &Element) -> Scheme {
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

/// The element's `locale`, then the nearest `lang` on the page, then the browser's language.
pub(super) fn resolve_locale(element: &Element, attribute: Option<&str>) -> String {
    if let Some(locale) = attribute {
        return locale.to_owned();
    }
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
fn check_endpoint(endpoint: &str) -> Result<String, String> {
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
