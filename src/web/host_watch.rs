//! Hears when the host page changes how it looks or which language it speaks: the system's
//! light or dark setting, and the attributes of `<html>` and `<body>` (a theme class, a `style`,
//! `lang`), where shops switch both. The page then lets every widget look again.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, Event, MutationObserver, MutationObserverInit};

use super::Listener;

/// Watches until dropped.
#[derive(Debug)]
pub struct HostWatch {
    observer: MutationObserver,
    /// Called with the mutation records, which are not read: one closure type serves every
    /// callback the widget hands the browser (see `web::Listener`).
    _callback: Closure<dyn FnMut(Event)>,
    _system_scheme: Option<Listener>,
}

impl HostWatch {
    /// Calls `changed` after each change; `None` where the browser offers no way to watch.
    pub fn new(changed: impl Fn() + 'static) -> Option<Self> {
        let changed: Rc<dyn Fn()> = Rc::new(changed);
        let window = web_sys::window()?;
        let document = window.document()?;
        let on_mutation = changed.clone();
        let callback = Closure::wrap(Box::new(move |_| on_mutation()) as Box<dyn FnMut(Event)>);
        let observer = MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        let options = MutationObserverInit::new();
        // Where shops switch themes and languages; not every attribute (a scroll lock's
        // `style` still counts: it is rare, and the widgets then only look again).
        let filter = js_sys::Array::of5(
            &"class".into(),
            &"style".into(),
            &"lang".into(),
            &"data-theme".into(),
            &"data-bs-theme".into(),
        );
        options.set_attribute_filter(&filter);
        let body = document.body().map(Element::from);
        for target in [document.document_element(), body].into_iter().flatten() {
            let _ = observer.observe_with_options(&target, &options);
        }
        let system_scheme = window
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .map(|query| Listener::new(&query, "change", move |_| changed()));
        Some(Self {
            observer,
            _callback: callback,
            _system_scheme: system_scheme,
        })
    }
}

impl Drop for HostWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
