//! Rows come from the change's history rows, like the webhook's events, and the mail worker
//! (`server::mail`) sends them. A row holds the facts, not the rendered email: the links carry the
//! cancel token, which is derived when the email is rendered and never stored.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Store;
use super::events::{Attempt, LEASE};
use super::records::StoreError;
use super::sql::{NewMail, Outbox, Tx};
use super::stock::{calendar_of, record_of};
use crate::domain::history::Mail;
use crate::server::{clock, secrets};

/// An email due to be sent.
#[derive(Debug, Clone)]
pub struct DueMail {
    pub id: String,
    pub request_id: String,
    /// `Mail::as_str`.
    pub kind: String,
    pub to: String,
    /// The request as its change left it, the change, the item's name and the shop's zone.
    pub data: Value,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
}

/// Writes one email's facts, due at once.
pub(super) fn enqueue(
    transaction: &mut dyn Tx,
    mail: Mail,
    request_id: &str,
    mut data: Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sku = data["sku"].as_str().unwrap_or_default().to_owned();
    data["item"] = record_of(transaction, &sku)?
        .and_then(|record| record.name)
        .map_or(Value::from(sku), Value::from);
    data["time_zone"] = calendar_of(transaction)?
        .time_zone
        .map_or(Value::Null, Value::from);
    let to = data["email"].as_str().unwrap_or_default().to_owned();
    let at = clock::stamp(now);
    transaction.insert_mail(&NewMail {
        id: &format!("mail_{}", secrets::random_token(24)),
        request_id,
        kind: mail.as_str(),
        to: &to,
        data: &data.to_string(),
        at: &at,
    })
}

impl Store {
    /// Changes from now on write the shopper's emails they cause.
    pub fn with_mails(mut self) -> Self {
        self.mails = true;
        self
    }

    /// The cancel token of request `id`, for the links of its emails.
    pub fn cancel_token_of(&self, id: &str) -> String {
        self.tokens.cancel_token(id)
    }

    /// Claims up to `limit` emails due at `now`, oldest first, for [`LEASE`]. An unreadable
    /// row does not stop the outbox: it is tried, fails to render and is kept as given up.
    pub fn due_mails(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueMail>, StoreError> {
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        self.change(|transaction| transaction.claim_mails(now, now + LEASE, limit))
    }

    /// Records what became of an attempt to send email `id` at `now`.
    pub fn mail_attempted(
        &self,
        id: &str,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.change(|transaction| transaction.record_attempt(Outbox::Mails, id, attempt, now))
    }
}
