//! Why a document does not read: which field, and what is wrong with it, as a code of our own.

use std::fmt;

use serde::de;

use crate::text::concat;

/// What is wrong with a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    NotText,
    /// Not a whole number, or one beyond what JavaScript holds exactly (2^53 − 1).
    NotWholeNumber,
    NotTrueOrFalse,
    NotAList,
    NotAnObject,
    /// A whole number, but not one the field can take (negative, or too large for it).
    OutOfRange,
    /// Text that is none of the names the field knows (`"kind": "wishlist"`).
    UnknownName,
    Missing,
    /// The same key twice (JSON text only: a JavaScript object cannot hold that).
    Repeated,
    /// Anything else that does not read.
    Invalid,
}

impl Problem {
    /// The stable machine code (`not_whole_number`), for tests and for whoever counts errors.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotText => "not_text",
            Self::NotWholeNumber => "not_whole_number",
            Self::NotTrueOrFalse => "not_true_or_false",
            Self::NotAList => "not_a_list",
            Self::NotAnObject => "not_an_object",
            Self::OutOfRange => "out_of_range",
            Self::UnknownName => "unknown_name",
            Self::Missing => "missing",
            Self::Repeated => "repeated",
            Self::Invalid => "invalid",
        }
    }

    /// What follows the field's name in a message.
    fn says(self) -> &'static str {
        match self {
            Self::NotText => " must be text",
            Self::NotWholeNumber => " must be a whole number",
            Self::NotTrueOrFalse => " must be true or false",
            Self::NotAList => " must be a list",
            Self::NotAnObject => " must be an object",
            Self::OutOfRange => " must be a whole number in range",
            Self::UnknownName => " has a value it cannot take",
            Self::Missing => " is required",
            Self::Repeated => " is given twice",
            Self::Invalid => " does not read",
        }
    }
}

/// A document that does not read: the field (a dotted path such as `incoming.quantity`; empty
/// for the document itself) and the problem. Built without formatting anything: no value from
/// the document is ever written into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    pub field: String,
    pub problem: Problem,
}

impl WireError {
    pub fn new(problem: Problem) -> Self {
        Self {
            field: String::new(),
            problem,
        }
    }

    /// The same problem, one level down: in `key`'s value.
    pub fn within(mut self, key: &str) -> Self {
        self.field = match self.field.is_empty() {
            true => key.to_owned(),
            false => concat(&[key, ".", &self.field]),
        };
        self
    }

    /// "`on_hand` must be a whole number"; "the value must be an object" for the document.
    pub fn message(&self) -> String {
        match self.field.is_empty() {
            true => concat(&["the value", self.problem.says()]),
            false => concat(&["`", &self.field, "`", self.problem.says()]),
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(&self.message())
    }
}

impl std::error::Error for WireError {}

/// The errors serde's own visitors raise, turned into codes. Every method is overridden, and
/// none formats its arguments: the defaults would write the offending value (a float too) into
/// a message.
impl de::Error for WireError {
    fn custom<T: fmt::Display>(_message: T) -> Self {
        Self::new(Problem::Invalid)
    }

    fn invalid_type(_found: de::Unexpected, _expected: &dyn de::Expected) -> Self {
        Self::new(Problem::Invalid)
    }

    fn invalid_value(_found: de::Unexpected, _expected: &dyn de::Expected) -> Self {
        // A number the integer types refuse: negative for a count, or past `u32`.
        Self::new(Problem::OutOfRange)
    }

    fn invalid_length(_length: usize, _expected: &dyn de::Expected) -> Self {
        Self::new(Problem::Invalid)
    }

    fn unknown_variant(_variant: &str, _expected: &'static [&'static str]) -> Self {
        Self::new(Problem::UnknownName)
    }

    fn unknown_field(_field: &str, _expected: &'static [&'static str]) -> Self {
        Self::new(Problem::Invalid)
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(Problem::Missing).within(field)
    }

    fn duplicate_field(field: &'static str) -> Self {
        Self::new(Problem::Repeated).within(field)
    }
}
