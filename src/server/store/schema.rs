//! rusqlite_migration keeps the number in SQLite's `user_version`. A database newer than this
//! binary is refused.

use rusqlite::{Transaction, params};
use rusqlite_migration::{HookResult, M, Migrations};

use crate::server::secrets::sha256_hex;

/// Version 1: the requests as captured.
const CAPTURED: &str = "
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
";

/// Version 2: keeping the promise. Stock and the shop's calendar live here; each request has
/// its lifecycle (status, units set aside, current date, where it stands under the delay rule)
/// and an append-only history. Per-product counters sit in the stock row, so checking the cap
/// and answering availability read one row per product, whatever the history holds.
///
/// `expected_date` stays the date stated at capture (`T`); `promise_date` is the date in force
/// (`T`, or a revised date the shopper kept; `NULL` once they agreed to wait without one).
const KEEPING_THE_PROMISE: &str = "
CREATE TABLE shop (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    config_json TEXT NOT NULL
);
CREATE TABLE stock (
    sku TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    record_json TEXT NOT NULL,
    set_aside INTEGER NOT NULL DEFAULT 0 CHECK (set_aside >= 0),
    waiting INTEGER NOT NULL DEFAULT 0 CHECK (waiting >= 0),
    in_line INTEGER NOT NULL DEFAULT 0 CHECK (in_line >= 0),
    updated_at TEXT NOT NULL
);
ALTER TABLE requests ADD COLUMN status TEXT NOT NULL DEFAULT 'waiting';
ALTER TABLE requests ADD COLUMN allocated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN ships_by TEXT;
ALTER TABLE requests ADD COLUMN promise_date TEXT;
ALTER TABLE requests ADD COLUMN notices INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN awaiting_consent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN offered_date TEXT;
ALTER TABLE requests ADD COLUMN consent_by TEXT;
ALTER TABLE requests ADD COLUMN cancelled_by TEXT;
ALTER TABLE requests ADD COLUMN refund_due TEXT;
ALTER TABLE requests ADD COLUMN shipped_at TEXT;
ALTER TABLE requests ADD COLUMN units_ahead INTEGER;
UPDATE requests SET status = 'cancelled', cancelled_by = 'shopper' WHERE cancelled_at IS NOT NULL;
UPDATE requests SET ships_by = expected_date, promise_date = expected_date;
DROP INDEX requests_holding_units;
CREATE INDEX requests_in_line ON requests (sku, seq)
    WHERE holds_units = 1 AND status IN ('waiting', 'ready', 'delayed');
CREATE TABLE history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL,
    at TEXT NOT NULL,
    what TEXT NOT NULL,
    old_date TEXT,
    new_date TEXT,
    notice TEXT,
    due TEXT,
    units INTEGER
);
CREATE INDEX history_of_request ON history (request_id, seq);
";

/// Version 3: where the stock came from, so the demo catalog never overwrites a shop's own:
/// `demo` (dated afresh at each start), `file` (a merchant's catalog) or `api`. A database from
/// before it held a catalog file's stock or the demo's; `file` is the safe guess.
const STOCK_ORIGIN: &str = "
ALTER TABLE shop ADD COLUMN origin TEXT NOT NULL DEFAULT 'file'
    CHECK (origin IN ('demo', 'file', 'api'));
";

/// Version 4: cancel tokens at rest. Only each token's SHA-256 is kept (new tokens are derived
/// from a key outside the database, see `secrets::TokenKey`); [`hash_cancel_tokens`] moves the
/// plain tokens an older server stored to their hashes, takes them out of the stored `201`
/// bodies, and drops the column.
const TOKENS_AT_REST: &str = "
ALTER TABLE requests ADD COLUMN cancel_token_hash TEXT NOT NULL DEFAULT '';
";

fn hash_cancel_tokens(transaction: &Transaction) -> HookResult {
    let rows: Vec<(i64, String, String)> = transaction
        .prepare("SELECT seq, cancel_token, response_json FROM requests")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut update = transaction
        .prepare("UPDATE requests SET cancel_token_hash = ?2, response_json = ?3 WHERE seq = ?1")?;
    for (seq, token, response) in rows {
        // A body that does not read as JSON is kept as it is: it carries no token field then.
        let response = match serde_json::from_str::<serde_json::Value>(&response) {
            Ok(serde_json::Value::Object(mut body)) => {
                body.remove("cancel_token");
                serde_json::Value::Object(body).to_string()
            }
            _ => response,
        };
        update.execute(params![seq, sha256_hex(&token), response])?;
    }
    transaction.execute_batch("ALTER TABLE requests DROP COLUMN cancel_token;")?;
    Ok(())
}

/// Version 5: what one shopper holds of an item, found without reading the item's whole line
/// (the cap per email and SKU, one notify sign-up per email and SKU).
const BY_SHOPPER: &str = "
CREATE INDEX requests_by_shopper ON requests (sku, email COLLATE NOCASE)
    WHERE status IN ('waiting', 'ready', 'delayed');
";

/// Version 6: the event outbox (SPEC "People are told"). Each row is one Standard Webhooks
/// envelope, written in the transaction of the change it tells of, and its delivery: attempts,
/// when the next is due, the last answer, and when it was acknowledged or given up.
const EVENT_OUTBOX: &str = "
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    request_id TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_status INTEGER,
    last_error TEXT,
    delivered_at TEXT,
    gave_up_at TEXT
);
CREATE INDEX events_due ON events (next_attempt_at, seq)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;
";

/// Version 7: when a notify sign-up was told its item is back (`domain::waves`); a sign-up
/// that was told is done waiting.
const BACK_IN_STOCK: &str = "
ALTER TABLE requests ADD COLUMN notified_at TEXT;
";

/// The schema version this binary writes: the number of migrations.
pub const VERSION: i64 = 10;

/// Version 8: the email outbox (`store::mails`): each email's facts, written in its change's
/// transaction, and its sending, kept in the same columns as the events' delivery.
const MAIL_OUTBOX: &str = "
CREATE TABLE mails (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    request_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_status INTEGER,
    last_error TEXT,
    delivered_at TEXT,
    gave_up_at TEXT
);
CREATE INDEX mails_due ON mails (next_attempt_at, seq)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;
";

/// Version 9: when a notify sign-up was confirmed from its email (`--double-opt-in`).
const DOUBLE_OPT_IN: &str = "
ALTER TABLE requests ADD COLUMN confirmed_at TEXT;
";

/// Version 10: the merchant's page's log-ins (`store::sessions`). A session is found by the
/// hash of its cookie, so the table alone opens nothing; each carries its form token (CSRF),
/// its end, and the one message the next page shows ("2 requests are ready").
const SESSIONS: &str = "
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    flash TEXT
);
";

/// Every migration, oldest first. Append only: a released migration never changes.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(all())
}

/// The migrations up to `version` only: a database as an older server left it (tests).
#[cfg(test)]
pub fn migrations_up_to(version: usize) -> Migrations<'static> {
    let mut migrations = all();
    migrations.truncate(version);
    Migrations::new(migrations)
}

fn all() -> Vec<M<'static>> {
    vec![
        M::up(CAPTURED),
        M::up(KEEPING_THE_PROMISE),
        M::up(STOCK_ORIGIN),
        M::up_with_hook(TOKENS_AT_REST, hash_cancel_tokens),
        M::up(BY_SHOPPER),
        M::up(EVENT_OUTBOX),
        M::up(BACK_IN_STOCK),
        M::up(MAIL_OUTBOX),
        M::up(DOUBLE_OPT_IN),
        M::up(SESSIONS),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_valid() {
        assert!(migrations().validate().is_ok());
        assert_eq!(
            all().len(),
            VERSION as usize,
            "VERSION counts the migrations"
        );
    }
}
