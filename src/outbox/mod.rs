//! What must survive a reload: requests not yet delivered, and reservations already confirmed.
//!
//! Pure Rust like [`crate::domain`]: time is passed in as milliseconds since the epoch and
//! randomness as a number in `[0, 1)`, so the retry policy is tested natively. The browser layer
//! keeps an [`Outbox`] in `localStorage` and runs the deliveries.

mod policy;
mod queue;

pub use policy::{Disposition, RetryPolicy, disposition};
pub use queue::{Action, Outbox, Pending, Reservation};
