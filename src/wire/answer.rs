//! The endpoint's answers (SPEC "Backorder requests", "The shopper sees the current truth"): the
//! `201` body, an error's body, and a request's current status. The reference endpoint writes
//! them; the widget reads them leniently, since any endpoint may answer: a field that does not
//! read is left out rather than losing the whole answer.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::read::{MAX_SAFE_INTEGER, is_true, lenient, readable_entries};
use crate::domain::lifecycle::Status;
use crate::domain::request::{FieldError, RequestKind};
use crate::text::decimal;

/// The body of a `201` (and, verbatim, of every replay's `200`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// Endpoints may number their requests or name them; either is kept as text.
    #[serde(deserialize_with = "text_or_number")]
    pub id: String,
    /// 1 for the next in line for this SKU. Notify requests hold no units and have no place in
    /// line, so theirs is `null`.
    #[serde(default, deserialize_with = "lenient")]
    pub queue_position: Option<u32>,
    /// The date the last unit ships, as the server promised it; `null` for notify requests.
    #[serde(default, deserialize_with = "lenient")]
    pub expected_date: Option<String>,
    /// Every unit promised before this request, through this endpoint or any other channel
    /// (the record's `backordered`): what is really ahead of the shopper. `null` for notify
    /// requests.
    #[serde(default, deserialize_with = "lenient")]
    pub units_ahead: Option<u32>,
    /// Derived from the request's id; the endpoint's stored copy of this body leaves it out
    /// (`None`), and a replay puts it back.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub cancel_token: Option<String>,
    /// Whether the endpoint emails the shopper about the request itself; only then does the
    /// widget promise email.
    #[serde(default, deserialize_with = "is_true")]
    pub notifies: bool,
}

impl Accepted {
    /// A `2xx` whose body could not be read: the request is stored, its details unknown.
    pub fn unknown() -> Self {
        Self {
            id: String::new(),
            queue_position: None,
            expected_date: None,
            units_ahead: None,
            cancel_token: None,
            notifies: false,
        }
    }
}

/// An error answer's body, `{"error": code, "message": text, …}`, as the widget reads it: the
/// `errors` of a `422` (entries that are not field errors are left out) and the `remaining` of
/// a `409`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ErrorBody {
    #[serde(default, deserialize_with = "lenient")]
    pub error: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "readable_entries")]
    pub errors: Vec<FieldError>,
    #[serde(default, deserialize_with = "lenient")]
    pub remaining: Option<u32>,
}

/// A request as its shopper sees it: `GET /api/backorders/{id}` (SPEC "The shopper sees the
/// current truth"). The widget needs its kind, status and quantity; the rest it reads leniently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStatus {
    #[serde(default)]
    pub id: String,
    pub kind: RequestKind,
    #[serde(default)]
    pub sku: String,
    pub status: Status,
    pub quantity: u32,
    #[serde(default, deserialize_with = "lenient_count")]
    pub allocated: u32,
    #[serde(default, deserialize_with = "lenient")]
    pub queue_position: Option<u32>,
    #[serde(default, deserialize_with = "lenient")]
    pub units_ahead: Option<u32>,
    /// `T`: the ship date stated when it was taken.
    #[serde(default, deserialize_with = "lenient")]
    pub stated_date: Option<String>,
    /// When it ships now; `null` when it is ready, or when nothing en route covers it.
    #[serde(default, deserialize_with = "lenient")]
    pub current_date: Option<String>,
    #[serde(default, deserialize_with = "is_true")]
    pub needs_consent: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub consent_by: Option<String>,
    /// `shopper`, `merchant` or `no_consent`.
    #[serde(default, deserialize_with = "lenient")]
    pub cancelled_by: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub refund_due: Option<String>,
    /// Written by the endpoint; the widget does not read it.
    #[serde(default, skip_deserializing)]
    pub history: Vec<HistoryRow>,
}

/// One entry of a request's history, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryRow {
    pub at: String,
    pub what: String,
    pub old_date: Option<String>,
    pub new_date: Option<String>,
    /// Which notice this step gives the shopper (`delay`, `consent`, `cancelled`), if any.
    pub notice: Option<String>,
    /// The last day that notice could be given (for a refund, the day it is due).
    pub due: Option<String>,
    pub units: Option<u32>,
}

/// A count that does not read counts as 0.
fn lenient_count<'de, D: Deserializer<'de>>(source: D) -> Result<u32, D::Error> {
    Ok(lenient(source)?.unwrap_or(0))
}

/// An id given as text, or as a whole number (written in decimal).
fn text_or_number<'de, D: Deserializer<'de>>(source: D) -> Result<String, D::Error> {
    struct Id;
    impl Visitor<'_> for Id {
        type Value = String;
        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("text or a whole number")
        }
        fn visit_str<E: de::Error>(self, id: &str) -> Result<String, E> {
            Ok(id.to_owned())
        }
        fn visit_u64<E: de::Error>(self, id: u64) -> Result<String, E> {
            match id <= MAX_SAFE_INTEGER {
                true => Ok(decimal(id)),
                false => Err(E::invalid_value(de::Unexpected::Other("id"), &self)),
            }
        }
        fn visit_i64<E: de::Error>(self, id: i64) -> Result<String, E> {
            let id = u64::try_from(id)
                .map_err(|_| E::invalid_value(de::Unexpected::Other("id"), &self))?;
            self.visit_u64(id)
        }
        fn visit_f64<E: de::Error>(self, id: f64) -> Result<String, E> {
            match id.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER as f64).contains(&id) {
                true => self.visit_u64(id as u64),
                false => Err(E::invalid_value(de::Unexpected::Other("id"), &self)),
            }
        }
    }
    source.deserialize_any(Id)
}
