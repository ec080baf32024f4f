use std::fmt;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::request::CheckedRequest;
use crate::wire::Accepted;
use crate::wire::{ShopConfig, StockRecord};

/// A request that passed validation, ready to be stored: the checked fields, and what the
/// record keeps beside them.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub checked: CheckedRequest,
    pub consent_given: bool,
    /// The date the page showed the shopper, as the client sent it.
    pub shown_expected_date: Option<String>,
    pub locale: Option<String>,
    pub page: Option<String>,
    /// Fingerprint of what was asked, to tell a replay from a reused key.
    pub request_hash: String,
    /// The client's clock, as sent.
    pub created_at: Option<String>,
    pub received_at: String,
}

/// What the rules grant a request: its date, and the units promised before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Granted {
    pub expected_date: Option<NaiveDate>,
    pub units_ahead: u32,
}

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission<R> {
    Created(Accepted),
    /// The key was seen with the same request: the original response body, verbatim.
    Replayed(String),
    /// The key was seen with a different request.
    KeyReused,
    /// This email has already signed up to be notified about this item: the first sign-up's
    /// answer, without its cancel token.
    AlreadySignedUp(String),
    /// The key was seen, and that request has since been cancelled: a late retry must not
    /// bring a cancelled reservation back to the shopper's screen.
    Cancelled,
    /// The decision refused the request; nothing was stored.
    Refused(R),
}

/// What became of a cancellation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancellation {
    Cancelled {
        cancelled_at: String,
    },
    AlreadyCancelled {
        cancelled_at: String,
    },
    /// It has shipped: there is nothing left to cancel.
    Shipped,
    /// No such id, or the token does not match: the two are not told apart.
    NotFound,
}

/// What became of an admin's "mark shipped".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shipment {
    Shipped {
        shipped_at: String,
    },
    /// Only a request whose units are all set aside can ship.
    NotReady {
        status: String,
    },
    NotFound,
}

/// One stored request, as the admin listing shows it (never with its cancel token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRow {
    pub id: String,
    pub status: String,
    pub sku: String,
    pub kind: String,
    pub quantity: u32,
    pub allocated: u32,
    /// The current place in line, counting only requests still in line.
    pub queue_position: Option<u32>,
    /// `T`, the date stated when it was taken.
    pub expected_date: Option<String>,
    pub shown_expected_date: Option<String>,
    pub current_date: Option<String>,
    pub needs_consent: bool,
    pub consent_by: Option<String>,
    pub email: String,
    pub name: Option<String>,
    pub consent_given: bool,
    pub consent_text: String,
    pub locale: Option<String>,
    pub page: Option<String>,
    pub idempotency_key: String,
    pub created_at: Option<String>,
    pub received_at: String,
    pub shipped_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub cancelled_by: Option<String>,
    pub refund_due: Option<String>,
    /// Units promised before it when it was taken.
    pub units_ahead: Option<u32>,
}

/// A product as stored: the merchant's record, and the line's counters beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct StockItem {
    pub record: StockRecord,
    /// Units set aside for requests that have not shipped.
    pub set_aside: u32,
    /// Units requests in line still wait for.
    pub waiting: u32,
    /// Requests in line.
    pub in_line: u32,
}

/// The stock as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StockListing {
    pub shop: ShopConfig,
    pub items: Vec<StockItem>,
}

/// Where the stock in the database came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The demo catalog, dated from the day the server started.
    Demo,
    /// A merchant's catalog file.
    File,
    /// The stock API (an upload, a record, a delivery).
    Api,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Demo => "demo",
            Self::File => "file",
            Self::Api => "api",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Demo, Self::File, Self::Api]
            .into_iter()
            .find(|origin| origin.as_str() == text)
    }
}

/// What a catalog at start-up did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Import {
    Imported,
    /// The database holds the merchant's stock: it is the truth, the catalog was not imported.
    Kept,
    /// The demo's stock was kept as it is because units are set aside from it.
    KeptDemo,
}

/// What a delivery did: "2 requests are ready, 1 partly filled, 0 to the shelf".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub sku: String,
    pub batch: Option<String>,
    pub received: u32,
    /// Units for orders taken through other channels, which were ahead in line.
    pub to_other_channels: u32,
    /// Requests now set aside in full.
    pub ready: Vec<String>,
    /// Requests with some units set aside and more awaited.
    pub partly_filled: Vec<String>,
    pub to_shelf: u32,
}

/// Why a receipt cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptRefusal {
    UnknownSku,
    UnknownBatch,
}

/// A storage failure. The API answers `500`, so the client tries again.
#[derive(Debug)]
pub enum StoreError {
    /// The database's folder, file or key could not be created, read or made private.
    File {
        path: PathBuf,
        error: std::io::Error,
    },
    Sqlite(rusqlite::Error),
    /// The database's schema is newer than this binary knows; it was not touched.
    TooNew {
        found: i64,
        known: i64,
    },
    Migration(rusqlite_migration::Error),
    /// PostgreSQL's error (or its pool's, or its migrations'), with what was being done.
    Postgres(String),
    /// The idempotency key was stored by a change this one could not see (another replica's,
    /// committed meanwhile): the change runs again and answers from the stored row.
    KeyTaken,
    /// A concurrent change got in first (a deadlock, a serialisation failure): the change
    /// runs again.
    Conflict(String),
    Pool(String),
    Json(serde_json::Error),
    /// What the database holds does not read (a record or a calendar the rules refuse).
    Corrupt(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File { path, error } => write!(f, "{}: {error}", path.display()),
            Self::Sqlite(error) => write!(f, "database error: {error}"),
            Self::TooNew { found, known } => write!(
                f,
                "the database was written by a newer backorder-server (schema version {found}; \
                 this one knows up to {known}), so it was left as it was: run the newer server"
            ),
            Self::Migration(error) => write!(f, "cannot bring the database up to date: {error}"),
            Self::Postgres(error) => write!(f, "PostgreSQL: {error}"),
            Self::KeyTaken => f.write_str("the idempotency key was stored meanwhile"),
            Self::Conflict(error) => write!(f, "a concurrent change got in first: {error}"),
            Self::Pool(error) => write!(f, "no database connection: {error}"),
            Self::Json(error) => write!(f, "cannot encode or read stored JSON: {error}"),
            Self::Corrupt(detail) => {
                write!(f, "the database holds data the rules refuse: {detail}")
            }
        }
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    /// Whether running the change again can succeed: another change got in first.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::KeyTaken | Self::Conflict(_))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(error)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        Self::Json(error)
    }
}
