use std::rc::Rc;

use backorder_widget::web::{MemoryStore, OutboxStore, Page, TransportError};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlButtonElement;

use crate::support::*;

#[wasm_bindgen_test]
async fn failed_deliveries_are_kept_and_retried_with_the_same_key() {
    let recorder = Rc::new(Recorder::default());
    recorder
        .answers
        .borrow_mut()
        .push_back(Err(TransportError::Network("offline".to_owned())));
    recorder.answer(503, "");
    let store = Rc::new(MemoryStore::default());
    let page = inline_page_with(services_with_store(&recorder, store.clone()));
    let widget = mount(&page, "BACK", 1);
    let queued = count_events(widget.element(), "backorder:queued");
    let submitted = count_events(widget.element(), "backorder:submitted");
    fill_and_submit(&widget);
    settle().await;
    assert_eq!(
        text(&widget, ".queued"),
        "Saved. It will be sent as soon as the shop can be reached."
    );
    // The message sits right under the status, with no empty line around it.
    let line = find(&widget, ".queued p").expect("the message");
    let style = web_sys::window()
        .expect("window")
        .get_computed_style(&line)
        .expect("style")
        .expect("computed");
    for side in ["margin-top", "margin-bottom"] {
        assert_eq!(style.get_property_value(side).expect(side), "0px", "{side}");
    }
    assert_eq!(
        store.load().pending.len(),
        1,
        "kept in the outbox until answered for good"
    );
    assert_eq!(
        recorder.requests.borrow().len(),
        1,
        "nothing again before the backoff"
    );
    // The test's backoff waits 30 ms, then 60 ms: each `advance` lets one attempt go and be
    // answered.
    advance(&recorder.clock, 200).await;
    advance(&recorder.clock, 200).await;

    let requests = recorder.requests.borrow();
    assert_eq!(requests.len(), 3, "network error, 503, then accepted");
    let key = header(&requests[0], "Idempotency-Key").expect("key");
    assert!(
        requests
            .iter()
            .all(|request| header(request, "Idempotency-Key") == Some(key)),
        "one key for every attempt"
    );
    assert!(
        requests
            .iter()
            .all(|request| request.body == requests[0].body),
        "the same body every time"
    );
    assert_eq!(*queued.borrow(), 1, "backorder:queued once");
    assert_eq!(*submitted.borrow(), 1);
    assert!(
        text(&widget, ".confirmation").starts_with("You're #5 in line for 1 unit."),
        "{}",
        text(&widget, ".confirmation")
    );
    let outbox = store.load();
    assert!(outbox.pending.is_empty());
    assert_eq!(
        outbox
            .reservation("BACK")
            .map(|reservation| reservation.id.as_str()),
        Some("bo_1")
    );
}

#[wasm_bindgen_test]
async fn a_reload_delivers_what_an_earlier_visit_left_behind() {
    let store = Rc::new(MemoryStore::default());
    leave_a_request_behind(&store).await;
    let config = inline_config;
    let key = store
        .load()
        .pending
        .first()
        .map(|pending| pending.key.clone())
        .expect("saved before sending");

    // The next page load: a new page, the same storage, the network back.
    let online = Rc::new(Recorder::default());
    let second_visit = Page::new(config(), services_with_store(&online, store.clone()));
    let widget = mount(&second_visit, "BACK", 1);
    assert_eq!(
        text(&widget, ".queued"),
        "Saved. It will be sent as soon as the shop can be reached.",
        "the shopper sees it is pending"
    );
    second_visit.resume_deliveries();
    settle().await;
    // Long past every backoff: a second attempt, had one been scheduled, would be here.
    advance(&online.clock, 1_000).await;
    let delivered = online.requests.borrow();
    assert_eq!(delivered.len(), 1, "delivered once");
    assert_eq!(header(&delivered[0], "Idempotency-Key"), Some(key.as_str()));
    assert!(
        text(&widget, ".confirmation").contains("in line"),
        "{}",
        text(&widget, ".confirmation")
    );
    assert!(store.load().pending.is_empty());
}

#[wasm_bindgen_test]
async fn a_returning_shopper_sees_the_reservation_and_can_cancel_it() {
    let recorder = Rc::new(Recorder::default());
    let store = Rc::new(MemoryStore::default());
    store.save(&backorder_widget::outbox::Outbox {
        pending: Vec::new(),
        reservations: vec![backorder_widget::outbox::Reservation {
            sku: "BACK".to_owned(),
            kind: backorder_widget::domain::RequestKind::Backorder,
            id: "bo_9".to_owned(),
            quantity: 2,
            queue_position: Some(4),
            units_ahead: Some(9),
            expected_date: Some("2026-12-22".to_owned()),
            cancel_token: Some("secret-token".to_owned()),
            notifies: false,
            endpoint: "http://127.0.0.1:1/api/backorders".to_owned(),
            confirmed_ms: js_sys::Date::now() as u64,
        }],
    });
    let page = inline_page_with(services_with_store(&recorder, store.clone()));
    let widget = mount(&page, "BACK", 1);
    assert_eq!(
        text(&widget, ".confirmation p"),
        "2 units reserved.",
        "a reservation, not an empty form"
    );
    assert!(
        text(&widget, ".confirmation").contains("9 units are reserved ahead of you."),
        "everyone ahead counts, not only this endpoint's requests"
    );
    assert!(text(&widget, ".confirmation").contains("Ships by Tuesday, December 22."));
    assert!(find(&widget, "form").is_none());
    let cancel: HtmlButtonElement = find(&widget, "button[part=cancel]")
        .expect("cancel button")
        .unchecked_into();
    cancel.click();
    settle().await;
    assert!(
        !recorder
            .requests
            .borrow()
            .iter()
            .any(|request| request.method == "DELETE"),
        "one click only asks to confirm"
    );
    assert_eq!(cancel.text_content().as_deref(), Some("Yes, cancel it"));
    cancel.click();
    settle().await;
    let requests = recorder.requests.borrow();
    assert_eq!(requests[0].method, "GET", "the current status, asked once");
    let deletes: Vec<_> = requests
        .iter()
        .filter(|request| request.method == "DELETE")
        .collect();
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].url, "http://127.0.0.1:1/api/backorders/bo_9");
    assert_eq!(
        header(deletes[0], "Authorization"),
        Some("Bearer secret-token")
    );
    assert!(
        store.load().reservation("BACK").is_none(),
        "forgotten once cancelled"
    );
    assert_eq!(text(&widget, ".notice"), "Your reservation is cancelled.");
    // The cancel button had the focus and is gone: the message takes it, not <body>.
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let focused = widget
        .element()
        .shadow_root()
        .and_then(|root| root.active_element());
    assert_eq!(
        document.active_element().as_ref(),
        Some(widget.element().as_ref()),
        "the focus stays in the widget"
    );
    assert_eq!(
        focused
            .and_then(|element| element.text_content())
            .as_deref(),
        Some("Your reservation is cancelled.")
    );
}
