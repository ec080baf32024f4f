//! Delivers requests so that none is lost and none is sent twice: each is stored in the outbox
//! before the first attempt and removed only when the endpoint has answered for good. Every
//! attempt carries the same `Idempotency-Key`, so retries store one row at the endpoint.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::storage::OutboxStore;
use crate::outbox::answer::{Delivery, Heard, Outcome, settle};
use crate::outbox::{Outbox, Pending, RetryPolicy};
use crate::widget::clock::{Clock, Timer};
use crate::widget::http::{Transport, http_request};

type DeliveryListener = Box<dyn Fn(&Pending, &Delivery)>;

/// The page's single delivery agent.
pub struct Courier {
    store: Rc<dyn OutboxStore>,
    transport: Rc<dyn Transport>,
    policy: RetryPolicy,
    clock: Rc<dyn Clock>,
    random: fn() -> f64,
    in_flight: RefCell<Vec<String>>,
    timer: RefCell<Option<Timer>>,
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
        clock: Rc<dyn Clock>,
        random: fn() -> f64,
    ) -> Rc<Self> {
        Rc::new_cyclic(|this| Self {
            store,
            transport,
            policy,
            clock,
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
        let now = self.clock.now_ms();
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
        let now = self.clock.now_ms();
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

    /// Records the answer in the outbox and says what it means (`outbox::answer::settle`).
    fn settle(
        &self,
        pending: &Pending,
        answer: Result<super::HttpResponse, super::TransportError>,
    ) -> Delivery {
        let heard = match &answer {
            Ok(response) => Heard {
                status: Some(response.status),
                retry_after: response
                    .retry_after
                    .as_deref()
                    .and_then(|value| value.trim().parse().ok()),
                outcome: Some(Outcome::from_response(response)),
                reason: response.status_text(),
            },
            Err(error) => Heard {
                status: None,
                retry_after: None,
                outcome: None,
                reason: error.message(),
            },
        };
        let now = self.clock.now_ms();
        let jitter = (self.random)();
        self.modify(|outbox| settle(outbox, pending, heard, now, &self.policy, jitter))
    }

    /// One timer for the earliest pending request.
    fn schedule(&self) {
        let next = self.store.load().next_due_ms(&self.in_flight.borrow());
        let Some(next) = next else {
            self.timer.borrow_mut().take();
            return;
        };
        let wait = next
            .saturating_sub(self.clock.now_ms())
            .min(i32::MAX as u64) as u32;
        let this = self.this.clone();
        let timer = self.clock.after(
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
