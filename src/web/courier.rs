//! Delivers requests so that none is lost and none is sent twice: each is stored in the outbox
//! before the first attempt and removed only when the endpoint has answered for good. Every
//! attempt carries the same `Idempotency-Key`, so retries store one row at the endpoint.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;

use super::form::Outcome;
use super::platform;
use super::storage::OutboxStore;
use super::transport::{HttpRequest, Transport, uri_component};
use crate::outbox::{Action, Disposition, Outbox, Pending, Reservation, RetryPolicy, disposition};
use crate::text::concat;
use crate::wire::Accepted;

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Stored by the endpoint; the reservation is remembered.
    Accepted(Accepted),
    /// A cancel or consent the endpoint has: the reservation is forgotten (cancel) or kept.
    Done,
    /// Refused for good (`4xx`); the request is forgotten.
    Refused(Outcome),
    /// Kept in the outbox; the next attempt is scheduled.
    WillRetry { attempts: u32, reason: String },
}

type DeliveryListener = Box<dyn Fn(&Pending, &Delivery)>;

/// The page's single delivery agent.
pub struct Courier {
    store: Rc<dyn OutboxStore>,
    transport: Rc<dyn Transport>,
    policy: RetryPolicy,
    now_ms: fn() -> u64,
    random: fn() -> f64,
    in_flight: RefCell<Vec<String>>,
    timer: RefCell<Option<Timeout>>,
    listener: RefCell<Option<DeliveryListener>>,
    this: Weak<Courier>,
}

impl std::fmt::Debug for Courier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Courier")
            .field("in_flight", &self.in_flight.borrow())
            .finish_non_exhaustive()
    }
}

impl Courier {
    pub fn new(
        store: Rc<dyn OutboxStore>,
        transport: Rc<dyn Transport>,
        policy: RetryPolicy,
        now_ms: fn() -> u64,
        random: fn() -> f64,
    ) -> Rc<Self> {
        Rc::new_cyclic(|this| Self {
            store,
            transport,
            policy,
            now_ms,
            random,
            in_flight: RefCell::default(),
            timer: RefCell::default(),
            listener: RefCell::default(),
            this: this.clone(),
        })
    }

    /// Who hears about deliveries (the page, which tells the widgets of that SKU).
    pub fn set_listener(&self, listener: impl Fn(&Pending, &Delivery) + 'static) {
        *self.listener.borrow_mut() = Some(Box::new(listener));
    }

    /// Reads the outbox afresh, changes it and writes it back, so two tabs of the same shop
    /// do not overwrite each other's requests.
    pub fn modify<T>(&self, change: impl FnOnce(&mut Outbox) -> T) -> T {
        let mut outbox = self.store.load();
        let result = change(&mut outbox);
        self.store.save(&outbox);
        result
    }

    pub fn snapshot(&self) -> Outbox {
        self.store.load()
    }

    /// Stores the request, then delivers it as soon as it is due (at once, unless it asks to
    /// wait).
    pub fn send(&self, pending: Pending) {
        self.modify(|outbox| outbox.add(pending));
        self.resume();
    }

    /// Drops expired entries, then tries everything that is due and schedules the rest.
    pub fn resume(&self) {
        let now = (self.now_ms)();
        let due = self.modify(|outbox| {
            outbox.expire(now, &self.policy);
            outbox.due(now)
        });
        for key in due {
            self.attempt(key);
        }
        self.schedule();
    }

    /// Back online: everything waiting is due now.
    pub fn retry_now(&self) {
        let now = (self.now_ms)();
        self.modify(|outbox| {
            for pending in &mut outbox.pending {
                pending.next_attempt_ms = pending.next_attempt_ms.min(now);
            }
        });
        self.resume();
    }

    fn attempt(&self, key: String) {
        if self.in_flight.borrow().contains(&key) {
            return;
        }
        let Some(pending) = self.store.load().get(&key).cloned() else {
            return;
        };
        self.in_flight.borrow_mut().push(key.clone());
        let Some(this) = self.this.upgrade() else {
            return;
        };
        let request = http_request(&pending);
        let answered = move |answer| {
            this.in_flight
                .borrow_mut()
                .retain(|candidate| *candidate != key);
            let delivery = this.settle(&pending, answer);
            if let Some(listener) = this.listener.borrow().as_ref() {
                listener(&pending, &delivery);
            }
            this.schedule();
        };
        self.transport.send(request, Box::new(answered));
    }

    /// Records the answer in the outbox and says what it means.
    fn settle(
        &self,
        pending: &Pending,
        answer: Result<super::HttpResponse, super::TransportError>,
    ) -> Delivery {
        let now = (self.now_ms)();
        let (status, retry_after, reason) = match &answer {
            Ok(response) => (
                Some(response.status),
                response
                    .retry_after
                    .as_deref()
                    .and_then(|value| value.trim().parse().ok()),
                response.status_text(),
            ),
            Err(error) => (None, None, error.message()),
        };
        match (disposition(&pending.action, status), answer) {
            (Disposition::Delivered, _) if pending.action != Action::Submit => {
                self.modify(|outbox| {
                    outbox.remove(&pending.key);
                    if matches!(pending.action, Action::Cancel { .. }) {
                        outbox.forget_reservation(&pending.sku);
                    }
                });
                Delivery::Done
            }
            (Disposition::Delivered, Ok(response)) => {
                let accepted = match Outcome::from_response(&response) {
                    Outcome::Accepted(accepted) => accepted,
                    // Stored, but the answer is unreadable: still delivered, without details.
                    _ => Accepted::unknown(),
                };
                self.modify(|outbox| {
                    outbox.remove(&pending.key);
                    outbox.confirm(Reservation {
                        sku: pending.sku.clone(),
                        kind: pending.kind,
                        id: accepted.id.clone(),
                        quantity: pending.quantity,
                        queue_position: accepted.queue_position,
                        units_ahead: accepted.units_ahead,
                        expected_date: accepted.expected_date.clone(),
                        cancel_token: accepted.cancel_token.clone(),
                        notifies: accepted.notifies,
                        endpoint: pending.endpoint.clone(),
                        confirmed_ms: now,
                    });
                });
                Delivery::Accepted(accepted)
            }
            (Disposition::Refused, Ok(response)) => {
                self.modify(|outbox| outbox.remove(&pending.key));
                Delivery::Refused(Outcome::from_response(&response))
            }
            _ => {
                let attempts = pending.attempts + 1;
                let delay = self.policy.delay_ms(attempts, retry_after, (self.random)());
                self.modify(|outbox| outbox.reschedule(&pending.key, now, delay).map(|_| ()));
                Delivery::WillRetry { attempts, reason }
            }
        }
    }

    /// Stores a cancel or consent for `reservation` and sends it, with the same guarantees as a
    /// submission: kept until the endpoint answers for good, retried with backoff.
    pub fn send_for(&self, reservation: &Reservation, action: Action, key: String) {
        let now = (self.now_ms)();
        self.send(Pending {
            key,
            endpoint: reservation.endpoint.clone(),
            sku: reservation.sku.clone(),
            kind: reservation.kind,
            quantity: reservation.quantity,
            body: String::new(),
            created_ms: now,
            attempts: 0,
            next_attempt_ms: now,
            action,
        });
    }

    /// One timer for the earliest pending request.
    fn schedule(&self) {
        let next = self.store.load().next_due_ms(&self.in_flight.borrow());
        let Some(next) = next else {
            self.timer.borrow_mut().take();
            return;
        };
        let wait = next.saturating_sub((self.now_ms)()).min(i32::MAX as u64) as u32;
        let this = self.this.clone();
        let timer = platform::timer(
            wait,
            Box::new(move || {
                if let Some(courier) = this.upgrade() {
                    courier.resume();
                }
            }),
        );
        *self.timer.borrow_mut() = Some(timer);
    }
}

/// The HTTP request a stored message makes.
fn http_request(pending: &Pending) -> HttpRequest {
    let at = |id: &str, suffix: &str| {
        concat(&[
            pending.endpoint.trim_end_matches('/'),
            "/",
            &uri_component(id),
            suffix,
        ])
    };
    let bearer = |token: &str| vec![("Authorization", concat(&["Bearer ", token]))];
    match &pending.action {
        Action::Submit => HttpRequest {
            method: "POST",
            url: pending.endpoint.clone(),
            headers: vec![
                ("Content-Type", "application/json".to_owned()),
                ("Idempotency-Key", pending.key.clone()),
            ],
            body: Some(pending.body.clone()),
        },
        Action::Cancel { id, token } => HttpRequest {
            method: "DELETE",
            url: at(id, ""),
            headers: bearer(token),
            body: None,
        },
        Action::Consent { id, token } => HttpRequest {
            method: "POST",
            url: at(id, "/consent"),
            headers: bearer(token),
            body: None,
        },
    }
}
