//! `backorder-widget`: truthful stock availability and backorder requests for storefronts.
//!
//! - [`domain`]: the availability rules and request validation, pure Rust (no browser, no clock).
//! - [`outbox`]: what survives a reload (undelivered requests, confirmed reservations) and the
//!   retry policy, pure like the domain.
//! - [`text`]: joining text and writing numbers without `core::fmt`, which the WebAssembly build
//!   leaves out.
//! - [`wire`]: the JSON shapes on the wire (stock, requests, answers, the stored outbox), read
//!   by serde_json on the server and serde-wasm-bindgen in the browser through one reader.
//! - [`view`]: what a shopper reads for each state, as plain text, with dates and plurals
//!   formatted through a small trait the browser implements with `Intl`.
//! - [`widget`]: the decisions one element makes that need no browser (where requests may go,
//!   which key a request carries, how the stock query is split), pure like the domain.
//! - `web` (WebAssembly only): the `<backorder-status>` element, stock loading and request
//!   delivery, on web-sys.
//! - `api` (WebAssembly only): the `#[wasm_bindgen]` surface: `start`, `mount`, `evaluate`.
//! - `server` (feature `server`): the reference endpoint `backorder-server`.

/// The shop's rules, as pure Rust: availability, requests, and what follows capture.
pub mod domain;
/// What survives a reload (undelivered messages, confirmed reservations) and when to retry.
pub mod outbox;
/// Text built without `core::fmt` or the standard library's generic `join`.
pub mod text;
/// What the shopper reads, as plain text: pure functions from an evaluation to words.
pub mod view;
/// The decisions one element makes that need no browser: pure, tested natively with tables.
pub mod widget;
/// The JSON shapes that cross the wire, with one reader for both the endpoint and the browser.
pub mod wire;

/// The `#[wasm_bindgen]` surface (WebAssembly only): `start`, `mount`, `evaluate`.
#[cfg(target_arch = "wasm32")]
pub mod api;
/// The browser layer (WebAssembly only): the `<backorder-status>` element, loading, delivery.
#[cfg(target_arch = "wasm32")]
pub mod web;

/// The reference endpoint `backorder-server` (feature `server`, native only).
#[cfg(feature = "server")]
pub mod server;

/// The widget's allocator: a TLSF allocator (bounded time, neighbouring free blocks merged) in
/// about 2 KB less gzipped code than the standard library's dlmalloc. It needs no `unsafe` here:
/// on single-threaded WebAssembly its lock is a no-op. The small variant does not merge the
/// regions of separate memory growths nor grow a block in place (0.4 KB more for both); the
/// widget's largest allocations are response texts under 1 MB, so that wastes little.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();
