//! What the shopper reads, as plain text: pure functions from an evaluation to words.
//!
//! Dates and plural forms depend on the shopper's language, which the browser knows best
//! (`Intl`); they come in through [`LocaleFormat`], so everything here also runs natively.

mod messages;
mod preview;
mod status;
mod wording;

pub use messages::{LocaleFormat, Messages, PlainFormat};
pub use preview::preview_samples;
pub use status::{StatusView, Tone, confirmation_text, status_view};
pub use wording::missing_keys;
