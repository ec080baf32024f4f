//! End to end: headless Chromium through ChromeDriver, driven from Rust by fantoccini, against
//! the real `backorder-server` on a free port with a fresh SQLite file. Run with
//! `cargo test --release --features server --test e2e -- --test-threads 1`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    reason = "a failed step in a test should stop it loudly"
)]
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]

mod accessibility;
mod admin;
mod appearance;
mod chrome;
mod delivery;
mod hostile;
#[path = "../support/outside.rs"]
mod outside;
mod promise;
mod shopping;
mod site;
mod told;
