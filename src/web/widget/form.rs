//! What an element carries out for its form, its outbox and a returning shopper's reservation,
//! and for the merchant preview and the JSON-LD offer: none of it is in the badge-only build
//! (the cargo feature `form`).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::Widget;
use crate::text::{concat, decimal};
use crate::view::form::FormTree;
use crate::view::tree;
use crate::web::form_dom::FormDom;
use crate::web::js::json_tree;
use crate::web::platform;
use crate::web::preview::{Shown, show_preview};
use crate::web::render::build;
use crate::web::structured::OfferScript;
use crate::widget::answers::Checked;
use crate::widget::model::{Effect, FormValues, Msg};

/// What the form's effects put on the page and use again.
#[derive(Debug, Default)]
pub(super) struct FormParts {
    form: Option<FormDom>,
    /// The JSON-LD offer, when the page asked for structured data.
    offer: Option<OfferScript>,
}

impl Widget {
    pub(super) fn apply_form(&self, effect: Effect) {
        let dom = &self.dom;
        let page = &self.page;
        match effect {
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
            Effect::Offer {
                sku,
                name,
                availability,
            } => {
                let mut forms = self.forms.borrow_mut();
                if forms.offer.is_none() {
                    forms.offer = OfferScript::new(&dom.document);
                }
                if let Some(script) = &forms.offer {
                    script.update(
                        &sku,
                        name.as_deref(),
                        &availability,
                        platform::page_is_local(),
                    );
                }
            }
            Effect::NoOffer => self.forms.borrow_mut().offer = None,
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
            Effect::BuildForm(tree) => self.build_form(tree),
            Effect::RefreshForm {
                max,
                note,
                quantity,
            } => {
                if let Some(form) = &self.forms.borrow().form {
                    let _ = form.quantity.set_attribute("max", &decimal(max));
                    form.note.set_text_content(note.as_deref());
                    if let Some(quantity) = quantity {
                        form.quantity.set_value(&decimal(quantity));
                    }
                }
            }
            Effect::Busy(label) => {
                if let Some(form) = &self.forms.borrow().form {
                    form.set_busy(label.is_some(), label.as_deref().unwrap_or_default());
                }
            }
            Effect::Errors { fields, general } => {
                let first = match &self.forms.borrow().form {
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
            Effect::CloseForm => self.forms.borrow_mut().form = None,
            // The element's own effects, which `apply` carries out. Listed, so that a new effect
            // is not dropped here unnoticed.
            Effect::Dispatch(_)
            | Effect::Warn(_)
            | Effect::Live(_)
            | Effect::Follow(_)
            | Effect::Load { .. }
            | Effect::Invalidate(_)
            | Effect::FetchWords(_)
            | Effect::Loading(_)
            | Effect::Status(_)
            | Effect::FirstStatus
            | Effect::Fallback { .. }
            | Effect::ClearBody
            | Effect::Clear => {}
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
        self.parts.borrow_mut().body_listeners = vec![submitted, typed];
        self.forms.borrow_mut().form = Some(form);
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
}
