//! DOM event listeners that are removed when dropped.
//!
//! gloo-events does the same, but instantiates its options and closure code at every call site
//! and registers listeners as passive unless asked otherwise. Here every listener shares one
//! closure type, and none is passive, so a handler may call `preventDefault`.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, EventTarget};

/// Listens to `kind` events on `target` until dropped.
#[derive(Debug)]
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        callback: impl FnMut(Event) + 'static,
    ) -> Self {
        Self::boxed(target, kind, Box::new(callback))
    }

    fn boxed(target: &EventTarget, kind: &'static str, callback: Box<dyn FnMut(Event)>) -> Self {
        let callback = Closure::wrap(callback);
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        Self {
            target: target.clone(),
            kind,
            callback,
        }
    }

    /// Keeps listening for the page's whole life: the callback is never removed or freed.
    pub fn forever(self) {
        std::mem::forget(self);
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use web_sys::{Event, EventInit, EventTarget};

    use super::Listener;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn a_listener_hears_until_dropped_and_may_prevent_the_default() {
        let target = EventTarget::new().expect("target");
        let heard = Rc::new(Cell::new(0));
        let count = heard.clone();
        let listener = Listener::new(&target, "submit", move |event| {
            count.set(count.get() + 1);
            event.prevent_default();
        });
        let init = EventInit::new();
        init.set_cancelable(true);
        let event = Event::new_with_event_init_dict("submit", &init).expect("event");
        let allowed = target.dispatch_event(&event).expect("dispatch");
        assert_eq!(heard.get(), 1);
        assert!(!allowed && event.default_prevented(), "not passive");
        drop(listener);
        let event = Event::new("submit").expect("event");
        target.dispatch_event(&event).expect("dispatch");
        assert_eq!(heard.get(), 1, "removed when dropped");
    }
}
