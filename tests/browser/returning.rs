//! Not only what the browser stored: a delay beside the date it was, with keep and cancel; "ready
//! to ship"; and what ended it. Keep and cancel go through the outbox, so an offline click is not
//! lost.

use std::rc::Rc;

use backorder_widget::outbox::{Outbox, Reservation};
use backorder_widget::web::{MemoryStore, OutboxStore, TransportError, Widget};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlButtonElement;

use crate::support::*;

fn remembered() -> Rc<MemoryStore> {
    let store = Rc::new(MemoryStore::default());
    store.save(&Outbox {
        pending: Vec::new(),
        reservations: vec![Reservation {
            sku: "BACK".to_owned(),
            kind: backorder_widget::domain::RequestKind::Backorder,
            id: "bo_9".to_owned(),
            quantity: 2,
            queue_position: Some(4),
            units_ahead: Some(9),
            expected_date: Some("2026-12-15".to_owned()),
            cancel_token: Some("secret-token".to_owned()),
            notifies: false,
            endpoint: "/api/backorders".to_owned(),
            // Long ago: a reservation is remembered until it ships or is cancelled.
            confirmed_ms: 0,
        }],
    });
    store
}

fn returning(recorder: &Rc<Recorder>, store: &Rc<MemoryStore>) -> Rc<Widget> {
    mount(
        &inline_page_with(services_with_store(recorder, store.clone())),
        "BACK",
        1,
    )
}

fn button(widget: &Widget, part: &str) -> HtmlButtonElement {
    find(widget, &format!("button[part={part}]"))
        .unwrap_or_else(|| panic!("a {part} button"))
        .unchecked_into()
}

const DELAYED: &str = r#"{"id": "bo_9", "kind": "backorder", "sku": "BACK", "status": "delayed",
    "quantity": 2, "allocated": 1, "queue_position": 2, "units_ahead": 5,
    "stated_date": "2026-12-15", "current_date": "2026-12-29", "needs_consent": false,
    "consent_by": null, "history": []}"#;

#[wasm_bindgen_test]
async fn a_delay_is_shown_beside_the_old_date_and_kept_with_one_click() {
    let recorder = Rc::new(Recorder::default());
    recorder.answer(200, DELAYED);
    let store = remembered();
    let widget = returning(&recorder, &store);
    settle().await;
    let shown = text(&widget, ".confirmation");
    assert!(
        shown.contains("Now ships by Tuesday, December 29 (was Tuesday, December 15)."),
        "{shown}"
    );
    assert!(
        shown.contains("5 units are reserved ahead of you."),
        "the current place: {shown}"
    );
    assert!(shown.contains("1 of them is set aside for you."), "{shown}");
    {
        let requests = recorder.requests.borrow();
        assert_eq!(requests[0].method, "GET");
        assert_eq!(requests[0].url, "/api/backorders/bo_9");
        assert_eq!(
            header(&requests[0], "Authorization"),
            Some("Bearer secret-token")
        );
    }
    recorder.answer(
        200,
        r#"{"id": "bo_9", "status": "delayed", "needs_consent": false}"#,
    );
    recorder.answer(200, DELAYED);
    button(&widget, "keep").click();
    settle().await;
    let requests = recorder.requests.borrow();
    let consent = requests
        .iter()
        .find(|request| request.url.ends_with("/consent"))
        .expect("a consent request");
    assert_eq!(consent.method, "POST");
    assert_eq!(text(&widget, ".notice"), "Thank you: it stays reserved.");
}

#[wasm_bindgen_test]
async fn ready_and_shipped_and_an_endpoint_that_cannot_say() {
    let recorder = Rc::new(Recorder::default());
    recorder.answer(
        200,
        r#"{"id": "bo_9", "kind": "backorder", "sku": "BACK", "status": "ready",
            "quantity": 2, "allocated": 2, "needs_consent": false}"#,
    );
    let store = remembered();
    let widget = returning(&recorder, &store);
    settle().await;
    assert!(
        text(&widget, ".confirmation").starts_with("Ready to ship: your 2 units are set aside.")
    );
    assert!(find(&widget, "button[part=keep]").is_none());

    // Offline: what was stored, and that it could not be checked.
    let offline = Rc::new(Recorder::default());
    offline
        .answers
        .borrow_mut()
        .push_back(Err(TransportError::Network("offline".to_owned())));
    let widget = returning(&offline, &store);
    settle().await;
    let shown = text(&widget, ".confirmation");
    assert!(shown.starts_with("2 units reserved."), "{shown}");
    assert!(
        shown.contains("Could not check the current status"),
        "{shown}"
    );

    // Shipped: said once, then forgotten.
    let shipped = Rc::new(Recorder::default());
    shipped.answer(
        200,
        r#"{"id": "bo_9", "kind": "backorder", "sku": "BACK", "status": "shipped",
            "quantity": 2, "allocated": 2, "needs_consent": false}"#,
    );
    let widget = returning(&shipped, &store);
    settle().await;
    assert_eq!(text(&widget, ".notice"), "It has shipped.");
    assert!(store.load().reservation("BACK").is_none());
    assert!(
        find(&widget, "form").is_some(),
        "the form for a new request"
    );
}

#[wasm_bindgen_test]
async fn a_keep_too_late_shows_what_ended_it_and_a_request_the_endpoint_lost_is_forgotten() {
    let recorder = Rc::new(Recorder::default());
    recorder.answer(
        200,
        r#"{"id": "bo_9", "kind": "backorder", "sku": "BACK", "status": "delayed",
            "quantity": 2, "allocated": 0, "stated_date": "2026-12-15", "current_date": null,
            "needs_consent": true, "consent_by": "2027-01-14", "history": []}"#,
    );
    let store = remembered();
    let widget = returning(&recorder, &store);
    settle().await;
    // The yes arrives after the deadline: the endpoint answers 410, then says why.
    recorder.answer(
        410,
        r#"{"error": "cancelled", "message": "the request was cancelled"}"#,
    );
    recorder.answer(
        200,
        r#"{"id": "bo_9", "kind": "backorder", "sku": "BACK", "status": "cancelled",
            "quantity": 2, "allocated": 0, "needs_consent": false,
            "cancelled_by": "no_consent", "refund_due": "2027-01-26", "history": []}"#,
    );
    button(&widget, "keep").click();
    eventually(50, || !text(&widget, ".notice").is_empty()).await;
    let notice = text(&widget, ".notice");
    assert!(
        notice.starts_with("It was cancelled: the delivery was late"),
        "{notice}"
    );
    assert!(!notice.contains("stays reserved"), "{notice}");
    assert!(store.load().reservation("BACK").is_none());

    // A 404 that is not the endpoint's own answer (a wrong URL) forgets nothing.
    let misrouted = Rc::new(Recorder::default());
    misrouted.answer(
        404,
        r#"{"error": "not_found", "message": "no such API endpoint"}"#,
    );
    let store = remembered();
    let widget = returning(&misrouted, &store);
    settle().await;
    assert!(store.load().reservation("BACK").is_some());
    let shown = text(&widget, ".confirmation");
    assert!(
        shown.contains("Could not check the current status"),
        "{shown}"
    );

    // The endpoint no longer knows the request: the browser forgets it, the form is back.
    let lost = Rc::new(Recorder::default());
    lost.answer(
        404,
        r#"{"error": "unknown_request", "message": "no request with this id and cancel token"}"#,
    );
    let store = remembered();
    let widget = returning(&lost, &store);
    settle().await;
    assert_eq!(
        text(&widget, ".notice"),
        "The shop no longer has this reservation. You can reserve again below."
    );
    assert!(store.load().reservation("BACK").is_none());
    assert!(find(&widget, "form").is_some());
}
