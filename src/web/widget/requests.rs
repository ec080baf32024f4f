//! A widget's requests: validating and queueing a submission, and showing what became of it.

use std::rc::Rc;

use super::Widget;
use crate::domain::{FieldError, format_iso_date, offer};
use crate::outbox::Pending;
use crate::outbox::answer::{Delivery, Outcome};
use crate::text::{concat, decimal, join};
use crate::web::events::{self, QueuedDetail, SubmittedDetail};
use crate::web::form_dom::{FIELDS, FormDom};
use crate::web::platform;
use crate::widget::config::{Mode, parse_quantity};
use crate::widget::lifecycle::Step;
use crate::widget::refusal::{self, Shown};
use crate::widget::requests::with_key;
use crate::widget::submission::{Problem, Review, review};
use crate::wire::{BackorderRequest, Consent};

impl Widget {
    /// Validates the form with the domain rules, stores the request in the outbox and sends it.
    pub(super) fn submit(&self) {
        if !self.state.borrow().phase.may_submit() {
            // A second click while the first submission is on its way sends nothing.
            return;
        }
        self.set_notice(None::<String>);
        let Some((form, request)) = self.read_form() else {
            return;
        };
        let Some(Ok(entry)) = self.state.borrow().entry.clone() else {
            return;
        };
        let today = self.page.shop_day(&entry.calendar);
        let trap_filled = !form.trap.value().is_empty();
        let checked = match review(
            &request,
            &entry.stock,
            &entry.calendar,
            form.kind,
            today,
            trap_filled,
        ) {
            Review::Send(checked) => checked,
            Review::Ignore => return,
            Review::Fix { problems, rejected } => {
                let shown = self.problem_texts(&problems);
                let general = rejected.then(|| self.text("error.rejected"));
                return self.show_errors(&form, &shown, general.as_deref());
            }
        };
        let endpoint = match self.endpoint() {
            Ok(endpoint) => endpoint,
            Err(problem) => {
                self.report("config", &problem);
                let text = self.text("error.rejected");
                return self.show_errors(&form, &[], Some(&text));
            }
        };
        self.show_errors(&form, &[], None);
        {
            let mut state = self.state.borrow_mut();
            state.phase = state.phase.after(Step::Submitted);
        }
        self.state.borrow_mut().outgoing = Some(request.clone());
        form.set_busy(true, &self.text("sending"));
        let now = self.page.services.clock.now_ms();
        // A minimum fill time stops naive bots that post the moment the form appears and leave:
        // the request is stored now but sent no sooner than that, which no person notices.
        let earliest = form.built_ms.saturating_add(self.page.services.min_fill_ms);
        self.page.courier.send(Pending {
            key: request.idempotency_key.clone().unwrap_or_default(),
            endpoint,
            sku: checked.sku,
            kind: checked.kind,
            quantity: checked.quantity,
            body: crate::web::js::write(&request),
            created_ms: now,
            attempts: 0,
            next_attempt_ms: now.max(earliest),
            action: crate::outbox::Action::Submit,
        });
    }

    /// Reads the form into a request body. Sending the same content again (after an answer
    /// that can be retried) keeps the idempotency key, so the endpoint stores it once. Its
    /// `expected_date` is the date the status shows for the form's quantity.
    fn read_form(&self) -> Option<(Rc<FormDom>, BackorderRequest)> {
        let state = self.state.borrow();
        let form = state.form.clone()?;
        let Some(Ok(entry)) = state.entry.clone() else {
            return None;
        };
        let today = self.page.shop_day(&entry.calendar);
        let expected_date = parse_quantity(&form.quantity.value()).and_then(|quantity| {
            offer(&entry.stock, &entry.calendar, form.kind, quantity, today)
                .ok()
                .and_then(|offer| offer.expected_ship_date)
                .map(format_iso_date)
        });
        let request = BackorderRequest {
            kind: Some(form.kind),
            sku: Some(entry.stock.sku.clone()),
            quantity: form.quantity.value().trim().parse::<i64>().ok(),
            email: Some(form.email.value().trim().to_owned()),
            name: Some(form.name.value()).filter(|name| !name.trim().is_empty()),
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
        let services = &self.page.services;
        let request = with_key(request, state.outgoing.as_ref(), services.new_key, || {
            platform::rfc3339(services.clock.now_ms())
        });
        Some((form, request))
    }

    /// What the courier learned about a request of this widget's SKU.
    pub(crate) fn delivered(&self, pending: &Pending, delivery: &Delivery) {
        {
            let mut state = self.state.borrow_mut();
            if state.destroyed
                || state.config.sku != pending.sku
                || state.config.mode == Mode::Badge
            {
                return;
            }
            if !state.wording_ready {
                // Said in the shopper's language or not at all: shown when the words arrive.
                state.deferred.push((pending.clone(), delivery.clone()));
                return;
            }
        }
        if pending.action != crate::outbox::Action::Submit {
            return self.delivered_for_reservation(pending, delivery);
        }
        let kind = pending.kind;
        match delivery {
            Delivery::Done => {}
            Delivery::Accepted(accepted) => {
                let sku = pending.sku.clone();
                events::dispatch(
                    &self.element,
                    "backorder:submitted",
                    &SubmittedDetail {
                        sku: &sku,
                        kind: kind.as_str(),
                        id: accepted.id.clone(),
                        queue_position: accepted.queue_position,
                        expected_date: accepted.expected_date.clone(),
                    }
                    .to_js(),
                );
                let reservation = self.page.courier.snapshot().reservation(&sku).cloned();
                self.state.borrow_mut().outgoing = None;
                match reservation {
                    Some(reservation) => {
                        {
                            let mut state = self.state.borrow_mut();
                            state.phase = state.phase.after(Step::Accepted);
                        }
                        self.show_reservation(&reservation, true);
                    }
                    None => {
                        // Accepted, but no longer remembered (another tab cancelled it): the
                        // form is back, and it sends.
                        {
                            let mut state = self.state.borrow_mut();
                            state.phase = state.phase.after(Step::Reset);
                        }
                        self.reload();
                    }
                }
            }
            Delivery::Refused(outcome) => self.refused(outcome),
            Delivery::WillRetry { attempts, reason } => {
                let first = self.state.borrow().phase.first_queued();
                self.show_queued();
                if first {
                    events::dispatch(
                        &self.element,
                        "backorder:queued",
                        &QueuedDetail {
                            sku: &pending.sku,
                            kind: kind.as_str(),
                            attempts: *attempts,
                            reason,
                        }
                        .to_js(),
                    );
                    platform::console_warn(&concat(&[
                        "the request could not be delivered yet (",
                        reason,
                        "); it is saved and will be retried",
                    ]));
                }
            }
        }
    }

    /// The endpoint refused the request for good: the shopper can correct it and send again,
    /// told where `widget::refusal` says.
    fn refused(&self, outcome: &Outcome) {
        let form = {
            let mut state = self.state.borrow_mut();
            state.phase = state.phase.after(Step::Refused);
            state.form.clone()
        };
        let shown = refusal::shown(outcome, form.is_some(), FIELDS);
        if shown.forgets_request() {
            self.state.borrow_mut().outgoing = None;
        }
        match (shown, form) {
            (Shown::OnFields { known, general }, Some(form)) => {
                form.set_busy(false, "");
                let general = general.then(|| self.text("error.rejected"));
                self.show_field_errors(&form, &known, general.as_deref());
            }
            (Shown::UnderForm, Some(form)) => {
                form.set_busy(false, "");
                self.show_errors(&form, &[], Some(&self.refusal_text(outcome)));
            }
            (Shown::AboveReloaded, form) => {
                if let Some(form) = form {
                    form.set_busy(false, "");
                }
                self.set_notice(self.refusal_text(outcome));
                self.state.borrow_mut().close_form();
                self.reload();
            }
            _ => {
                // The request was queued and the form is gone: say why it was refused, then
                // offer the form again for a corrected request.
                self.report_refusal(outcome);
                self.set_notice(self.refusal_text(outcome));
                self.reload();
                return;
            }
        }
        self.report_refusal(outcome);
    }

    fn refusal_text(&self, outcome: &Outcome) -> String {
        match refusal::reason(outcome) {
            (key, Some(count)) => self.counted(key, count),
            (key, None) => self.text(key),
        }
    }

    fn report_refusal(&self, outcome: &Outcome) {
        match outcome {
            Outcome::Invalid(errors) => {
                let detail: Vec<&str> = errors.iter().map(|error| error.message.as_str()).collect();
                self.report(
                    "invalid",
                    &concat(&["the endpoint refused the request: ", &join(&detail, "; ")]),
                );
            }
            Outcome::Exceeds { remaining } => {
                self.report(
                    "exceeds",
                    &concat(&[
                        "only ",
                        &decimal(*remaining),
                        " units can still be reserved",
                    ]),
                );
            }
            Outcome::Rejected { status, message } => {
                let message = message
                    .as_deref()
                    .map(|message| concat(&[": ", message]))
                    .unwrap_or_default();
                self.report(
                    "rejected",
                    &concat(&["the endpoint answered HTTP ", &decimal(*status), &message]),
                );
            }
            Outcome::Accepted(_) | Outcome::Unreadable => {}
        }
    }

    /// "Saved. It will be sent as soon as the shop can be reached."
    pub(super) fn show_queued(&self) {
        {
            let mut state = self.state.borrow_mut();
            state.phase = state.phase.after(Step::WillRetry);
            state.close_form();
        }
        let _ = self
            .dom
            .show_lines("queued", "message", &[self.text("queued")]);
    }

    fn show_field_errors(&self, form: &FormDom, errors: &[FieldError], general: Option<&str>) {
        let problems: Vec<Problem> = errors.iter().cloned().map(Problem::Field).collect();
        let shown = self.problem_texts(&problems);
        self.show_errors(form, &shown, general);
    }

    /// Each problem in our wording for its code ("at most N" counts what can be promised now),
    /// or in the endpoint's own message when we have none.
    fn problem_texts(&self, problems: &[Problem]) -> Vec<(String, String)> {
        let max = self
            .state
            .borrow()
            .evaluation
            .as_ref()
            .map_or(1, |evaluation| evaluation.max_quantity);
        let mut shown = Vec::with_capacity(problems.len());
        for problem in problems {
            let text = match problem {
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
            shown.push((problem.field().to_owned(), text));
        }
        shown
    }

    fn show_errors(&self, form: &FormDom, errors: &[(String, String)], general: Option<&str>) {
        if let Some(first) = form.show_errors(errors, general) {
            let _ = first.focus();
        }
    }

    pub(super) fn text(&self, key: &str) -> String {
        self.state.borrow().messages.text(key)
    }

    fn counted(&self, key: &str, count: u32) -> String {
        let state = self.state.borrow();
        state.messages.counted(key, count, None, &*state.format)
    }
}
