//! Dates and plural forms depend on the shopper's language, which the browser knows best
//! (`Intl`); they come in through [`LocaleFormat`], so everything here also runs natively.
//!
//! [`LocaleFormat`]: crate::view::messages::LocaleFormat

/// What the shopper reads about an accepted request, and the words of its cancel action.
pub mod confirmation;
/// The request form as a tree of elements.
pub mod form;
/// Message lookup: merchant overrides first, then the language's wording, then English.
pub mod messages;
/// The merchant preview: one sample of everything the widget can show, dated from today.
pub mod preview;
/// A returning shopper's reservation, as the endpoint says it stands now.
pub mod reservation;
/// Light or dark: the widget follows the page it sits on, not the system setting alone.
pub mod scheme;
/// The status line (and the request the shopper may make) for each availability state.
pub mod status;
/// The shadow DOM as data: trees of elements that the browser layer builds whole.
pub mod tree;
/// The wording: English built in, and the other languages' files checked against it.
pub mod wording;

pub use confirmation::{Confirmation, cancel_label, cancelled_text, confirmation_text};
pub use messages::{LocaleFormat, Messages, PlainFormat};
pub use preview::{PreviewForm, PreviewSample, preview_samples};
pub use reservation::{Current, ReservationView, reservation_view};
pub use scheme::{Scheme, Shade};
pub use status::{StatusView, Tone, status_view};
pub use wording::{formatting_locale, missing_keys};
