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

mod delivery;
mod experience;
mod form;
mod returning;
mod states;
mod support;
mod truthful;
mod wire;
