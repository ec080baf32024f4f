//! The services have a fixed today; the helpers read the widget's shadow DOM as a shopper would.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use backorder_widget::domain::parse_iso_date;
use backorder_widget::outbox::RetryPolicy;
use backorder_widget::web::{
    Answered, Clock, HttpRequest, HttpResponse, MemoryStore, Page, PageConfig, Services, Timer,
    Transport, TransportError, Widget,
};
use backorder_widget::widget::config::ElementConfig;
use chrono::NaiveDate;
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

/// 2026-11-27 09:00 UTC, where every test clock starts.
const START_MS: u64 = 1_795_770_000_000;

/// A timer's callback, until it runs or its [`Timer`] is dropped.
type Slot = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

/// A clock that moves only when a test says so: `advance` runs the timers that fall due, in
/// order. A timer of 0 ms means "the next task" (the stock loader's batching), not a wait, so
/// it runs on the browser's next task as it would on a page.
pub struct ManualClock {
    now_ms: Cell<u64>,
    /// Each waiting timer: when it is due, in what order it was set, and its callback, which
    /// goes when the [`Timer`] is dropped.
    waiting: RefCell<Vec<(u64, u64, Slot)>>,
    set: Cell<u64>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self {
            now_ms: Cell::new(START_MS),
            waiting: RefCell::default(),
            set: Cell::new(0),
        }
    }
}

/// Takes a waiting timer's callback away when its [`Timer`] is dropped.
struct Cancel(Slot);

impl Drop for Cancel {
    fn drop(&mut self) {
        self.0.borrow_mut().take();
    }
}

impl Clock for ManualClock {
    /// 9:00 on [`TODAY`] in every time zone, plus the time the test has let pass.
    fn wall(&self, _time_zone: Option<&str>) -> (NaiveDate, u32) {
        let minutes = 9 * 60 + (self.now_ms.get() - START_MS) / 60_000;
        (
            parse_iso_date(TODAY).expect("today"),
            minutes.min(24 * 60 - 1) as u32,
        )
    }

    fn now_ms(&self) -> u64 {
        self.now_ms.get()
    }

    fn after(&self, millis: u32, callback: Box<dyn FnOnce()>) -> Timer {
        if millis == 0 {
            return Timer::new(gloo_timers::callback::Timeout::new(0, callback));
        }
        let slot = Rc::new(RefCell::new(Some(callback)));
        self.set.set(self.set.get() + 1);
        self.waiting.borrow_mut().push((
            self.now_ms.get() + u64::from(millis),
            self.set.get(),
            slot.clone(),
        ));
        Timer::new(Cancel(slot))
    }
}

impl ManualClock {
    /// Lets `millis` pass, running every timer that falls due on the way, earliest first; a
    /// timer a callback sets there and then runs too when it falls due within the stretch. An
    /// answer comes in a microtask, after `advance` returns, so the retry it schedules counts
    /// from the end of the stretch: one `advance` lets one attempt go and be answered.
    pub fn advance(&self, millis: u64) {
        let until = self.now_ms.get() + millis;
        loop {
            let next = {
                let mut waiting = self.waiting.borrow_mut();
                waiting.retain(|(_, _, slot)| slot.borrow().is_some());
                waiting
                    .iter()
                    .enumerate()
                    .filter(|(_, (due, _, _))| *due <= until)
                    .min_by_key(|(_, (due, set, _))| (*due, *set))
                    .map(|(index, _)| index)
                    .map(|index| waiting.remove(index))
            };
            let Some((due, _, slot)) = next else { break };
            self.now_ms.set(due.max(self.now_ms.get()));
            let callback = slot.borrow_mut().take();
            if let Some(callback) = callback {
                callback();
            }
        }
        self.now_ms.set(until);
    }
}

/// Records every request and answers from a queue (or 201 with a queue position).
#[derive(Default)]
pub struct Recorder {
    /// The clock of the services made for this recorder, which also times the wording files.
    pub clock: Rc<ManualClock>,
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
        if delay > 0 {
            // Held by the clock until it is advanced that far.
            std::mem::forget(self.clock.after(delay, Box::new(move || answered(answer))));
            return;
        }
        wasm_bindgen_futures::spawn_local(async move { answered(answer) });
    }
}

pub fn services(recorder: &Rc<Recorder>) -> Services {
    services_with_store(recorder, Rc::new(MemoryStore::default()))
}

/// The recorder's clock, which only the test moves. Retries wait 30 ms, then 60, 120 and at
/// most 150 (a 40 ms backoff doubling to 200, with the dice at one half).
pub fn services_with_store(recorder: &Rc<Recorder>, store: Rc<MemoryStore>) -> Services {
    Services {
        transport: recorder.clone(),
        clock: recorder.clock.clone(),
        random: || 0.5,
        new_key: next_key,
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

/// Keys `test-key-0001`, `test-key-0002`, … in the order they are asked for.
fn next_key() -> String {
    thread_local! {
        static KEYS: Cell<u32> = const { Cell::new(0) };
    }
    let key = KEYS.with(|keys| {
        keys.set(keys.get() + 1);
        keys.get()
    });
    format!("test-key-{key:04}")
}

/// Lets what is under way without a clock run: queued answers (microtasks) and the next tasks
/// the widget starts (the stock loader's batch, a `fetch` of the page), a few rounds deep.
/// No time passes on any test clock.
pub async fn settle() {
    for _ in 0..4 {
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
}

/// Lets `millis` pass on `clock`, then lets what that started settle.
pub async fn advance(clock: &ManualClock, millis: u64) {
    clock.advance(millis);
    settle().await;
}

/// Settles until `done` holds, for up to `rounds` rounds of [`settle`], for what waits on the
/// browser itself (a `MutationObserver`, a real `fetch` of the page): no test clock moves.
pub async fn eventually(rounds: u32, done: impl Fn() -> bool) {
    let mut round = 0;
    while !done() && round < rounds {
        settle().await;
        round += 1;
    }
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
