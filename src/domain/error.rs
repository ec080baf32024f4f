//! What can be wrong with a stock record, said plainly.

use std::fmt;

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

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSku => f.write_str("the stock record has no sku"),
            Self::Negative { field, value } => {
                write!(f, "`{field}` must not be negative (got {value})")
            }
            Self::TooLarge { field, limit } => write!(f, "`{field}` is larger than {limit}"),
            Self::BadDate { field, value } => {
                write!(
                    f,
                    "`{field}` must be a date written YYYY-MM-DD (got \"{value}\")"
                )
            }
            Self::BadBackordersSetting { value } => {
                write!(
                    f,
                    "`backorders` must be \"allow\" or \"deny\" (got \"{value}\")"
                )
            }
            Self::Malformed { detail } => write!(f, "the stock record is malformed: {detail}"),
        }
    }
}

impl std::error::Error for RecordError {}
