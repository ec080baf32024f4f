//! Delivers requests so that none is lost and none is sent twice: each is stored in the outbox
//! before the first attempt and removed only when the endpoint has answered for good. Every
//! attempt carries the same `Idempotency-Key`, so retries store one row at the endpoint.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::answers::outcome;
use super::clock::{Clock, Timer};
use super::http::{HttpResponse, Transport, TransportError, http_request};
use crate::outbox::answer::{Delivery, Heard, settle};
use crate::outbox::policy::RetryPolicy;
use crate::outbox::queue::{Outbox, Pending};
use crate::outbox::store::OutboxStore;
use crate::wire::ReadJson;

type DeliveryListener = Box<dyn Fn(&Pending, &Delivery)>;

/// The page's single delivery agent.
pub struct Courier {
    store: Rc<dyn OutboxStore>,
    transport: Rc<dyn Transport>,
    policy: RetryPolicy,
    clock: Rc<dyn Clock>,
    random: fn() -> f64,
    json: ReadJson,
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
        json: ReadJson,
    ) -> Rc<Self> {
        Rc::new_cyclic(|this| Self {
            store,
            transport,
            policy,
            clock,
            random,
            json,
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
    fn settle(&self, pending: &Pending, answer: Result<HttpResponse, TransportError>) -> Delivery {
        let heard = match &answer {
            Ok(response) => Heard {
                status: Some(response.status),
                retry_after: response
                    .retry_after
                    .as_deref()
                    .and_then(|value| value.trim().parse().ok()),
                outcome: Some(outcome(response, self.json)),
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

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::Courier;
    use crate::domain::request::RequestKind;
    use crate::outbox::answer::Delivery;
    use crate::outbox::policy::RetryPolicy;
    use crate::outbox::queue::{Action, Pending};
    use crate::outbox::store::{MemoryStore, OutboxStore};
    use crate::widget::fakes::{ManualClock, Recorder, response};
    use crate::wire::parse_json;

    struct Page {
        store: Rc<MemoryStore>,
        transport: Rc<Recorder>,
        clock: Rc<ManualClock>,
        courier: Rc<Courier>,
        heard: Rc<RefCell<Vec<String>>>,
    }

    fn page() -> Page {
        let store = Rc::new(MemoryStore::default());
        let transport = Rc::new(Recorder::default());
        let clock = ManualClock::at(1_000_000);
        // No jitter: the first retry comes after half the policy's first delay, 1 s.
        let courier = Courier::new(
            store.clone(),
            transport.clone(),
            RetryPolicy::default(),
            clock.clone(),
            || 0.0,
            parse_json,
        );
        let heard = Rc::new(RefCell::new(Vec::new()));
        let log = heard.clone();
        courier.set_listener(move |pending, delivery| {
            let what = match delivery {
                Delivery::Accepted(accepted) => format!("accepted {}", accepted.id),
                Delivery::Done => "done".to_owned(),
                Delivery::Refused(_) => "refused".to_owned(),
                Delivery::WillRetry { attempts, .. } => format!("retry {attempts}"),
            };
            log.borrow_mut().push(format!("{} {what}", pending.key));
        });
        Page {
            store,
            transport,
            clock,
            courier,
            heard,
        }
    }

    fn submission(key: &str, next_attempt_ms: u64) -> Pending {
        Pending {
            key: key.to_owned(),
            endpoint: "https://shop.example/api/backorders".to_owned(),
            sku: "SCARF".to_owned(),
            kind: RequestKind::Backorder,
            quantity: 1,
            body: r#"{"sku":"SCARF"}"#.to_owned(),
            created_ms: 1_000_000,
            attempts: 0,
            next_attempt_ms,
            action: Action::Submit,
        }
    }

    fn keys_sent(page: &Page) -> Vec<String> {
        let sent = page.transport.sent.borrow();
        let key = |request: &crate::widget::http::HttpRequest| {
            let header = request
                .headers
                .iter()
                .find(|(name, _)| *name == "Idempotency-Key");
            header.map(|(_, value)| value.clone()).unwrap_or_default()
        };
        sent.iter().map(key).collect()
    }

    const ACCEPTED: &str = r#"{"id": "r1", "status": "pending", "kind": "backorder",
        "quantity": 1, "allocated": 0}"#;

    #[test]
    fn a_request_is_stored_before_it_is_sent_and_retried_with_the_same_key_until_answered() {
        let page = page();
        page.courier.send(submission("key-1", 0));
        assert_eq!(
            page.store.load().pending.len(),
            1,
            "stored before the answer"
        );
        assert_eq!(keys_sent(&page), ["key-1"]);
        page.transport.reply(503, "");
        assert_eq!(*page.heard.borrow(), ["key-1 retry 1"]);
        assert_eq!(page.store.load().pending[0].attempts, 1, "kept");
        // Nothing is sent again before the backoff, or twice while one attempt is out.
        page.clock.advance(999);
        assert_eq!(keys_sent(&page), ["key-1"]);
        page.courier.retry_now();
        assert_eq!(keys_sent(&page), ["key-1", "key-1"], "back online: at once");
        page.courier.retry_now();
        page.clock.advance(60_000);
        assert_eq!(page.transport.unanswered(), 1, "one attempt at a time");
        page.transport.reply(201, ACCEPTED);
        assert_eq!(page.heard.borrow()[1], "key-1 accepted r1");
        let outbox = page.store.load();
        assert!(outbox.pending.is_empty(), "answered for good");
        assert_eq!(outbox.reservations.len(), 1, "and remembered");
        page.clock.advance(10 * 60_000);
        assert_eq!(
            page.transport.sent.borrow().len(),
            2,
            "and never sent again"
        );
    }

    #[test]
    fn each_answer_keeps_or_drops_the_request_as_the_outbox_rules_say() {
        // (the answer, what the listener hears, whether it stays in the outbox)
        let offline = Err(crate::widget::http::TransportError::Timeout);
        let status = |status, body| Ok(response(status, body));
        let table = [
            (offline, "k retry 1", true),
            (status(500, ""), "k retry 1", true),
            (status(429, ""), "k retry 1", true),
            (status(422, r#"{"errors": []}"#), "k refused", false),
            (status(409, r#"{"remaining": 0}"#), "k refused", false),
            (status(201, ACCEPTED), "k accepted r1", false),
        ];
        for (answer, heard, kept) in table {
            let page = page();
            page.courier.send(submission("k", 0));
            page.transport.answer(answer);
            assert_eq!(*page.heard.borrow(), [heard]);
            assert_eq!(page.store.load().pending.len() == 1, kept, "{heard}");
        }
    }

    #[test]
    fn a_request_that_asks_to_wait_is_sent_when_its_time_comes() {
        let page = page();
        page.courier.send(submission("later", 1_001_500));
        assert!(
            page.transport.sent.borrow().is_empty(),
            "not before its time"
        );
        page.clock.advance(1_499);
        assert!(page.transport.sent.borrow().is_empty());
        page.clock.advance(1);
        assert_eq!(keys_sent(&page), ["later"]);
    }

    #[test]
    fn retry_after_is_a_floor_and_what_an_earlier_visit_left_is_sent_on_resume() {
        let page = page();
        page.courier.send(submission("k", 0));
        page.transport.answer(Ok(crate::widget::http::HttpResponse {
            status: 429,
            retry_after: Some(" 2 ".to_owned()),
            body: String::new(),
        }));
        page.clock.advance(1_999);
        assert_eq!(
            keys_sent(&page),
            ["k"],
            "not before the two seconds asked for"
        );
        page.clock.advance(1);
        assert_eq!(keys_sent(&page), ["k", "k"]);
        // A page opened later finds the request in storage and sends it at once (a shopper
        // back on the site does not wait out the backoff), once.
        let later = self::page();
        later.store.save(&page.store.load());
        later.courier.retry_now();
        assert_eq!(keys_sent(&later), ["k"]);
        later.transport.reply(201, ACCEPTED);
        later.clock.advance(10 * 60_000);
        assert_eq!(keys_sent(&later), ["k"]);
    }

    #[test]
    fn a_cancel_made_offline_is_kept_until_the_endpoint_has_it() {
        let page = page();
        page.courier.send(Pending {
            action: Action::Cancel {
                id: "bo_1".to_owned(),
                token: "t".to_owned(),
            },
            ..submission("cancel-1", 0)
        });
        let offline = || {
            Err(crate::widget::http::TransportError::Network(
                "offline".to_owned(),
            ))
        };
        for attempt in 1..=3 {
            page.transport.answer(offline());
            assert_eq!(
                page.store.load().pending.len(),
                1,
                "kept after attempt {attempt}"
            );
            page.clock.advance(5 * 60_000);
        }
        let sent = page.transport.sent.borrow().clone();
        assert_eq!(
            sent.len(),
            4,
            "three offline attempts, then one that arrives"
        );
        assert!(sent.iter().all(|request| request.method == "DELETE"));
        page.transport
            .reply(200, r#"{"id": "bo_1", "status": "cancelled"}"#);
        assert_eq!(
            page.heard.borrow().last().map(String::as_str),
            Some("cancel-1 done")
        );
        assert!(page.store.load().pending.is_empty());
    }
}
