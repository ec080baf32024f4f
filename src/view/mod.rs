//! What the shopper reads, as plain text: pure functions from an evaluation to words.
//!
//! Dates and plural forms depend on the shopper's language, which the browser knows best
//! (`Intl`); they come in through [`LocaleFormat`], so everything here also runs natively.

mod confirmation;
mod messages;
mod preview;
mod reservation;
mod scheme;
mod status;
mod wording;

pub use confirmation::{Confirmation, cancel_label, cancelled_text, confirmation_text};
pub use messages::{LocaleFormat, Messages, PlainFormat};
pub use preview::{PreviewForm, PreviewSample, preview_samples};
pub use reservation::{Current, ReservationView, reservation_view};
pub use scheme::{Scheme, Shade};
pub use status::{StatusView, Tone, status_view};
pub use wording::{formatting_locale, missing_keys};
