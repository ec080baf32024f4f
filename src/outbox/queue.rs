use super::policy::RetryPolicy;
use crate::domain::request::RequestKind;

/// What a stored message asks of the endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `POST {endpoint}` with the body: a new request.
    Submit,
    /// `DELETE {endpoint}/{id}` with the cancel token.
    Cancel { id: String, token: String },
    /// `POST {endpoint}/{id}/consent` with the cancel token: keep it through a delay.
    Consent { id: String, token: String },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Cancel { .. } => "cancel",
            Self::Consent { .. } => "consent",
        }
    }
}

/// Something for the endpoint, stored before it is sent and removed only when the endpoint has
/// answered for good: a new request, or a cancel or consent for one (so a shopper's cancel,
/// like a submission, survives going offline and a reload). Stored as
/// [`crate::wire::StoredPending`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The `Idempotency-Key`, the same on every attempt.
    pub key: String,
    pub endpoint: String,
    pub sku: String,
    pub kind: RequestKind,
    pub quantity: u32,
    /// The exact JSON body, sent unchanged on every attempt.
    pub body: String,
    pub created_ms: u64,
    pub attempts: u32,
    /// Not before this instant (milliseconds since the epoch).
    pub next_attempt_ms: u64,
    pub action: Action,
}

/// A reservation the endpoint confirmed, remembered so a returning shopper sees it. Stored as
/// [`crate::wire::StoredReservation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub sku: String,
    pub kind: RequestKind,
    pub id: String,
    pub quantity: u32,
    pub queue_position: Option<u32>,
    /// Every unit promised before this request, as the endpoint counted them.
    pub units_ahead: Option<u32>,
    pub expected_date: Option<String>,
    pub cancel_token: Option<String>,
    /// Whether the endpoint emails the shopper about it.
    pub notifies: bool,
    /// Where the request went, so the cancellation goes to the same endpoint.
    pub endpoint: String,
    pub confirmed_ms: u64,
}

/// Everything kept in the shopper's browser. Nothing else is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbox {
    pub pending: Vec<Pending>,
    pub reservations: Vec<Reservation>,
}

impl Outbox {
    /// Adds a request unless one with the same key is already waiting.
    pub fn add(&mut self, pending: Pending) {
        if !self
            .pending
            .iter()
            .any(|existing| existing.key == pending.key)
        {
            self.pending.push(pending);
        }
    }

    pub fn get(&self, key: &str) -> Option<&Pending> {
        self.pending.iter().find(|pending| pending.key == key)
    }

    /// Forgets a request that has been answered for good.
    pub fn remove(&mut self, key: &str) -> Option<Pending> {
        let index = self.pending.iter().position(|pending| pending.key == key)?;
        Some(self.pending.remove(index))
    }

    /// Records a failed attempt and when to try next.
    pub fn reschedule(&mut self, key: &str, now_ms: u64, delay_ms: u64) -> Option<&Pending> {
        let pending = self.pending.iter_mut().find(|pending| pending.key == key)?;
        pending.attempts += 1;
        pending.next_attempt_ms = now_ms.saturating_add(delay_ms);
        Some(pending)
    }

    /// Remembers a confirmed reservation; one per SKU (the latest wins).
    pub fn confirm(&mut self, reservation: Reservation) {
        self.forget_reservation(&reservation.sku);
        self.reservations.push(reservation);
    }

    pub fn reservation(&self, sku: &str) -> Option<&Reservation> {
        self.reservations
            .iter()
            .find(|reservation| reservation.sku == sku)
    }

    pub fn forget_reservation(&mut self, sku: &str) {
        self.reservations
            .retain(|reservation| reservation.sku != sku);
    }

    /// Drops messages older than the policy keeps. Returns whether anything changed.
    /// Reservations are kept until they ship or are cancelled, however long that takes: the
    /// endpoint says when (`GET {endpoint}/{id}`).
    pub fn expire(&mut self, now_ms: u64, policy: &RetryPolicy) -> bool {
        let before = self.pending.len();
        self.pending
            .retain(|pending| now_ms.saturating_sub(pending.created_ms) < policy.expiry_ms);
        before != self.pending.len()
    }

    /// A cancel or consent for `sku`'s reservation waiting to be sent.
    pub fn pending_for_reservation(&self, sku: &str) -> Option<&Pending> {
        self.pending
            .iter()
            .find(|pending| pending.sku == sku && pending.action != Action::Submit)
    }

    /// Requests whose time has come, oldest first: `add` appends, so the list is already in
    /// the order requests were made.
    pub fn due(&self, now_ms: u64) -> Vec<String> {
        self.pending
            .iter()
            .filter(|pending| pending.next_attempt_ms <= now_ms)
            .map(|pending| pending.key.clone())
            .collect()
    }

    /// The earliest instant something is due, leaving out requests already on their way.
    pub fn next_due_ms(&self, in_flight: &[String]) -> Option<u64> {
        self.pending
            .iter()
            .filter(|pending| !in_flight.contains(&pending.key))
            .map(|pending| pending.next_attempt_ms)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 24 * 60 * 60_000;

    fn pending(key: &str, created_ms: u64) -> Pending {
        Pending {
            key: key.to_owned(),
            endpoint: "/api/backorders".to_owned(),
            sku: "A".to_owned(),
            kind: RequestKind::Backorder,
            quantity: 1,
            body: "{}".to_owned(),
            created_ms,
            attempts: 0,
            next_attempt_ms: created_ms,
            action: Action::Submit,
        }
    }

    #[test]
    fn one_entry_per_key_and_retries_keep_it() {
        let mut outbox = Outbox::default();
        outbox.add(pending("k1", 0));
        outbox.add(pending("k1", 5));
        assert_eq!(outbox.pending.len(), 1);
        assert_eq!(outbox.due(0), ["k1"]);
        outbox.reschedule("k1", 100, 2_000);
        assert!(outbox.due(2_099).is_empty());
        assert_eq!(outbox.next_due_ms(&[]), Some(2_100));
        assert_eq!(
            outbox.next_due_ms(&["k1".to_owned()]),
            None,
            "in flight: nothing to wake for"
        );
        assert_eq!(outbox.due(2_100), ["k1"]);
        assert_eq!(outbox.get("k1").map(|p| p.attempts), Some(1));
        assert!(outbox.remove("k1").is_some());
        assert!(outbox.pending.is_empty());
    }

    #[test]
    fn messages_expire_after_seven_days_and_reservations_when_they_end() {
        let policy = RetryPolicy::default();
        let mut outbox = Outbox::default();
        outbox.add(pending("old", 0));
        outbox.add(pending("new", 2 * DAY));
        outbox.confirm(Reservation {
            sku: "A".to_owned(),
            kind: RequestKind::Backorder,
            id: "bo_1".to_owned(),
            quantity: 2,
            queue_position: Some(3),
            units_ahead: Some(12),
            expected_date: Some("2026-12-15".to_owned()),
            cancel_token: Some("t".to_owned()),
            notifies: false,
            endpoint: "/api/backorders".to_owned(),
            confirmed_ms: DAY,
        });
        assert!(!outbox.expire(7 * DAY - 1, &policy));
        assert!(outbox.expire(7 * DAY, &policy));
        assert_eq!(outbox.due(u64::MAX), ["new"]);
        assert!(outbox.reservation("A").is_some());
        assert!(outbox.expire(100 * DAY, &policy));
        assert!(outbox.pending.is_empty());
        assert!(
            outbox.reservation("A").is_some(),
            "a reservation is remembered until it ships or is cancelled"
        );
        outbox.forget_reservation("A");
        assert!(outbox.reservation("A").is_none());
    }
}
