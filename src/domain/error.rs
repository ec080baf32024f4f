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
    /// A count that must be at least 1 is 0.
    Zero { field: &'static str },
    /// A batch has no `id`, which receipts and reschedules name it by (stored stock only).
    MissingBatchId { position: usize },
    /// Two batches of one record share an `id`.
    DuplicateBatchId { id: String },
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
            Self::Zero { field } => concat(&["`", field, "` must be at least 1"]),
            Self::MissingBatchId { position } => concat(&[
                "batch ",
                &decimal(*position as u64),
                " in `incoming` has no `id` (its purchase order or transfer reference)",
            ]),
            Self::DuplicateBatchId { id } => {
                concat(&["two batches in `incoming` have the id \"", id, "\""])
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

impl RecordError {
    /// The field the problem is in, for a per-field error.
    pub fn field(&self) -> &'static str {
        match self {
            Self::MissingSku => "sku",
            Self::Negative { field, .. }
            | Self::TooLarge { field, .. }
            | Self::Zero { field }
            | Self::BadDate { field, .. } => field,
            Self::MissingBatchId { .. } | Self::DuplicateBatchId { .. } => "incoming.id",
            Self::BadBackordersSetting { .. } => "backorders",
            Self::Malformed { .. } => "record",
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RecordError {}
