//! The widget in a real browser (`wasm-pack test --headless --chrome`): what a shopper sees in
//! every state, live updates, the request form, and exactly one request per submission.
//! Stock and requests go through a recording transport; the real endpoint has its own
//! end-to-end tests in `tests/e2e.rs`.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use backorder_widget::domain::parse_iso_date;
use backorder_widget::outbox::RetryPolicy;
use backorder_widget::web::{
    ElementConfig, HttpRequest, HttpResponse, MemoryStore, Mode, OutboxStore, Page, PageConfig,
    Services, Transport, TransportError, TransportFuture, Widget, define_element,
};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Friday 2026-11-27, so every expected date below is fixed.
const TODAY: &str = "2026-11-27";

const STOCK: &str = r#"{
  "shop": {"holidays": ["2026-12-25"], "payment": "at_shipment"},
  "items": [
    {"sku": "IN", "on_hand": 10},
    {"sku": "LOW", "on_hand": 2, "low_stock_threshold": 3},
    {"sku": "SPLIT", "on_hand": 2, "backorders": "allow", "incoming": [{"quantity": 10, "expected": "2026-12-14"}]},
    {"sku": "BACK", "on_hand": 0, "backorders": "allow", "backordered": 4,
     "incoming": [{"quantity": 5, "expected": "2026-12-14"}, {"quantity": 10, "expected": "2026-12-21"}]},
    {"sku": "PRE", "release_date": "2027-01-15"},
    {"sku": "LATE", "backorders": "allow", "incoming": [{"quantity": 5, "expected": "2026-11-20"}]},
    {"sku": "GONE", "discontinued": true},
    {"sku": "LAST", "on_hand": 1, "low_stock_threshold": 3, "name": "Last <b>one</b>"},
    {"sku": "FEW", "on_hand": 3, "low_stock_threshold": 3},
    {"sku": "BROKEN", "on_hand": -1, "backordered": -3}
  ]}"#;

/// Records every request and answers from a queue (or 201 with a queue position).
#[derive(Default)]
struct Recorder {
    requests: RefCell<Vec<HttpRequest>>,
    answers: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
}

impl Transport for Recorder {
    fn send(&self, request: HttpRequest) -> TransportFuture {
        self.requests.borrow_mut().push(request);
        let answer = self.answers.borrow_mut().pop_front().unwrap_or(Ok(HttpResponse {
            status: 201,
            retry_after: None,
            body: r#"{"id": "bo_1", "queue_position": 5, "expected_date": "2026-12-22", "cancel_token": "t"}"#.to_owned(),
        }));
        Box::pin(async move { answer })
    }
}

fn services(recorder: &Rc<Recorder>) -> Services {
    services_with_store(recorder, Rc::new(MemoryStore::default()))
}

/// Real time, but retries after 20 to 40 ms so the tests stay quick.
fn services_with_store(recorder: &Rc<Recorder>, store: Rc<MemoryStore>) -> Services {
    let today = parse_iso_date(TODAY).expect("today");
    Services {
        transport: recorder.clone(),
        today: Rc::new(move || today),
        now_ms: Rc::new(|| js_sys::Date::now() as u64),
        random: Rc::new(|| 0.5),
        store,
        retry: RetryPolicy {
            first_delay_ms: 40,
            max_delay_ms: 200,
            expiry_ms: 7 * 24 * 3_600_000,
        },
        min_fill_ms: 0,
    }
}

fn inline_page(recorder: &Rc<Recorder>) -> Rc<Page> {
    inline_page_with(services(recorder))
}

/// The usual page: inline stock and an endpoint, with the given services.
fn inline_page_with(services: Services) -> Rc<Page> {
    Page::new(inline_config(), services)
}

fn inline_config() -> PageConfig {
    PageConfig {
        endpoint: Some("/api/backorders".to_owned()),
        inline_stock: Some(STOCK.to_owned()),
        ..PageConfig::default()
    }
}

fn host() -> HtmlElement {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let element = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&element)
        .expect("append");
    element.unchecked_into()
}

fn config(sku: &str, quantity: u32) -> ElementConfig {
    ElementConfig {
        sku: sku.to_owned(),
        quantity,
        locale: Some("en-US".to_owned()),
        ..ElementConfig::default()
    }
}

fn mount(page: &Rc<Page>, sku: &str, quantity: u32) -> Rc<Widget> {
    Widget::mount(host(), config(sku, quantity), Vec::new(), page.clone()).expect("mount")
}

fn find(widget: &Widget, selector: &str) -> Option<Element> {
    widget
        .element()
        .shadow_root()
        .expect("shadow root")
        .query_selector(selector)
        .expect("selector")
}

fn text(widget: &Widget, selector: &str) -> String {
    find(widget, selector)
        .and_then(|element| element.text_content())
        .unwrap_or_default()
}

/// The status as a shopper reads it: headline, then each detail line.
fn status(widget: &Widget) -> String {
    let root = widget.element().shadow_root().expect("shadow root");
    let details = root.query_selector_all(".detail").expect("details");
    let mut lines = vec![text(widget, ".headline")];
    for index in 0..details.length() {
        lines.extend(details.item(index).and_then(|node| node.text_content()));
    }
    lines.join(" | ")
}

fn input(widget: &Widget, name: &str) -> HtmlInputElement {
    find(widget, &format!("input[name={name}]"))
        .expect("input")
        .unchecked_into()
}

fn submit(widget: &Widget) {
    let button: HtmlButtonElement = find(widget, "button[type=submit]")
        .expect("submit button")
        .unchecked_into();
    button.click();
}

/// Lets queued futures and microtasks run.
async fn settle() {
    gloo_timers::future::TimeoutFuture::new(30).await;
}

#[wasm_bindgen_test]
fn every_state_reads_truthfully() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let check = |sku: &str, quantity: u32, expected: &str, form: Option<&str>| {
        let widget = mount(&page, sku, quantity);
        assert_eq!(status(&widget), expected, "{sku} x{quantity}");
        let kind = find(&widget, "form").and_then(|form| form.get_attribute("data-kind"));
        assert_eq!(kind.as_deref(), form, "form for {sku}");
        let state =
            find(&widget, ".widget").and_then(|container| container.get_attribute("data-state"));
        widget.destroy();
        state
    };
    assert_eq!(
        check("IN", 1, "In stock", None).as_deref(),
        Some("in_stock")
    );
    check("LOW", 1, "Only 2 left", None);
    check("IN", 12, "In stock | Only 10 can be ordered", None);
    assert_eq!(
        check(
            "SPLIT",
            5,
            "2 ship now | 3 more ship by Tuesday, December 15",
            Some("backorder")
        )
        .as_deref(),
        Some("partial")
    );
    check(
        "BACK",
        1,
        "Backordered: ships by Tuesday, December 15",
        Some("backorder"),
    );
    check(
        "BACK",
        2,
        "Backordered: ships by Tuesday, December 22",
        Some("backorder"),
    );
    check(
        "PRE",
        1,
        "Pre-order: releases Friday, January 15, 2027",
        Some("preorder"),
    );
    check(
        "LATE",
        1,
        "Out of stock | The next delivery is running late; no new date yet",
        Some("notify"),
    );
    check("GONE", 1, "No longer available", None);
    assert!(
        recorder.requests.borrow().is_empty(),
        "inline stock needs no request"
    );
}

#[wasm_bindgen_test]
fn other_languages_use_intl_dates_and_plurals() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let widget = Widget::mount(
        host(),
        ElementConfig {
            locale: Some("de-DE".to_owned()),
            ..config("BACK", 1)
        },
        Vec::new(),
        page.clone(),
    )
    .expect("mount");
    assert!(
        status(&widget).contains("15. Dezember"),
        "German date in {:?}",
        status(&widget)
    );
    let widget = Widget::mount(
        host(),
        ElementConfig {
            locale: Some("fr-FR".to_owned()),
            ..config("LOW", 1)
        },
        Vec::new(),
        page,
    )
    .expect("mount");
    assert!(
        !status(&widget).is_empty() && status(&widget) != "Only 2 left",
        "French wording: {:?}",
        status(&widget)
    );
}

#[wasm_bindgen_test]
fn a_bad_record_or_missing_source_shows_the_neutral_fallback_and_an_error_event() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let host = host();
    let errors = Rc::new(RefCell::new(Vec::<String>::new()));
    let seen = errors.clone();
    let listener =
        Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            let code = js_sys::Reflect::get(&event.detail(), &"code".into())
                .ok()
                .and_then(|code| code.as_string());
            seen.borrow_mut().push(code.unwrap_or_default());
        });
    host.add_event_listener_with_callback("backorder:error", listener.as_ref().unchecked_ref())
        .expect("listen");
    let widget = Widget::mount(host.clone(), config("BROKEN", 1), Vec::new(), page).expect("mount");
    assert_eq!(status(&widget), "Availability could not be loaded");
    assert_eq!(errors.borrow().as_slice(), ["bad_stock_data"]);

    let unconfigured = Page::new(PageConfig::default(), services(&recorder));
    let widget = Widget::mount(host, config("IN", 1), Vec::new(), unconfigured).expect("mount");
    assert_eq!(status(&widget), "Availability could not be loaded");
    assert_eq!(errors.borrow().as_slice(), ["bad_stock_data", "config"]);
    assert!(find(&widget, "form").is_none());
}

#[wasm_bindgen_test]
fn badge_mode_shows_only_the_status() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let widget = Widget::mount(
        host(),
        ElementConfig {
            mode: Mode::Badge,
            ..config("BACK", 1)
        },
        Vec::new(),
        page,
    )
    .expect("mount");
    assert_eq!(
        status(&widget),
        "Backordered: ships by Tuesday, December 15"
    );
    assert!(find(&widget, "form").is_none());
}

#[wasm_bindgen_test]
async fn the_custom_element_follows_its_attributes() {
    let recorder = Rc::new(Recorder::default());
    Page::install(inline_page(&recorder));
    define_element();
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let element = document
        .create_element("backorder-status")
        .expect("element");
    element.set_attribute("sku", "IN").expect("sku");
    element.set_attribute("locale", "en-US").expect("locale");
    document
        .body()
        .expect("body")
        .append_child(&element)
        .expect("append");
    let shown = |element: &Element| {
        let root = element
            .shadow_root()
            .expect("upgraded element has a shadow root");
        root.query_selector(".headline")
            .ok()
            .flatten()
            .and_then(|headline| headline.text_content())
            .unwrap_or_default()
    };
    assert_eq!(shown(&element), "In stock");
    element.set_attribute("sku", "BACK").expect("sku");
    assert_eq!(
        shown(&element),
        "Backordered: ships by Tuesday, December 15"
    );
    element.set_attribute("quantity", "2").expect("quantity");
    assert_eq!(
        shown(&element),
        "Backordered: ships by Tuesday, December 22"
    );
    element.set_attribute("sku", "SPLIT").expect("sku");
    element.set_attribute("quantity", "4").expect("quantity");
    assert_eq!(shown(&element), "2 ship now");
    element.remove();
    assert!(
        element
            .shadow_root()
            .expect("shadow root")
            .query_selector(".headline")
            .expect("query")
            .is_none(),
        "disconnect cleans up"
    );
}

#[wasm_bindgen_test]
async fn the_quantity_field_of_the_host_page_is_followed() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let field: HtmlInputElement = document
        .create_element("input")
        .expect("input")
        .unchecked_into();
    field.set_id("qty-follow");
    field.set_value("1");
    document
        .body()
        .expect("body")
        .append_child(&field)
        .expect("append");
    let widget = Widget::mount(
        host(),
        ElementConfig {
            quantity_input: Some("#qty-follow".to_owned()),
            ..config("SPLIT", 1)
        },
        Vec::new(),
        page,
    )
    .expect("mount");
    assert_eq!(status(&widget), "In stock");
    field.set_value("5");
    field
        .dispatch_event(&web_sys::Event::new("input").expect("event"))
        .expect("dispatch");
    assert_eq!(
        status(&widget),
        "2 ship now | 3 more ship by Tuesday, December 15"
    );
    assert_eq!(
        input(&widget, "quantity").value(),
        "3",
        "the form reserves the units that wait"
    );
}

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
    input(&widget, "email").set_value(" ana@example.com ");
    input(&widget, "name").set_value("Ana");
    input(&widget, "quantity").set_value("2");
    input(&widget, "consent").set_checked(true);
    submit(&widget);
    submit(&widget);
    settle().await;

    let requests = recorder.requests.borrow();
    assert_eq!(requests.len(), 1, "a double click sends once");
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert!(request.url.ends_with("/api/backorders"), "{}", request.url);
    let body = js_sys::JSON::parse(request.body.as_deref().expect("body")).expect("JSON body");
    let field = |name: &str| js_sys::Reflect::get(&body, &name.into()).expect("field");
    let key = field("idempotency_key").as_string().expect("key");
    assert!(
        request
            .headers
            .contains(&("Idempotency-Key".to_owned(), key.clone())),
        "header carries the body's key"
    );
    assert!(
        request
            .headers
            .contains(&("Content-Type".to_owned(), "application/json".to_owned()))
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
        Some("Email me about this reservation. I can cancel it at any time.")
    );
    assert!(
        field("created_at")
            .as_string()
            .is_some_and(|at| at.ends_with('Z'))
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
    recorder.answers.borrow_mut().push_back(Ok(HttpResponse {
        status: 422,
        retry_after: None,
        body: r#"{"errors": [{"field": "email", "code": "invalid_email", "message": "bad"}]}"#
            .to_owned(),
    }));
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
async fn availability_requests_are_batched_per_page() {
    let recorder = Rc::new(Recorder::default());
    recorder.answers.borrow_mut().push_back(Ok(HttpResponse {
        status: 200,
        retry_after: None,
        body: STOCK.to_owned(),
    }));
    let config = PageConfig {
        availability_url: Some("/api/availability".to_owned()),
        ..PageConfig::default()
    };
    let page = Page::new(config, services(&recorder));
    let widgets: Vec<_> = ["IN", "BACK", "PRE", "IN"]
        .iter()
        .map(|sku| mount(&page, sku, 1))
        .collect();
    settle().await;
    let requests = recorder.requests.borrow();
    assert_eq!(requests.len(), 1, "one GET for every element");
    assert_eq!(requests[0].url, "/api/availability?sku=IN&sku=BACK&sku=PRE");
    assert_eq!(
        status(&widgets[1]),
        "Backordered: ships by Tuesday, December 15"
    );
    assert_eq!(status(&widgets[3]), "In stock");
}

#[wasm_bindgen_test]
async fn a_failing_availability_url_shows_the_fallback() {
    let recorder = Rc::new(Recorder::default());
    recorder.answers.borrow_mut().push_back(Ok(HttpResponse {
        status: 503,
        retry_after: None,
        body: String::new(),
    }));
    let config = PageConfig {
        availability_url: Some("/api/availability".to_owned()),
        ..PageConfig::default()
    };
    let widget = mount(&Page::new(config, services(&recorder)), "IN", 1);
    settle().await;
    assert_eq!(status(&widget), "Availability could not be loaded");
}

#[wasm_bindgen_test]
fn merchant_wording_is_text_never_markup() {
    let recorder = Rc::new(Recorder::default());
    let mut config = PageConfig {
        endpoint: Some("/api/backorders".to_owned()),
        inline_stock: Some(STOCK.to_owned()),
        ..PageConfig::default()
    };
    let hostile = r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>"#;
    config
        .messages
        .push(("in_stock".to_owned(), hostile.to_owned()));
    let widget = mount(&Page::new(config, services(&recorder)), "IN", 1);
    assert_eq!(status(&widget), hostile);
    assert!(find(&widget, "img").is_none() && find(&widget, "script").is_none());
}

#[wasm_bindgen_test]
fn evaluate_is_available_without_a_page() {
    let record = js_sys::JSON::parse(r#"{"sku": "A", "backorders": "allow", "incoming": [{"quantity": 3, "expected": "2026-12-14"}]}"#).expect("record");
    let options =
        js_sys::JSON::parse(r#"{"quantity": 2, "today": "2026-11-27"}"#).expect("options");
    let result = backorder_widget::api::evaluate(record, options);
    let field = |name: &str| {
        js_sys::Reflect::get(&result, &name.into())
            .expect("field")
            .as_string()
    };
    assert_eq!(field("state").as_deref(), Some("backordered"));
    assert_eq!(field("expected_date").as_deref(), Some("2026-12-15"));
    assert_eq!(
        field("schema_org").as_deref(),
        Some("https://schema.org/BackOrder")
    );
    let broken = backorder_widget::api::evaluate(
        js_sys::JSON::parse(r#"{"on_hand": 1}"#).expect("record"),
        JsValue::UNDEFINED,
    );
    assert_eq!(
        js_sys::Reflect::get(&broken, &"error".into())
            .expect("error")
            .as_string()
            .as_deref(),
        Some("the stock record has no sku")
    );
}

/// Fills the form of a mounted widget with a valid request and submits it.
fn fill_and_submit(widget: &Widget) {
    input(widget, "email").set_value("ana@example.com");
    input(widget, "consent").set_checked(true);
    submit(widget);
}

fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(candidate, _)| candidate == name)
        .map(|(_, value)| value.as_str())
}

fn count_events(target: &HtmlElement, name: &str) -> Rc<RefCell<u32>> {
    let count = Rc::new(RefCell::new(0));
    let seen = count.clone();
    let listener = Closure::<dyn Fn()>::new(move || *seen.borrow_mut() += 1);
    target
        .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
        .expect("listen");
    listener.forget();
    count
}

#[wasm_bindgen_test]
async fn failed_deliveries_are_kept_and_retried_with_the_same_key() {
    let recorder = Rc::new(Recorder::default());
    recorder
        .answers
        .borrow_mut()
        .push_back(Err(TransportError::Network("offline".to_owned())));
    recorder.answers.borrow_mut().push_back(Ok(HttpResponse {
        status: 503,
        retry_after: None,
        body: String::new(),
    }));
    let store = Rc::new(MemoryStore::default());
    let page = inline_page_with(services_with_store(&recorder, store.clone()));
    let widget = mount(&page, "BACK", 1);
    let queued = count_events(widget.element(), "backorder:queued");
    let submitted = count_events(widget.element(), "backorder:submitted");
    fill_and_submit(&widget);
    settle().await;
    assert_eq!(
        text(&widget, ".queued"),
        "Saved. It will be sent when you are back online."
    );
    assert_eq!(
        store.load().pending.len(),
        1,
        "kept in the outbox until answered for good"
    );
    gloo_timers::future::TimeoutFuture::new(400).await;

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
async fn retry_after_is_honoured() {
    let recorder = Rc::new(Recorder::default());
    recorder.answers.borrow_mut().push_back(Ok(HttpResponse {
        status: 429,
        retry_after: Some("1".to_owned()),
        body: String::new(),
    }));
    let widget = mount(&inline_page(&recorder), "PRE", 1);
    fill_and_submit(&widget);
    gloo_timers::future::TimeoutFuture::new(500).await;
    assert_eq!(
        recorder.requests.borrow().len(),
        1,
        "no retry before Retry-After"
    );
    gloo_timers::future::TimeoutFuture::new(900).await;
    assert_eq!(recorder.requests.borrow().len(), 2, "retried after it");
    assert!(text(&widget, ".confirmation").contains("in line"));
}

#[wasm_bindgen_test]
async fn a_reload_delivers_what_an_earlier_visit_left_behind() {
    let store = Rc::new(MemoryStore::default());
    let offline = Rc::new(Recorder::default());
    for _ in 0..100 {
        offline
            .answers
            .borrow_mut()
            .push_back(Err(TransportError::Network("offline".to_owned())));
    }
    let config = inline_config;
    let first_visit = Page::new(config(), services_with_store(&offline, store.clone()));
    let widget = mount(&first_visit, "BACK", 1);
    fill_and_submit(&widget);
    settle().await;
    // Leaving the page: its widget and page go away with their timers.
    widget.destroy();
    drop(widget);
    drop(first_visit);
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
        "Saved. It will be sent when you are back online.",
        "the shopper sees it is pending"
    );
    second_visit.resume_deliveries();
    settle().await;
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
            kind: "backorder".to_owned(),
            id: "bo_9".to_owned(),
            quantity: 2,
            queue_position: Some(4),
            expected_date: Some("2026-12-22".to_owned()),
            cancel_token: Some("secret-token".to_owned()),
            endpoint: "http://127.0.0.1:1/api/backorders".to_owned(),
            confirmed_ms: js_sys::Date::now() as u64,
        }],
    });
    let page = inline_page_with(services_with_store(&recorder, store.clone()));
    let widget = mount(&page, "BACK", 1);
    assert_eq!(
        text(&widget, ".confirmation p"),
        "You're #4 in line for 2 units.",
        "a reservation, not an empty form"
    );
    assert!(text(&widget, ".confirmation").contains("Ships by Tuesday, December 22."));
    assert!(find(&widget, "form").is_none());
    let cancel: HtmlButtonElement = find(&widget, "button[part=cancel]")
        .expect("cancel button")
        .unchecked_into();
    cancel.click();
    settle().await;
    let requests = recorder.requests.borrow();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "DELETE");
    assert_eq!(requests[0].url, "http://127.0.0.1:1/api/backorders/bo_9");
    assert_eq!(
        header(&requests[0], "Authorization"),
        Some("Bearer secret-token")
    );
    assert!(
        store.load().reservation("BACK").is_none(),
        "forgotten once cancelled"
    );
    assert_eq!(
        text(&widget, ".cancelled"),
        "Your reservation is cancelled."
    );
}

fn mount_in(page: &Rc<Page>, sku: &str, locale: &str) -> Rc<Widget> {
    let config = ElementConfig {
        locale: Some(locale.to_owned()),
        ..config(sku, 1)
    };
    Widget::mount(host(), config, Vec::new(), page.clone()).expect("mount")
}

#[wasm_bindgen_test]
fn plurals_follow_each_language() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let check = |locale: &str, one: &str, few: &str| {
        assert_eq!(
            status(&mount_in(&page, "LAST", locale)),
            one,
            "{locale} one"
        );
        assert_eq!(status(&mount_in(&page, "FEW", locale)), few, "{locale} few");
    };
    check("en-US", "Only 1 left", "Only 3 left");
    check("es-ES", "Solo queda 1", "Solo quedan 3");
    check("fr-FR", "Plus que 1 en stock", "Plus que 3 en stock");
    check(
        "de-DE",
        "Nur noch 1 Stück auf Lager",
        "Nur noch 3 Stück auf Lager",
    );
    check("ja-JP", "残り1点です", "残り3点です");
}

#[wasm_bindgen_test]
fn the_language_comes_from_the_element_then_the_page() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let section = document.create_element("section").expect("section");
    section.set_attribute("lang", "de").expect("lang");
    document
        .body()
        .expect("body")
        .append_child(&section)
        .expect("append");
    let element: HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    section.append_child(&element).expect("append");
    let widget = Widget::mount(
        element,
        ElementConfig {
            locale: None,
            ..config("IN", 1)
        },
        Vec::new(),
        page,
    )
    .expect("mount");
    assert_eq!(status(&widget), "Auf Lager", "the nearest lang attribute");
}

#[wasm_bindgen_test]
fn structured_data_follows_the_state() {
    let recorder = Rc::new(Recorder::default());
    let config = PageConfig {
        inline_stock: Some(STOCK.to_owned()),
        structured_data: true,
        ..PageConfig::default()
    };
    let page = Page::new(config, services(&recorder));
    let widget = mount(&page, "BACK", 1);
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let offer = || {
        let script = document
            .query_selector("head script[data-backorder-offer]")
            .expect("query")
            .expect("an offer in the head");
        js_sys::JSON::parse(&script.text_content().unwrap_or_default()).expect("JSON-LD")
    };
    let field = |value: &JsValue, name: &str| {
        js_sys::Reflect::get(value, &name.into())
            .ok()
            .and_then(|field| field.as_string())
    };
    assert_eq!(field(&offer(), "@type").as_deref(), Some("Offer"));
    assert_eq!(
        field(&offer(), "availability").as_deref(),
        Some("https://schema.org/BackOrder")
    );
    assert_eq!(
        field(&offer(), "availabilityStarts").as_deref(),
        Some("2026-12-15")
    );
    widget.update(ElementConfig {
        sku: "LAST".to_owned(),
        ..widget.config()
    });
    assert_eq!(
        field(&offer(), "availability").as_deref(),
        Some("https://schema.org/InStock")
    );
    assert_eq!(field(&offer(), "availabilityStarts"), None);
    let product = js_sys::Reflect::get(&offer(), &"itemOffered".into()).expect("product");
    assert_eq!(
        field(&product, "name").as_deref(),
        Some("Last <b>one</b>"),
        "names travel as data"
    );
    widget.destroy();
    assert!(
        document
            .query_selector("head script[data-backorder-offer]")
            .expect("query")
            .is_none(),
        "removed with the widget"
    );
}

#[wasm_bindgen_test]
fn the_preview_shows_every_state_side_by_side() {
    let recorder = Rc::new(Recorder::default());
    let config = PageConfig {
        inline_stock: Some(STOCK.to_owned()),
        endpoint: Some("/api/backorders".to_owned()),
        preview: true,
        ..PageConfig::default()
    };
    let widget = mount(&Page::new(config, services(&recorder)), "IN", 1);
    let root = widget.element().shadow_root().expect("root");
    let samples = root.query_selector_all(".sample").expect("samples");
    let mut states = Vec::new();
    for index in 0..samples.length() {
        let sample: Element = samples.item(index).expect("sample").unchecked_into();
        states.push(sample.get_attribute("data-state").unwrap_or_default());
    }
    states.dedup();
    assert_eq!(
        states,
        [
            "in_stock",
            "partial",
            "backordered",
            "preorder",
            "out_of_stock",
            "discontinued"
        ]
    );
    let kinds: Vec<String> = {
        let forms = root.query_selector_all("form").expect("forms");
        (0..forms.length())
            .filter_map(|index| forms.item(index))
            .filter_map(|form| form.unchecked_into::<Element>().get_attribute("data-kind"))
            .collect()
    };
    assert_eq!(kinds, ["backorder", "preorder", "notify"]);
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
    gloo_timers::future::TimeoutFuture::new(250).await;
    assert!(
        recorder.requests.borrow().is_empty(),
        "not sent the instant the form appeared"
    );
    gloo_timers::future::TimeoutFuture::new(700).await;
    assert_eq!(
        recorder.requests.borrow().len(),
        1,
        "sent once the minimum fill time passed"
    );
    assert!(text(&widget, ".confirmation").contains("in line"));
}

#[wasm_bindgen_test]
fn the_theme_comes_through_custom_properties_and_parts() {
    let recorder = Rc::new(Recorder::default());
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let style = document.create_element("style").expect("style");
    style.set_text_content(Some(
        ".themed { --backorder-color-accent: rgb(1, 2, 3); --backorder-radius: 17px; }
         .themed::part(headline) { letter-spacing: 3px; }",
    ));
    document
        .query_selector("head")
        .expect("query")
        .expect("head")
        .append_child(&style)
        .expect("append");
    let host = host();
    host.set_class_name("themed");
    let widget =
        Widget::mount(host, config("BACK", 1), Vec::new(), inline_page(&recorder)).expect("mount");
    let computed = |selector: &str, property: &str| {
        let element = find(&widget, selector).expect(selector);
        let style = web_sys::window()
            .expect("window")
            .get_computed_style(&element)
            .expect("style")
            .expect("computed");
        style.get_property_value(property).expect("property")
    };
    assert_eq!(
        computed("button[type=submit]", "background-color"),
        "rgb(1, 2, 3)",
        "custom property"
    );
    assert_eq!(
        computed("button[type=submit]", "border-top-left-radius"),
        "17px"
    );
    assert_eq!(
        computed(".headline", "letter-spacing"),
        "3px",
        "::part(headline)"
    );
}
