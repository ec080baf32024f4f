//! Pure Rust like [`crate::domain`]: time is passed in as milliseconds since the epoch and
//! randomness as a number in `[0, 1)`, so the retry policy is tested natively. The browser layer
//! keeps an [`Outbox`] in `localStorage`; `widget::courier` runs the deliveries.
//!
//! [`Outbox`]: crate::outbox::queue::Outbox

/// What an answer means: the endpoint's bodies, and what one attempt leaves in the outbox.
pub mod answer;
/// When to try again, and when to stop.
pub mod policy;
/// The stored state: pending requests and confirmed reservations.
pub mod queue;
/// Where the outbox is kept: loaded and saved whole.
pub mod store;

pub use policy::{Disposition, RetryPolicy, disposition};
pub use queue::{Action, Outbox, Pending, Reservation};
