//! What can be wrong with a stock record, said plainly.

use std::fmt;

use crate::text::{concat, decimal, signed};

/// A stock record that cannot be evaluated. The widget shows a neutral fallback and reports this;
/// it never guesses a date from a record it does not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// The record has no `sku`, or an empty one.
    MissingSku,
    /// A count that must not be negative is.
    Negative { field: &'static str, value: i64 },
    /// A count is larger than any shop could mean.
    TooLarge { field: &'static str, limit: u32 },
    /// A date field is not a valid `YYYY-MM-DD` date.
    BadDate { field: &'static str, value: String },
    /// `backorders` is neither `"allow"` nor `"deny"`.
    BadBackordersSetting { value: String },
    /// The record is not the JSON shape of a stock record at all.
    Malformed { detail: String },
}

impl RecordError {
    /// What is wrong, for the developer reading the console or the endpoint's answer.
    pub fn message(&self) -> String {
        match self {
            Self::MissingSku => "the stock record has no sku".to_owned(),
            Self::Negative { field, value } => concat(&[
                "`",
                field,
                "` must not be negative (got ",
                &signed(*value),
                ")",
            ]),
            Self::TooLarge { field, limit } => {
                concat(&["`", field, "` is larger than ", &decimal(*limit)])
            }
            Self::BadDate { field, value } => concat(&[
                "`",
                field,
                "` must be a date written YYYY-MM-DD (got \"",
                value,
                "\")",
            ]),
            Self::BadBackordersSetting { value } => concat(&[
                "`backorders` must be \"allow\" or \"deny\" (got \"",
                value,
                "\")",
            ]),
            Self::Malformed { detail } => concat(&["the stock record is malformed: ", detail]),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RecordError {}
