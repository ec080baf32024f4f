//! The DOM events a widget dispatches: bubbling and composed, so the host page can listen on
//! the element or anywhere above it, even through shadow roots.

use serde::Serialize;
use web_sys::{CustomEvent, CustomEventInit, Element};

/// `backorder:status`: the state a shopper now sees.
#[derive(Debug, Serialize)]
pub struct StatusDetail<'a> {
    pub sku: &'a str,
    pub state: &'a str,
    pub quantity: u32,
    pub max_quantity: u32,
    pub expected_date: Option<String>,
    pub release_date: Option<String>,
    /// The full schema.org availability URL.
    pub schema_org: String,
    pub availability_starts: Option<String>,
    pub google_availability: &'a str,
    pub text: String,
}

/// `backorder:submitted`: the endpoint accepted a request.
#[derive(Debug, Serialize)]
pub struct SubmittedDetail<'a> {
    pub sku: &'a str,
    pub kind: &'a str,
    pub id: String,
    pub queue_position: Option<u32>,
    pub expected_date: Option<String>,
}

/// `backorder:queued`: the request is saved and will be sent later.
#[derive(Debug, Serialize)]
pub struct QueuedDetail<'a> {
    pub sku: &'a str,
    pub kind: &'a str,
    pub attempts: u32,
    pub reason: &'a str,
}

/// `backorder:error`: something the merchant should know about.
#[derive(Debug, Serialize)]
pub struct ErrorDetail<'a> {
    pub sku: &'a str,
    pub code: &'a str,
    pub message: &'a str,
}

/// Dispatches `name` with `detail` on `element`. A failure to build the event is ignored: an
/// event is a courtesy to the host page and must never break the widget.
pub fn dispatch(element: &Element, name: &str, detail: &impl Serialize) {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let Ok(detail) = detail.serialize(&serializer) else {
        return;
    };
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = element.dispatch_event(&event);
    }
}
