//! The requests, in SQLite.
//!
//! One connection behind a mutex serialises every write, and each submission runs in one
//! `BEGIN IMMEDIATE` transaction: the idempotency lookup, the count of units already promised, the
//! domain's decision and the insert happen as one step. Two shoppers racing for the last unit can
//! therefore never both get it, even if a second process shares the file (the immediate
//! transaction takes SQLite's write lock before reading).
//!
//! Every method blocks; async code calls them from `spawn_blocking`.

mod records;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::secrets;
use crate::domain::format_iso_date;

pub use records::{
    Accepted, Cancellation, Granted, NewRequest, RequestRow, StoreError, Submission,
};

/// The schema, version 1. `holds_units` is the domain's [`crate::domain::RequestKind::reserves_units`] stored
/// with the row, so SQL never re-states which kinds take units from what is en route.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    sku TEXT NOT NULL,
    kind TEXT NOT NULL,
    holds_units INTEGER NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    email TEXT NOT NULL,
    name TEXT,
    consent_text TEXT NOT NULL,
    consent_given INTEGER NOT NULL,
    expected_date TEXT,
    shown_expected_date TEXT,
    locale TEXT,
    page TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_hash TEXT NOT NULL,
    response_json TEXT NOT NULL,
    cancel_token TEXT NOT NULL,
    created_at TEXT,
    received_at TEXT NOT NULL,
    cancelled_at TEXT
);
CREATE INDEX IF NOT EXISTS requests_holding_units
    ON requests (sku, seq) WHERE holds_units = 1 AND cancelled_at IS NULL;
PRAGMA user_version = 1;
";

/// Rows that hold units right now: reserving kinds, not cancelled.
const HOLDING: &str = "holds_units = 1 AND cancelled_at IS NULL";

/// The request store.
#[derive(Debug)]
pub struct Store {
    connection: Mutex<Connection>,
}

impl Store {
    /// Opens (or creates) the database file, and its folder.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(folder) = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder).map_err(|error| StoreError::CreateFolder {
                path: folder.to_owned(),
                error,
            })?;
        }
        let connection = Connection::open(path)?;
        // WAL lets readers (a backup, an admin's sqlite3 shell) work while the server writes.
        connection.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        Self::with_connection(connection)
    }

    /// A store that lives in memory, for tests.
    #[cfg(test)]
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::with_connection(Connection::open_in_memory()?)
    }

    fn with_connection(connection: Connection) -> Result<Self, StoreError> {
        connection.busy_timeout(Duration::from_secs(5))?;
        connection.execute_batch(SCHEMA)?;
        Ok(Self {
            connection: Mutex::new(connection),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while the lock was held left any open transaction to roll back on drop, so
        // the connection is consistent and still usable.
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores `request` if `decide` grants it. `decide` receives the units of this SKU that
    /// stored requests already hold, and answers with what it grants (or a refusal).
    /// A known idempotency key answers from what was stored and never calls `decide`.
    pub fn submit<R>(
        &self,
        request: &NewRequest,
        decide: impl FnOnce(u32) -> Result<Granted, R>,
    ) -> Result<Submission<R>, StoreError> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let known: Option<(String, String, Option<String>)> = transaction
            .query_row(
                "SELECT request_hash, response_json, cancelled_at FROM requests WHERE idempotency_key = ?1",
                [&request.checked.idempotency_key],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        if let Some((hash, response, cancelled_at)) = known {
            return Ok(if hash != request.request_hash {
                Submission::KeyReused
            } else if cancelled_at.is_some() {
                Submission::Cancelled
            } else {
                Submission::Replayed(response)
            });
        }
        // Sums are read wide: what the rules see is capped, never wrapped.
        let (held_units, holding_requests): (i64, u32) = transaction.query_row(
            &format!("SELECT COALESCE(SUM(quantity), 0), COUNT(*) FROM requests WHERE sku = ?1 AND {HOLDING}"),
            [&request.checked.sku],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let held_units = u32::try_from(held_units).unwrap_or(u32::MAX);
        let granted = match decide(held_units) {
            Ok(granted) => granted,
            Err(refusal) => return Ok(Submission::Refused(refusal)),
        };
        let holds_units = request.checked.kind.reserves_units();
        // The new row has the highest `seq`, so its place is right behind every holding row.
        let accepted = Accepted {
            id: secrets::request_id(),
            queue_position: holds_units.then_some(holding_requests + 1),
            expected_date: granted.expected_date.map(format_iso_date),
            units_ahead: holds_units.then_some(granted.units_ahead),
            cancel_token: secrets::random_token(32),
            notifies: false,
        };
        let response = serde_json::to_string(&accepted).map_err(StoreError::Json)?;
        transaction.execute(
            "INSERT INTO requests (id, sku, kind, holds_units, quantity, email, name, consent_text,
                 consent_given, expected_date, shown_expected_date, locale, page, idempotency_key,
                 request_hash, response_json, cancel_token, created_at, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19)",
            params![
                accepted.id,
                request.checked.sku,
                request.checked.kind.as_str(),
                holds_units,
                request.checked.quantity,
                request.checked.email,
                request.checked.name,
                request.checked.consent_text,
                request.consent_given,
                accepted.expected_date,
                request.shown_expected_date,
                request.locale,
                request.page,
                request.checked.idempotency_key,
                request.request_hash,
                response,
                accepted.cancel_token,
                request.created_at,
                request.received_at,
            ],
        )?;
        transaction.commit()?;
        Ok(Submission::Created(accepted))
    }

    /// Units held by stored requests, per SKU (SKUs with none are absent).
    pub fn held_units(&self) -> Result<HashMap<String, u32>, StoreError> {
        let connection = self.lock();
        let mut statement = connection.prepare_cached(&format!(
            "SELECT sku, SUM(quantity) FROM requests WHERE {HOLDING} GROUP BY sku"
        ))?;
        let rows = statement.query_map([], |row| {
            let units: i64 = row.get(1)?;
            Ok((row.get(0)?, u32::try_from(units).unwrap_or(u32::MAX)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Cancels request `id` if `token` is its cancel token; the units it held are free at once.
    pub fn cancel(&self, id: &str, token: &str, now: &str) -> Result<Cancellation, StoreError> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: Option<(String, Option<String>)> = transaction
            .query_row(
                "SELECT cancel_token, cancelled_at FROM requests WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let outcome = match found {
            Some((expected, _)) if !secrets::secrets_match(token, &expected) => {
                Cancellation::NotFound
            }
            None => Cancellation::NotFound,
            Some((_, Some(cancelled_at))) => Cancellation::AlreadyCancelled { cancelled_at },
            Some((_, None)) => {
                transaction.execute(
                    "UPDATE requests SET cancelled_at = ?2 WHERE id = ?1",
                    params![id, now],
                )?;
                Cancellation::Cancelled {
                    cancelled_at: now.to_owned(),
                }
            }
        };
        transaction.commit()?;
        Ok(outcome)
    }

    /// Every request, oldest first, with current queue positions.
    pub fn list(&self) -> Result<Vec<RequestRow>, StoreError> {
        let connection = self.lock();
        let mut statement = connection.prepare_cached(&format!(
            "SELECT id, cancelled_at IS NULL, sku, kind, quantity,
                 CASE WHEN {HOLDING} THEN ROW_NUMBER() OVER (
                     PARTITION BY sku, ({HOLDING}) ORDER BY seq) END,
                 expected_date, shown_expected_date, email, name, consent_given, consent_text,
                 locale, page, idempotency_key, created_at, received_at, cancelled_at
             FROM requests ORDER BY seq"
        ))?;
        let rows = statement.query_map([], |row| {
            Ok(RequestRow {
                id: row.get(0)?,
                status: if row.get(1)? { "active" } else { "cancelled" },
                sku: row.get(2)?,
                kind: row.get(3)?,
                quantity: row.get(4)?,
                queue_position: row.get(5)?,
                expected_date: row.get(6)?,
                shown_expected_date: row.get(7)?,
                email: row.get(8)?,
                name: row.get(9)?,
                consent_given: row.get(10)?,
                consent_text: row.get(11)?,
                locale: row.get(12)?,
                page: row.get(13)?,
                idempotency_key: row.get(14)?,
                created_at: row.get(15)?,
                received_at: row.get(16)?,
                cancelled_at: row.get(17)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::{CheckedRequest, RequestKind};

    fn request(key: &str, kind: RequestKind, quantity: u32) -> NewRequest {
        NewRequest {
            checked: CheckedRequest {
                kind,
                sku: "A".to_owned(),
                quantity,
                email: "ana@example.com".to_owned(),
                name: None,
                consent_text: "Yes".to_owned(),
                idempotency_key: key.to_owned(),
            },
            consent_given: true,
            shown_expected_date: None,
            locale: None,
            page: None,
            request_hash: format!("hash-{quantity}"),
            created_at: None,
            received_at: "2030-01-01T00:00:00.000Z".to_owned(),
        }
    }

    /// Grants everything, recording the units already held.
    fn submit(store: &Store, request: &NewRequest, held: &mut Vec<u32>) -> Submission<()> {
        store
            .submit(request, |units| {
                held.push(units);
                Ok(Granted {
                    expected_date: NaiveDate::from_ymd_opt(2030, 2, 1),
                    units_ahead: units,
                })
            })
            .expect("the store works")
    }

    fn position(submission: &Submission<()>) -> Option<u32> {
        match submission {
            Submission::Created(accepted) => accepted.queue_position,
            other => panic!("expected a created request, got {other:?}"),
        }
    }

    #[test]
    fn queues_replays_and_frees_units_on_cancel() {
        let store = Store::in_memory().expect("an in-memory store");
        let mut held = Vec::new();
        let first = submit(
            &store,
            &request("key-0001", RequestKind::Backorder, 2),
            &mut held,
        );
        let notify = submit(
            &store,
            &request("key-0002", RequestKind::Notify, 1),
            &mut held,
        );
        let second = submit(
            &store,
            &request("key-0003", RequestKind::Preorder, 3),
            &mut held,
        );
        assert_eq!(
            [position(&first), position(&notify), position(&second)],
            [Some(1), None, Some(2)]
        );
        assert_eq!(held, [0, 2, 2]);
        assert_eq!(store.held_units().expect("works")["A"], 5);

        let Submission::Created(accepted) = first else {
            unreachable!("checked above")
        };
        let replay = submit(
            &store,
            &request("key-0001", RequestKind::Backorder, 2),
            &mut held,
        );
        let stored: Accepted = match replay {
            Submission::Replayed(json) => serde_json::from_str(&json).expect("stored JSON"),
            other => panic!("expected a replay, got {other:?}"),
        };
        assert_eq!(stored, accepted);
        let reused = submit(
            &store,
            &request("key-0001", RequestKind::Backorder, 9),
            &mut held,
        );
        assert_eq!(reused, Submission::KeyReused);
        assert_eq!(held.len(), 3, "a known key never reaches the decision");

        let now = "2030-01-02T00:00:00.000Z";
        assert_eq!(
            store.cancel(&accepted.id, "wrong", now).expect("works"),
            Cancellation::NotFound
        );
        assert_eq!(
            store
                .cancel(&accepted.id, &accepted.cancel_token, now)
                .expect("works"),
            Cancellation::Cancelled {
                cancelled_at: now.to_owned()
            }
        );
        assert!(matches!(
            store.cancel(&accepted.id, &accepted.cancel_token, now),
            Ok(Cancellation::AlreadyCancelled { .. })
        ));
        assert_eq!(store.held_units().expect("works")["A"], 3);
        let rows = store.list().expect("works");
        let positions: Vec<_> = rows
            .iter()
            .map(|row| (row.status, row.queue_position))
            .collect();
        assert_eq!(
            positions,
            [("cancelled", None), ("active", None), ("active", Some(1))]
        );
    }

    #[test]
    fn a_refusal_stores_nothing() {
        let store = Store::in_memory().expect("an in-memory store");
        let refused = store
            .submit(&request("key-0001", RequestKind::Backorder, 2), |_| {
                Err("no")
            })
            .expect("works");
        assert_eq!(refused, Submission::Refused("no"));
        assert!(store.list().expect("works").is_empty());
    }
}
