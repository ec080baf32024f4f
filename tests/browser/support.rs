//! What every browser test shares: the stock data, a recording transport, services with a
//! fixed today, and helpers that read the widget's shadow DOM as a shopper would.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use backorder_widget::domain::parse_iso_date;
use backorder_widget::outbox::RetryPolicy;
use backorder_widget::web::{
    Answered, ElementConfig, HttpRequest, HttpResponse, MemoryStore, Page, PageConfig, Services,
    Transport, TransportError, Widget,
};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlInputElement};

/// Friday 2026-11-27, so every expected date below is fixed.
pub const TODAY: &str = "2026-11-27";

pub const STOCK: &str = r#"{
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
pub struct Recorder {
    /// Every request but those for wording files, which are answered from `www/wording/`.
    pub requests: RefCell<Vec<HttpRequest>>,
    pub wording_requests: Cell<u32>,
    /// How long a wording file takes to arrive (0: at once).
    pub wording_delay_ms: Cell<u32>,
    pub answers: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
}

impl Recorder {
    /// Queues an answer with this status and body (and no `Retry-After`).
    pub fn answer(&self, status: u16, body: &str) {
        self.answers.borrow_mut().push_back(Ok(HttpResponse {
            status,
            retry_after: None,
            body: body.to_owned(),
        }));
    }
}

/// The wording files as the page's `wording/` folder serves them.
const WORDING: &[(&str, &str)] = &[
    (
        "/wording/de.json",
        include_str!("../../www/wording/de.json"),
    ),
    (
        "/wording/fr.json",
        include_str!("../../www/wording/fr.json"),
    ),
    (
        "/wording/es.json",
        include_str!("../../www/wording/es.json"),
    ),
    (
        "/wording/ja.json",
        include_str!("../../www/wording/ja.json"),
    ),
];

impl Transport for Recorder {
    /// Answers after `send` returns, as the network does: wording files after the configured
    /// delay, everything else in a microtask with the next queued answer (a 201 when none is
    /// queued).
    fn send(&self, request: HttpRequest, answered: Answered) {
        let (answer, delay) = match WORDING.iter().find(|(url, _)| *url == request.url) {
            Some((_, body)) => {
                self.wording_requests.set(self.wording_requests.get() + 1);
                let answer = Ok(HttpResponse {
                    status: 200,
                    retry_after: None,
                    body: (*body).to_owned(),
                });
                (answer, self.wording_delay_ms.get())
            }
            None => {
                self.requests.borrow_mut().push(request);
                let answer = self.answers.borrow_mut().pop_front().unwrap_or(Ok(HttpResponse {
                    status: 201,
                    retry_after: None,
                    body: r#"{"id": "bo_1", "queue_position": 5, "expected_date": "2026-12-22", "cancel_token": "t"}"#.to_owned(),
                }));
                (answer, 0)
            }
        };
        wasm_bindgen_futures::spawn_local(async move {
            if delay > 0 {
                gloo_timers::future::TimeoutFuture::new(delay).await;
            }
            answered(answer);
        });
    }
}

pub fn services(recorder: &Rc<Recorder>) -> Services {
    services_with_store(recorder, Rc::new(MemoryStore::default()))
}

/// Real time, but retries after 20 to 40 ms so the tests stay quick.
pub fn services_with_store(recorder: &Rc<Recorder>, store: Rc<MemoryStore>) -> Services {
    Services {
        transport: recorder.clone(),
        // 9:00, the same in every time zone the tests name.
        clock: |_| (parse_iso_date(TODAY).expect("today"), 9 * 60),
        now_ms: || js_sys::Date::now() as u64,
        random: || 0.5,
        store,
        retry: RetryPolicy {
            first_delay_ms: 40,
            max_delay_ms: 200,
            expiry_ms: 7 * 24 * 3_600_000,
        },
        min_fill_ms: 0,
    }
}

pub fn inline_page(recorder: &Rc<Recorder>) -> Rc<Page> {
    inline_page_with(services(recorder))
}

/// The usual page: inline stock and an endpoint, with the given services.
pub fn inline_page_with(services: Services) -> Rc<Page> {
    Page::new(inline_config(), services)
}

pub fn inline_config() -> PageConfig {
    PageConfig {
        endpoint: Some("/api/backorders".to_owned()),
        inline_stock: Some(STOCK.to_owned()),
        wording_url: Some("/wording/".to_owned()),
        ..PageConfig::default()
    }
}

pub fn host() -> HtmlElement {
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

pub fn config(sku: &str, quantity: u32) -> ElementConfig {
    ElementConfig {
        sku: sku.to_owned(),
        quantity,
        locale: Some("en-US".to_owned()),
        ..ElementConfig::default()
    }
}

pub fn mount(page: &Rc<Page>, sku: &str, quantity: u32) -> Rc<Widget> {
    Widget::mount(host(), config(sku, quantity), Vec::new(), page.clone()).expect("mount")
}

pub fn find(widget: &Widget, selector: &str) -> Option<Element> {
    widget
        .element()
        .shadow_root()
        .expect("shadow root")
        .query_selector(selector)
        .expect("selector")
}

pub fn text(widget: &Widget, selector: &str) -> String {
    find(widget, selector)
        .and_then(|element| element.text_content())
        .unwrap_or_default()
}

/// The status as a shopper reads it: headline, then each detail line.
pub fn status(widget: &Widget) -> String {
    let root = widget.element().shadow_root().expect("shadow root");
    let details = root.query_selector_all(".detail").expect("details");
    let mut lines = vec![text(widget, ".headline")];
    for index in 0..details.length() {
        lines.extend(details.item(index).and_then(|node| node.text_content()));
    }
    lines.join(" | ")
}

pub fn input(widget: &Widget, name: &str) -> HtmlInputElement {
    find(widget, &format!("input[name={name}]"))
        .expect("input")
        .unchecked_into()
}

pub fn submit(widget: &Widget) {
    let button: HtmlButtonElement = find(widget, "button[type=submit]")
        .expect("submit button")
        .unchecked_into();
    button.click();
}

/// A `<backorder-status>` with these attributes, added to the page (so it upgrades at once
/// once the element is defined).
pub fn custom_element(attributes: &[(&str, &str)]) -> Element {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let element = document
        .create_element("backorder-status")
        .expect("element");
    for (name, value) in attributes {
        element.set_attribute(name, value).expect("attribute");
    }
    document
        .body()
        .expect("body")
        .append_child(&element)
        .expect("append");
    element
}

/// A quantity field on the host page, as a storefront has one.
pub fn page_field(id: &str, value: &str) -> HtmlInputElement {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let field: HtmlInputElement = document
        .create_element("input")
        .expect("input")
        .unchecked_into();
    field.set_id(id);
    field.set_value(value);
    document
        .body()
        .expect("body")
        .append_child(&field)
        .expect("append");
    field
}

/// The headline a custom element shows.
pub fn headline(element: &Element) -> String {
    let root = element
        .shadow_root()
        .expect("an upgraded element has a shadow root");
    root.query_selector(".headline")
        .ok()
        .flatten()
        .and_then(|headline| headline.text_content())
        .unwrap_or_default()
}

/// Waits until `done` holds, checking every 20 ms for up to `limit_ms`: a slow machine only
/// makes the test slower, never wrong.
pub async fn eventually(limit_ms: u32, done: impl Fn() -> bool) {
    let mut waited = 0;
    while !done() && waited < limit_ms {
        gloo_timers::future::TimeoutFuture::new(20).await;
        waited += 20;
    }
}

/// Lets queued futures and microtasks run.
pub async fn settle() {
    gloo_timers::future::TimeoutFuture::new(30).await;
}

/// Fills the form of a mounted widget with a valid request and submits it.
pub fn fill_and_submit(widget: &Widget) {
    input(widget, "email").set_value("ana@example.com");
    input(widget, "consent").set_checked(true);
    submit(widget);
}

pub fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(candidate, _)| *candidate == name)
        .map(|(_, value)| value.as_str())
}

pub fn count_events(target: &HtmlElement, name: &str) -> Rc<RefCell<u32>> {
    let count = Rc::new(RefCell::new(0));
    let seen = count.clone();
    let listener = Closure::<dyn Fn()>::new(move || *seen.borrow_mut() += 1);
    target
        .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
        .expect("listen");
    listener.forget();
    count
}

/// The `code` of every `backorder:error` the target hears, in order.
pub fn error_codes(target: &HtmlElement) -> Rc<RefCell<Vec<String>>> {
    let codes = Rc::new(RefCell::new(Vec::new()));
    let seen = codes.clone();
    let listener =
        Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            let code = js_sys::Reflect::get(&event.detail(), &"code".into())
                .ok()
                .and_then(|code| code.as_string());
            seen.borrow_mut().push(code.unwrap_or_default());
        });
    target
        .add_event_listener_with_callback("backorder:error", listener.as_ref().unchecked_ref())
        .expect("listen");
    listener.forget();
    codes
}

/// An earlier visit, offline: the shopper reserved BACK, the request was saved in `store` and
/// never sent, and the page went away with its widget and timers.
pub async fn leave_a_request_behind(store: &Rc<MemoryStore>) {
    let offline = Rc::new(Recorder::default());
    for _ in 0..100 {
        offline
            .answers
            .borrow_mut()
            .push_back(Err(TransportError::Network("offline".to_owned())));
    }
    let first_visit = Page::new(
        inline_config(),
        services_with_store(&offline, store.clone()),
    );
    let widget = mount(&first_visit, "BACK", 1);
    fill_and_submit(&widget);
    settle().await;
    widget.destroy();
}
