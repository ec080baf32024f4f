//! The webhook worker (`server::webhooks`) delivers each event afterwards, never a request handler
//! (SPEC "People are told").
//!
//! A request's events follow from its history: each change appends history rows, and before
//! the change commits, [`Store::tell`] turns the rows it appended into events, with the
//! request as it stands at the end of the change. `stock.received` is written by the receipt
//! itself.
//!
//! On PostgreSQL a worker claims what is due for [`LEASE`]: another replica's worker takes none
//! of it meanwhile; a replica that stops hands its claims back ([`Store::release_claims`]), and
//! one that dies leaves them to be taken again once they lapse.
//!
//! [`LEASE`]: crate::server::store::events::LEASE

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use super::Store;
use super::records::StoreError;
use super::sql::{Appended, NewEvent, Outbox, Tx};
use crate::domain::history::{Mail, mail_for, webhook_type};
use crate::server::{clock, secrets};

/// An event due for delivery, as the worker sends it.
#[derive(Debug, Clone)]
pub struct DueEvent {
    pub id: String,
    /// The envelope, exactly as signed and sent.
    pub body: String,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Acknowledged (`2xx`): never sent again.
    Delivered,
    /// Try again at `next`.
    Retry {
        next: DateTime<Utc>,
        status: Option<u16>,
        error: String,
    },
    /// It can never succeed (a `4xx` other than `408`, `425`, `429`; or retried past the
    /// expiry): kept with its last answer, for the admin listing.
    GaveUp { status: Option<u16>, error: String },
}

/// The outbox as the admin listing shows it.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxListing {
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
    /// Events that failed at least once and are not delivered, oldest first (at most 100):
    /// retrying, or given up.
    pub failing: Vec<FailingEvent>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailingEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub request_id: Option<String>,
    pub created_at: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<String>,
    pub gave_up_at: Option<String>,
}

/// How long a claimed event or email is left to its worker: longer than one send may take
/// (an email's 20 s timeout, a webhook's 10 s), so no second worker sends it while the first
/// still may. Workers claim one at a time, so a worker that stops (a crash, a deploy) leaves
/// one row to wait this long, not a batch.
pub(super) const LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// When an outbox row was written. An unreadable time (never written by this server) must not
/// stop the outbox: the row counts as new.
pub(super) fn created_at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map_or_else(|_| Utc::now(), |at| at.with_timezone(&Utc))
}

impl Store {
    /// Writes, at the end of a change, the events (when the shop has a webhook) and the emails
    /// (when it has an SMTP server) its history rows tell of, in its transaction: each exists
    /// exactly when its change does.
    pub(super) fn tell(
        &self,
        transaction: &mut dyn Tx,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let appended = transaction.take_appended();
        if self.events || self.mails {
            self.tell_from_history(transaction, &appended, now)?;
        }
        Ok(())
    }

    /// Writes `stock.received` for a receipt, in its transaction.
    pub(super) fn stock_received(
        &self,
        transaction: &mut dyn Tx,
        data: Value,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if self.events {
            insert(transaction, "stock.received", None, data, now)?;
        }
        Ok(())
    }

    /// Claims up to `limit` events due at `now`, oldest first, for [`LEASE`].
    pub fn due_events(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DueEvent>, StoreError> {
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        self.change(|transaction| transaction.claim_events(now, now + LEASE, limit))
    }

    /// Hands back the events and emails this replica claimed and has not sent, due at `now`:
    /// a replica that stops leaves nothing waiting for its lease to run out.
    pub fn release_claims(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.change(|transaction| transaction.release_claims(now))
    }

    /// Records what became of an attempt to deliver event `id` at `now`.
    pub fn attempted(
        &self,
        id: &str,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.change(|transaction| transaction.record_attempt(Outbox::Events, id, attempt, now))
    }

    /// The outbox's counts and its failing events.
    pub async fn outbox(&self) -> Result<OutboxListing, StoreError> {
        self.read(|connection| {
            let (pending, delivered, failed, failing) = connection.outbox_counts()?;
            Ok(OutboxListing {
                pending,
                delivered,
                failed,
                failing,
            })
        })
        .await
    }
}

impl Store {
    /// An event for each history row `appended` that the shop's tools hear about, and an
    /// email for each the shopper hears about, as far as each is configured.
    fn tell_from_history(
        &self,
        transaction: &mut dyn Tx,
        appended: &[Appended],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // Each row: the request, what happened, and the change as the event's `change` tells it.
        let rows: Vec<(&str, &str, Value)> = appended
            .iter()
            .map(|row| {
                let change = json!({
                    "what": row.what,
                    "at": row.at,
                    "old_date": row.old_date,
                    "new_date": row.new_date,
                    "notice": row.notice,
                    "due": row.due,
                });
                (row.request_id.as_str(), row.what.as_str(), change)
            })
            .collect();
        for (index, (request_id, what, change)) in rows.iter().enumerate() {
            let kind = webhook_type(what).filter(|_| self.events);
            // A question or a notice the same change then made moot (the request was cancelled
            // in it) is not mailed: its links would lead to a request that is gone.
            let cancelled_later = rows[index + 1..]
                .iter()
                .any(|(later, what, _)| later == request_id && *what == "cancelled");
            let mail = mail_for(what)
                .filter(|_| self.mails)
                .filter(|mail| *mail == Mail::Cancelled || !cancelled_later);
            if kind.is_none() && mail.is_none() {
                continue;
            }
            let Some(mut data) = request_data(transaction, request_id)? else {
                continue;
            };
            // A sign-up that ends (unsubscribed, cancelled) gets no "reservation cancelled" mail.
            let mail = mail.filter(|mail| !(*mail == Mail::Cancelled && data["kind"] == "notify"));
            data["change"] = change.clone();
            if let Some(kind) = kind {
                insert(transaction, kind, Some(request_id), data.clone(), now)?;
            }
            if let Some(mail) = mail {
                super::mails::enqueue(transaction, mail, request_id, data, now)?;
            }
        }
        Ok(())
    }
}

/// What a merchant's tool needs to know of a request: who, what, how many, its dates and
/// where it stands.
pub(super) fn request_data(connection: &mut dyn Tx, id: &str) -> Result<Option<Value>, StoreError> {
    Ok(connection.request_data(id)?.map(|row| {
        json!({
            "request_id": id,
            "kind": row.kind,
            "sku": row.sku,
            "quantity": row.quantity,
            "allocated": row.allocated,
            "status": row.status,
            "email": row.email,
            "name": row.name,
            "locale": row.locale,
            "stated_date": row.expected_date,
            "current_date": row.ships_by,
            "consent_by": row.consent_by,
            "needs_consent": row.awaiting_consent,
            "cancelled_by": row.cancelled_by,
            "refund_due": row.refund_due,
            "received_at": row.received_at,
            "shipped_at": row.shipped_at,
            "cancelled_at": row.cancelled_at,
            "page": row.page,
        })
    }))
}

/// Appends one event, due at once, as a Standard Webhooks envelope.
fn insert(
    transaction: &mut dyn Tx,
    kind: &str,
    request_id: Option<&str>,
    data: Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = clock::stamp(now);
    let body = json!({"type": kind, "timestamp": at, "data": data}).to_string();
    transaction.insert_event(&NewEvent {
        id: &format!("evt_{}", secrets::random_token(24)),
        kind,
        request_id,
        body: &body,
        at: &at,
    })
}
