//! One `<backorder-status>`: loads its stock, shows the state, and runs its request form.

mod host;
mod requests;
mod reservation;

use host::resolve_locale;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::JsValue;
use web_sys::HtmlElement;

use super::config::{ElementConfig, Mode};
use super::courier::Delivery;
use super::events::{self, ErrorDetail, StatusDetail};
use super::form_dom::FormDom;
use super::intl::IntlFormat;
use super::loader::{LoadError, Source, StockEntry, StockResult};
use super::render::Skeleton;
use super::wording::WordingResult;
use super::{Listener, Page, platform};
use crate::domain::{BackorderRequest, RequestKind, evaluate, format_iso_date};
use crate::outbox::Pending;
use crate::text::{concat, decimal};
use crate::view::{Messages, status_view};

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
    locale: String,
    messages: Messages,
    /// Whether `messages` is complete: English, or the language's file has been read (or could
    /// not be, and English stands in). Until then the widget shows only its loading state.
    wording_ready: bool,
    /// What the courier learned while the wording was on its way, shown once it is here.
    deferred: Vec<(Pending, Delivery)>,
    format: IntlFormat,
    /// Bumped on every reload, so a late answer for a previous SKU is ignored.
    generation: u64,
    entry: Option<StockResult>,
    /// The most this shopper can be promised now, for the "at most N" field errors.
    max_quantity: Option<u32>,
    /// Shared, so a submission reads the form without copying its element handles.
    form: Option<Rc<FormDom>>,
    phase: Phase,
    /// The request being (or last) sent, so a retry reuses its idempotency key.
    outgoing: Option<BackorderRequest>,
    /// Listeners that live as long as the current form or quantity input.
    form_listeners: Vec<Listener>,
    quantity_listeners: Vec<Listener>,
    /// The JSON-LD offer, when the page asked for structured data.
    offer_script: Option<super::structured::OfferScript>,
    /// A message that must outlive the form being rebuilt ("cancelled", "sold out").
    notice: Option<String>,
    /// Counts renders, so a render interrupted by a host page changing the element from its
    /// `backorder:status` handler does not finish with the old state.
    renders: u64,
    destroyed: bool,
}

impl State {
    /// The form goes, with its listeners.
    fn close_form(&mut self) {
        self.form = None;
        self.form_listeners.clear();
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// The form is shown and can be submitted.
    Editing,
    /// A submission is on its way; another click sends nothing.
    Sending,
    /// The request is saved in the outbox and will be retried.
    Queued,
    /// The endpoint confirmed a reservation for this SKU (now or on an earlier visit).
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
        let messages = Messages::for_locale(&locale).with_overrides(page.config.messages.clone());
        let widget = Rc::new_cyclic(|this| Self {
            element,
            dom,
            state: RefCell::new(State {
                wording_ready: messages.language() == "en",
                deferred: Vec::new(),
                messages,
                format: IntlFormat::new(&locale, today),
                locale,
                config,
                generation: 0,
                entry: None,
                max_quantity: None,
                form: None,
                phase: Phase::Editing,
                outgoing: None,
                form_listeners: Vec::new(),
                quantity_listeners: Vec::new(),
                offer_script: None,
                notice: None,
                renders: 0,
                destroyed: false,
            }),
            page,
            this: this.clone(),
        });
        for problem in problems {
            widget.report("config", &problem);
        }
        widget.page.track(&widget);
        widget.follow_quantity_input();
        widget.reload();
        widget.restore_from_outbox();
        widget.fetch_wording();
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
            if state.destroyed {
                // A destroyed widget follows no input and loads nothing again.
                return;
            }
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
                state.wording_ready = state.messages.language() == "en";
                state.format = IntlFormat::new(&locale, (self.page.services.today)());
                state.locale = locale;
                state.form = None;
                if !state.wording_ready {
                    // What is on show speaks the old language: it goes until the new one is here.
                    state.form_listeners.clear();
                }
            }
            if reload {
                state.phase = Phase::Editing;
                state.outgoing = None;
                state.form = None;
                state.notice = None;
            }
        }
        if refollow {
            self.follow_quantity_input();
        }
        let waiting_for_words = !self.state.borrow().wording_ready;
        if reload {
            self.dom.clear_body();
            self.reload();
            self.restore_from_outbox();
        } else if waiting_for_words {
            self.dom.clear_body();
            self.show_loading();
        } else {
            self.render();
        }
        if relocale {
            self.fetch_wording();
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

    /// Unmounts: removes listeners and the shadow content, and the page lets the widget go.
    /// Late answers and later updates are ignored.
    pub fn destroy(&self) {
        self.page.unregister(&self.element);
        let mut state = self.state.borrow_mut();
        state.destroyed = true;
        state.form_listeners.clear();
        state.quantity_listeners.clear();
        state.form = None;
        state.offer_script = None;
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
            // A render under way for the previous SKU must not finish.
            state.renders += 1;
            state.entry = None;
            (state.config.sku.clone(), state.generation)
        };
        if sku.is_empty() {
            return self.loaded(generation, Err(Rc::new(LoadError::NoSku)));
        }
        let source = match self.source() {
            Ok(source) => source,
            Err(error) => return self.loaded(generation, Err(Rc::new(error))),
        };
        self.show_loading();
        let this = self.this.clone();
        self.page.loader.load(&source, &sku, move |result| {
            if let Some(widget) = this.upgrade() {
                widget.loaded(generation, result);
            }
        });
    }

    /// The loading state; without words while the language's wording is on its way.
    fn show_loading(&self) {
        let loading = {
            let state = self.state.borrow();
            match state.wording_ready {
                true => state.messages.text("loading"),
                false => String::new(),
            }
        };
        self.dom
            .show_status("loading", crate::view::Tone::Neutral, &loading, &[]);
    }

    /// Asks the page for the language's wording, unless the widget has it.
    fn fetch_wording(&self) {
        let language = {
            let state = self.state.borrow();
            if state.wording_ready {
                return;
            }
            state.messages.language()
        };
        let this = self.this.clone();
        self.page.wording.load(language, move |result| {
            if let Some(widget) = this.upgrade() {
                widget.worded(language, result);
            }
        });
    }

    /// The language's wording arrived (or English stands in): everything shows now.
    fn worded(&self, language: &'static str, result: WordingResult) {
        let (problem, loading) = {
            let mut state = self.state.borrow_mut();
            if state.destroyed || state.wording_ready || state.messages.language() != language {
                return;
            }
            state.wording_ready = true;
            state.form = None;
            let problem = match result {
                Ok(translation) => {
                    state.messages = state.messages.clone().with_translation(translation);
                    None
                }
                Err(problem) => Some(problem),
            };
            (problem, state.entry.is_none())
        };
        if let Some(problem) = problem {
            self.report("wording", &problem);
        }
        if loading {
            self.show_loading();
        }
        let deferred = std::mem::take(&mut self.state.borrow_mut().deferred);
        if deferred.is_empty() {
            self.render();
            self.restore_from_outbox();
            return;
        }
        // Told first, as they would have been with the words here: before a form is built
        // (a refusal then says why above a fresh form), and instead of restoring from the
        // outbox, which holds what these deliveries wrote and would only draw it again.
        for (pending, delivery) in deferred {
            self.delivered(&pending, &delivery);
        }
        self.render();
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
            self.report(error.code(), &error.message());
        }
        self.render();
    }

    /// Evaluates and shows the current state.
    fn render(&self) {
        let (entry, ticket) = {
            let mut state = self.state.borrow_mut();
            if state.destroyed || !state.wording_ready {
                return;
            }
            state.renders += 1;
            (state.entry.clone(), state.renders)
        };
        let entry = match entry {
            None => return,
            Some(Err(_)) => {
                let text = self.state.borrow().messages.text("unavailable");
                self.dom.show_fallback(&text);
                let mut state = self.state.borrow_mut();
                state.close_form();
                state.offer_script = None;
                return;
            }
            Some(Ok(entry)) => entry,
        };
        let today = (self.page.services.today)();
        if self.page.config.preview {
            let state = self.state.borrow();
            let shown = super::preview::show_preview(
                &self.dom,
                &state.messages,
                &state.format,
                entry.calendar.payment,
                today,
            );
            if shown.is_err() {
                platform::console_error("the preview could not be rendered");
            }
            return;
        }
        let (evaluation, view) = {
            let state = self.state.borrow();
            let evaluation = evaluate(&entry.stock, &entry.calendar, state.config.quantity, today);
            let view = status_view(&evaluation, &state.messages, &state.format);
            (evaluation, view)
        };
        self.dom.show_view(&view);
        // What the shopper reads, as one line: "Backordered: ships by …. Only 3 left".
        let mut text = view.headline.clone();
        for detail in &view.details {
            text.push_str(". ");
            text.push_str(detail);
        }
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
            schema_org: concat(&["https://schema.org/", availability.schema_org()]),
            availability_starts: availability.availability_starts().map(format_iso_date),
            google_availability: availability.google_feed(),
            text,
        };
        self.state.borrow_mut().max_quantity = Some(evaluation.max_quantity);
        if self.page.config.structured_data {
            // The page's offer is about the product, not about this shopper's quantity.
            let offer = evaluate(&entry.stock, &entry.calendar, 1, today).availability;
            let mut state = self.state.borrow_mut();
            if state.offer_script.is_none() {
                state.offer_script = super::structured::OfferScript::new(&self.dom.document);
            }
            if let Some(script) = &state.offer_script {
                script.update(
                    &entry.stock.sku,
                    entry.stock.name.as_deref(),
                    &offer,
                    platform::page_is_local(),
                );
            }
        }
        platform::mark_first_status();
        events::dispatch(&self.element, "backorder:status", &detail.to_js());
        if self.state.borrow().renders != ticket {
            // The host page changed the element while hearing about this state; the newer
            // render has already shown what is current.
            return;
        }
        self.render_form(
            &entry,
            view.offer,
            view.request_quantity,
            view.max_request_quantity,
        );
        self.show_notice();
    }

    /// Keeps a message on show across re-renders until the shopper acts again.
    pub(super) fn set_notice(&self, text: impl Into<Option<String>>) {
        self.state.borrow_mut().notice = text.into();
        self.show_notice();
    }

    fn show_notice(&self) {
        if let Ok(Some(old)) = self.dom.body.query_selector(".notice") {
            old.remove();
        }
        let Some(text) = self.state.borrow().notice.clone() else {
            return;
        };
        let note = super::render::text_element(
            &self.dom.document,
            "p",
            "notice note",
            &[("part", "message"), ("role", "status")],
            &text,
        );
        if let Ok(note) = note {
            let _ = self.dom.body.prepend_with_node_1(&note);
        }
    }

    fn render_form(
        &self,
        entry: &StockEntry,
        offer: Option<RequestKind>,
        quantity: u32,
        max_quantity: u32,
    ) {
        let mut state = self.state.borrow_mut();
        let badge = state.config.mode == Mode::Badge;
        if !badge && matches!(state.phase, Phase::Confirmed | Phase::Queued) {
            return;
        }
        let kind = match offer {
            Some(kind) if !badge => kind,
            // A badge shows no form, and neither does a state with nothing to offer; switched
            // from full to badge, the form (or confirmation) goes.
            _ => {
                if !badge || self.dom.body.has_child_nodes() {
                    state.close_form();
                    drop(state);
                    self.dom.clear_body();
                }
                return;
            }
        };
        if state.form.as_ref().is_some_and(|form| form.kind == kind) {
            if let Some(form) = &state.form {
                let _ = form.quantity.set_attribute("max", &decimal(max_quantity));
                if state.phase == Phase::Editing {
                    form.quantity.set_value(&decimal(quantity));
                }
            }
            return;
        }
        if let Err(problem) = self.endpoint_of(&state) {
            drop(state);
            self.report("config", &problem);
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
        let Ok(mut form) = built else { return };
        form.built_ms = (self.page.services.now_ms)();
        self.dom.clear_body();
        let _ = self.dom.body.append_child(&form.form);
        let this = self.this.clone();
        let listener = Listener::new(&form.form, "submit", move |event| {
            event.prevent_default();
            if let Some(widget) = this.upgrade() {
                widget.submit();
            }
        });
        state.form_listeners = vec![listener];
        state.form = Some(Rc::new(form));
    }

    /// A returning shopper sees their reservation, or that their request is still on its way.
    fn restore_from_outbox(&self) {
        let (sku, mode, ready) = {
            let state = self.state.borrow();
            (
                state.config.sku.clone(),
                state.config.mode,
                state.wording_ready,
            )
        };
        if !ready || mode == Mode::Badge || sku.is_empty() || self.page.config.preview {
            return;
        }
        let outbox = self.page.courier.snapshot();
        if let Some(reservation) = outbox.reservation(&sku) {
            self.show_reservation(reservation, false);
        } else if outbox.pending.iter().any(|pending| pending.sku == sku) {
            self.show_queued();
        }
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
            }
            .to_js(),
        );
    }
}
