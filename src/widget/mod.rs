//! The decisions one `<backorder-status>` makes that need no browser, tested natively: where
//! requests may go, which key a request carries, how the stock query is split, and what an
//! answer about a reservation means. `web::widget` asks these and carries out the answer.

/// One element's settings from its attributes, and the page's ask for the preview.
pub mod config;
/// Whether an endpoint may receive shoppers' emails: https, or http on this machine.
pub mod endpoint;
/// Where one element's request stands (`Phase`), and how each step moves it.
pub mod lifecycle;
/// The availability query: SKUs split so each URL stays short, and the URL itself.
pub mod query;
/// How a request the endpoint refused for good is shown, and the reason in a line.
pub mod refusal;
/// What a request carries from the one sent before it: its idempotency key and `created_at`.
pub mod requests;
/// What an answer about a remembered reservation means: its status now, gone, or unknown.
pub mod reservation;
/// What `backorder:status` tells the host page about the state shown.
pub mod status;
/// What a submission of the form comes to: problems to show, nothing, or a request to send.
pub mod submission;
