//! A returning shopper's reservation: what they see instead of an empty form. It shows what the
//! browser remembered, then asks the endpoint how the request stands now (`GET {endpoint}/{id}`
//! with the cancel token) and shows that: a delay beside the date it was, "ready to ship", or
//! what ended it. Keep and cancel go through the outbox like a submission, so neither is lost
//! offline; cancelling takes a second, confirming click.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::Widget;
use crate::outbox::answer::Delivery;
use crate::outbox::{Action, Pending, Reservation};
use crate::text::concat;
use crate::text::uri_component;
use crate::view::{
    Confirmation, Current, cancel_label, cancelled_text, confirmation_text, reservation_view,
};
use crate::web::form::{current_status, error_code};
use crate::web::transport::{HttpRequest, HttpResponse, TransportError};
use crate::web::{Listener, render};
use crate::widget::lifecycle::{Phase, Step};
use crate::widget::reservation::{AfterAction, StatusCheck, after_action, status_check};

impl Widget {
    /// What the browser remembered, at once; then, for a returning shopper, the current truth
    /// when the endpoint answers. `fresh`: the endpoint has just confirmed it, so what it said is
    /// the truth, and the confirmation takes the focus.
    pub(super) fn show_reservation(&self, reservation: &Reservation, fresh: bool) {
        let kind = reservation.kind;
        let lines = {
            let state = self.state.borrow();
            let confirmation = Confirmation {
                kind,
                quantity: reservation.quantity,
                queue_position: reservation.queue_position,
                units_ahead: reservation.units_ahead,
                expected_date: reservation.expected_date.as_deref(),
                notifies: reservation.notifies,
                cancellable: reservation.cancel_token.is_some(),
            };
            confirmation_text(&confirmation, &state.messages, &*state.format)
        };
        let cancel = reservation.cancel_token.is_some();
        self.show_block(reservation, &lines, false, cancel, fresh);
        if !fresh {
            self.check_reservation(reservation);
        }
    }

    /// Replaces the body with the reservation's lines and its actions.
    fn show_block(
        &self,
        reservation: &Reservation,
        lines: &[String],
        keep: bool,
        cancel: bool,
        focus: bool,
    ) {
        {
            let mut state = self.state.borrow_mut();
            state.phase = state.phase.after(Step::Remembered);
            state.close_form();
        }
        let Ok(block) = self.dom.show_lines("confirmation", "confirmation", lines) else {
            return;
        };
        let waiting = self
            .page
            .courier
            .snapshot()
            .pending_for_reservation(&reservation.sku)
            .cloned();
        let mut listeners = Vec::new();
        match waiting.map(|pending| pending.action) {
            // A cancel saved offline: no second cancel, and the shopper knows it is on its way.
            Some(Action::Cancel { .. }) => self.note(&block, "cancel_queued", "message"),
            _ => {
                if keep {
                    listeners.extend(self.action_button(&block, "keep", &self.text("keep")));
                }
                if cancel {
                    let label = cancel_label(reservation.kind, &self.state.borrow().messages);
                    listeners.extend(self.action_button(&block, "cancel", &label));
                }
            }
        }
        self.state.borrow_mut().form_listeners = listeners;
        // A message about the reservation ("kept") stays above it as it is shown again.
        self.show_notice(false);
        if focus {
            let _ = block.set_attribute("tabindex", "-1");
            let _ = block.unchecked_ref::<HtmlElement>().focus();
        }
    }

    /// A button of the reservation block: `keep` or `cancel`.
    fn action_button(&self, block: &Element, part: &'static str, label: &str) -> Option<Listener> {
        let class = if part == "keep" { "" } else { "secondary" };
        let button = render::text_element(
            &self.dom.document,
            "button",
            class,
            &[("type", "button"), ("part", part)],
            label,
        )
        .ok()?;
        block.append_child(&button).ok()?;
        let this = self.this.clone();
        let clicked = button.clone();
        Some(Listener::new(&button, "click", move |_| {
            if let Some(widget) = this.upgrade() {
                widget.act(part, &clicked);
            }
        }))
    }

    /// Keep, or cancel: the first click on cancel only asks to confirm (the EU's "confirm
    /// withdrawal" step); the second sends it.
    fn act(&self, part: &str, button: &Element) {
        let sku = self.state.borrow().config.sku.clone();
        let Some(reservation) = self.page.courier.snapshot().reservation(&sku).cloned() else {
            return;
        };
        let (Some(token), false) = (reservation.cancel_token.clone(), reservation.id.is_empty())
        else {
            return;
        };
        let id = reservation.id.clone();
        let action = match part {
            "keep" => Action::Consent { id, token },
            _ if button.get_attribute("data-confirm").is_none() => {
                let _ = button.set_attribute("data-confirm", "");
                button.set_text_content(Some(&self.text("confirm_cancel")));
                return;
            }
            _ => Action::Cancel { id, token },
        };
        let _ = button.set_attribute("disabled", "");
        if matches!(action, Action::Cancel { .. }) {
            button.set_text_content(Some(&self.text("cancelling")));
        }
        self.page
            .courier
            .send_for(&reservation, action, (self.page.services.new_key)());
    }

    /// Asks the endpoint how the reservation stands now.
    fn check_reservation(&self, reservation: &Reservation) {
        let Some(token) = reservation.cancel_token.clone() else {
            return;
        };
        if reservation.id.is_empty() {
            return;
        }
        let request = HttpRequest {
            method: "GET",
            url: concat(&[
                reservation.endpoint.trim_end_matches('/'),
                "/",
                &uri_component(&reservation.id),
            ]),
            headers: vec![("Authorization", concat(&["Bearer ", &token]))],
            body: None,
        };
        let this = self.this.clone();
        let asked = reservation.clone();
        let answered = move |answer: Result<HttpResponse, TransportError>| {
            if let Some(widget) = this.upgrade() {
                widget.checked(&asked, answer);
            }
        };
        self.page
            .services
            .transport
            .send(request, Box::new(answered));
    }

    fn checked(&self, asked: &Reservation, answer: Result<HttpResponse, TransportError>) {
        {
            let state = self.state.borrow();
            if state.destroyed || state.config.sku != asked.sku || state.phase != Phase::Confirmed {
                return;
            }
        }
        // The reservation may have changed meanwhile (a cancel delivered): answer for the one
        // still remembered, if it is this one.
        let remembered = self
            .page
            .courier
            .snapshot()
            .reservation(&asked.sku)
            .cloned();
        let Some(reservation) = remembered.filter(|current| current.id == asked.id) else {
            return;
        };
        let (status, body) = match &answer {
            Ok(response) => (Some(response.status), response.body.as_str()),
            Err(_) => (None, ""),
        };
        let code = (status == Some(404)).then(|| error_code(body)).flatten();
        let current = match status_check(status, code.as_deref()) {
            StatusCheck::Read => current_status(body),
            StatusCheck::Gone => {
                self.forget(&reservation.sku);
                self.set_notice(Some(self.text("reservation_gone")));
                self.reload();
                return;
            }
            StatusCheck::Unknown => None,
        };
        match current {
            Some(current) => self.show_current(&reservation, &current),
            None => {
                // Offline, or an endpoint that cannot say: what was stored, and that it is
                // not checked.
                if let Ok(Some(block)) = self.dom.body.query_selector(".confirmation") {
                    self.note(&block, "status_unknown", "status-unknown");
                }
            }
        }
    }

    /// The endpoint's current truth about `reservation`.
    fn show_current(&self, reservation: &Reservation, current: &Current) {
        let view = {
            let state = self.state.borrow();
            reservation_view(
                current,
                reservation.notifies,
                &state.messages,
                &*state.format,
            )
        };
        if view.over {
            // Shipped or cancelled: said once, and the browser forgets it.
            self.forget(&reservation.sku);
            self.set_notice(view.lines.first().cloned());
            self.reload();
            return;
        }
        let cancel = view.cancel && reservation.cancel_token.is_some();
        self.show_block(reservation, &view.lines, view.keep, cancel, false);
    }

    /// Shows the reservation the browser remembers for `sku` again, and asks for its truth.
    fn show_remembered(&self, sku: &str) {
        let remembered = self.page.courier.snapshot().reservation(sku).cloned();
        if let Some(reservation) = remembered {
            self.show_reservation(&reservation, false);
        }
    }

    /// The browser forgets the reservation of `sku`; the form is back.
    fn forget(&self, sku: &str) {
        self.page
            .courier
            .modify(|outbox| outbox.forget_reservation(sku));
        self.page.loader.invalidate(sku);
        let mut state = self.state.borrow_mut();
        state.phase = state.phase.after(Step::Reset);
    }

    /// What the courier learned about a cancel or a keep of this widget's reservation.
    pub(super) fn delivered_for_reservation(&self, pending: &Pending, delivery: &Delivery) {
        let kind = pending.kind;
        let cancel = matches!(pending.action, Action::Cancel { .. });
        match after_action(cancel, delivery) {
            AfterAction::Cancelled => {
                self.page.loader.invalidate(&pending.sku);
                let cancelled = cancelled_text(kind, &self.state.borrow().messages);
                {
                    let mut state = self.state.borrow_mut();
                    state.phase = state.phase.after(Step::Reset);
                    // The button that had the focus is gone: the message takes it.
                    state.focus_notice = true;
                }
                self.set_notice(cancelled);
                self.reload();
            }
            AfterAction::Kept => {
                self.set_notice(self.text("kept"));
                self.show_remembered(&pending.sku);
            }
            AfterAction::Waiting { cancel } => {
                if let Ok(Some(block)) = self.dom.body.query_selector(".confirmation") {
                    for part in ["keep", "cancel"] {
                        if let Ok(Some(button)) =
                            block.query_selector(&concat(&["button[part=", part, "]"]))
                        {
                            button.remove();
                        }
                    }
                    if cancel {
                        self.note(&block, "cancel_queued", "message");
                    }
                }
            }
            AfterAction::AskAgain => {
                self.show_remembered(&pending.sku);
            }
            AfterAction::Failed => {
                self.report(
                    "cancel_failed",
                    &concat(&[
                        "the endpoint refused to ",
                        pending.action.name(),
                        " the request",
                    ]),
                );
                self.show_remembered(&pending.sku);
                if let Ok(Some(block)) = self.dom.body.query_selector(".confirmation") {
                    self.note(&block, "error.cancel", "error");
                }
            }
        }
    }

    /// Adds a line of wording `key` to the reservation block (once).
    fn note(&self, block: &Element, key: &str, class: &str) {
        let selector = concat(&["p.", class.split(' ').next().unwrap_or(class)]);
        if block.query_selector(&selector).ok().flatten().is_some() {
            return;
        }
        let role = if class == "error" { "alert" } else { "status" };
        if let Ok(note) = render::text_element(
            &self.dom.document,
            "p",
            class,
            &[("role", role)],
            &self.text(key),
        ) {
            let _ = block.append_child(&note);
        }
    }
}
