//! The DOM events a widget dispatches: bubbling and composed, so the host page can listen on
//! the element or anywhere above it, even through shadow roots.

use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, Element};

use super::js::Builder;
use super::platform;
use crate::widget::model::Event;
use crate::widget::status::StatusDetail;

/// Dispatches one of the model's events on `element`, under its `backorder:` name; an error is
/// written to the console too.
pub fn dispatch_event(element: &Element, event: &Event) {
    let (name, detail) = match event {
        Event::Status(detail) => ("backorder:status", status_js(detail)),
        Event::Submitted {
            sku,
            kind,
            id,
            queue_position,
            expected_date,
        } => (
            "backorder:submitted",
            Builder::new()
                .set("sku", sku.as_str())
                .set("kind", kind.as_str())
                .set("id", id.as_str())
                .nullable("queue_position", *queue_position)
                .nullable("expected_date", expected_date.as_deref())
                .build(),
        ),
        Event::Queued {
            sku,
            kind,
            attempts,
            reason,
        } => (
            "backorder:queued",
            Builder::new()
                .set("sku", sku.as_str())
                .set("kind", kind.as_str())
                .set("attempts", *attempts)
                .set("reason", reason.as_str())
                .build(),
        ),
        Event::Error { sku, code, message } => {
            platform::console_error(message);
            (
                "backorder:error",
                Builder::new()
                    .set("sku", sku.as_str())
                    .set("code", *code)
                    .set("message", message.as_str())
                    .build(),
            )
        }
    };
    dispatch(element, name, &detail);
}

/// `backorder:status`'s detail (`widget::status` decides what it says).
fn status_js(detail: &StatusDetail) -> JsValue {
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

/// Dispatches `name` with `detail` on `element`. A failure to build the event is ignored: an
/// event is a courtesy to the host page and must never break the widget.
fn dispatch(element: &Element, name: &str, detail: &JsValue) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = element.dispatch_event(&event);
    }
}
