//! One `<backorder-status>`: loads its stock, shows the state, and runs its request form.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlInputElement};

use super::config::{ElementConfig, Mode, parse_quantity};
use super::events::{self, ErrorDetail, StatusDetail, SubmittedDetail};
use super::form::{Accepted, Outcome};
use super::intl::IntlFormat;
use super::loader::{LoadError, Source, StockEntry, StockResult};
use super::render::{FormDom, Skeleton};
use super::transport::HttpRequest;
use super::{Page, platform};
use crate::domain::{
    BackorderRequest, Consent, Evaluation, OfferError, RequestKind, check_request, evaluate,
    format_iso_date, offer,
};
use crate::view::{Messages, confirmation_text, status_view};

/// A mounted widget. Dropping the last handle does not unmount it; call [`Widget::destroy`].
#[derive(Debug)]
pub struct Widget {
    element: HtmlElement,
    page: Rc<Page>,
    dom: Skeleton,
    state: RefCell<State>,
    this: Weak<Widget>,
}

#[derive(Debug)]
struct State {
    config: ElementConfig,
    problems: Vec<String>,
    locale: String,
    messages: Messages,
    format: IntlFormat,
    /// Bumped on every reload, so a late answer for a previous SKU is ignored.
    generation: u64,
    entry: Option<StockResult>,
    evaluation: Option<Evaluation>,
    form: Option<FormDom>,
    phase: Phase,
    /// The request being (or last) sent, so a retry reuses its idempotency key.
    outgoing: Option<BackorderRequest>,
    /// Listeners that live as long as the current form or quantity input.
    form_listeners: Vec<EventListener>,
    quantity_listeners: Vec<EventListener>,
    destroyed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Editing,
    Sending,
    Confirmed,
}

impl Widget {
    /// Mounts a widget in `element`'s shadow root. Never throws: problems become the neutral
    /// fallback, a console error and a `backorder:error` event.
    pub fn mount(
        element: HtmlElement,
        config: ElementConfig,
        problems: Vec<String>,
        page: Rc<Page>,
    ) -> Result<Rc<Self>, JsValue> {
        let dom = Skeleton::attach(&element, page.sheet())?;
        let locale = resolve_locale(&element, config.locale.as_deref());
        let today = (page.services.today)();
        let widget = Rc::new_cyclic(|this| Self {
            element,
            dom,
            state: RefCell::new(State {
                messages: Messages::for_locale(&locale)
                    .with_overrides(page.config.messages.clone()),
                format: IntlFormat::new(&locale, today),
                locale,
                config,
                problems,
                generation: 0,
                entry: None,
                evaluation: None,
                form: None,
                phase: Phase::Editing,
                outgoing: None,
                form_listeners: Vec::new(),
                quantity_listeners: Vec::new(),
                destroyed: false,
            }),
            page,
            this: this.clone(),
        });
        let problems = widget.state.borrow().problems.clone();
        for problem in problems {
            widget.report("config", &problem);
        }
        widget.follow_quantity_input();
        widget.reload();
        Ok(widget)
    }

    /// The configuration the widget currently shows.
    pub fn config(&self) -> ElementConfig {
        self.state.borrow().config.clone()
    }

    /// The element this widget renders into.
    pub fn element(&self) -> &HtmlElement {
        &self.element
    }

    /// Applies a new configuration: a new SKU, source or language reloads; a new quantity only
    /// re-evaluates.
    pub fn update(&self, config: ElementConfig) {
        let (reload, relocale, refollow) = {
            let state = self.state.borrow();
            let old = &state.config;
            (
                old.sku != config.sku
                    || old.availability_url != config.availability_url
                    || old.endpoint != config.endpoint,
                old.locale != config.locale,
                old.quantity_input != config.quantity_input,
            )
        };
        {
            let mut state = self.state.borrow_mut();
            state.config = config;
            if relocale {
                let locale = resolve_locale(&self.element, state.config.locale.as_deref());
                state.messages =
                    Messages::for_locale(&locale).with_overrides(self.page.config.messages.clone());
                state.format = IntlFormat::new(&locale, (self.page.services.today)());
                state.locale = locale;
                state.form = None;
            }
            if reload {
                state.phase = Phase::Editing;
                state.outgoing = None;
                state.form = None;
            }
        }
        if refollow {
            self.follow_quantity_input();
        }
        if reload {
            self.reload();
        } else {
            self.render();
        }
    }

    /// Changes only the quantity (the host page's quantity field moved).
    pub fn set_quantity(&self, quantity: u32) {
        let config = ElementConfig {
            quantity,
            ..self.state.borrow().config.clone()
        };
        self.update(config);
    }

    /// Unmounts: removes listeners and the shadow content. Late answers are ignored.
    pub fn destroy(&self) {
        let mut state = self.state.borrow_mut();
        state.destroyed = true;
        state.form_listeners.clear();
        state.quantity_listeners.clear();
        state.form = None;
        drop(state);
        self.dom.root.set_text_content(None);
    }

    fn source(&self) -> Result<Source, LoadError> {
        let state = self.state.borrow();
        let config = &self.page.config;
        if let Some(url) = state
            .config
            .availability_url
            .clone()
            .or_else(|| config.availability_url.clone())
        {
            Ok(Source::Url(url))
        } else if self.page.loader.has_inline() {
            Ok(Source::Inline)
        } else {
            Err(LoadError::NotConfigured)
        }
    }

    /// Asks the loader for the current SKU's stock.
    fn reload(&self) {
        let (sku, generation) = {
            let mut state = self.state.borrow_mut();
            state.generation += 1;
            state.entry = None;
            (state.config.sku.clone(), state.generation)
        };
        if sku.is_empty() {
            return self.loaded(generation, Err(LoadError::NoSku));
        }
        let source = match self.source() {
            Ok(source) => source,
            Err(error) => return self.loaded(generation, Err(error)),
        };
        let loading = self.state.borrow().messages.text("loading");
        self.dom
            .show_status("loading", crate::view::Tone::Neutral, &loading, &[]);
        let this = self.this.clone();
        self.page.loader.load(&source, &sku, move |result| {
            if let Some(widget) = this.upgrade() {
                widget.loaded(generation, result);
            }
        });
    }

    fn loaded(&self, generation: u64, result: StockResult) {
        {
            let mut state = self.state.borrow_mut();
            if state.destroyed || state.generation != generation {
                return;
            }
            state.entry = Some(result.clone());
        }
        if let Err(error) = &result {
            self.report(error.code(), &error.to_string());
        }
        self.render();
    }

    /// Evaluates and shows the current state.
    fn render(&self) {
        let entry = {
            let state = self.state.borrow();
            if state.destroyed {
                return;
            }
            state.entry.clone()
        };
        let entry = match entry {
            None => return,
            Some(Err(_)) => {
                let text = self.state.borrow().messages.text("unavailable");
                self.dom.show_fallback(&text);
                let mut state = self.state.borrow_mut();
                state.form = None;
                state.form_listeners.clear();
                return;
            }
            Some(Ok(entry)) => entry,
        };
        let today = (self.page.services.today)();
        let (evaluation, view) = {
            let state = self.state.borrow();
            let evaluation = evaluate(&entry.stock, &entry.calendar, state.config.quantity, today);
            let view = status_view(&evaluation, &state.messages, &state.format);
            (evaluation, view)
        };
        self.dom.show_view(&view);
        let availability = &evaluation.availability;
        let detail = StatusDetail {
            sku: &entry.stock.sku,
            state: availability.state_name(),
            quantity: evaluation.quantity,
            max_quantity: evaluation.max_quantity,
            expected_date: availability.expected_ship_date().map(format_iso_date),
            release_date: entry
                .stock
                .release_date
                .filter(|_| view.state == "preorder")
                .map(format_iso_date),
            schema_org: format!("https://schema.org/{}", availability.schema_org()),
            availability_starts: availability.availability_starts().map(format_iso_date),
            google_availability: availability.google_feed(),
            text: std::iter::once(view.headline.clone())
                .chain(view.details.iter().cloned())
                .collect::<Vec<_>>()
                .join(". "),
        };
        self.state.borrow_mut().evaluation = Some(evaluation.clone());
        events::dispatch(&self.element, "backorder:status", &detail);
        self.render_form(
            &entry,
            view.offer,
            view.request_quantity,
            view.max_request_quantity,
        );
    }

    fn render_form(
        &self,
        entry: &StockEntry,
        offer: Option<RequestKind>,
        quantity: u32,
        max_quantity: u32,
    ) {
        let mut state = self.state.borrow_mut();
        if state.config.mode == Mode::Badge || state.phase == Phase::Confirmed {
            return;
        }
        let Some(kind) = offer else {
            state.form = None;
            state.form_listeners.clear();
            drop(state);
            self.dom.clear_body();
            return;
        };
        if state.form.as_ref().is_some_and(|form| form.kind == kind) {
            if let Some(form) = &state.form {
                let _ = form
                    .quantity
                    .set_attribute("max", &max_quantity.to_string());
                if state.phase == Phase::Editing {
                    form.quantity.set_value(&quantity.to_string());
                }
            }
            return;
        }
        if self.endpoint_of(&state).is_err() {
            drop(state);
            if let Err(problem) = self.endpoint() {
                self.report("config", &problem);
            }
            self.dom.clear_body();
            return;
        }
        let built = FormDom::build(
            &self.dom.document,
            kind,
            &state.messages,
            entry.calendar.payment,
            quantity,
            max_quantity,
        );
        let Ok(form) = built else { return };
        self.dom.clear_body();
        let _ = self.dom.body.append_child(&form.form);
        let this = self.this.clone();
        let options = EventListenerOptions::enable_prevent_default();
        let listener =
            EventListener::new_with_options(&form.form, "submit", options, move |event| {
                event.prevent_default();
                if let Some(widget) = this.upgrade() {
                    widget.submit();
                }
            });
        state.form_listeners = vec![listener];
        state.form = Some(form);
    }

    fn endpoint(&self) -> Result<String, String> {
        self.endpoint_of(&self.state.borrow())
    }

    fn endpoint_of(&self, state: &State) -> Result<String, String> {
        let endpoint = state
            .config
            .endpoint
            .clone()
            .or_else(|| self.page.config.endpoint.clone())
            .ok_or("no endpoint for requests: set data-endpoint on the script tag or endpoint on the element")?;
        check_endpoint(&endpoint)
    }

    /// Validates the form with the domain rules and sends it once.
    fn submit(&self) {
        let Some((form, request)) = self.read_form() else {
            return;
        };
        let messages = self.state.borrow().messages.clone();
        let format_errors =
            |errors: &[crate::domain::FieldError], max: u32| -> Vec<(String, String)> {
                errors
                    .iter()
                    .map(|error| {
                        let key = format!("error.{}", error.code);
                        let text = messages.counted(&key, max, None, &self.state.borrow().format);
                        let text = if text == key {
                            error.message.clone()
                        } else {
                            text
                        };
                        (error.field.clone(), text)
                    })
                    .collect()
            };
        let max = self
            .state
            .borrow()
            .evaluation
            .as_ref()
            .map_or(1, |evaluation| evaluation.max_quantity);
        let checked = match check_request(&request) {
            Ok(checked) => checked,
            Err(errors) => return self.show_form_errors(&form, &format_errors(&errors, max), None),
        };
        let entry = match self.state.borrow().entry.clone() {
            Some(Ok(entry)) => entry,
            _ => return,
        };
        let today = (self.page.services.today)();
        let granted = offer(
            &entry.stock,
            &entry.calendar,
            checked.kind,
            checked.quantity,
            today,
        );
        match granted {
            Err(OfferError::Exceeds { remaining }) => {
                let text = self.state.borrow().messages.counted(
                    "error.exceeds",
                    remaining,
                    None,
                    &self.state.borrow().format,
                );
                return self.show_form_errors(&form, &[("quantity".to_owned(), text)], None);
            }
            Err(OfferError::WrongKind { .. }) => {
                let text = self.state.borrow().messages.text("error.rejected");
                return self.show_form_errors(&form, &[], Some(&text));
            }
            Ok(_) => {}
        }
        if !form.trap.value().is_empty() {
            // A bot filled the invisible field: pretend nothing happened and send nothing.
            return;
        }
        let endpoint = match self.endpoint() {
            Ok(endpoint) => endpoint,
            Err(problem) => {
                self.report("config", &problem);
                let text = self.state.borrow().messages.text("error.rejected");
                return self.show_form_errors(&form, &[], Some(&text));
            }
        };
        self.show_form_errors(&form, &[], None);
        let sending = {
            let mut state = self.state.borrow_mut();
            if state.phase != Phase::Editing {
                return;
            }
            state.phase = Phase::Sending;
            state.outgoing = Some(request.clone());
            state.messages.text("sending")
        };
        form.set_busy(true, &sending);
        let this = self.this.clone();
        let transport = self.page.services.transport.clone();
        let key = request.idempotency_key.clone().unwrap_or_default();
        let body = to_json(&request);
        wasm_bindgen_futures::spawn_local(async move {
            let answer = transport
                .send(HttpRequest {
                    method: "POST",
                    url: endpoint,
                    headers: vec![
                        ("Content-Type".to_owned(), "application/json".to_owned()),
                        ("Idempotency-Key".to_owned(), key),
                    ],
                    body: Some(body),
                })
                .await;
            if let Some(widget) = this.upgrade() {
                widget.answered(
                    &form,
                    checked.kind,
                    answer.map(|response| Outcome::from_response(&response)),
                );
            }
        });
    }

    /// Reads the form into a request body. A resubmission of the same content keeps the
    /// idempotency key of the previous attempt, so the endpoint stores it once.
    fn read_form(&self) -> Option<(FormDom, BackorderRequest)> {
        let state = self.state.borrow();
        let form = state.form.clone()?;
        let entry = match &state.entry {
            Some(Ok(entry)) => entry.clone(),
            _ => return None,
        };
        let quantity = form.quantity.value().trim().parse::<i64>().ok();
        let name = Some(form.name.value()).filter(|name| !name.trim().is_empty());
        let today = (self.page.services.today)();
        let expected_date = parse_quantity(&form.quantity.value()).and_then(|quantity| {
            offer(&entry.stock, &entry.calendar, form.kind, quantity, today)
                .ok()
                .and_then(|offer| offer.expected_ship_date)
                .map(format_iso_date)
        });
        let mut request = BackorderRequest {
            kind: Some(form.kind.as_str().to_owned()),
            sku: Some(entry.stock.sku.clone()),
            quantity,
            email: Some(form.email.value().trim().to_owned()),
            name,
            consent: Some(Consent {
                text: form.consent_text.clone(),
                given: form.consent.checked(),
            }),
            expected_date,
            locale: Some(state.locale.clone()),
            page: web_sys::window().and_then(|window| window.location().href().ok()),
            idempotency_key: None,
            created_at: None,
        };
        let previous = state.outgoing.as_ref().filter(|previous| {
            BackorderRequest {
                idempotency_key: None,
                created_at: None,
                ..(*previous).clone()
            } == request
        });
        request.idempotency_key = Some(
            previous
                .and_then(|previous| previous.idempotency_key.clone())
                .unwrap_or_else(platform::random_key),
        );
        request.created_at = Some(
            previous
                .and_then(|previous| previous.created_at.clone())
                .unwrap_or_else(platform::now_rfc3339),
        );
        Some((form, request))
    }

    fn show_form_errors(&self, form: &FormDom, errors: &[(String, String)], general: Option<&str>) {
        if let Some(first) = form.show_errors(errors, general) {
            let _ = first.focus();
        }
    }

    fn answered(
        &self,
        form: &FormDom,
        kind: RequestKind,
        answer: Result<Outcome, super::TransportError>,
    ) {
        let messages = self.state.borrow().messages.clone();
        self.state.borrow_mut().phase = Phase::Editing;
        form.set_busy(false, "");
        let sku = self.state.borrow().config.sku.clone();
        match answer {
            Ok(Outcome::Accepted(accepted)) => self.confirmed(kind, &accepted),
            Ok(Outcome::Invalid(errors)) => {
                let fields: Vec<(String, String)> = errors
                    .iter()
                    .filter(|error| super::render::FIELDS.contains(&error.field.as_str()))
                    .map(|error| {
                        let key = format!("error.{}", error.code);
                        let text = messages.text(&key);
                        (
                            error.field.clone(),
                            if text == key {
                                error.message.clone()
                            } else {
                                text
                            },
                        )
                    })
                    .collect();
                let general =
                    (fields.len() < errors.len()).then(|| messages.text("error.rejected"));
                self.show_form_errors(form, &fields, general.as_deref());
                self.report(
                    "invalid",
                    &format!(
                        "the endpoint refused the request: {}",
                        errors
                            .iter()
                            .map(|error| error.message.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                );
            }
            Ok(Outcome::Exceeds { remaining }) => {
                let text = if remaining == 0 {
                    messages.text("error.sold_out")
                } else {
                    messages.counted(
                        "error.exceeds",
                        remaining,
                        None,
                        &self.state.borrow().format,
                    )
                };
                self.show_form_errors(form, &[("quantity".to_owned(), text)], None);
                self.report(
                    "exceeds",
                    &format!("only {remaining} units can still be reserved"),
                );
                self.page.loader.invalidate(&sku);
                self.reload();
            }
            Ok(Outcome::RateLimited { .. }) => {
                self.show_form_errors(form, &[], Some(&messages.text("error.rate_limited")));
                self.report("rate_limited", "the endpoint asked to slow down (429)");
            }
            Ok(Outcome::TryAgain) => {
                self.show_form_errors(form, &[], Some(&messages.text("error.network")));
                self.report(
                    "server",
                    "the endpoint failed (5xx); the same request can be sent again",
                );
            }
            Ok(Outcome::Rejected { status, message }) => {
                self.state.borrow_mut().outgoing = None;
                self.show_form_errors(form, &[], Some(&messages.text("error.rejected")));
                self.report(
                    "rejected",
                    &format!(
                        "the endpoint answered HTTP {status}{}",
                        message.map(|m| format!(": {m}")).unwrap_or_default()
                    ),
                );
            }
            Err(error) => {
                self.show_form_errors(form, &[], Some(&messages.text("error.network")));
                self.report(
                    "network",
                    &format!("the request could not be sent ({error})"),
                );
            }
        }
    }

    fn confirmed(&self, kind: RequestKind, accepted: &Accepted) {
        let (lines, sku) = {
            let mut state = self.state.borrow_mut();
            state.phase = Phase::Confirmed;
            state.outgoing = None;
            state.form = None;
            state.form_listeners.clear();
            let lines = confirmation_text(
                kind,
                accepted.queue_position,
                accepted.expected_date.as_deref(),
                &state.messages,
                &state.format,
            );
            (lines, state.config.sku.clone())
        };
        if let Ok(block) = self.dom.show_lines("confirmation", "confirmation", &lines) {
            let _ = block.set_attribute("tabindex", "-1");
            let _ = block.unchecked_ref::<HtmlElement>().focus();
        }
        events::dispatch(
            &self.element,
            "backorder:submitted",
            &SubmittedDetail {
                sku: &sku,
                kind: kind.as_str(),
                id: accepted.id.to_string(),
                queue_position: accepted.queue_position,
                expected_date: accepted.expected_date.clone(),
            },
        );
        self.page.loader.invalidate(&sku);
    }

    /// Follows the host page's quantity field named by `quantity-input`.
    fn follow_quantity_input(&self) {
        let selector = self.state.borrow().config.quantity_input.clone();
        self.state.borrow_mut().quantity_listeners.clear();
        let Some(selector) = selector else { return };
        let input = self
            .dom
            .document
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|input| input.dyn_into::<HtmlInputElement>().ok());
        let Some(input) = input else {
            return self.report(
                "config",
                &format!("quantity-input {selector:?} matches no input on the page"),
            );
        };
        let read = {
            let input = input.clone();
            let this = self.this.clone();
            move || {
                if let (Some(widget), Some(quantity)) =
                    (this.upgrade(), parse_quantity(&input.value()))
                {
                    widget.set_quantity(quantity);
                }
            }
        };
        if let Some(quantity) = parse_quantity(&input.value()) {
            self.state.borrow_mut().config.quantity = quantity;
        }
        let on_input = read.clone();
        let listeners = vec![
            EventListener::new(&input, "input", move |_| on_input()),
            EventListener::new(&input, "change", move |_| read()),
        ];
        self.state.borrow_mut().quantity_listeners = listeners;
    }

    /// Tells the developer (console) and the host page (`backorder:error`).
    fn report(&self, code: &str, message: &str) {
        platform::console_error(message);
        let sku = self.state.borrow().config.sku.clone();
        events::dispatch(
            &self.element,
            "backorder:error",
            &ErrorDetail {
                sku: &sku,
                code,
                message,
            },
        );
    }
}

/// The element's `locale`, then the nearest `lang` on the page, then the browser's language.
fn resolve_locale(element: &Element, attribute: Option<&str>) -> String {
    if let Some(locale) = attribute {
        return locale.to_owned();
    }
    let lang = element
        .closest("[lang]")
        .ok()
        .flatten()
        .and_then(|holder| holder.get_attribute("lang"));
    if let Some(lang) = lang.filter(|lang| !lang.trim().is_empty()) {
        return lang;
    }
    web_sys::window()
        .and_then(|window| window.navigator().language())
        .unwrap_or_else(|| "en".to_owned())
}

/// Refuses endpoints that would leak shoppers' emails in clear text: `http:` is only accepted
/// when the page itself is on this machine (development).
pub fn check_endpoint(endpoint: &str) -> Result<String, String> {
    let Some(location) = web_sys::window().map(|window| window.location()) else {
        return Ok(endpoint.to_owned());
    };
    let base = location.href().unwrap_or_default();
    let url = web_sys::Url::new_with_base(endpoint, &base)
        .map_err(|_| format!("endpoint {endpoint:?} is not a valid URL"))?;
    let page_host = location.hostname().unwrap_or_default();
    let local = |host: &str| matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1");
    match url.protocol().as_str() {
        "https:" => Ok(url.href()),
        "http:" if local(&page_host) => Ok(url.href()),
        "http:" => Err(format!(
            "endpoint {endpoint:?} uses http: on a page that is not localhost; shoppers' emails must travel over https:"
        )),
        other => Err(format!("endpoint {endpoint:?} uses {other}, not https:")),
    }
}

fn to_json(request: &BackorderRequest) -> String {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(request, &serializer)
        .ok()
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}
