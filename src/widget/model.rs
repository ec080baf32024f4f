//! One `<backorder-status>` as a pure model: [`Model::update`] takes a [`Msg`] (stock loaded,
//! words loaded, the form edited or sent, a delivery's outcome, a status check's answer, a
//! click, destroyed) and returns the [`Effect`]s that carry it out (show this view, build this
//! form, send this request, dispatch this event). `web::widget` turns DOM events into messages
//! and carries out the effects in order; every decision an element makes is here, tested
//! natively.
//!
//! Stale answers are recognised one way: a question whose answer depends on what is shown (the
//! stock, a reservation's current status) carries the model's `ticket`, and every reload moves
//! the ticket on, so an answer for an earlier SKU or an earlier reservation is dropped. Wording
//! answers are matched by their language instead, since a reload does not ask for the words
//! again. A destroyed model answers nothing at all.

use std::rc::Rc;

use chrono::NaiveDate;

use super::FORMS;
use super::answers::Checked;
use super::clock::Clock;
use super::config::{Changes, ElementConfig, Mode, PageConfig, parse_quantity};
use super::http::{HttpRequest, status_request};
use super::lifecycle::{Phase, Step};
use super::refusal::{self, Shown};
use super::requests::with_key;
use super::reservation::{
    AfterAction, Returning, StatusCheck, after_action, returning, status_check,
};
use super::status::{StatusDetail, status_detail};
use super::stock::{LoadError, Source, StockEntry, StockResult};
use super::submission::{FIELDS, Problem, Review, review};
use crate::domain::availability::{Availability, Evaluation, evaluate};
use crate::domain::calendar::{ShopCalendar, ShopDay};
use crate::domain::date::format_iso_date;
use crate::domain::request::{FieldError, RequestKind, offer};
use crate::outbox::answer::{Delivery, Outcome};
use crate::outbox::queue::{Action, Outbox, Pending, Reservation};
use crate::text::{concat, decimal, join};
use crate::view::confirmation::{Confirmation, cancel_label, cancelled_text, confirmation_text};
use crate::view::form::{FormAsk, FormTree, form_tree};
use crate::view::messages::{DateStyle, LocaleFormat, Messages};
use crate::view::reservation::reservation_view;
use crate::view::status::{StatusView, status_view};
use crate::view::wording::formatting_locale;
use crate::wire::{BackorderRequest, Consent};

/// What the page around an element gives the model while it decides: the clock, the outbox as
/// stored now, the page's settings, and the few things only the browser can work out.
pub struct Context<'a> {
    pub clock: &'a dyn Clock,
    /// The outbox as stored now (read only when a decision needs it).
    pub outbox: &'a dyn Fn() -> Outbox,
    /// The page's date and plural formatters for a locale, in a date style.
    pub format: &'a dyn Fn(&str, DateStyle) -> Rc<dyn LocaleFormat>,
    /// An endpoint resolved against the page, if `widget::endpoint` lets shoppers' emails go
    /// there; else why not.
    pub endpoint: &'a dyn Fn(&str) -> Result<String, String>,
    pub page: &'a PageConfig,
    /// Whether the page has inline stock data (`data-stock`).
    pub has_inline: bool,
    /// A request is not sent sooner than this after its form appeared (bot protection).
    pub min_fill_ms: u64,
    pub new_key: fn() -> String,
    /// Milliseconds since the epoch as RFC 3339 (`created_at`).
    pub stamp: fn(u64) -> String,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("page", &self.page)
            .finish_non_exhaustive()
    }
}

/// What happened to one element.
#[derive(Debug, Clone)]
pub enum Msg {
    /// Mounted, with the problems its attributes had and the language the page around it speaks.
    Mount {
        problems: Vec<String>,
        host_locale: String,
    },
    /// New attributes (or `update()` from the page).
    Update {
        config: ElementConfig,
        host_locale: String,
    },
    /// One of the element's attributes changed (`name`); `config` is what they all read now,
    /// with the problems they have.
    Attribute {
        name: String,
        config: ElementConfig,
        problems: Vec<String>,
        host_locale: String,
    },
    /// The host page's language changed (`<html lang>`).
    HostLocale(String),
    /// A new quantity from the page (`setQuantity`).
    Quantity(u32),
    /// The followed quantity field now holds this text.
    FieldMoved(String),
    /// The answer to [`Effect::Follow`]: the followed field's text, or none when the page has
    /// no such field.
    Followed(Option<String>),
    StockLoaded {
        ticket: u64,
        result: StockResult,
    },
    /// The language's wording, or why it could not be read (English stands in).
    WordsLoaded {
        language: &'static str,
        result: Result<Rc<[(String, String)]>, String>,
    },
    /// The shopper typed into the form's quantity field.
    FormQuantity(String),
    Submit(FormValues),
    /// What the courier learned about a stored request.
    Delivered(Pending, Delivery),
    /// The endpoint's answer about a remembered reservation (`GET {endpoint}/{id}`).
    Checked {
        ticket: u64,
        id: String,
        answer: Checked,
    },
    /// "Try again" under the neutral fallback.
    Retry,
    /// "Keep my reservation".
    Keep,
    /// "Cancel": the first click asks to confirm, the second sends it.
    Cancel,
    Destroy,
}

/// The form as the shopper filled it in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormValues {
    pub quantity: String,
    pub email: String,
    pub name: String,
    pub consent: bool,
    /// The consent sentence the shopper saw.
    pub consent_text: String,
    /// What the hidden field only bots fill in holds.
    pub trap: String,
    /// The page the request was made on.
    pub page: Option<String>,
}

/// An event for the host page, dispatched on the element.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Status(StatusDetail),
    Submitted {
        sku: String,
        kind: RequestKind,
        id: String,
        queue_position: Option<u32>,
        expected_date: Option<String>,
    },
    Queued {
        sku: String,
        kind: RequestKind,
        attempts: u32,
        reason: String,
    },
    /// Also written to the console.
    Error {
        sku: String,
        code: &'static str,
        message: String,
    },
}

/// What the browser layer does for the model, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Dispatch(Event),
    Warn(String),
    /// The status is announced to screen readers (full) or not (badge).
    Live(bool),
    /// Follow the page's quantity field matching this selector (none: stop following).
    Follow(Option<String>),
    Load {
        source: Source,
        sku: String,
        ticket: u64,
    },
    /// The stock of a SKU is stale in the page's cache.
    Invalidate(String),
    FetchWords(&'static str),
    Check {
        request: HttpRequest,
        id: String,
        ticket: u64,
    },
    /// Store a request in the outbox and deliver it.
    Send(Pending),
    /// The browser forgets the reservation of a SKU.
    Forget(String),
    Loading(String),
    Status(StatusView),
    /// Marks the page's first shown status for `performance.measure`.
    FirstStatus,
    Offer {
        sku: String,
        name: Option<String>,
        availability: Availability,
    },
    NoOffer,
    /// The neutral fallback, with a "try again" button when one may help.
    Fallback {
        text: String,
        retry: Option<String>,
    },
    Preview {
        calendar: ShopCalendar,
        today: NaiveDate,
        with_forms: bool,
        problem: Option<String>,
    },
    ClearBody,
    /// The body becomes this form.
    BuildForm(FormTree),
    /// The form on show stays, with a new limit and note (and quantity, unless being typed).
    RefreshForm {
        max: u32,
        note: Option<String>,
        quantity: Option<u32>,
    },
    /// The form and its listeners go.
    CloseForm,
    /// The submit button shows this label and waits, or (`None`) is back.
    Busy(Option<String>),
    /// Errors beside the named fields and a general one under the form; the first takes the
    /// focus.
    Errors {
        fields: Vec<(String, String)>,
        general: Option<String>,
    },
    /// The body is one message ("Saved. It will be sent…").
    Queued(String),
    /// The body is a reservation: its lines, then either the note that a cancel is on its way
    /// or the buttons.
    Block {
        lines: Vec<String>,
        keep: Option<String>,
        cancel: Option<String>,
        waiting: Option<String>,
        focus: bool,
    },
    /// The cancel button asks to confirm, with this label.
    ConfirmCancel(String),
    /// A reservation button was pressed: it waits, with a new label if one is given.
    Acting {
        part: &'static str,
        label: Option<String>,
    },
    /// A keep or a cancel is stored but not delivered: the buttons go, with a note for a cancel.
    Waiting(Option<String>),
    /// A line added to the reservation block once.
    BlockNote {
        class: &'static str,
        text: String,
    },
    /// The message above the body, or none; `focus` moves the focus to it.
    Notice {
        text: Option<String>,
        focus: bool,
    },
    /// Destroyed: the shadow content goes.
    Clear,
}

/// Badges write dates short, to fit a collection card.
fn date_style(mode: Mode) -> DateStyle {
    match mode {
        Mode::Full => DateStyle::Long,
        Mode::Badge => DateStyle::Short,
    }
}

/// The form on show.
#[derive(Debug, Clone, Copy)]
struct FormShown {
    kind: RequestKind,
    built_ms: u64,
}

/// Everything one element knows.
pub struct Model {
    config: ElementConfig,
    locale: String,
    messages: Messages,
    /// Whether `messages` is complete: English, or the language's file has been read (or could
    /// not be, and English stands in). Until then the element shows only its loading state.
    wording_ready: bool,
    /// What the courier learned while the wording was on its way, told once it is here.
    deferred: Vec<(Pending, Delivery)>,
    /// Dates and plurals in the language of the words.
    format: Rc<dyn LocaleFormat>,
    /// Moved on by every reload: answers asked for under an earlier ticket are dropped.
    ticket: u64,
    entry: Option<StockResult>,
    /// What the status shows now: the form's quantity is read against it.
    evaluation: Option<Evaluation>,
    form: Option<FormShown>,
    phase: Phase,
    /// The request being (or last) sent, so a retry reuses its idempotency key.
    outgoing: Option<BackorderRequest>,
    /// A message that outlives the form being rebuilt ("cancelled", "sold out").
    notice: Option<String>,
    /// Whether the notice takes the focus when next shown: after a cancel, the button that had
    /// it is gone.
    focus_notice: bool,
    /// The cancel button has asked to confirm.
    confirming: bool,
    /// A newly followed quantity field's value is awaited before drawing, so the status is
    /// drawn (and told) once, with that value. Holds whether the language changed too.
    awaiting_follow: Option<bool>,
    destroyed: bool,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("config", &self.config)
            .field("phase", &self.phase)
            .field("ticket", &self.ticket)
            .finish_non_exhaustive()
    }
}

/// The effects of one message, in order.
type Effects = Vec<Effect>;

impl Model {
    /// A model for `config`; send it [`Msg::Mount`] next.
    pub fn new(config: ElementConfig, format: Rc<dyn LocaleFormat>) -> Self {
        Self {
            config,
            locale: String::new(),
            messages: Messages::for_locale("en"),
            wording_ready: true,
            deferred: Vec::new(),
            format,
            ticket: 0,
            entry: None,
            evaluation: None,
            form: None,
            phase: Phase::default(),
            outgoing: None,
            notice: None,
            focus_notice: false,
            confirming: false,
            awaiting_follow: None,
            destroyed: false,
        }
    }

    /// The configuration shown now.
    pub fn config(&self) -> &ElementConfig {
        &self.config
    }

    /// The words and formats the element speaks now, for what the browser layer draws itself
    /// (the form, the preview).
    pub fn messages(&self) -> &Messages {
        &self.messages
    }

    pub fn format(&self) -> &dyn LocaleFormat {
        &*self.format
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Carries out `msg`: the model changes, and the effects say what the browser does.
    pub fn update(&mut self, msg: Msg, cx: &Context) -> Effects {
        let mut out = Vec::new();
        if self.destroyed {
            return out;
        }
        match msg {
            Msg::Mount {
                problems,
                host_locale,
            } => {
                let locale = self.config.locale.clone().unwrap_or(host_locale);
                self.set_locale(locale, cx);
                for problem in problems {
                    self.report(&mut out, "config", problem);
                }
                out.push(Effect::Follow(self.config.quantity_input.clone()));
                self.reload(&mut out, cx);
                self.restore(&mut out, cx);
                self.fetch_words(&mut out);
            }
            Msg::Update {
                config,
                host_locale,
            } => self.reconfigure(config, host_locale, &mut out, cx),
            Msg::Attribute {
                name,
                config,
                problems,
                host_locale,
            } => {
                for problem in problems {
                    self.report(&mut out, "config", problem);
                }
                // A variant switch keeps the quantity the shopper chose (possibly in the page's
                // own quantity field); only the `quantity` attribute itself changes it.
                let quantity = match name.as_str() {
                    "quantity" => config.quantity,
                    _ => self.config.quantity,
                };
                let config = ElementConfig { quantity, ..config };
                self.reconfigure(config, host_locale, &mut out, cx);
            }
            Msg::HostLocale(host_locale) => {
                if self.config.locale.is_none() && host_locale != self.locale {
                    self.set_locale(host_locale, cx);
                    out.push(Effect::CloseForm);
                    self.show_again(false, true, true, &mut out, cx);
                }
            }
            Msg::Quantity(quantity) => self.set_quantity(quantity, &mut out, cx),
            Msg::FieldMoved(text) => {
                // Anything but a whole number from 1 up leaves the quantity as it was.
                if let Some(quantity) = parse_quantity(&text) {
                    self.set_quantity(quantity, &mut out, cx);
                }
            }
            Msg::Followed(text) => {
                let quantity = text.as_deref().and_then(parse_quantity);
                if text.is_none() {
                    let selector = self.config.quantity_input.as_deref().unwrap_or_default();
                    let problem = concat(&[
                        "quantity-input \"",
                        selector,
                        "\" matches no input on the page",
                    ]);
                    self.report(&mut out, "config", problem);
                }
                match self.awaiting_follow.take() {
                    Some(relocale) => {
                        if let Some(quantity) = quantity {
                            self.config.quantity = quantity;
                        }
                        self.show_again(false, relocale, false, &mut out, cx);
                    }
                    None => {
                        if let Some(quantity) = quantity {
                            self.set_quantity(quantity, &mut out, cx);
                        }
                    }
                }
            }
            Msg::StockLoaded { ticket, result } => {
                if ticket != self.ticket {
                    return out;
                }
                if let Err(error) = &result {
                    self.report(&mut out, error.code(), error.message());
                }
                self.entry = Some(result);
                self.render(false, &mut out, cx);
            }
            Msg::WordsLoaded { language, result } => self.worded(language, result, &mut out, cx),
            // The badge-only build has no form, outbox or reservation, so none of these ever
            // comes, and none of the code that answers them is built.
            Msg::FormQuantity(_)
            | Msg::Submit(_)
            | Msg::Delivered(..)
            | Msg::Checked { .. }
            | Msg::Keep
            | Msg::Cancel
                if !FORMS => {}
            Msg::FormQuantity(typed) => self.form_quantity(&typed, &mut out, cx),
            Msg::Submit(values) => self.submit(values, &mut out, cx),
            Msg::Delivered(pending, delivery) => self.delivered(pending, delivery, &mut out, cx),
            Msg::Checked { ticket, id, answer } => {
                if ticket == self.ticket && self.phase == Phase::Confirmed {
                    self.checked(&id, answer, &mut out, cx);
                }
            }
            Msg::Retry => {
                out.push(Effect::Invalidate(self.config.sku.clone()));
                self.reload(&mut out, cx);
            }
            Msg::Keep | Msg::Cancel => {
                let cancel = matches!(msg, Msg::Cancel);
                self.act(cancel, &mut out, cx);
            }
            Msg::Destroy => {
                self.destroyed = true;
                self.form = None;
                out.extend([Effect::CloseForm, Effect::Follow(None), Effect::NoOffer]);
                out.push(Effect::Clear);
            }
        }
        out
    }

    /// Applies a new configuration: a new SKU, source or endpoint reloads; a new language
    /// fetches its words; a new quantity only re-evaluates.
    fn reconfigure(
        &mut self,
        config: ElementConfig,
        host_locale: String,
        out: &mut Effects,
        cx: &Context,
    ) {
        let Changes {
            reload,
            relocale,
            remode,
            refollow,
        } = self.config.changes(&config);
        self.config = config;
        let locale = self.config.locale.clone().unwrap_or(host_locale);
        let relocale = relocale || locale != self.locale;
        if relocale {
            self.set_locale(locale, cx);
            out.push(Effect::CloseForm);
        } else if remode {
            // A badge writes short dates; the words stay as they are.
            self.format = self.format_for(&self.locale, cx);
        }
        if reload {
            self.phase = self.phase.after(Step::Reset);
            self.outgoing = None;
            self.close_form(out);
            self.notice = None;
            self.focus_notice = false;
        }
        if remode {
            out.push(Effect::Live(self.config.mode == Mode::Full));
        }
        if refollow {
            out.push(Effect::Follow(self.config.quantity_input.clone()));
            if !reload && self.config.quantity_input.is_some() {
                // Drawn once the field's value is known (`Msg::Followed`), not before with the
                // attribute's quantity.
                self.awaiting_follow = Some(relocale);
                if relocale {
                    self.fetch_words(out);
                }
                return;
            }
        }
        self.show_again(reload, relocale, relocale, out, cx);
    }

    fn set_quantity(&mut self, quantity: u32, out: &mut Effects, cx: &Context) {
        let config = ElementConfig {
            quantity,
            ..self.config.clone()
        };
        let host_locale = self.locale.clone();
        self.reconfigure(config, host_locale, out, cx);
    }

    /// Shows the current state again after a change: loads it afresh (`reload`), or renders
    /// what is known once the words are here; fetches the words of a new language (`words`).
    fn show_again(
        &mut self,
        reload: bool,
        relocale: bool,
        words: bool,
        out: &mut Effects,
        cx: &Context,
    ) {
        if reload {
            out.push(Effect::ClearBody);
            self.reload(out, cx);
            self.restore(out, cx);
        } else if !self.wording_ready {
            out.push(Effect::ClearBody);
            self.show_loading(out);
        } else {
            self.render(false, out, cx);
            if relocale {
                // A confirmation or a queued message speaks the old language too.
                self.restore(out, cx);
            }
        }
        if words {
            self.fetch_words(out);
        }
    }

    /// Whether the merchant wrote wording of their own (`data-messages`): they write it in their
    /// shoppers' language, so dates follow that language even where the widget has none.
    fn has_overrides(cx: &Context) -> bool {
        !cx.page.messages.is_empty()
    }

    fn format_for(&self, locale: &str, cx: &Context) -> Rc<dyn LocaleFormat> {
        (cx.format)(
            formatting_locale(locale, Self::has_overrides(cx)),
            date_style(self.config.mode),
        )
    }

    /// Speaks `locale` from now on: its words (fetched if need be) and its dates. What is on
    /// show speaks the old language, so it goes with its message.
    fn set_locale(&mut self, locale: String, cx: &Context) {
        self.messages = Messages::for_locale(&locale).with_overrides(cx.page.messages.clone());
        self.wording_ready = self.messages.language() == "en";
        self.format = self.format_for(&locale, cx);
        self.locale = locale;
        self.form = None;
        self.notice = None;
        self.focus_notice = false;
    }

    fn close_form(&mut self, out: &mut Effects) {
        self.form = None;
        out.push(Effect::CloseForm);
    }

    fn source(&self, cx: &Context) -> Result<Source, LoadError> {
        match (&self.config.availability_url, &cx.page.availability_url) {
            (Some(url), _) | (None, Some(url)) => Ok(Source::Url(url.clone())),
            (None, None) if cx.has_inline => Ok(Source::Inline),
            (None, None) => Err(LoadError::NotConfigured),
        }
    }

    /// Asks for the current SKU's stock, under a new ticket.
    fn reload(&mut self, out: &mut Effects, cx: &Context) {
        self.ticket += 1;
        self.entry = None;
        let sku = self.config.sku.clone();
        let source = match sku.is_empty() {
            true => Err(LoadError::NoSku),
            false => self.source(cx),
        };
        match source {
            Ok(source) => {
                self.show_loading(out);
                out.push(Effect::Load {
                    source,
                    sku,
                    ticket: self.ticket,
                });
            }
            Err(error) => {
                self.report(out, error.code(), error.message());
                self.entry = Some(Err(Rc::new(error)));
                self.render(false, out, cx);
            }
        }
    }

    /// The loading state; without words while the language's wording is on its way.
    fn show_loading(&self, out: &mut Effects) {
        out.push(Effect::Loading(match self.wording_ready {
            true => self.messages.text("loading"),
            false => String::new(),
        }));
    }

    fn fetch_words(&self, out: &mut Effects) {
        if !self.wording_ready {
            out.push(Effect::FetchWords(self.messages.language()));
        }
    }

    /// The language's wording arrived (or English stands in): everything shows now.
    fn worded(
        &mut self,
        language: &'static str,
        result: Result<Rc<[(String, String)]>, String>,
        out: &mut Effects,
        cx: &Context,
    ) {
        if self.wording_ready || self.messages.language() != language {
            return;
        }
        self.wording_ready = true;
        self.close_form(out);
        match result {
            Ok(translation) => {
                self.messages = self.messages.clone().with_translation(translation);
            }
            Err(problem) => {
                // English words stand in: dates and plurals follow them, unless the merchant's
                // own wording speaks the shopper's language.
                if !Self::has_overrides(cx) {
                    self.format = (cx.format)("en", date_style(self.config.mode));
                }
                self.report(out, "wording", problem);
            }
        }
        if self.entry.is_none() {
            self.show_loading(out);
        }
        let deferred = std::mem::take(&mut self.deferred);
        if deferred.is_empty() {
            self.render(false, out, cx);
            self.restore(out, cx);
            return;
        }
        // Told first, as they would have been with the words here: before a form is built (a
        // refusal then says why above a fresh form), and instead of restoring from the outbox,
        // which holds what these deliveries wrote and would only draw it again.
        for (pending, delivery) in deferred {
            self.delivered(pending, delivery, out, cx);
        }
        self.render(false, out, cx);
    }

    /// Evaluates and shows the current state; `keep_form_quantity` while the shopper types the
    /// form's quantity, which is then left as typed.
    fn render(&mut self, keep_form_quantity: bool, out: &mut Effects, cx: &Context) {
        if !self.wording_ready {
            return;
        }
        let Some(entry) = self.entry.clone() else {
            return;
        };
        if FORMS && cx.page.preview {
            return self.preview(&entry, out, cx);
        }
        let entry = match entry {
            Err(error) => return self.unavailable(&error, out),
            Ok(entry) => entry,
        };
        let today = shop_day(cx, &entry.calendar);
        let evaluation = evaluate(&entry.stock, &entry.calendar, self.config.quantity, today);
        let view = status_view(&evaluation, &self.messages, &*self.format);
        let detail = status_detail(&entry.stock, &evaluation, &view);
        self.evaluation = Some(evaluation);
        let at = out.len();
        if FORMS && cx.page.structured_data {
            // The page's offer is about the product, not about this shopper's quantity.
            out.push(Effect::Offer {
                sku: entry.stock.sku.clone(),
                name: entry.stock.name.clone(),
                availability: evaluate(&entry.stock, &entry.calendar, 1, today).availability,
            });
        }
        self.render_form(&entry, &view, keep_form_quantity, out, cx);
        // The status is drawn first, before the offer and the form.
        out.insert(at, Effect::Status(view));
        self.show_notice(true, out);
        out.push(Effect::FirstStatus);
        // Told last, once everything is drawn: a host page that changes the element while
        // hearing it is heard after this message, and shows the newer state.
        out.push(Effect::Dispatch(Event::Status(detail)));
    }

    /// The neutral fallback, with a way to try again when the stock source may answer next time
    /// (it was down or slow, not wrong).
    fn unavailable(&mut self, error: &LoadError, out: &mut Effects) {
        let retry = (error.code() == "stock_unavailable").then(|| self.messages.text("retry"));
        self.close_form(out);
        self.focus_notice = false;
        out.push(Effect::NoOffer);
        out.push(Effect::Fallback {
            text: self.messages.text("unavailable"),
            retry,
        });
    }

    /// The merchant preview; with the reason in plain words when this element's own stock cannot
    /// be shown (an unknown SKU, say), so the merchant sees what to fix.
    fn preview(&self, entry: &StockResult, out: &mut Effects, cx: &Context) {
        let (calendar, problem) = match entry {
            Ok(entry) => (entry.calendar.clone(), None),
            Err(error) => (ShopCalendar::default(), Some(error.message())),
        };
        out.push(Effect::Preview {
            today: shop_day(cx, &calendar).date,
            calendar,
            with_forms: self.config.mode == Mode::Full,
            problem,
        });
    }

    /// The form under the status, or none: a badge shows none, nor does a state with nothing to
    /// offer. The form on show stays when it offers the same request.
    fn render_form(
        &mut self,
        entry: &StockEntry,
        view: &StatusView,
        keep_form_quantity: bool,
        out: &mut Effects,
        cx: &Context,
    ) {
        let badge = !FORMS || self.config.mode == Mode::Badge;
        if !badge && !self.phase.shows_form() {
            return;
        }
        let kind = match view.offer {
            Some(kind) if !badge => kind,
            // A badge shows no form, and neither does a state with nothing to offer; switched
            // from full to badge, the form (or confirmation) goes.
            _ => {
                self.close_form(out);
                out.push(Effect::ClearBody);
                return;
            }
        };
        if self.form.is_some_and(|form| form.kind == kind) {
            out.push(Effect::RefreshForm {
                max: view.max_request_quantity,
                note: view.form_note.clone(),
                quantity: (self.phase.may_submit() && !keep_form_quantity)
                    .then_some(view.request_quantity),
            });
            return;
        }
        if let Err(problem) = self.endpoint(cx) {
            self.report(out, "config", problem);
            out.push(Effect::ClearBody);
            return;
        }
        self.form = Some(FormShown {
            kind,
            built_ms: cx.clock.now_ms(),
        });
        let ask = FormAsk {
            kind,
            payment: entry.calendar.payment,
            quantity: view.request_quantity,
            max_quantity: view.max_request_quantity,
            note: view.form_note.as_deref(),
            shown_only: false,
        };
        out.push(Effect::BuildForm(form_tree(ask, &self.messages)));
    }

    fn endpoint(&self, cx: &Context) -> Result<String, String> {
        let endpoint = self
            .config
            .endpoint
            .as_deref()
            .or(cx.page.endpoint.as_deref())
            .ok_or("no endpoint for requests: set data-endpoint on the script tag or endpoint on the element")?;
        (cx.endpoint)(endpoint)
    }

    /// Keeps a message on show across re-renders until the shopper acts again.
    fn set_notice(&mut self, text: Option<String>, out: &mut Effects) {
        if text.is_none() {
            self.focus_notice = false;
        }
        self.notice = text;
        self.show_notice(false, out);
    }

    /// The notice above the body; `rendered` once the body is final, when a notice that should
    /// take the focus gets it.
    fn show_notice(&mut self, rendered: bool, out: &mut Effects) {
        let focus = rendered && std::mem::take(&mut self.focus_notice);
        out.push(Effect::Notice {
            text: self.notice.clone(),
            focus,
        });
    }

    /// The shopper typed a quantity into the form: the status and the date follow it, as they
    /// follow the page's quantity field, so the date shown is the date the request carries.
    fn form_quantity(&mut self, typed: &str, out: &mut Effects, cx: &Context) {
        let (Some(form), Some(evaluation)) = (&self.form, &self.evaluation) else {
            return;
        };
        if !self.phase.may_submit() || !form.kind.reserves_units() {
            return;
        }
        let Some(reserved) = parse_quantity(typed) else {
            return;
        };
        let wanted = evaluation.total_for_request(reserved);
        if wanted != self.config.quantity {
            self.config.quantity = wanted;
            self.render(true, out, cx);
        }
    }

    /// A returning shopper sees their reservation, or that their request is still on its way.
    fn restore(&mut self, out: &mut Effects, cx: &Context) {
        let sku = &self.config.sku;
        if !FORMS
            || !self.wording_ready
            || self.config.mode == Mode::Badge
            || sku.is_empty()
            || cx.page.preview
        {
            return;
        }
        let outbox = (cx.outbox)();
        match returning(&outbox, sku) {
            Returning::Reserved(reservation) => {
                let reservation = reservation.clone();
                self.show_reservation(&reservation, false, out, cx);
            }
            Returning::Queued => self.show_queued(out),
            Returning::Nothing => {}
        }
    }

    /// Tells the developer (console) and the host page (`backorder:error`).
    fn report(&self, out: &mut Effects, code: &'static str, message: impl Into<String>) {
        out.push(Effect::Dispatch(Event::Error {
            sku: self.config.sku.clone(),
            code,
            message: message.into(),
        }));
    }

    /// Validates the form with the domain rules, stores the request in the outbox and sends it.
    fn submit(&mut self, values: FormValues, out: &mut Effects, cx: &Context) {
        if !self.phase.may_submit() {
            // A second click while the first submission is on its way sends nothing.
            return;
        }
        self.set_notice(None, out);
        let (Some(form), Some(Ok(entry))) = (self.form, self.entry.clone()) else {
            return;
        };
        let today = shop_day(cx, &entry.calendar);
        let request = self.request(&values, form.kind, &entry, today, cx);
        let checked = match review(
            &request,
            &entry.stock,
            &entry.calendar,
            form.kind,
            today,
            !values.trap.is_empty(),
        ) {
            Review::Send(checked) => checked,
            Review::Ignore => return,
            Review::Fix { problems, rejected } => {
                let fields = self.problem_texts(&problems);
                let general = rejected.then(|| self.messages.text("error.rejected"));
                out.push(Effect::Errors { fields, general });
                return;
            }
        };
        let endpoint = match self.endpoint(cx) {
            Ok(endpoint) => endpoint,
            Err(problem) => {
                self.report(out, "config", problem);
                let general = Some(self.messages.text("error.rejected"));
                out.push(Effect::Errors {
                    fields: Vec::new(),
                    general,
                });
                return;
            }
        };
        out.push(Effect::Errors {
            fields: Vec::new(),
            general: None,
        });
        self.phase = self.phase.after(Step::Submitted);
        out.push(Effect::Busy(Some(self.messages.text("sending"))));
        let now = cx.clock.now_ms();
        // A minimum fill time stops naive bots that post the moment the form appears and leave:
        // the request is stored now but sent no sooner than that, which no person notices.
        let earliest = form.built_ms.saturating_add(cx.min_fill_ms);
        out.push(Effect::Send(Pending {
            key: request.idempotency_key.clone().unwrap_or_default(),
            endpoint,
            sku: checked.sku,
            kind: checked.kind,
            quantity: checked.quantity,
            body: crate::wire::write(&request),
            created_ms: now,
            attempts: 0,
            next_attempt_ms: now.max(earliest),
            action: Action::Submit,
        }));
        self.outgoing = Some(request);
    }

    /// The request body the form makes. Sending the same content again (after an answer that
    /// can be retried) keeps the idempotency key, so the endpoint stores it once. Its
    /// `expected_date` is the date the status shows for the form's quantity.
    fn request(
        &self,
        values: &FormValues,
        kind: RequestKind,
        entry: &StockEntry,
        today: ShopDay,
        cx: &Context,
    ) -> BackorderRequest {
        let expected_date = parse_quantity(&values.quantity).and_then(|quantity| {
            offer(&entry.stock, &entry.calendar, kind, quantity, today)
                .ok()
                .and_then(|offer| offer.expected_ship_date)
                .map(format_iso_date)
        });
        let request = BackorderRequest {
            kind: Some(kind),
            sku: Some(entry.stock.sku.clone()),
            quantity: values.quantity.trim().parse::<i64>().ok(),
            email: Some(values.email.trim().to_owned()),
            name: Some(values.name.clone()).filter(|name| !name.trim().is_empty()),
            consent: Some(Consent {
                text: values.consent_text.clone(),
                given: values.consent,
            }),
            expected_date,
            locale: Some(self.locale.clone()),
            page: values.page.clone(),
            idempotency_key: None,
            created_at: None,
        };
        with_key(request, self.outgoing.as_ref(), cx.new_key, || {
            (cx.stamp)(cx.clock.now_ms())
        })
    }

    /// What the courier learned about a request of this element's SKU.
    fn delivered(&mut self, pending: Pending, delivery: Delivery, out: &mut Effects, cx: &Context) {
        if self.config.sku != pending.sku || self.config.mode == Mode::Badge {
            return;
        }
        if !self.wording_ready {
            // Said in the shopper's language or not at all: told when the words arrive.
            self.deferred.push((pending, delivery));
            return;
        }
        if pending.action != Action::Submit {
            return self.delivered_for_reservation(&pending, &delivery, out, cx);
        }
        match delivery {
            Delivery::Done => {}
            Delivery::Accepted(accepted) => {
                out.push(Effect::Dispatch(Event::Submitted {
                    sku: pending.sku.clone(),
                    kind: pending.kind,
                    id: accepted.id.clone(),
                    queue_position: accepted.queue_position,
                    expected_date: accepted.expected_date.clone(),
                }));
                self.outgoing = None;
                match (cx.outbox)().reservation(&pending.sku).cloned() {
                    Some(reservation) => {
                        self.phase = self.phase.after(Step::Accepted);
                        self.show_reservation(&reservation, true, out, cx);
                    }
                    None => {
                        // Accepted, but no longer remembered (another tab cancelled it): the
                        // form is back, and it sends.
                        self.phase = self.phase.after(Step::Reset);
                        self.reload(out, cx);
                    }
                }
            }
            Delivery::Refused(outcome) => self.refused(&outcome, out, cx),
            Delivery::WillRetry { attempts, reason } => {
                let first = self.phase.first_queued();
                self.show_queued(out);
                if first {
                    out.push(Effect::Warn(concat(&[
                        "the request could not be delivered yet (",
                        &reason,
                        "); it is saved and will be retried",
                    ])));
                    out.push(Effect::Dispatch(Event::Queued {
                        sku: pending.sku,
                        kind: pending.kind,
                        attempts,
                        reason,
                    }));
                }
            }
        }
    }

    /// The endpoint refused the request for good: the shopper can correct it and send again,
    /// told where `widget::refusal` says.
    fn refused(&mut self, outcome: &Outcome, out: &mut Effects, cx: &Context) {
        self.phase = self.phase.after(Step::Refused);
        let form = self.form.is_some();
        let shown = refusal::shown(outcome, form, FIELDS);
        if shown.forgets_request() {
            self.outgoing = None;
        }
        if form {
            out.push(Effect::Busy(None));
        }
        match shown {
            Shown::OnFields { known, general } => {
                let general = general.then(|| self.messages.text("error.rejected"));
                let fields = self.field_texts(&known);
                out.push(Effect::Errors { fields, general });
            }
            Shown::UnderForm => out.push(Effect::Errors {
                fields: Vec::new(),
                general: Some(self.refusal_text(outcome)),
            }),
            Shown::AboveReloaded => {
                self.set_notice(Some(self.refusal_text(outcome)), out);
                self.close_form(out);
                self.reload(out, cx);
            }
            Shown::AboveFreshForm => {
                // The request was queued and the form is gone: say why it was refused, then
                // offer the form again for a corrected request.
                self.report_refusal(outcome, out);
                self.set_notice(Some(self.refusal_text(outcome)), out);
                self.reload(out, cx);
                return;
            }
        }
        self.report_refusal(outcome, out);
    }

    fn refusal_text(&self, outcome: &Outcome) -> String {
        match refusal::reason(outcome) {
            (key, Some(count)) => self.counted(key, count),
            (key, None) => self.messages.text(key),
        }
    }

    fn report_refusal(&self, outcome: &Outcome, out: &mut Effects) {
        let (code, message) = match outcome {
            Outcome::Invalid(errors) => {
                let detail: Vec<&str> = errors.iter().map(|error| error.message.as_str()).collect();
                (
                    "invalid",
                    concat(&["the endpoint refused the request: ", &join(&detail, "; ")]),
                )
            }
            Outcome::Exceeds { remaining } => (
                "exceeds",
                concat(&[
                    "only ",
                    &decimal(*remaining),
                    " units can still be reserved",
                ]),
            ),
            Outcome::Rejected { status, message } => {
                let message = message
                    .as_deref()
                    .map(|message| concat(&[": ", message]))
                    .unwrap_or_default();
                (
                    "rejected",
                    concat(&["the endpoint answered HTTP ", &decimal(*status), &message]),
                )
            }
            Outcome::Accepted(_) | Outcome::Unreadable => return,
        };
        self.report(out, code, message);
    }

    /// "Saved. It will be sent as soon as the shop can be reached."
    fn show_queued(&mut self, out: &mut Effects) {
        self.phase = self.phase.after(Step::WillRetry);
        self.close_form(out);
        out.push(Effect::Queued(self.messages.text("queued")));
    }

    fn field_texts(&self, errors: &[FieldError]) -> Vec<(String, String)> {
        let problems: Vec<Problem> = errors.iter().cloned().map(Problem::Field).collect();
        self.problem_texts(&problems)
    }

    /// Each problem in our wording for its code ("at most N" counts what can be promised now),
    /// or in the endpoint's own message when we have none.
    fn problem_texts(&self, problems: &[Problem]) -> Vec<(String, String)> {
        let max = self
            .evaluation
            .as_ref()
            .map_or(1, |evaluation| evaluation.max_quantity);
        let text = |problem: &Problem| match problem {
            Problem::Exceeds { remaining } => self.counted("error.exceeds", *remaining),
            Problem::Field(error) => {
                let key = concat(&["error.", &error.code]);
                let text = self.counted(&key, max);
                if text == key {
                    error.message.clone()
                } else {
                    text
                }
            }
        };
        problems
            .iter()
            .map(|problem| (problem.field().to_owned(), text(problem)))
            .collect()
    }

    fn counted(&self, key: &str, count: u32) -> String {
        self.messages.counted(key, count, None, &*self.format)
    }

    /// What the browser remembered, at once; then, for a returning shopper, the current truth
    /// when the endpoint answers. `fresh`: the endpoint has just confirmed it, so what it said is
    /// the truth, and the confirmation takes the focus.
    fn show_reservation(
        &mut self,
        reservation: &Reservation,
        fresh: bool,
        out: &mut Effects,
        cx: &Context,
    ) {
        let confirmation = Confirmation {
            kind: reservation.kind,
            quantity: reservation.quantity,
            queue_position: reservation.queue_position,
            units_ahead: reservation.units_ahead,
            expected_date: reservation.expected_date.as_deref(),
            notifies: reservation.notifies,
            cancellable: reservation.cancel_token.is_some(),
        };
        let lines = confirmation_text(&confirmation, &self.messages, &*self.format);
        let cancel = reservation.cancel_token.is_some();
        self.show_block(reservation, lines, false, cancel, fresh, out, cx);
        if !fresh && let Some(request) = status_request(reservation) {
            out.push(Effect::Check {
                request,
                id: reservation.id.clone(),
                ticket: self.ticket,
            });
        }
    }

    /// The body becomes the reservation's lines and its actions.
    #[allow(clippy::too_many_arguments, reason = "one call site each, all named")]
    fn show_block(
        &mut self,
        reservation: &Reservation,
        lines: Vec<String>,
        keep: bool,
        cancel: bool,
        focus: bool,
        out: &mut Effects,
        cx: &Context,
    ) {
        self.phase = self.phase.after(Step::Remembered);
        self.close_form(out);
        self.confirming = false;
        let outbox = (cx.outbox)();
        let waiting = outbox.pending_for_reservation(&reservation.sku);
        // A cancel saved offline: no second cancel, and the shopper knows it is on its way.
        let block = match waiting.map(|pending| &pending.action) {
            Some(Action::Cancel { .. }) => Effect::Block {
                lines,
                keep: None,
                cancel: None,
                waiting: Some(self.messages.text("cancel_queued")),
                focus,
            },
            _ => Effect::Block {
                lines,
                keep: keep.then(|| self.messages.text("keep")),
                cancel: cancel.then(|| cancel_label(reservation.kind, &self.messages)),
                waiting: None,
                focus,
            },
        };
        out.push(block);
        // A message about the reservation ("kept") stays above it as it is shown again.
        self.show_notice(false, out);
    }

    /// Keep, or cancel: the first click on cancel only asks to confirm (the EU's "confirm
    /// withdrawal" step); the second sends it.
    fn act(&mut self, cancel: bool, out: &mut Effects, cx: &Context) {
        let outbox = (cx.outbox)();
        let Some(reservation) = outbox.reservation(&self.config.sku) else {
            return;
        };
        let (Some(token), false) = (reservation.cancel_token.clone(), reservation.id.is_empty())
        else {
            return;
        };
        let id = reservation.id.clone();
        let action = match cancel {
            false => Action::Consent { id, token },
            true if !self.confirming => {
                self.confirming = true;
                out.push(Effect::ConfirmCancel(self.messages.text("confirm_cancel")));
                return;
            }
            true => Action::Cancel { id, token },
        };
        out.push(Effect::Acting {
            part: if cancel { "cancel" } else { "keep" },
            label: cancel.then(|| self.messages.text("cancelling")),
        });
        let now = cx.clock.now_ms();
        out.push(Effect::Send(Pending {
            key: (cx.new_key)(),
            endpoint: reservation.endpoint.clone(),
            sku: reservation.sku.clone(),
            kind: reservation.kind,
            quantity: reservation.quantity,
            body: String::new(),
            created_ms: now,
            attempts: 0,
            next_attempt_ms: now,
            action,
        }));
    }

    /// The endpoint's answer about the reservation asked for: shown if it is still the one
    /// remembered (a cancel may have been delivered meanwhile).
    fn checked(&mut self, id: &str, answer: Checked, out: &mut Effects, cx: &Context) {
        let outbox = (cx.outbox)();
        let Some(reservation) = outbox
            .reservation(&self.config.sku)
            .filter(|current| current.id == id)
            .cloned()
        else {
            return;
        };
        let code = (answer.status == Some(404))
            .then_some(answer.error_code.as_deref())
            .flatten();
        let current = match status_check(answer.status, code) {
            StatusCheck::Read => answer.current,
            StatusCheck::Gone => {
                self.forget(&reservation.sku, out);
                self.set_notice(Some(self.messages.text("reservation_gone")), out);
                self.reload(out, cx);
                return;
            }
            StatusCheck::Unknown => None,
        };
        let Some(current) = current else {
            // Offline, or an endpoint that cannot say: what was stored, and that it is not
            // checked.
            out.push(Effect::BlockNote {
                class: "status-unknown",
                text: self.messages.text("status_unknown"),
            });
            return;
        };
        let view = reservation_view(
            &current,
            reservation.notifies,
            &self.messages,
            &*self.format,
        );
        if view.over {
            // Shipped or cancelled: said once, and the browser forgets it.
            self.forget(&reservation.sku, out);
            self.set_notice(view.lines.first().cloned(), out);
            self.reload(out, cx);
            return;
        }
        let cancel = view.cancel && reservation.cancel_token.is_some();
        self.show_block(&reservation, view.lines, view.keep, cancel, false, out, cx);
    }

    /// The browser forgets the reservation of `sku`; the form is back.
    fn forget(&mut self, sku: &str, out: &mut Effects) {
        out.push(Effect::Forget(sku.to_owned()));
        out.push(Effect::Invalidate(sku.to_owned()));
        self.phase = self.phase.after(Step::Reset);
    }

    /// Shows the reservation the browser remembers for `sku` again, and asks for its truth.
    fn show_remembered(&mut self, sku: &str, out: &mut Effects, cx: &Context) {
        if let Some(reservation) = (cx.outbox)().reservation(sku).cloned() {
            self.show_reservation(&reservation, false, out, cx);
        }
    }

    /// What the courier learned about a cancel or a keep of this element's reservation.
    fn delivered_for_reservation(
        &mut self,
        pending: &Pending,
        delivery: &Delivery,
        out: &mut Effects,
        cx: &Context,
    ) {
        let cancel = matches!(pending.action, Action::Cancel { .. });
        match after_action(cancel, delivery) {
            AfterAction::Cancelled => {
                out.push(Effect::Invalidate(pending.sku.clone()));
                self.phase = self.phase.after(Step::Reset);
                // The button that had the focus is gone: the message takes it.
                self.focus_notice = true;
                self.set_notice(Some(cancelled_text(pending.kind, &self.messages)), out);
                self.reload(out, cx);
            }
            AfterAction::Kept => {
                self.set_notice(Some(self.messages.text("kept")), out);
                self.show_remembered(&pending.sku, out, cx);
            }
            AfterAction::Waiting { cancel } => {
                out.push(Effect::Waiting(
                    cancel.then(|| self.messages.text("cancel_queued")),
                ));
            }
            AfterAction::AskAgain => self.show_remembered(&pending.sku, out, cx),
            AfterAction::Failed => {
                self.report(
                    out,
                    "cancel_failed",
                    concat(&[
                        "the endpoint refused to ",
                        pending.action.name(),
                        " the request",
                    ]),
                );
                self.show_remembered(&pending.sku, out, cx);
                out.push(Effect::BlockNote {
                    class: "error",
                    text: self.messages.text("error.cancel"),
                });
            }
        }
    }
}

/// The shop's *today* by its calendar's time zone and cutoff.
fn shop_day(cx: &Context, calendar: &ShopCalendar) -> ShopDay {
    let (date, minutes) = cx.clock.wall(calendar.time_zone.as_deref());
    calendar.shop_day(date, minutes)
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    //! The element's scenarios as tables of messages and the effects each gives, each effect
    //! written as a short line. The browser suite keeps what only a browser shows.
    use std::cell::{Cell, RefCell};

    use super::*;
    use crate::domain::date::parse_iso_date;
    use crate::domain::stock::Stock;
    use crate::view::messages::PlainFormat;
    use crate::widget::clock::Timer;
    use crate::widget::reservation::tests::reservation;
    use crate::wire::{Accepted, StockRecord};

    struct Fixed(Cell<u64>);

    impl Clock for Fixed {
        fn wall(&self, _time_zone: Option<&str>) -> (NaiveDate, u32) {
            (parse_iso_date("2026-11-27").expect("date"), 600)
        }
        fn now_ms(&self) -> u64 {
            self.0.get()
        }
        fn after(&self, _millis: u32, _callback: Box<dyn FnOnce()>) -> Timer {
            Timer::new(())
        }
    }

    struct Element {
        model: Model,
        outbox: RefCell<Outbox>,
        page: PageConfig,
        clock: Fixed,
    }

    fn key() -> String {
        "test-key-0001".to_owned()
    }

    fn stamp(ms: u64) -> String {
        format!("t{ms}")
    }

    impl Element {
        fn new(sku: &str, mode: Mode, locale: Option<&str>) -> Self {
            let config = ElementConfig {
                sku: sku.to_owned(),
                quantity: 1,
                quantity_input: None,
                mode,
                locale: locale.map(str::to_owned),
                endpoint: Some("https://shop.example/api/backorders".to_owned()),
                availability_url: None,
            };
            Self {
                model: Model::new(config, Rc::new(PlainFormat)),
                outbox: RefCell::default(),
                page: PageConfig::default(),
                clock: Fixed(Cell::new(1_000)),
            }
        }

        /// Sends `msg`; the effects, one short line each.
        fn send(&mut self, msg: Msg) -> Vec<String> {
            let outbox = self.outbox.borrow().clone();
            let cx = Context {
                clock: &self.clock,
                outbox: &|| outbox.clone(),
                format: &|_, _| -> Rc<dyn LocaleFormat> { Rc::new(PlainFormat) },
                endpoint: &|endpoint| Ok(endpoint.to_owned()),
                page: &self.page,
                has_inline: true,
                min_fill_ms: 1_500,
                new_key: key,
                stamp,
            };
            self.model.update(msg, &cx).iter().map(line).collect()
        }

        fn mount(&mut self) -> Vec<String> {
            self.send(Msg::Mount {
                problems: Vec::new(),
                host_locale: "en-US".to_owned(),
            })
        }

        fn loaded(&mut self, json: &str) -> Vec<String> {
            let ticket = self.model.ticket;
            self.send(Msg::StockLoaded {
                ticket,
                result: Ok(entry(json)),
            })
        }
    }

    fn entry(json: &str) -> Rc<StockEntry> {
        let record: StockRecord = serde_json::from_str(json).expect("record");
        Rc::new(StockEntry {
            stock: Stock::from_record(&record).expect("stock"),
            calendar: ShopCalendar::default(),
        })
    }

    fn line(effect: &Effect) -> String {
        match effect {
            Effect::Dispatch(Event::Status(detail)) => format!("event status {}", detail.state),
            Effect::Dispatch(Event::Submitted { id, .. }) => format!("event submitted {id}"),
            Effect::Dispatch(Event::Queued { attempts, .. }) => format!("event queued {attempts}"),
            Effect::Dispatch(Event::Error { code, .. }) => format!("event error {code}"),
            Effect::Load { sku, ticket, .. } => format!("load {sku} #{ticket}"),
            Effect::Status(view) => format!("status {}: {}", view.state, view.headline),
            Effect::BuildForm(tree) => {
                let quantity = tree
                    .node
                    .find("quantity")
                    .and_then(|input| input.get("value"));
                let kind = tree.node.get("data-kind").unwrap_or_default();
                format!("form {kind} {}", quantity.unwrap_or_default())
            }
            Effect::Send(pending) => format!(
                "send {} {} at {}",
                pending.action.name(),
                pending.key,
                pending.next_attempt_ms
            ),
            Effect::Errors { fields, general } => {
                let named: Vec<&str> = fields.iter().map(|(field, _)| field.as_str()).collect();
                format!("errors [{}] {}", named.join(","), general.is_some())
            }
            Effect::Notice { text: None, .. } => "notice -".to_owned(),
            Effect::Notice {
                text: Some(text),
                focus,
            } => format!("notice {text} {focus}"),
            Effect::Block {
                keep,
                cancel,
                waiting,
                focus,
                ..
            } => format!(
                "block keep={} cancel={} waiting={} focus={focus}",
                keep.is_some(),
                cancel.is_some(),
                waiting.is_some()
            ),
            Effect::Fallback { retry, .. } => format!("fallback retry={}", retry.is_some()),
            Effect::Busy(label) => format!("busy {}", label.is_some()),
            other => format!("{other:?}")
                .split([' ', '(', '{'])
                .next()
                .unwrap_or("")
                .to_owned(),
        }
    }

    const BACKORDER: &str = r#"{"sku": "SCARF", "backorders": "allow",
        "incoming": [{"quantity": 10, "expected": "2026-12-14"}]}"#;

    fn form_values(email: &str) -> FormValues {
        FormValues {
            quantity: "1".to_owned(),
            email: email.to_owned(),
            consent: true,
            consent_text: "Email me".to_owned(),
            ..FormValues::default()
        }
    }

    #[test]
    fn a_product_page_loads_shows_the_state_offers_the_form_and_then_tells_the_page() {
        let mut element = Element::new("SCARF", Mode::Full, None);
        assert_eq!(element.mount(), ["Follow", "Loading", "load SCARF #1"]);
        let shown = element.loaded(BACKORDER);
        assert_eq!(
            shown[0].split(':').next(),
            Some("status backordered"),
            "{shown:?}"
        );
        assert_eq!(
            shown[1..],
            [
                "form backorder 1",
                "notice -",
                "FirstStatus",
                "event status backordered"
            ],
            "the event is last, once everything is drawn"
        );
    }

    #[test]
    fn an_answer_for_an_earlier_sku_is_dropped_and_a_destroyed_element_does_nothing() {
        let mut element = Element::new("SCARF", Mode::Full, None);
        element.mount();
        let config = ElementConfig {
            sku: "HAT".to_owned(),
            ..element.model.config().clone()
        };
        let moved = element.send(Msg::Update {
            config,
            host_locale: "en".to_owned(),
        });
        assert!(moved.contains(&"load HAT #2".to_owned()), "{moved:?}");
        let late = element.send(Msg::StockLoaded {
            ticket: 1,
            result: Ok(entry(BACKORDER)),
        });
        assert_eq!(late, Vec::<String>::new(), "the answer for SCARF");
        assert_eq!(
            element.send(Msg::Destroy),
            ["CloseForm", "Follow", "NoOffer", "Clear"]
        );
        assert!(element.loaded(BACKORDER).is_empty());
        assert!(element.send(Msg::Retry).is_empty());
    }

    #[test]
    fn a_newly_followed_quantity_field_is_read_before_the_status_is_drawn_once() {
        let mut element = Element::new("SCARF", Mode::Full, None);
        element.mount();
        element.loaded(BACKORDER);
        let config = ElementConfig {
            quantity_input: Some("#qty".to_owned()),
            ..element.model.config().clone()
        };
        let asked = element.send(Msg::Update {
            config,
            host_locale: "en-US".to_owned(),
        });
        assert_eq!(
            asked,
            ["Follow"],
            "nothing is drawn with the attribute's quantity"
        );
        let drawn = element.send(Msg::Followed(Some(" 3 ".to_owned())));
        let told: Vec<&String> = drawn
            .iter()
            .filter(|line| line.starts_with("event"))
            .collect();
        assert_eq!(told, ["event status backordered"], "{drawn:?}");
        assert_eq!(element.model.config().quantity, 3);
        // Moving the field later re-evaluates at once; a field that is not there is said.
        assert!(
            element
                .send(Msg::FieldMoved("2".to_owned()))
                .contains(&"event status backordered".to_owned())
        );
        let config = ElementConfig {
            quantity_input: Some("#gone".to_owned()),
            ..element.model.config().clone()
        };
        element.send(Msg::Update {
            config,
            host_locale: "en-US".to_owned(),
        });
        let missing = element.send(Msg::Followed(None));
        assert_eq!(missing[0], "event error config", "{missing:?}");
        assert_eq!(element.model.config().quantity, 2);
        let told = missing
            .iter()
            .filter(|line| line.starts_with("event status"))
            .count();
        assert_eq!(told, 1, "still drawn and told once: {missing:?}");
        // At mount the field is read before the stock arrives: one status, with its number.
        let mut element = Element::new("SCARF", Mode::Full, None);
        element.model.config.quantity_input = Some("#qty".to_owned());
        assert_eq!(element.mount()[0], "Follow");
        let read = element.send(Msg::Followed(Some("4".to_owned())));
        assert!(
            !read.iter().any(|line| line.starts_with("event status")),
            "{read:?}"
        );
        let shown = element.loaded(BACKORDER);
        let told = shown
            .iter()
            .filter(|line| line.starts_with("event status"))
            .count();
        assert_eq!((told, element.model.config().quantity), (1, 4), "{shown:?}");
    }

    #[test]
    fn what_cannot_be_loaded_gives_the_fallback_and_a_retry_only_when_it_may_help() {
        use crate::widget::http::TransportError;
        // (why, the error code, a "try again" button)
        let table = [
            (
                LoadError::Transport(TransportError::Timeout),
                "stock_unavailable",
                true,
            ),
            (LoadError::Status(503), "stock_unavailable", true),
            (
                LoadError::UnknownSku("SCARF".to_owned()),
                "unknown_sku",
                false,
            ),
            (
                LoadError::BadResponse("no".to_owned()),
                "bad_stock_data",
                false,
            ),
        ];
        for (error, code, retry) in table {
            let mut element = Element::new("SCARF", Mode::Full, None);
            element.mount();
            let shown = element.send(Msg::StockLoaded {
                ticket: 1,
                result: Err(Rc::new(error)),
            });
            assert_eq!(
                shown,
                [
                    format!("event error {code}"),
                    "CloseForm".to_owned(),
                    "NoOffer".to_owned(),
                    format!("fallback retry={retry}"),
                ]
            );
        }
        let mut element = Element::new("", Mode::Full, None);
        let shown = element.mount();
        assert!(
            shown.contains(&"event error config".to_owned()),
            "{shown:?}"
        );
        let mut element = Element::new("SCARF", Mode::Full, None);
        element.mount();
        assert_eq!(
            element.send(Msg::Retry),
            ["Invalidate", "Loading", "load SCARF #2"]
        );
    }

    #[test]
    fn a_submission_is_checked_stored_once_and_sent_no_sooner_than_the_minimum_fill_time() {
        let mut element = Element::new("SCARF", Mode::Full, None);
        element.mount();
        element.loaded(BACKORDER);
        let refused = element.send(Msg::Submit(form_values("not-an-email")));
        assert_eq!(refused, ["notice -", "errors [email] false"]);
        element.clock.0.set(1_200);
        let sent = element.send(Msg::Submit(form_values("ana@example.com")));
        // Built at 1,000 ms: sent at 2,500 at the earliest.
        assert_eq!(
            sent,
            [
                "notice -",
                "errors [] false",
                "busy true",
                "send submit test-key-0001 at 2500"
            ]
        );
        assert_eq!(element.model.phase(), Phase::Sending);
        assert!(
            element
                .send(Msg::Submit(form_values("ana@example.com")))
                .is_empty(),
            "a second click sends nothing"
        );
        let outgoing = element.model.outgoing.clone().expect("outgoing");
        assert_eq!(outgoing.created_at.as_deref(), Some("t1200"));
        assert_eq!(outgoing.expected_date.as_deref(), Some("2026-12-15"));
    }

    #[test]
    fn each_delivery_outcome_is_shown_where_the_shopper_looks() {
        let pending = |action| Pending {
            action,
            ..submit_pending()
        };
        let retry = Delivery::WillRetry {
            attempts: 1,
            reason: "offline".to_owned(),
        };
        let accepted = Delivery::Accepted(Accepted {
            id: "bo_1".to_owned(),
            ..Accepted::unknown()
        });
        let sold_out = Delivery::Refused(Outcome::Exceeds { remaining: 0 });
        let cancel = Action::Cancel {
            id: "bo_1".to_owned(),
            token: "t".to_owned(),
        };
        // (what the courier says, whether the outbox remembers the reservation, the effects)
        let table: [(Action, Delivery, bool, &[&str]); 6] = [
            (
                Action::Submit,
                retry.clone(),
                false,
                &["CloseForm", "Queued", "Warn", "event queued 1"],
            ),
            (
                Action::Submit,
                accepted.clone(),
                true,
                &[
                    "event submitted bo_1",
                    "CloseForm",
                    "block keep=false cancel=true waiting=false focus=true",
                    "notice -",
                ],
            ),
            (
                Action::Submit,
                accepted,
                false,
                &["event submitted bo_1", "Loading", "load SCARF #2"],
            ),
            (
                Action::Submit,
                sold_out,
                false,
                &[
                    "busy false",
                    "notice Sorry, reservations have just filled up. false",
                    "CloseForm",
                    "Loading",
                    "load SCARF #2",
                    "event error exceeds",
                ],
            ),
            (
                cancel.clone(),
                Delivery::Done,
                false,
                &[
                    "Invalidate",
                    "notice Your reservation is cancelled. false",
                    "Loading",
                    "load SCARF #2",
                ],
            ),
            (cancel, retry, true, &["Waiting"]),
        ];
        for (action, delivery, remembered, expected) in table {
            let mut element = Element::new("SCARF", Mode::Full, None);
            element.mount();
            element.loaded(BACKORDER);
            if remembered {
                element.outbox.borrow_mut().confirm(reservation("SCARF"));
            }
            let said = element.send(Msg::Delivered(pending(action), delivery.clone()));
            assert_eq!(said, expected, "{delivery:?}");
        }
        // A badge hears nothing, and another SKU's delivery is not this element's.
        let mut badge = Element::new("SCARF", Mode::Badge, None);
        badge.mount();
        assert!(
            badge
                .send(Msg::Delivered(pending(Action::Submit), Delivery::Done))
                .is_empty()
        );
    }

    #[test]
    fn a_returning_shopper_sees_the_reservation_and_cancels_with_a_second_click() {
        let mut element = Element::new("SCARF", Mode::Full, None);
        element.outbox.borrow_mut().confirm(reservation("SCARF"));
        let shown = element.mount();
        assert!(
            shown.contains(&"block keep=false cancel=true waiting=false focus=false".to_owned())
                && shown.contains(&"Check".to_owned()),
            "{shown:?}"
        );
        assert_eq!(element.send(Msg::Cancel), ["ConfirmCancel"]);
        assert_eq!(
            element.send(Msg::Cancel),
            ["Acting", "send cancel test-key-0001 at 1000"]
        );
        let gone = element.send(Msg::Checked {
            ticket: 1,
            id: "bo_1".to_owned(),
            answer: Checked {
                status: Some(404),
                error_code: Some("unknown_request".to_owned()),
                current: None,
            },
        });
        assert_eq!(gone[..2], ["Forget", "Invalidate"], "{gone:?}");
        let offline = Checked::default();
        let mut element = Element::new("SCARF", Mode::Full, None);
        element.outbox.borrow_mut().confirm(reservation("SCARF"));
        element.mount();
        let unknown = element.send(Msg::Checked {
            ticket: 1,
            id: "bo_1".to_owned(),
            answer: offline.clone(),
        });
        assert_eq!(unknown, ["BlockNote"]);
        let stale = element.send(Msg::Checked {
            ticket: 0,
            id: "bo_1".to_owned(),
            answer: offline,
        });
        assert!(stale.is_empty(), "asked under an earlier ticket");
    }

    #[test]
    fn a_badge_shows_only_the_status_and_a_language_waits_for_its_words() {
        let mut badge = Element::new("SCARF", Mode::Badge, None);
        badge.mount();
        let shown = badge.loaded(BACKORDER);
        assert!(
            !shown.iter().any(|line| line.starts_with("form")),
            "{shown:?}"
        );
        let mut element = Element::new("SCARF", Mode::Full, Some("de"));
        let mounted = element.mount();
        assert_eq!(mounted.last().map(String::as_str), Some("FetchWords"));
        assert!(
            element.loaded(BACKORDER).is_empty(),
            "nothing is said before the words are here"
        );
        let worded = element.send(Msg::WordsLoaded {
            language: "de",
            result: Err("no file".to_owned()),
        });
        assert!(
            worded.contains(&"event error wording".to_owned()),
            "{worded:?}"
        );
        assert!(
            worded.contains(&"form backorder 1".to_owned()),
            "{worded:?}"
        );
    }

    // The wording files are read from disk, natively only.
    #[cfg(not(target_arch = "wasm32"))]
    fn words(language: &'static str) -> Msg {
        let translation = crate::view::wording::tests::translation(language);
        Msg::WordsLoaded {
            language,
            result: Ok(Rc::from(translation)),
        }
    }

    fn submit_pending() -> Pending {
        Pending {
            key: "test-key-0001".to_owned(),
            endpoint: "/api".to_owned(),
            sku: "SCARF".to_owned(),
            kind: RequestKind::Backorder,
            quantity: 1,
            body: String::new(),
            created_ms: 0,
            attempts: 1,
            next_attempt_ms: 0,
            action: Action::Submit,
        }
    }

    // The wording files are read from disk, natively only.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn what_the_courier_learns_before_the_words_arrive_is_told_once_they_are_here() {
        let accepted = Delivery::Accepted(Accepted {
            id: "bo_1".to_owned(),
            ..Accepted::unknown()
        });
        let invalid = Delivery::Refused(Outcome::Invalid(vec![FieldError {
            field: "email".to_owned(),
            code: "invalid_email".to_owned(),
            message: "bad".to_owned(),
        }]));
        // (the delivery, whether the outbox remembers it, what is told once German is here)
        let table: [(Delivery, bool, &[&str]); 2] = [
            (
                accepted,
                true,
                &[
                    "event submitted bo_1",
                    "block keep=false cancel=true waiting=false focus=true",
                    "status backordered: Nachbestellt: Versand bis 2026-12-15",
                    "event status backordered",
                ],
            ),
            (
                invalid,
                false,
                &[
                    "event error invalid",
                    "notice Der Shop konnte diese Anfrage nicht annehmen. false",
                    "load SCARF #2",
                ],
            ),
        ];
        for (delivery, remembered, told) in table {
            let mut element = Element::new("SCARF", Mode::Full, Some("de"));
            assert_eq!(
                element.mount().last().map(String::as_str),
                Some("FetchWords")
            );
            assert!(
                element.loaded(BACKORDER).is_empty(),
                "nothing in English first"
            );
            if remembered {
                element.outbox.borrow_mut().confirm(reservation("SCARF"));
            }
            let heard = element.send(Msg::Delivered(submit_pending(), delivery.clone()));
            assert!(heard.is_empty(), "{delivery:?} waits for the words");
            let shown = element.send(words("de"));
            let mut expected = told.iter();
            let mut next = expected.next();
            for line in &shown {
                if Some(&line.as_str()) == next {
                    next = expected.next();
                }
            }
            assert_eq!(next, None, "{told:?} in order, in {shown:?}");
            assert!(
                !shown.iter().any(|line| line.starts_with("errors")),
                "no form to mark"
            );
        }
    }

    // The wording files are read from disk, natively only.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_new_language_closes_the_form_waits_for_its_words_and_ignores_another_languages() {
        let mut element = Element::new("SCARF", Mode::Full, Some("en"));
        element.mount();
        assert!(
            element
                .loaded(BACKORDER)
                .contains(&"form backorder 1".to_owned())
        );
        let config = ElementConfig {
            locale: Some("fr-FR".to_owned()),
            ..element.model.config().clone()
        };
        let switched = element.send(Msg::Update {
            config,
            host_locale: "en".to_owned(),
        });
        assert_eq!(
            switched,
            ["CloseForm", "ClearBody", "Loading", "FetchWords"]
        );
        assert!(
            element.send(words("de")).is_empty(),
            "a language no longer spoken"
        );
        let french = element.send(words("fr"));
        assert!(
            french[1].starts_with("status backordered: En réapprovisionnement"),
            "{french:?}"
        );
        assert_eq!(french[2], "form backorder 1", "a form in French");
        // The page's language is followed only by an element without a locale of its own.
        // (the element's locale, what a page switching to German makes it do)
        let table: [(Option<&str>, &[&str]); 2] = [
            (None, &["CloseForm", "ClearBody", "Loading", "FetchWords"]),
            (Some("en"), &[]),
        ];
        for (locale, expected) in table {
            let mut element = Element::new("SCARF", Mode::Full, locale);
            element.mount();
            element.loaded(BACKORDER);
            assert_eq!(element.send(Msg::HostLocale("de-DE".to_owned())), expected);
        }
    }

    #[test]
    fn the_quantity_typed_into_the_form_moves_the_date_without_rebuilding_the_form() {
        let two_batches = r#"{"sku": "SCARF", "backorders": "allow", "on_hand": 0, "incoming": [
            {"quantity": 5, "expected": "2026-12-14"}, {"quantity": 10, "expected": "2026-12-21"}]}"#;
        let mut element = Element::new("SCARF", Mode::Full, None);
        element.mount();
        element.loaded(two_batches);
        // (typed, the effects: a status line and a refreshed form, or nothing)
        let table: [(&str, &[&str]); 4] = [
            (
                "7",
                &[
                    "status backordered: Backordered: ships by 2026-12-22",
                    "RefreshForm",
                ],
            ),
            ("7", &[]),
            ("", &[]),
            (
                "2",
                &[
                    "status backordered: Backordered: ships by 2026-12-15",
                    "RefreshForm",
                ],
            ),
        ];
        for (typed, expected) in table {
            let said = element.send(Msg::FormQuantity(typed.to_owned()));
            match expected.is_empty() {
                // Nothing new to show: nothing at all.
                true => assert_eq!(said, Vec::<String>::new(), "{typed:?}"),
                false => assert_eq!(said[..expected.len()], *expected, "{typed:?}: {said:?}"),
            }
            assert!(
                !said.iter().any(|line| line.starts_with("form ")),
                "never rebuilt"
            );
        }
        // A request queued again is told to the page once.
        let retry = |attempts| Delivery::WillRetry {
            attempts,
            reason: "offline".to_owned(),
        };
        let first = element.send(Msg::Delivered(submit_pending(), retry(1)));
        assert_eq!(first.last().map(String::as_str), Some("event queued 1"));
        let again = element.send(Msg::Delivered(submit_pending(), retry(2)));
        assert_eq!(again, ["CloseForm", "Queued"]);
    }

    #[test]
    fn a_variant_switch_keeps_the_quantity_and_only_the_quantity_attribute_changes_it() {
        // (the attribute that changed, the SKU and quantity the attributes now read, the quantity
        // the element shows)
        let table = [
            ("sku", "HAT", 1, 3),
            ("availability-url", "SCARF", 1, 3),
            ("quantity", "SCARF", 5, 5),
        ];
        for (name, sku, read, kept) in table {
            let mut element = Element::new("SCARF", Mode::Full, None);
            element.mount();
            element.loaded(BACKORDER);
            element.send(Msg::Quantity(3));
            let config = ElementConfig {
                sku: sku.to_owned(),
                quantity: read,
                ..element.model.config().clone()
            };
            let said = element.send(Msg::Attribute {
                name: name.to_owned(),
                config,
                problems: vec!["quantity \"x\" is not a whole number".to_owned()],
                host_locale: "en-US".to_owned(),
            });
            assert_eq!(
                said[0], "event error config",
                "a problem is told as at mount"
            );
            assert_eq!(element.model.config().quantity, kept, "{name}");
            assert_eq!(element.model.config().sku, sku);
        }
    }
}
