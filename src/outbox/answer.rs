use super::policy::{Disposition, RetryPolicy, disposition};
use super::queue::{Action, Outbox, Pending, Reservation};
use crate::domain::request::FieldError;
use crate::wire::Accepted;

/// What an answer's body says, read by the browser layer from any answer it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted(Accepted),
    /// `422`: fix these fields.
    Invalid(Vec<FieldError>),
    /// `409`: only `remaining` units can still be promised.
    Exceeds {
        remaining: u32,
    },
    /// A `2xx` whose body we cannot read.
    Unreadable,
    /// Any other status: this request will never succeed as it is.
    Rejected {
        status: u16,
        message: Option<String>,
    },
}

/// What one attempt heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heard {
    /// The HTTP status; `None` when no answer came (offline, a timeout).
    pub status: Option<u16>,
    /// `Retry-After` in seconds, when the answer had one.
    pub retry_after: Option<u32>,
    /// What the body says; `None` without an answer.
    pub outcome: Option<Outcome>,
    /// Why, in a few words, for the console and `backorder:queued` ("HTTP 503").
    pub reason: String,
}

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

/// Records in `outbox` what the attempt to deliver `pending` heard, and says what it means. The
/// meaning of a status is decided here and in [`disposition`] only: delivered, refused for good,
/// or kept to try again after the policy's backoff (`jitter` in `[0, 1)`).
pub fn settle(
    outbox: &mut Outbox,
    pending: &Pending,
    heard: Heard,
    now_ms: u64,
    policy: &RetryPolicy,
    jitter: f64,
) -> Delivery {
    match disposition(&pending.action, heard.status) {
        Disposition::Delivered if pending.action != Action::Submit => {
            outbox.remove(&pending.key);
            if matches!(pending.action, Action::Cancel { .. }) {
                outbox.forget_reservation(&pending.sku);
            }
            Delivery::Done
        }
        Disposition::Delivered => {
            let accepted = match heard.outcome {
                Some(Outcome::Accepted(accepted)) => accepted,
                // Stored, but the answer is unreadable: still delivered, without details.
                _ => Accepted::unknown(),
            };
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
                confirmed_ms: now_ms,
            });
            Delivery::Accepted(accepted)
        }
        Disposition::Refused => {
            outbox.remove(&pending.key);
            Delivery::Refused(heard.outcome.unwrap_or(Outcome::Unreadable))
        }
        Disposition::Retry => {
            let attempts = pending.attempts + 1;
            let delay = policy.delay_ms(attempts, heard.retry_after, jitter);
            outbox.reschedule(&pending.key, now_ms, delay);
            Delivery::WillRetry {
                attempts,
                reason: heard.reason,
            }
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use super::*;

    fn pending(action: Action) -> Pending {
        Pending {
            key: "key-0000000001".to_owned(),
            endpoint: "/api/backorders".to_owned(),
            sku: "BACK".to_owned(),
            kind: crate::domain::request::RequestKind::Backorder,
            quantity: 2,
            body: "{}".to_owned(),
            created_ms: 1_000,
            attempts: 0,
            next_attempt_ms: 1_000,
            action,
        }
    }

    fn accepted() -> Accepted {
        Accepted {
            id: "bo_1".to_owned(),
            queue_position: Some(5),
            cancel_token: Some("t".to_owned()),
            ..Accepted::unknown()
        }
    }

    fn heard(status: Option<u16>, outcome: Option<Outcome>) -> Heard {
        Heard {
            status,
            retry_after: None,
            outcome,
            reason: "why".to_owned(),
        }
    }

    /// The outbox after `settle`, in brief: pending keys with their next attempt, and the
    /// reservations' ids.
    fn state(outbox: &Outbox) -> String {
        let pending: Vec<String> = outbox
            .pending
            .iter()
            .map(|pending| format!("{}@{}", pending.attempts, pending.next_attempt_ms))
            .collect();
        let reservations: Vec<&str> = outbox
            .reservations
            .iter()
            .map(|kept| kept.id.as_str())
            .collect();
        format!(
            "pending [{}] reserved [{}]",
            pending.join(" "),
            reservations.join(" ")
        )
    }

    #[test]
    fn each_answer_means_one_thing_for_each_kind_of_message() {
        let policy = RetryPolicy {
            first_delay_ms: 1_000,
            max_delay_ms: 60_000,
            expiry_ms: 1_000_000,
        };
        let cancel = || Action::Cancel {
            id: "bo_1".to_owned(),
            token: "t".to_owned(),
        };
        let keep = || Action::Consent {
            id: "bo_1".to_owned(),
            token: "t".to_owned(),
        };
        let invalid = || Outcome::Invalid(Vec::new());
        // (message, status, what the body said, delivery, the outbox after; it starts with a
        // reservation bo_0 for another SKU and the message pending)
        let table = [
            (
                Action::Submit,
                Some(201),
                Some(Outcome::Accepted(accepted())),
                Delivery::Accepted(accepted()),
                "pending [] reserved [bo_0 bo_1]",
            ),
            (
                Action::Submit,
                Some(200),
                Some(Outcome::Unreadable),
                Delivery::Accepted(Accepted::unknown()),
                "pending [] reserved [bo_0 ]",
            ),
            (
                Action::Submit,
                Some(422),
                Some(invalid()),
                Delivery::Refused(invalid()),
                "pending [] reserved [bo_0]",
            ),
            (
                Action::Submit,
                Some(409),
                Some(Outcome::Exceeds { remaining: 1 }),
                Delivery::Refused(Outcome::Exceeds { remaining: 1 }),
                "pending [] reserved [bo_0]",
            ),
            (
                Action::Submit,
                Some(404),
                None,
                Delivery::Refused(Outcome::Unreadable),
                "pending [] reserved [bo_0]",
            ),
            (
                Action::Submit,
                None,
                None,
                Delivery::WillRetry {
                    attempts: 1,
                    reason: "why".to_owned(),
                },
                "pending [1@5750] reserved [bo_0]",
            ),
            (
                Action::Submit,
                Some(503),
                None,
                Delivery::WillRetry {
                    attempts: 1,
                    reason: "why".to_owned(),
                },
                "pending [1@5750] reserved [bo_0]",
            ),
            (
                Action::Submit,
                Some(429),
                None,
                Delivery::WillRetry {
                    attempts: 1,
                    reason: "why".to_owned(),
                },
                "pending [1@5750] reserved [bo_0]",
            ),
            (
                cancel(),
                Some(204),
                None,
                Delivery::Done,
                "pending [] reserved [bo_0]",
            ),
            (
                cancel(),
                Some(404),
                None,
                Delivery::Done,
                "pending [] reserved [bo_0]",
            ),
            (
                cancel(),
                Some(410),
                None,
                Delivery::Done,
                "pending [] reserved [bo_0]",
            ),
            (
                cancel(),
                Some(401),
                None,
                Delivery::Refused(Outcome::Unreadable),
                "pending [] reserved [bo_0 bo_1]",
            ),
            (
                cancel(),
                Some(500),
                None,
                Delivery::WillRetry {
                    attempts: 1,
                    reason: "why".to_owned(),
                },
                "pending [1@5750] reserved [bo_0 bo_1]",
            ),
            (
                keep(),
                Some(200),
                None,
                Delivery::Done,
                "pending [] reserved [bo_0 bo_1]",
            ),
            (
                keep(),
                Some(410),
                None,
                Delivery::Refused(Outcome::Unreadable),
                "pending [] reserved [bo_0 bo_1]",
            ),
        ];
        for (action, status, outcome, delivery, after) in table {
            let message = pending(action.clone());
            let mut outbox = Outbox::default();
            outbox.confirm(Reservation {
                sku: "OTHER".to_owned(),
                id: "bo_0".to_owned(),
                ..reservation()
            });
            if action != Action::Submit {
                outbox.confirm(reservation());
            }
            outbox.add(message.clone());
            let got = settle(
                &mut outbox,
                &message,
                heard(status, outcome),
                5_000,
                &policy,
                0.5,
            );
            assert_eq!(got, delivery, "{action:?} {status:?}");
            assert_eq!(state(&outbox), after, "{action:?} {status:?}");
        }
    }

    #[test]
    fn retry_after_is_a_floor_under_the_backoff() {
        let policy = RetryPolicy::default();
        let message = pending(Action::Submit);
        let mut outbox = Outbox::default();
        outbox.add(message.clone());
        let heard = Heard {
            retry_after: Some(120),
            ..heard(Some(503), None)
        };
        settle(&mut outbox, &message, heard, 0, &policy, 0.0);
        assert_eq!(outbox.pending[0].next_attempt_ms, 120_000);
    }

    fn reservation() -> Reservation {
        Reservation {
            sku: "BACK".to_owned(),
            kind: crate::domain::request::RequestKind::Backorder,
            id: "bo_1".to_owned(),
            quantity: 2,
            queue_position: Some(5),
            units_ahead: None,
            expected_date: None,
            cancel_token: Some("t".to_owned()),
            notifies: false,
            endpoint: "/api/backorders".to_owned(),
            confirmed_ms: 0,
        }
    }
}
