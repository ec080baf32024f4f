//! The DOM events a widget dispatches: bubbling and composed, so the host page can listen on
//! the element or anywhere above it, even through shadow roots.

use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, Element};

use super::js::Builder;
use crate::widget::status::StatusDetail;

/// `backorder:status`'s detail (`widget::status` decides what it says).
pub fn status_js(detail: &StatusDetail) -> JsValue {
    Builder::new()
        .set("sku", detail.sku.as_str())
        .set("state", detail.state)
        .set("quantity", detail.quantity)
        .set("max_quantity", detail.max_quantity)
        .nullable("expected_date", detail.expected_date.as_deref())
        .nullable("release_date", detail.release_date.as_deref())
        .set("schema_org", detail.schema_org.as_str())
        .nullable("availability_starts", detail.availability_starts.as_deref())
        .set("google_availability", detail.google_availability)
        .set("text", detail.text.as_str())
        .build()
}

/// `backorder:submitted`: the endpoint accepted a request.
#[derive(Debug)]
pub struct SubmittedDetail<'a> {
    pub sku: &'a str,
    pub kind: &'a str,
    pub id: String,
    pub queue_position: Option<u32>,
    pub expected_date: Option<String>,
}

impl SubmittedDetail<'_> {
    pub fn to_js(&self) -> JsValue {
        Builder::new()
            .set("sku", self.sku)
            .set("kind", self.kind)
            .set("id", self.id.as_str())
            .nullable("queue_position", self.queue_position)
            .nullable("expected_date", self.expected_date.as_deref())
            .build()
    }
}

/// `backorder:queued`: the request is saved and will be sent later.
#[derive(Debug)]
pub struct QueuedDetail<'a> {
    pub sku: &'a str,
    pub kind: &'a str,
    pub attempts: u32,
    pub reason: &'a str,
}

impl QueuedDetail<'_> {
    pub fn to_js(&self) -> JsValue {
        Builder::new()
            .set("sku", self.sku)
            .set("kind", self.kind)
            .set("attempts", self.attempts)
            .set("reason", self.reason)
            .build()
    }
}

/// `backorder:error`: something the merchant should know about.
#[derive(Debug)]
pub struct ErrorDetail<'a> {
    pub sku: &'a str,
    pub code: &'a str,
    pub message: &'a str,
}

impl ErrorDetail<'_> {
    pub fn to_js(&self) -> JsValue {
        Builder::new()
            .set("sku", self.sku)
            .set("code", self.code)
            .set("message", self.message)
            .build()
    }
}

/// Dispatches `name` with `detail` on `element`. A failure to build the event is ignored: an
/// event is a courtesy to the host page and must never break the widget.
pub fn dispatch(element: &Element, name: &str, detail: &JsValue) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = element.dispatch_event(&event);
    }
}
