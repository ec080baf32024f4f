//! What goes into the store and what comes out of it.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::domain::CheckedRequest;

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

/// The body of a `201` (and, verbatim, of every replay's `200`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub id: String,
    /// 1 for the next in line for this SKU. Notify requests hold no units and have no place in
    /// line, so theirs is `null`.
    pub queue_position: Option<u32>,
    /// The date the last unit ships, as the server promised it; `null` for notify requests.
    pub expected_date: Option<String>,
    /// Every unit promised before this request, through this endpoint or any other channel
    /// (the record's `backordered`): what is really ahead of the shopper. `null` for notify
    /// requests.
    pub units_ahead: Option<u32>,
    pub cancel_token: String,
    /// Whether this endpoint emails the shopper about the request itself. The reference
    /// endpoint sends no email yet, so the widget promises none.
    pub notifies: bool,
}

/// What the rules grant a request: its date, and the units promised before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Granted {
    pub expected_date: Option<chrono::NaiveDate>,
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
    /// No such id, or the token does not match: the two are not told apart.
    NotFound,
}

/// One stored request, as the admin listing shows it (never with its cancel token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRow {
    pub id: String,
    pub status: &'static str,
    pub sku: String,
    pub kind: String,
    pub quantity: u32,
    /// The current place in line, counting only requests still holding units.
    pub queue_position: Option<u32>,
    pub expected_date: Option<String>,
    pub shown_expected_date: Option<String>,
    pub email: String,
    pub name: Option<String>,
    pub consent_given: bool,
    pub consent_text: String,
    pub locale: Option<String>,
    pub page: Option<String>,
    pub idempotency_key: String,
    pub created_at: Option<String>,
    pub received_at: String,
    pub cancelled_at: Option<String>,
}

/// A storage failure. The API answers `500`, so the client tries again.
#[derive(Debug)]
pub enum StoreError {
    CreateFolder {
        path: PathBuf,
        error: std::io::Error,
    },
    Sqlite(rusqlite::Error),
    Json(serde_json::Error),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CreateFolder { path, error } => {
                write!(f, "cannot create the folder {}: {error}", path.display())
            }
            Self::Sqlite(error) => write!(f, "database error: {error}"),
            Self::Json(error) => write!(f, "cannot encode a response: {error}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(error)
    }
}
