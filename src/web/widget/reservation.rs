//! A returning shopper's reservation: what they see instead of an empty form, and the cancel
//! action that uses the token the endpoint returned.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::{Phase, Widget};
use crate::domain::RequestKind;
use crate::outbox::Reservation;
use crate::text::concat;
use crate::view::confirmation_text;
use crate::web::Listener;
use crate::web::transport::{HttpRequest, HttpResponse, TransportError, uri_component};

impl Widget {
    /// "You're #3 in line for 2 units. Ships by …", with a cancel button.
    pub(super) fn show_reservation(&self, reservation: &Reservation, focus: bool) {
        let kind = RequestKind::parse(&reservation.kind).unwrap_or(RequestKind::Backorder);
        let lines = {
            let state = self.state.borrow();
            confirmation_text(
                kind,
                reservation.quantity,
                reservation.queue_position,
                reservation.expected_date.as_deref(),
                &state.messages,
                &state.format,
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
        if reservation.cancel_token.is_some() && kind.reserves_units() {
            let label = self.text("cancel");
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
                widget.state.borrow_mut().phase = super::Phase::Editing;
                widget.set_notice(widget.text("cancelled"));
                widget.reload();
            } else {
                if let Some(button) = &button {
                    let _ = button.remove_attribute("disabled");
                    button.set_text_content(Some(&widget.text("cancel")));
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
