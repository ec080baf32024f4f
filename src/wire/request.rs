//! The request body (SPEC "Backorder requests"), as the widget sends it and the endpoint reads it.

use serde::{Deserialize, Serialize};

use super::read::lenient;
use crate::domain::request::RequestKind;

/// The request body exactly as it travels.
///
/// Every field is optional here so that a missing field becomes a field error the shopper can
/// act on (`check_request`), not an opaque parse failure. Absent fields are left out when
/// written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BackorderRequest {
    /// A kind that is none of the three (or not text) reads as none, so that it is the field
    /// error `invalid_kind` like a missing one.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub kind: Option<RequestKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// The consent the shopper gave, with the exact text they were shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Consent {
    pub text: String,
    pub given: bool,
}
