use std::cell::RefCell;
use std::rc::Rc;

use backorder_widget::web::{Page, Services};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_test::*;

use crate::support::*;

#[wasm_bindgen_test]
async fn invalid_input_is_blocked_with_field_errors_and_nothing_is_sent() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let widget = mount(&page, "BACK", 1);
    input(&widget, "email").set_value("ana@");
    input(&widget, "quantity").set_value("0");
    submit(&widget);
    settle().await;
    assert!(recorder.requests.borrow().is_empty(), "nothing is sent");
    assert_eq!(
        text(&widget, "#email-error"),
        "Enter an email address such as name@example.com."
    );
    assert_eq!(text(&widget, "#consent-error"), "Tick the box to agree.");
    assert!(!text(&widget, "#quantity-error").is_empty());
    assert_eq!(
        input(&widget, "email")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        input(&widget, "email")
            .get_attribute("aria-describedby")
            .as_deref(),
        Some("email-error")
    );
    let focused = widget
        .element()
        .shadow_root()
        .expect("root")
        .active_element()
        .expect("focus moved");
    assert_eq!(
        focused.get_attribute("name").as_deref(),
        Some("email"),
        "focus moves to the first error"
    );

    // More than can be promised: 11 of the 11 free units is fine, 12 is not.
    input(&widget, "email").set_value("ana@example.com");
    input(&widget, "consent").set_checked(true);
    input(&widget, "quantity").set_value("12");
    submit(&widget);
    settle().await;
    assert!(recorder.requests.borrow().is_empty());
    assert_eq!(
        text(&widget, "#quantity-error"),
        "Only 11 can still be reserved."
    );
}

#[wasm_bindgen_test]
async fn one_submission_sends_exactly_one_request() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let widget = mount(&page, "BACK", 1);
    let submitted = Rc::new(RefCell::new(None::<JsValue>));
    let seen = submitted.clone();
    let listener =
        Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            *seen.borrow_mut() = Some(event.detail());
        });
    widget
        .element()
        .add_event_listener_with_callback("backorder:submitted", listener.as_ref().unchecked_ref())
        .expect("listen");
    assert_eq!(
        text(&widget, "[part=payment]"),
        "You pay only when it ships.",
        "the shop's payment terms, next to the form"
    );
    input(&widget, "email").set_value(" ana@example.com ");
    input(&widget, "name").set_value("Ana");
    input(&widget, "quantity").set_value("2");
    input(&widget, "consent").set_checked(true);
    submit(&widget);
    submit(&widget);
    settle().await;
    // Long past every backoff: a second attempt, had one been scheduled, would be here.
    advance(&recorder.clock, 1_000).await;

    let requests = recorder.requests.borrow();
    assert_eq!(requests.len(), 1, "a double click sends once");
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert!(request.url.ends_with("/api/backorders"), "{}", request.url);
    let body = js_sys::JSON::parse(request.body.as_deref().expect("body")).expect("JSON body");
    let field = |name: &str| js_sys::Reflect::get(&body, &name.into()).expect("field");
    let key = field("idempotency_key").as_string().expect("key");
    assert!(
        request.headers.contains(&("Idempotency-Key", key.clone())),
        "header carries the body's key"
    );
    assert!(
        request
            .headers
            .contains(&("Content-Type", "application/json".to_owned()))
    );
    assert_eq!(field("kind").as_string().as_deref(), Some("backorder"));
    assert_eq!(field("sku").as_string().as_deref(), Some("BACK"));
    assert_eq!(field("quantity").as_f64(), Some(2.0));
    assert_eq!(
        field("email").as_string().as_deref(),
        Some("ana@example.com")
    );
    assert_eq!(field("name").as_string().as_deref(), Some("Ana"));
    assert_eq!(
        field("expected_date").as_string().as_deref(),
        Some("2026-12-22")
    );
    assert_eq!(field("locale").as_string().as_deref(), Some("en-US"));
    let consent = field("consent");
    assert_eq!(
        js_sys::Reflect::get(&consent, &"given".into())
            .expect("given")
            .as_bool(),
        Some(true)
    );
    assert_eq!(
        js_sys::Reflect::get(&consent, &"text".into())
            .expect("text")
            .as_string()
            .as_deref(),
        Some("The shop may email me about this reservation.")
    );
    assert_eq!(
        field("created_at").as_string().as_deref(),
        Some("2026-11-27T09:00:00Z"),
        "the time of the services' clock, in whole seconds"
    );
    assert!(
        key.starts_with("test-key-"),
        "the key from the services' generator: {key}"
    );

    let confirmation = text(&widget, ".confirmation");
    assert!(
        confirmation.contains("You're #5 in line for 2 units."),
        "{confirmation}"
    );
    assert!(
        confirmation.contains("Ships by Tuesday, December 22."),
        "{confirmation}"
    );
    assert!(
        confirmation.contains("You can cancel here, in this browser, until it ships."),
        "the confirmation says where cancelling works: {confirmation}"
    );
    assert!(
        !confirmation.contains("email"),
        "the endpoint did not say it emails, so nothing promises an email: {confirmation}"
    );
    assert!(find(&widget, "button[part=cancel]").is_some());
    assert!(
        find(&widget, "form").is_none(),
        "the form gives way to the confirmation"
    );
    let detail = submitted
        .borrow()
        .clone()
        .expect("backorder:submitted fired");
    assert_eq!(
        js_sys::Reflect::get(&detail, &"queue_position".into())
            .expect("position")
            .as_f64(),
        Some(5.0)
    );
}

#[wasm_bindgen_test]
async fn endpoint_field_errors_are_shown_next_to_their_fields() {
    let recorder = Rc::new(Recorder::default());
    recorder.answer(
        422,
        r#"{"errors": [{"field": "email", "code": "invalid_email", "message": "bad"}]}"#,
    );
    let page = inline_page(&recorder);
    let widget = mount(&page, "PRE", 1);
    input(&widget, "email").set_value("ana@example.com");
    input(&widget, "consent").set_checked(true);
    submit(&widget);
    settle().await;
    assert_eq!(recorder.requests.borrow().len(), 1);
    assert_eq!(
        text(&widget, "#email-error"),
        "Enter an email address such as name@example.com."
    );
    assert!(
        find(&widget, "form").is_some(),
        "the shopper can correct and resend"
    );
}

#[wasm_bindgen_test]
async fn the_honeypot_and_the_minimum_fill_time_stop_naive_bots() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let widget = mount(&page, "BACK", 1);
    input(&widget, "website").set_value("http://spam.example");
    fill_and_submit(&widget);
    settle().await;
    assert!(
        recorder.requests.borrow().is_empty(),
        "a filled honeypot sends nothing"
    );
    assert!(
        text(&widget, ".message").is_empty() && text(&widget, "#email-error").is_empty(),
        "and says nothing"
    );

    let patient = Services {
        min_fill_ms: 600,
        ..services(&recorder)
    };
    let config = inline_config();
    let widget = mount(&Page::new(config, patient), "BACK", 1);
    fill_and_submit(&widget);
    settle().await;
    advance(&recorder.clock, 599).await;
    assert!(
        recorder.requests.borrow().is_empty(),
        "not sent before the minimum fill time"
    );
    advance(&recorder.clock, 1).await;
    assert_eq!(
        recorder.requests.borrow().len(),
        1,
        "sent once the minimum fill time passed"
    );
    assert!(text(&widget, ".confirmation").contains("in line"));
}
