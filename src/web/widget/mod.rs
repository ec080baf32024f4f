//! One `<backorder-status>` in the page: turns DOM events and answers into messages for its
//! [`Model`], and carries out the effects the model returns. Nothing here decides anything.
//!
//! Messages run to completion one at a time: one that arrives while effects are being carried
//! out (an inline stock answer given at once, a host page changing the element from its
//! `backorder:status` handler) waits in the inbox until they are done.

#[cfg(feature = "form")]
mod form;
mod host;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlElement};

use super::events::dispatch_event;
use super::listener::Listener;
use super::page::Page;
use super::platform;
use super::render::Skeleton;
use crate::outbox::answer::Delivery;
use crate::outbox::queue::{Outbox, Pending};
use crate::view::messages::{LocaleFormat, PlainFormat};
use crate::view::status::Tone;
use crate::widget::FORMS;
use crate::widget::config::{ElementConfig, Mode};
use crate::widget::model::{Context, Effect, Model, Msg};

/// A mounted widget. Dropping the last handle does not unmount it; call [`Widget::destroy`].
#[derive(Debug)]
pub struct Widget {
    element: HtmlElement,
    page: Rc<Page>,
    dom: Skeleton,
    model: RefCell<Model>,
    parts: RefCell<Parts>,
    #[cfg(feature = "form")]
    forms: RefCell<form::FormParts>,
    inbox: RefCell<Vec<Msg>>,
    running: Cell<bool>,
    this: Weak<Widget>,
}

/// What the effects put on the page and use again.
#[derive(Debug, Default)]
struct Parts {
    /// Listeners that live as long as what the body shows (the form, a reservation's buttons,
    /// "try again").
    body_listeners: Vec<Listener>,
    quantity_listeners: Vec<Listener>,
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
            #[cfg(feature = "form")]
            forms: RefCell::default(),
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
                    // The badge-only build never reads the outbox (nor builds its reader).
                    outbox: &|| match FORMS {
                        true => page.courier.snapshot(),
                        false => Outbox::default(),
                    },
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
            Effect::Loading(text) => dom.show_status("loading", Tone::Neutral, &text, &[]),
            Effect::Status(view) => dom.show_view(&view),
            Effect::FirstStatus => platform::mark_first_status(),
            Effect::Fallback { text, retry } => {
                let button = dom.show_fallback(&text, retry.as_deref());
                let listeners = button
                    .map(|button| self.listen(&button, "click", |_| Some(Msg::Retry)))
                    .into_iter()
                    .collect();
                self.parts.borrow_mut().body_listeners = listeners;
            }
            Effect::ClearBody => {
                if dom.body.has_child_nodes() {
                    dom.clear_body();
                }
            }
            Effect::CloseForm => {
                self.parts.borrow_mut().body_listeners.clear();
                self.apply_form(Effect::CloseForm);
            }
            Effect::Clear => {
                self.parts.borrow_mut().quantity_listeners.clear();
                dom.root.set_text_content(None);
            }

            // The form's, the outbox's and the reservation's effects, and the preview's and the
            // offer's: none of them is built into the badge-only WebAssembly.
            other => self.apply_form(other),
        }
    }

    /// The badge-only build has no form: the model never asks for one.
    #[cfg(not(feature = "form"))]
    fn apply_form(&self, _effect: Effect) {}

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
