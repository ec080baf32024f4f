//! A returning shopper's reservation: what they see instead of an empty form, and the cancel
//! action that uses the token the endpoint returned.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::{Phase, Widget};
use crate::domain::RequestKind;
use crate::outbox::Reservation;
use crate::text::concat;
use crate::view::{Confirmation, cancel_label, cancelled_text, confirmation_text};
use crate::web::Listener;
use crate::web::transport::{HttpRequest, HttpResponse, TransportError, uri_component};

impl Widget {
    /// "2 units reserved. 12 units are reserved ahead of you. Ships by …", with a cancel
    /// button (for a notify request too: a sign-up can be withdrawn).
    pub(super) fn show_reservation(&self, reservation: &Reservation, focus: bool) {
        let kind = RequestKind::parse(&reservation.kind).unwrap_or(RequestKind::Backorder);
        let (lines, label) = {
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
            (
                confirmation_text(&confirmation, &state.messages, &*state.format),
                cancel_label(kind, &state.messages),
            )
        };
        {
            let mut state = self.state.borrow_mut();
            state.phase = Phase::Confirmed;
            state.close_form();
        }
        let Ok(block) = self.dom.show_lines("confirmation", "confirmation", &lines) else {
            return;
        };
        if reservation.cancel_token.is_some() {
            if let Ok(button) = crate::web::render::text_element(
                &self.dom.document,
                "button",
                "secondary",
                &[("type", "button"), ("part", "cancel")],
                &label,
            ) {
                let _ = block.append_child(&button);
                let this = self.this.clone();
                let listener = Listener::new(&button, "click", move |_| {
                    if let Some(widget) = this.upgrade() {
                        widget.cancel();
                    }
                });
                self.state.borrow_mut().form_listeners = vec![listener];
            }
        }
        if focus {
            let _ = block.set_attribute("tabindex", "-1");
            let _ = block.unchecked_ref::<HtmlElement>().focus();
        }
    }

    /// Cancels the remembered reservation with its token; the units go back to the shop.
    fn cancel(&self) {
        let sku = self.state.borrow().config.sku.clone();
        let Some(reservation) = self.page.courier.snapshot().reservation(&sku).cloned() else {
            return;
        };
        let Some(token) = reservation.cancel_token.clone() else {
            return;
        };
        let kind = RequestKind::parse(&reservation.kind).unwrap_or(RequestKind::Backorder);
        let button = self
            .dom
            .body
            .query_selector("button[part=cancel]")
            .ok()
            .flatten();
        if let Some(button) = &button {
            let _ = button.set_attribute("disabled", "");
            button.set_text_content(Some(&self.text("cancelling")));
        }
        let url = concat(&[
            reservation.endpoint.trim_end_matches('/'),
            "/",
            &uri_component(&reservation.id),
        ]);
        let request = HttpRequest {
            method: "DELETE",
            url,
            headers: vec![("Authorization", concat(&["Bearer ", &token]))],
            body: None,
        };
        let this = self.this.clone();
        let answered = move |answer: Result<HttpResponse, TransportError>| {
            let Some(widget) = this.upgrade() else { return };
            // 404 and 410: the endpoint no longer has it, which is what the shopper wanted.
            let done = matches!(&answer, Ok(response) if (200..300).contains(&response.status) || matches!(response.status, 404 | 410));
            if done {
                widget
                    .page
                    .courier
                    .modify(|outbox| outbox.forget_reservation(&sku));
                widget.page.loader.invalidate(&sku);
            }
            if widget.state.borrow().config.sku != sku {
                // The shopper moved to another variant meanwhile; its view is not this one's.
                return;
            }
            if done {
                let cancelled = cancelled_text(kind, &widget.state.borrow().messages);
                {
                    let mut state = widget.state.borrow_mut();
                    state.phase = super::Phase::Editing;
                    // The button that had the focus is gone: the message takes it.
                    state.focus_notice = true;
                }
                widget.set_notice(cancelled);
                widget.reload();
            } else {
                if let Some(button) = &button {
                    let _ = button.remove_attribute("disabled");
                    let label = cancel_label(kind, &widget.state.borrow().messages);
                    button.set_text_content(Some(&label));
                }
                let status = answer
                    .map(|response| response.status_text())
                    .unwrap_or_else(|error| error.message());
                widget.report(
                    "cancel_failed",
                    &concat(&["the reservation could not be cancelled (", &status, ")"]),
                );
                let error = crate::web::render::text_element(
                    &widget.dom.document,
                    "p",
                    "error",
                    &[("role", "alert")],
                    &widget.text("error.cancel"),
                );
                if let Ok(error) = error {
                    let _ = widget.dom.body.append_child(&error);
                }
            }
        };
        self.page
            .services
            .transport
            .send(request, Box::new(answered));
    }
}
