//! The widget in a real browser (`wasm-pack test --headless --chrome`): what a shopper sees in
//! every state, live updates, the request form, delivery, and the shopper's language and theme.
//! Stock and requests go through a recording transport; the real endpoint has its own
//! end-to-end tests in `tests/e2e/`.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

/// Delivery through the outbox: retries with one key, a reload, and the returning shopper.
mod delivery;
/// Languages, plurals, structured data, the merchant preview and theming.
mod experience;
/// The request form: validation with the domain rules, and one request per submission.
mod form;
/// A returning shopper sees the current truth from the endpoint.
mod returning;
/// What a shopper sees in every state, and how the element follows its attributes.
mod states;
/// What every browser test shares: stock data, a recording transport, a hand-moved clock.
mod support;
/// What the shopper sees is true and readable: one date per quantity, and a way back.
mod truthful;
mod wire;
