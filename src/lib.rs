//! `backorder-widget`: truthful stock availability and backorder requests for storefronts.
//!
//! - [`domain`]: the availability rules and request validation, pure Rust (no browser, no clock).
//! - [`outbox`]: what survives a reload (undelivered requests, confirmed reservations) and the
//!   retry policy, pure like the domain.
//! - [`view`]: what a shopper reads for each state, as plain text, with dates and plurals
//!   formatted through a small trait the browser implements with `Intl`.
//! - `web` (WebAssembly only): the `<backorder-status>` element, stock loading and request
//!   delivery, on web-sys.
//! - `api` (WebAssembly only): the `#[wasm_bindgen]` surface: `start`, `mount`, `evaluate`.
//! - `server` (feature `server`): the reference endpoint `backorder-server`.

pub mod domain;
pub mod outbox;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(feature = "server")]
pub mod server;
