//! The event outbox: what the shop's tools are told (SPEC "People are told"), written in the
//! transaction of the change that causes it, and delivered afterwards by the webhook worker
//! (`server::webhooks`), never from a request handler.
//!
//! A request's events follow from its history: each change appends history rows, and before
//! the change commits, [`Store::commit`] turns the rows it appended into events, with the
//! request as it stands at the end of the change. `stock.received` is written by the receipt
//! itself.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::{Value, json};

use super::{Store, StoreError};
use crate::domain::{Mail, mail_for, webhook_type};
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

/// The two outboxes, kept alike: the shop's tools' events and the shopper's emails.
#[derive(Debug, Clone, Copy)]
pub(super) enum Outbox {
    Events,
    Mails,
}

impl Outbox {
    fn table(self) -> &'static str {
        match self {
            Self::Events => "events",
            Self::Mails => "mails",
        }
    }
}

/// Up to `limit` rows of `outbox` due at `now`, oldest first, each read by `read` from the
/// `columns` named.
pub(super) fn due_rows<T>(
    connection: &Connection,
    outbox: Outbox,
    columns: &str,
    now: DateTime<Utc>,
    limit: usize,
    read: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {columns} FROM {}
         WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= ?1
         ORDER BY seq LIMIT ?2",
        outbox.table()
    ))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = statement.query_map(params![clock::stamp(now), limit], read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When an outbox row was written. An unreadable time (never written by this server) must not
/// stop the outbox: the row counts as new.
pub(super) fn created_at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map_or_else(|_| Utc::now(), |at| at.with_timezone(&Utc))
}

/// Records what became of an attempt to deliver row `id` of `outbox` at `now`.
pub(super) fn record_attempt(
    connection: &Connection,
    outbox: Outbox,
    id: &str,
    attempt: &Attempt,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let table = outbox.table();
    let (set, when, status, error) = match attempt {
        Attempt::Delivered => (
            "delivered_at = ?2, last_status = NULL, last_error = NULL",
            now,
            None,
            None,
        ),
        Attempt::Retry {
            next,
            status,
            error,
        } => (
            "next_attempt_at = ?2, last_status = ?3, last_error = ?4",
            *next,
            *status,
            Some(error.as_str()),
        ),
        Attempt::GaveUp { status, error } => (
            "gave_up_at = ?2, last_status = ?3, last_error = ?4",
            now,
            *status,
            Some(error.as_str()),
        ),
    };
    let sql = format!("UPDATE {table} SET attempts = attempts + 1, {set} WHERE id = ?1");
    let mut statement = connection.prepare_cached(&sql)?;
    let at = clock::stamp(when);
    match attempt {
        Attempt::Delivered => statement.execute(params![id, at])?,
        _ => statement.execute(params![id, at, status, error])?,
    };
    Ok(())
}

/// Where a change's history starts: the history rows after this mark are the change's own.
pub(super) fn history_mark(transaction: &Transaction) -> Result<i64, StoreError> {
    Ok(
        transaction.query_row("SELECT COALESCE(MAX(seq), 0) FROM history", [], |row| {
            row.get(0)
        })?,
    )
}

impl Store {
    /// Commits a change and, when the shop has a webhook, the events its history rows after
    /// `mark` tell of, in the same transaction: an event exists exactly when its change does.
    pub(super) fn commit(
        &self,
        transaction: Transaction,
        mark: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if self.events || self.mails {
            self.tell_from_history(&transaction, mark, now)?;
        }
        transaction.commit()?;
        Ok(())
    }

    /// Writes `stock.received` for a receipt, in its transaction.
    pub(super) fn stock_received(
        &self,
        transaction: &Transaction,
        data: Value,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if self.events {
            insert(transaction, "stock.received", None, data, now)?;
        }
        Ok(())
    }

    /// Up to `limit` events due at `now`, oldest first.
    pub async fn due_events(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DueEvent>, StoreError> {
        self.read(move |connection| {
            due_rows(
                connection,
                Outbox::Events,
                "id, body, attempts, created_at",
                now,
                limit,
                |row| {
                    Ok(DueEvent {
                        id: row.get(0)?,
                        body: row.get(1)?,
                        attempts: row.get(2)?,
                        created_at: created_at(&row.get::<_, String>(3)?),
                    })
                },
            )
        })
        .await
    }

    /// Records what became of an attempt to deliver event `id` at `now`.
    pub fn attempted(
        &self,
        id: &str,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        record_attempt(&self.lock(), Outbox::Events, id, attempt, now)
    }

    /// The outbox's counts and its failing events.
    pub async fn outbox(&self) -> Result<OutboxListing, StoreError> {
        self.read(|connection| {
            let count = |condition: &str| -> Result<i64, StoreError> {
                Ok(connection.query_row(
                    &format!("SELECT COUNT(*) FROM events WHERE {condition}"),
                    [],
                    |row| row.get(0),
                )?)
            };
            let mut statement = connection.prepare_cached(
                "SELECT id, type, request_id, created_at, attempts, last_status, last_error,
                     next_attempt_at, gave_up_at
                 FROM events WHERE delivered_at IS NULL AND attempts > 0 ORDER BY seq LIMIT 100",
            )?;
            let failing = statement
                .query_map([], |row| {
                    let gave_up_at: Option<String> = row.get(8)?;
                    Ok(FailingEvent {
                        id: row.get(0)?,
                        kind: row.get(1)?,
                        request_id: row.get(2)?,
                        created_at: row.get(3)?,
                        attempts: row.get(4)?,
                        last_status: row.get(5)?,
                        last_error: row.get(6)?,
                        next_attempt_at: match gave_up_at {
                            Some(_) => None,
                            None => row.get(7)?,
                        },
                        gave_up_at,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(OutboxListing {
                pending: count("delivered_at IS NULL AND gave_up_at IS NULL")?,
                delivered: count("delivered_at IS NOT NULL")?,
                failed: count("gave_up_at IS NOT NULL")?,
                failing,
            })
        })
        .await
    }
}

impl Store {
    /// An event for each history row after `mark` that the shop's tools hear about, and an
    /// email for each the shopper hears about, as far as each is configured.
    fn tell_from_history(
        &self,
        transaction: &Transaction,
        mark: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut statement = transaction.prepare_cached(
            "SELECT h.request_id, h.what, h.at, h.old_date, h.new_date, h.notice, h.due
             FROM history h WHERE h.seq > ?1 ORDER BY h.seq",
        )?;
        // Each row: the request, what happened, and the change as the event's `change` tells it.
        let rows: Vec<(String, String, Value)> = statement
            .query_map([mark], |row| {
                let what: String = row.get(1)?;
                let change = json!({
                    "what": what,
                    "at": row.get::<_, String>(2)?,
                    "old_date": row.get::<_, Option<String>>(3)?,
                    "new_date": row.get::<_, Option<String>>(4)?,
                    "notice": row.get::<_, Option<String>>(5)?,
                    "due": row.get::<_, Option<String>>(6)?,
                });
                Ok((row.get(0)?, what, change))
            })?
            .collect::<Result<_, _>>()?;
        for (index, (request_id, what, change)) in rows.iter().enumerate() {
            let kind = webhook_type(what).filter(|_| self.events);
            // A question or a notice the same change then made moot (the request was cancelled
            // in it) is not mailed: its links would lead to a request that is gone.
            let cancelled_later = rows[index + 1..]
                .iter()
                .any(|(later, what, _)| later == request_id && what == "cancelled");
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
pub(super) fn request_data(connection: &Connection, id: &str) -> Result<Option<Value>, StoreError> {
    Ok(connection
        .query_row(
            "SELECT kind, sku, quantity, allocated, status, email, name, locale, expected_date,
                 ships_by, consent_by, awaiting_consent, cancelled_by, refund_due, received_at,
                 shipped_at, cancelled_at, page
             FROM requests WHERE id = ?1",
            [id],
            |row| {
                Ok(json!({
                    "request_id": id,
                    "kind": row.get::<_, String>(0)?,
                    "sku": row.get::<_, String>(1)?,
                    "quantity": row.get::<_, u32>(2)?,
                    "allocated": row.get::<_, u32>(3)?,
                    "status": row.get::<_, String>(4)?,
                    "email": row.get::<_, String>(5)?,
                    "name": row.get::<_, Option<String>>(6)?,
                    "locale": row.get::<_, Option<String>>(7)?,
                    "stated_date": row.get::<_, Option<String>>(8)?,
                    "current_date": row.get::<_, Option<String>>(9)?,
                    "consent_by": row.get::<_, Option<String>>(10)?,
                    "needs_consent": row.get::<_, bool>(11)?,
                    "cancelled_by": row.get::<_, Option<String>>(12)?,
                    "refund_due": row.get::<_, Option<String>>(13)?,
                    "received_at": row.get::<_, String>(14)?,
                    "shipped_at": row.get::<_, Option<String>>(15)?,
                    "cancelled_at": row.get::<_, Option<String>>(16)?,
                    "page": row.get::<_, Option<String>>(17)?,
                }))
            },
        )
        .optional()?)
}

/// Appends one event, due at once, as a Standard Webhooks envelope.
fn insert(
    transaction: &Transaction,
    kind: &str,
    request_id: Option<&str>,
    data: Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = clock::stamp(now);
    let body = json!({"type": kind, "timestamp": at, "data": data}).to_string();
    transaction.execute(
        "INSERT INTO events (id, type, request_id, body, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            format!("evt_{}", secrets::random_token(24)),
            kind,
            request_id,
            body,
            at
        ],
    )?;
    Ok(())
}
