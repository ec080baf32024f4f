//! One `<backorder-status>` in the page: turns DOM events and answers into messages for its
//! [`Model`], and carries out the effects the model returns. Nothing here decides anything.
//!
//! Messages run to completion one at a time: one that arrives while effects are being carried
//! out (an inline stock answer given at once, a host page changing the element from its
//! `backorder:status` handler) waits in the inbox until they are done.

mod host;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement};

use super::events::dispatch_event;
use super::form_dom::FormDom;
use super::js::json_tree;
use super::listener::Listener;
use super::page::Page;
use super::platform;
use super::preview::{Shown, show_preview};
use super::render::{Skeleton, build};
use super::structured::OfferScript;
use crate::outbox::answer::Delivery;
use crate::outbox::queue::Pending;
use crate::text::{concat, decimal};
use crate::view::form::FormTree;
use crate::view::messages::{LocaleFormat, PlainFormat};
use crate::view::status::Tone;
use crate::view::tree;
use crate::widget::answers::Checked;
use crate::widget::config::{ElementConfig, Mode};
use crate::widget::model::{Context, Effect, FormValues, Model, Msg};

/// A mounted widget. Dropping the last handle does not unmount it; call [`Widget::destroy`].
#[derive(Debug)]
pub struct Widget {
    element: HtmlElement,
    page: Rc<Page>,
    dom: Skeleton,
    model: RefCell<Model>,
    parts: RefCell<Parts>,
    inbox: RefCell<Vec<Msg>>,
    running: Cell<bool>,
    this: Weak<Widget>,
}

/// What the effects put on the page and use again.
#[derive(Debug, Default)]
struct Parts {
    form: Option<FormDom>,
    /// Listeners that live as long as what the body shows (the form, a reservation's buttons,
    /// "try again").
    body_listeners: Vec<Listener>,
    quantity_listeners: Vec<Listener>,
    /// The JSON-LD offer, when the page asked for structured data.
    offer: Option<OfferScript>,
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
        let widget = Rc::new_cyclic(|this| Self {
            element,
            dom,
            model: RefCell::new(Model::new(config, Rc::new(PlainFormat))),
            parts: RefCell::default(),
            inbox: RefCell::default(),
            running: Cell::new(false),
            page,
            this: this.clone(),
        });
        widget.page.track(&widget);
        widget.refresh_scheme();
        let host_locale = host::host_locale(&widget.element);
        widget.run(Msg::Mount {
            problems,
            host_locale,
        });
        Ok(widget)
    }

    /// The configuration the widget currently shows.
    pub fn config(&self) -> ElementConfig {
        self.model.borrow().config().clone()
    }

    /// The element this widget renders into.
    pub fn element(&self) -> &HtmlElement {
        &self.element
    }

    /// Applies a new configuration: a new SKU, source or language reloads; a new quantity only
    /// re-evaluates.
    pub fn update(&self, config: ElementConfig) {
        let host_locale = host::host_locale(&self.element);
        self.run(Msg::Update {
            config,
            host_locale,
        });
    }

    /// The element's attribute `name` changed, and its attributes now read `config`, with
    /// `problems`.
    pub(crate) fn attribute_changed(
        &self,
        name: String,
        (config, problems): (ElementConfig, Vec<String>),
    ) {
        let host_locale = host::host_locale(&self.element);
        self.run(Msg::Attribute {
            name,
            config,
            problems,
            host_locale,
        });
    }

    /// Changes only the quantity (the host page's quantity field moved).
    pub fn set_quantity(&self, quantity: u32) {
        self.run(Msg::Quantity(quantity));
    }

    /// The host page changed its look or language (a theme, dark mode, `<html lang>`): the
    /// palette follows it, and so do the words of a widget without its own `locale`.
    pub(crate) fn host_changed(&self) {
        self.refresh_scheme();
        self.run(Msg::HostLocale(host::host_locale(&self.element)));
    }

    /// What the courier learned about a stored request.
    pub(crate) fn delivered(&self, pending: &Pending, delivery: &Delivery) {
        self.run(Msg::Delivered(pending.clone(), delivery.clone()));
    }

    /// Unmounts: removes listeners and the shadow content, and the page lets the widget go.
    /// Late answers and later updates are ignored.
    pub fn destroy(&self) {
        self.page.unregister(&self.element);
        self.run(Msg::Destroy);
    }

    /// Hands `msg` to the model and carries out its effects; a message arriving meanwhile waits
    /// its turn.
    fn run(&self, msg: Msg) {
        self.inbox.borrow_mut().push(msg);
        if self.running.replace(true) {
            return;
        }
        loop {
            // Rarely more than one waits: a plain list, taken from the front.
            let msg = {
                let mut inbox = self.inbox.borrow_mut();
                if inbox.is_empty() {
                    break;
                }
                inbox.remove(0)
            };
            let effects = {
                let page = &*self.page;
                let cx = Context {
                    clock: &*page.services.clock,
                    outbox: &|| page.courier.snapshot(),
                    format: &|locale, style| -> Rc<dyn LocaleFormat> { page.format(locale, style) },
                    endpoint: &host::check_endpoint,
                    page: &page.config,
                    has_inline: page.loader.has_inline(),
                    min_fill_ms: page.services.min_fill_ms,
                    new_key: page.services.new_key,
                    stamp: platform::rfc3339,
                };
                self.model.borrow_mut().update(msg, &cx)
            };
            for effect in effects {
                self.apply(effect);
            }
        }
        self.running.set(false);
    }

    /// A callback that hands what it is given to this widget as a message, if it is still here.
    fn later<T: 'static>(&self, msg: impl FnOnce(T) -> Msg + 'static) -> impl FnOnce(T) + 'static {
        let this = self.this.clone();
        move |value| {
            if let Some(widget) = this.upgrade() {
                widget.run(msg(value));
            }
        }
    }

    /// A listener that hands a message to this widget.
    fn listen(
        &self,
        target: &Element,
        name: &'static str,
        msg: impl Fn(&web_sys::Event) -> Option<Msg> + 'static,
    ) -> Listener {
        let this = self.this.clone();
        Listener::new(target, name, move |event| {
            if let (Some(widget), Some(msg)) = (this.upgrade(), msg(&event)) {
                widget.run(msg);
            }
        })
    }

    fn apply(&self, effect: Effect) {
        let dom = &self.dom;
        let page = &self.page;
        match effect {
            Effect::Dispatch(event) => dispatch_event(&self.element, &event),
            Effect::Warn(text) => platform::console_warn(&text),
            Effect::Live(live) => dom.set_live(live),
            Effect::Follow(selector) => self.follow_quantity_input(selector),
            Effect::Load {
                source,
                sku,
                ticket,
            } => {
                let done = self.later(move |result| Msg::StockLoaded { ticket, result });
                page.loader.load(&source, &sku, done);
            }
            Effect::Invalidate(sku) => page.loader.invalidate(&sku),
            Effect::FetchWords(language) => {
                let done = self.later(move |result| Msg::WordsLoaded { language, result });
                page.wording.load(language, done);
            }
            Effect::Check {
                request,
                id,
                ticket,
            } => {
                let done = self.later(move |answer| {
                    let answer = Checked::read(&answer, json_tree);
                    Msg::Checked { ticket, id, answer }
                });
                page.services.transport.send(request, Box::new(done));
            }
            Effect::Send(pending) => page.courier.send(pending),
            Effect::Forget(sku) => page
                .courier
                .modify(|outbox| outbox.forget_reservation(&sku)),
            Effect::Loading(text) => dom.show_status("loading", Tone::Neutral, &text, &[]),
            Effect::Status(view) => dom.show_view(&view),
            Effect::FirstStatus => platform::mark_first_status(),
            Effect::Offer {
                sku,
                name,
                availability,
            } => {
                let mut parts = self.parts.borrow_mut();
                if parts.offer.is_none() {
                    parts.offer = OfferScript::new(&dom.document);
                }
                if let Some(script) = &parts.offer {
                    script.update(
                        &sku,
                        name.as_deref(),
                        &availability,
                        platform::page_is_local(),
                    );
                }
            }
            Effect::NoOffer => self.parts.borrow_mut().offer = None,
            Effect::Fallback { text, retry } => {
                let button = dom.show_fallback(&text, retry.as_deref());
                let listeners = button
                    .map(|button| self.listen(&button, "click", |_| Some(Msg::Retry)))
                    .into_iter()
                    .collect();
                self.parts.borrow_mut().body_listeners = listeners;
            }
            Effect::Preview {
                calendar,
                today,
                with_forms,
                problem,
            } => {
                let model = self.model.borrow();
                let shown = Shown {
                    today,
                    with_forms,
                    payment: calendar.payment,
                    problem: problem.as_deref(),
                };
                if show_preview(dom, model.messages(), model.format(), &calendar, shown).is_err() {
                    platform::console_error("the preview could not be rendered");
                }
            }
            Effect::ClearBody => {
                if dom.body.has_child_nodes() {
                    dom.clear_body();
                }
            }
            Effect::BuildForm(tree) => self.build_form(tree),
            Effect::RefreshForm {
                max,
                note,
                quantity,
            } => {
                if let Some(form) = &self.parts.borrow().form {
                    let _ = form.quantity.set_attribute("max", &decimal(max));
                    form.note.set_text_content(note.as_deref());
                    if let Some(quantity) = quantity {
                        form.quantity.set_value(&decimal(quantity));
                    }
                }
            }
            Effect::CloseForm => {
                let mut parts = self.parts.borrow_mut();
                parts.form = None;
                parts.body_listeners.clear();
            }
            Effect::Busy(label) => {
                if let Some(form) = &self.parts.borrow().form {
                    form.set_busy(label.is_some(), label.as_deref().unwrap_or_default());
                }
            }
            Effect::Errors { fields, general } => {
                let first = match &self.parts.borrow().form {
                    Some(form) => form.show_errors(&fields, general.as_deref()),
                    None => None,
                };
                if let Some(first) = first {
                    let _ = first.focus();
                }
            }
            Effect::Queued(text) => {
                let _ = dom.show_block(&tree::lines("queued", "message", &[text]));
            }
            Effect::Block {
                lines,
                keep,
                cancel,
                waiting,
                focus,
            } => self.show_block(&lines, keep, cancel, waiting, focus),
            Effect::ConfirmCancel(label) => {
                if let Some(button) = self.block_button("cancel") {
                    button.set_text_content(Some(&label));
                }
            }
            Effect::Acting { part, label } => {
                if let Some(button) = self.block_button(part) {
                    let _ = button.set_attribute("disabled", "");
                    if let Some(label) = label {
                        button.set_text_content(Some(&label));
                    }
                }
            }
            Effect::Waiting(note) => {
                for part in ["keep", "cancel"] {
                    if let Some(button) = self.block_button(part) {
                        button.remove();
                    }
                }
                if let Some(note) = note {
                    self.note("message", &note);
                }
            }
            Effect::BlockNote { class, text } => self.note(class, &text),
            Effect::Notice { text, focus } => self.show_notice(text.as_deref(), focus),
            Effect::Clear => {
                self.parts.borrow_mut().quantity_listeners.clear();
                dom.root.set_text_content(None);
            }
        }
    }

    fn build_form(&self, tree: FormTree) {
        let Ok(form) = FormDom::build(&self.dom.document, tree) else {
            return;
        };
        self.dom.clear_body();
        let _ = self.dom.body.append_child(&form.form);
        let read = form.clone();
        let submitted = self.listen(&form.form, "submit", move |event| {
            event.prevent_default();
            Some(Msg::Submit(FormValues {
                quantity: read.quantity.value(),
                email: read.email.value(),
                name: read.name.value(),
                consent: read.consent.checked(),
                consent_text: read.consent_text.clone(),
                trap: read.trap.value(),
                page: web_sys::window().and_then(|window| window.location().href().ok()),
            }))
        });
        let quantity = form.quantity.clone();
        let typed = self.listen(&form.quantity, "input", move |_| {
            Some(Msg::FormQuantity(quantity.value()))
        });
        let mut parts = self.parts.borrow_mut();
        parts.body_listeners = vec![submitted, typed];
        parts.form = Some(form);
    }

    /// The body becomes a reservation's lines, then the note that a cancel is on its way or its
    /// buttons.
    fn show_block(
        &self,
        lines: &[String],
        keep: Option<String>,
        cancel: Option<String>,
        waiting: Option<String>,
        focus: bool,
    ) {
        let block = tree::reservation_block(lines, keep.as_deref(), cancel.as_deref());
        let Ok(built) = self.dom.show_block(&block) else {
            return;
        };
        if let Some(waiting) = waiting {
            self.note("message", &waiting);
        }
        let mut listeners = Vec::new();
        for (part, msg) in [("keep", Msg::Keep), ("cancel", Msg::Cancel)] {
            if let Ok(button) = built.get(part) {
                listeners.push(self.listen(&button, "click", move |_| Some(msg.clone())));
            }
        }
        self.parts.borrow_mut().body_listeners = listeners;
        let block = built.root;
        if focus {
            let _ = block.set_attribute("tabindex", "-1");
            let _ = block.unchecked_ref::<HtmlElement>().focus();
        }
    }

    /// The reservation block's `keep` or `cancel` button.
    fn block_button(&self, part: &str) -> Option<Element> {
        let selector = concat(&[".confirmation button[part=", part, "]"]);
        self.dom.body.query_selector(&selector).ok().flatten()
    }

    /// Adds a line to the reservation block, once per class.
    fn note(&self, class: &str, text: &str) {
        let Ok(Some(block)) = self.dom.body.query_selector(".confirmation") else {
            return;
        };
        let selector = concat(&["p.", class.split(' ').next().unwrap_or(class)]);
        if block.query_selector(&selector).ok().flatten().is_some() {
            return;
        }
        if let Ok(note) = build(&self.dom.document, &tree::note(class, text)) {
            let _ = block.append_child(&note.root);
        }
    }

    /// Shows `text` above the body, or nothing; `focus` moves the focus to it.
    fn show_notice(&self, text: Option<&str>, focus: bool) {
        let body = &self.dom.body;
        let shown = body.query_selector(".notice").ok().flatten();
        // The same message already on top stays as it is, so a screen reader does not hear it
        // again with every keystroke that re-renders the status.
        let same = match (&shown, text) {
            (Some(shown), Some(text)) => {
                shown.text_content().as_deref() == Some(text)
                    && body.first_element_child().as_ref() == Some(shown)
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
                let Ok(note) = build(&self.dom.document, &tree::notice(text)) else {
                    return;
                };
                let _ = body.prepend_with_node_1(&note.root);
                note.root
            }
        };
        if focus {
            let _ = note.set_attribute("tabindex", "-1");
            let _ = note.unchecked_ref::<HtmlElement>().focus();
        }
    }

    /// Chooses the default palette from the colours the page shows around the element
    /// (`view::scheme` decides); the merchant's `--backorder-*` properties still win.
    fn refresh_scheme(&self) {
        self.dom.set_scheme(host::page_scheme(&self.dom.container));
    }

    /// Follows the host page's quantity field matching `selector`, and answers with its value.
    fn follow_quantity_input(&self, selector: Option<String>) {
        self.parts.borrow_mut().quantity_listeners.clear();
        let Some(selector) = selector else { return };
        let Some(input) = host::quantity_input(&self.dom.document, &selector) else {
            return self.run(Msg::Followed(None));
        };
        let listeners = ["input", "change"].map(|name| {
            let input = input.clone();
            self.listen(&input.clone(), name, move |_| {
                Some(Msg::FieldMoved(input.value()))
            })
        });
        self.parts.borrow_mut().quantity_listeners = listeners.into();
        self.run(Msg::Followed(Some(input.value())));
    }
}
