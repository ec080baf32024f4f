//! Every decision one `<backorder-status>` makes, with no browser types, tested natively:
//! [`model`] takes what happened and says what to do; the other modules are the rules it asks
//! (where requests may go, which key a request carries, how the stock query is split, what an
//! answer about a reservation means), and the page's shared agents (the stock loader, the
//! wording loader, the courier), which need only a transport and a clock. `web::widget`
//! carries out what the model says.

/// Whether this build has the request form and everything behind it (the cargo feature `form`,
/// on by default). Off, every element is a badge: the code behind each guard on it is left out
/// of the badge-only WebAssembly.
pub const FORMS: bool = cfg!(feature = "form");

/// What the endpoint's answers say: a delivered request's outcome, a status check's.
pub mod answers;
/// Time as the widgets see it: the wall clock, milliseconds and timers.
pub mod clock;
/// One element's settings from its attributes, the page's settings, and the ask for the preview.
pub mod config;
/// Delivers stored requests so that none is lost and none is sent twice.
pub mod courier;
/// Whether an endpoint may receive shoppers' emails: https, or http on this machine.
pub mod endpoint;
/// A clock and a transport for native tests.
#[cfg(test)]
pub mod fakes;
/// HTTP as plain values, and which request each stored message makes.
pub mod http;
/// Where one element's request stands (`Phase`), and how each step moves it.
pub mod lifecycle;
/// Stock records for SKUs, inline or fetched, every SKU of a task in one batched request.
pub mod loader;
/// One element as a pure model: `update(message) -> effects`.
pub mod model;
/// The availability query: SKUs split so each URL stays short, and the URL itself.
pub mod query;
/// How a request the endpoint refused for good is shown, and the reason in a line.
pub mod refusal;
/// What a request carries from the one sent before it: its idempotency key and `created_at`.
pub mod requests;
/// What an answer about a remembered reservation means: its status now, gone, or unknown.
pub mod reservation;
/// A small map kept in insertion order, for the few keys one page has.
pub mod small_map;
/// What `backorder:status` tells the host page about the state shown.
pub mod status;
/// A widget's stock, or why there is none.
pub mod stock;
/// What a submission of the form comes to: problems to show, nothing, or a request to send.
pub mod submission;
/// Answers several widgets of a page wait for: the first asks, the others join it.
pub mod waiters;
/// A language's wording file, fetched once per page.
pub mod wording;
