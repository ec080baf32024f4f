//! Registers `<backorder-status>` and connects its lifecycle to [`Widget`].

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::config::element_config;
use super::{Page, Widget, platform};
use crate::widget::FORMS;

#[wasm_bindgen(module = "/www/element.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineBackorderStatus)]
    fn define_backorder_status(
        connected: &Closure<dyn Fn(HtmlElement)>,
        disconnected: &Closure<dyn Fn(HtmlElement)>,
        changed: &Closure<dyn Fn(HtmlElement, String)>,
        badges_only: bool,
    ) -> bool;
}

/// Defines the custom element (once per page; a second build of the page joins the first's
/// definition); existing elements upgrade at once.
pub fn define_element() {
    let connected = Closure::<dyn Fn(HtmlElement)>::new(|element: HtmlElement| {
        let page = Page::current();
        if page.widget_for(&element).is_some() {
            return;
        }
        let (config, problems) = element_config(&element);
        match Widget::mount(element.clone(), config, problems, page.clone()) {
            Ok(widget) => page.register(element.into(), widget),
            Err(_) => platform::console_error("could not attach a shadow root to the element"),
        }
    });
    let disconnected = Closure::<dyn Fn(HtmlElement)>::new(|element: HtmlElement| {
        // The widget leaves its page's registry as it is destroyed.
        if let Some(widget) = Page::current().widget_for(&element) {
            widget.destroy();
        }
    });
    let changed =
        Closure::<dyn Fn(HtmlElement, String)>::new(|element: HtmlElement, name: String| {
            if let Some(widget) = Page::current().widget_for(&element) {
                widget.attribute_changed(name, element_config(&element));
            }
        });
    define_backorder_status(&connected, &disconnected, &changed, !FORMS);
    // The element definition lives as long as the page, so its callbacks do too.
    connected.forget();
    disconnected.forget();
    changed.forget();
}
