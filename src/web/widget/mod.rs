//! One `<backorder-status>`: loads its stock, shows the state, and runs its request form.

mod host;
mod requests;
mod reservation;

use host::resolve_locale;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlElement;

use super::events::{self, ErrorDetail};
use super::form_dom::FormDom;
use super::intl::{DateStyle, IntlFormat};
use super::loader::{LoadError, Source, StockEntry, StockResult};
use super::render::Skeleton;
use super::wording::WordingResult;
use super::{Listener, Page, platform};
use crate::domain::{Evaluation, ShopCalendar, evaluate};
use crate::outbox::Pending;
use crate::outbox::answer::Delivery;
use crate::text::decimal;
use crate::view::{Messages, StatusView, formatting_locale, status_view};
use crate::widget::config::{Changes, ElementConfig, Mode, parse_quantity};
use crate::widget::lifecycle::{Phase, Step};
use crate::widget::reservation::{Returning, returning};
use crate::widget::status::status_detail;
use crate::wire::BackorderRequest;

/// Badges write dates short, to fit a collection card.
fn date_style(mode: Mode) -> DateStyle {
    match mode {
        Mode::Full => DateStyle::Long,
        Mode::Badge => DateStyle::Short,
    }
}

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
    /// Dates and plurals in the language of the words, shared with the page's other widgets.
    format: Rc<IntlFormat>,
    /// Bumped on every reload, so a late answer for a previous SKU is ignored.
    generation: u64,
    entry: Option<StockResult>,
    /// What the status shows now: the form's quantity is read against it.
    evaluation: Option<Evaluation>,
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
    /// Whether the notice takes the focus when it is next shown: after a cancel, the button
    /// that had it is gone.
    focus_notice: bool,
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

impl Widget {
    /// Mounts a widget in `element`'s shadow root. Never throws: problems become the neutral
    /// fallback, a console error and a `backorder:error` event.
    pub fn mount(
        element: HtmlElement,
        config: ElementConfig,
        problems: Vec<String>,
        page: Rc<Page>,
    ) -> Result<Rc<Self>, JsValue> {
        let dom = Skeleton::attach(&element, page.sheet(), config.mode == Mode::Full)?;
        let locale = resolve_locale(&element, config.locale.as_deref());
        let messages = Messages::for_locale(&locale).with_overrides(page.config.messages.clone());
        let format = page.format(
            formatting_locale(&locale, !page.config.messages.is_empty()),
            date_style(config.mode),
        );
        let widget = Rc::new_cyclic(|this| Self {
            element,
            dom,
            state: RefCell::new(State {
                wording_ready: messages.language() == "en",
                deferred: Vec::new(),
                messages,
                format,
                locale,
                config,
                generation: 0,
                entry: None,
                evaluation: None,
                form: None,
                phase: Phase::default(),
                outgoing: None,
                form_listeners: Vec::new(),
                quantity_listeners: Vec::new(),
                offer_script: None,
                notice: None,
                focus_notice: false,
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
        widget.refresh_scheme();
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
        let Changes {
            reload,
            relocale,
            remode,
            refollow,
        } = {
            let state = self.state.borrow();
            if state.destroyed {
                // A destroyed widget follows no input and loads nothing again.
                return;
            }
            state.config.changes(&config)
        };
        {
            let mut state = self.state.borrow_mut();
            state.config = config;
            if relocale {
                let locale = resolve_locale(&self.element, state.config.locale.as_deref());
                self.set_locale(&mut state, locale);
            } else if remode {
                // A badge writes short dates; the words stay as they are.
                state.format = self.page.format(
                    formatting_locale(&state.locale, self.has_overrides()),
                    date_style(state.config.mode),
                );
            }
            if reload {
                state.phase = state.phase.after(Step::Reset);
                state.outgoing = None;
                state.close_form();
                state.notice = None;
                state.focus_notice = false;
            }
        }
        if remode {
            self.dom
                .set_live(self.state.borrow().config.mode == Mode::Full);
        }
        if refollow {
            self.follow_quantity_input();
        }
        self.show_again(reload, relocale);
    }

    /// Shows the current state again after a change: loads it afresh (`reload`), or renders
    /// what is known, once the words are here; fetches the words of a new language.
    fn show_again(&self, reload: bool, relocale: bool) {
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
            if relocale {
                // A confirmation or a queued message speaks the old language too.
                self.restore_from_outbox();
            }
        }
        if relocale {
            self.fetch_wording();
        }
    }

    /// Speaks `locale` from now on: its words (fetched if need be) and its dates, in this
    /// widget's date style. What is on show goes with the old language.
    fn set_locale(&self, state: &mut State, locale: String) {
        state.messages =
            Messages::for_locale(&locale).with_overrides(self.page.config.messages.clone());
        state.wording_ready = state.messages.language() == "en";
        state.format = self.page.format(
            formatting_locale(&locale, self.has_overrides()),
            date_style(state.config.mode),
        );
        state.locale = locale;
        // What is on show speaks the old language: it goes, and is built again in the new one.
        state.close_form();
        // A message said in the old language goes with it.
        state.notice = None;
        state.focus_notice = false;
    }

    /// Whether the merchant wrote wording of their own (`data-messages`): they write it in their
    /// shoppers' language, so dates follow that language even where the widget has none.
    fn has_overrides(&self) -> bool {
        !self.page.config.messages.is_empty()
    }

    /// The host page changed its look or language (a theme, dark mode, `<html lang>`): the
    /// palette follows it, and so do the words of a widget without its own `locale`.
    pub(crate) fn host_changed(&self) {
        if self.state.borrow().destroyed {
            return;
        }
        self.refresh_scheme();
        let relocale = {
            let state = self.state.borrow();
            let locale = resolve_locale(&self.element, state.config.locale.as_deref());
            (locale != state.locale).then_some(locale)
        };
        if let Some(locale) = relocale {
            self.set_locale(&mut self.state.borrow_mut(), locale);
            self.show_again(false, true);
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
        state.close_form();
        state.quantity_listeners.clear();
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
            state.close_form();
            let problem = match result {
                Ok(translation) => {
                    state.messages = state.messages.clone().with_translation(translation);
                    None
                }
                Err(problem) => {
                    // English words stand in: dates and plurals follow them, unless the
                    // merchant's own wording speaks the shopper's language.
                    if !self.has_overrides() {
                        state.format = self.page.format("en", date_style(state.config.mode));
                    }
                    Some(problem)
                }
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
        self.render_with(false);
    }

    /// Renders; `keep_form_quantity` when the shopper is typing the form's quantity, which is
    /// then left as typed.
    fn render_with(&self, keep_form_quantity: bool) {
        let (entry, ticket) = {
            let mut state = self.state.borrow_mut();
            if state.destroyed || !state.wording_ready {
                return;
            }
            state.renders += 1;
            (state.entry.clone(), state.renders)
        };
        let Some(entry) = entry else { return };
        if self.page.config.preview {
            return self.show_preview(&entry);
        }
        let entry = match entry {
            Err(error) => return self.show_unavailable(&error),
            Ok(entry) => entry,
        };
        let today = self.page.shop_day(&entry.calendar);
        let (evaluation, view) = {
            let state = self.state.borrow();
            let evaluation = evaluate(&entry.stock, &entry.calendar, state.config.quantity, today);
            let view = status_view(&evaluation, &state.messages, &*state.format);
            (evaluation, view)
        };
        self.dom.show_view(&view);
        let detail = status_detail(&entry.stock, &evaluation, &view);
        self.state.borrow_mut().evaluation = Some(evaluation);
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
        events::dispatch(
            &self.element,
            "backorder:status",
            &events::status_js(&detail),
        );
        if self.state.borrow().renders != ticket {
            // The host page changed the element while hearing about this state; the newer
            // render has already shown what is current.
            return;
        }
        self.render_form(&entry, &view, keep_form_quantity);
        self.show_notice(true);
    }

    /// The neutral fallback, with a way to try again when the stock source may answer next
    /// time (it was down or slow, not wrong).
    fn show_unavailable(&self, error: &LoadError) {
        let (text, retry) = {
            let state = self.state.borrow();
            let retry = (error.code() == "stock_unavailable").then(|| state.messages.text("retry"));
            (state.messages.text("unavailable"), retry)
        };
        let button = self.dom.show_fallback(&text, retry.as_deref());
        let mut state = self.state.borrow_mut();
        state.close_form();
        state.offer_script = None;
        state.focus_notice = false;
        if let Some(button) = button {
            let this = self.this.clone();
            let listener = Listener::new(&button, "click", move |_| {
                if let Some(widget) = this.upgrade() {
                    let sku = widget.state.borrow().config.sku.clone();
                    widget.page.loader.invalidate(&sku);
                    widget.reload();
                }
            });
            state.form_listeners = vec![listener];
        }
    }

    /// The merchant preview; with the reason in plain words when this element's own stock
    /// cannot be shown (an unknown SKU, say), so the merchant sees what to fix.
    fn show_preview(&self, entry: &StockResult) {
        let state = self.state.borrow();
        let default_calendar = ShopCalendar::default();
        let (calendar, problem) = match entry {
            Ok(entry) => (&entry.calendar, None),
            Err(error) => (&default_calendar, Some(error.message())),
        };
        let today = self.page.shop_day(calendar).date;
        let shown = super::preview::show_preview(
            &self.dom,
            &state.messages,
            &*state.format,
            calendar,
            super::preview::Shown {
                today,
                with_forms: state.config.mode == Mode::Full,
                payment: calendar.payment,
                problem: problem.as_deref(),
            },
        );
        if shown.is_err() {
            platform::console_error("the preview could not be rendered");
        }
    }

    /// The shopper typed a quantity into the form: the status and the date follow it, as they
    /// follow the page's quantity field, so the date shown is the date the request carries.
    fn form_quantity_changed(&self) {
        let wanted = {
            let state = self.state.borrow();
            let (Some(form), Some(evaluation)) = (&state.form, &state.evaluation) else {
                return;
            };
            if !state.phase.may_submit() || !form.kind.reserves_units() {
                return;
            }
            let Some(reserved) = parse_quantity(&form.quantity.value()) else {
                return;
            };
            evaluation.total_for_request(reserved)
        };
        if wanted != self.state.borrow().config.quantity {
            self.state.borrow_mut().config.quantity = wanted;
            self.render_with(true);
        }
    }

    /// Keeps a message on show across re-renders until the shopper acts again.
    pub(super) fn set_notice(&self, text: impl Into<Option<String>>) {
        {
            let mut state = self.state.borrow_mut();
            state.notice = text.into();
            if state.notice.is_none() {
                state.focus_notice = false;
            }
        }
        self.show_notice(false);
    }

    /// Shows the notice above the body; `rendered` once the body is final, when a notice that
    /// should take the focus gets it.
    pub(super) fn show_notice(&self, rendered: bool) {
        let text = self.state.borrow().notice.clone();
        let shown = self.dom.body.query_selector(".notice").ok().flatten();
        // The same message already on top stays as it is, so a screen reader does not hear it
        // again with every keystroke that re-renders the status.
        let same = match (&shown, &text) {
            (Some(shown), Some(text)) => {
                shown.text_content().as_deref() == Some(text.as_str())
                    && self.dom.body.first_element_child().as_ref() == Some(shown)
            }
            _ => false,
        };
        let note = match (same, shown, text) {
            (true, Some(shown), _) => shown,
            (_, shown, text) => {
                if let Some(old) = shown {
                    old.remove();
                }
                let Some(text) = text else { return };
                let Ok(note) = super::render::text_element(
                    &self.dom.document,
                    "p",
                    "notice note",
                    &[("part", "message"), ("role", "status")],
                    &text,
                ) else {
                    return;
                };
                let _ = self.dom.body.prepend_with_node_1(&note);
                note
            }
        };
        if rendered && std::mem::take(&mut self.state.borrow_mut().focus_notice) {
            let _ = note.set_attribute("tabindex", "-1");
            let _ = note.unchecked_ref::<HtmlElement>().focus();
        }
    }

    fn render_form(&self, entry: &StockEntry, view: &StatusView, keep_form_quantity: bool) {
        let mut state = self.state.borrow_mut();
        let badge = state.config.mode == Mode::Badge;
        if !badge && !state.phase.shows_form() {
            return;
        }
        let kind = match view.offer {
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
        if let Some(form) = state.form.as_ref().filter(|form| form.kind == kind) {
            let _ = form
                .quantity
                .set_attribute("max", &decimal(view.max_request_quantity));
            form.note.set_text_content(view.form_note.as_deref());
            if state.phase.may_submit() && !keep_form_quantity {
                form.quantity.set_value(&decimal(view.request_quantity));
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
            (view.request_quantity, view.max_request_quantity),
            view.form_note.as_deref(),
        );
        let Ok(mut form) = built else { return };
        form.built_ms = self.page.services.clock.now_ms();
        self.dom.clear_body();
        let _ = self.dom.body.append_child(&form.form);
        let this = self.this.clone();
        let submitted = Listener::new(&form.form, "submit", move |event| {
            event.prevent_default();
            if let Some(widget) = this.upgrade() {
                widget.submit();
            }
        });
        let this = self.this.clone();
        let typed = Listener::new(&form.quantity, "input", move |_| {
            if let Some(widget) = this.upgrade() {
                widget.form_quantity_changed();
            }
        });
        state.form_listeners = vec![submitted, typed];
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
        match returning(&outbox, &sku) {
            Returning::Reserved(reservation) => self.show_reservation(reservation, false),
            Returning::Queued => self.show_queued(),
            Returning::Nothing => {}
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
