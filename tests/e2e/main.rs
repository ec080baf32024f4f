//! End to end: real browsers in three engines (Chromium, Firefox, WebKit), driven from Rust by
//! fantoccini through WebDriver, against the real `backorder-server` on a free port with a fresh
//! SQLite file. Run with `cargo test --release --features server --test e2e -- --test-threads 1`;
//! a test's last name part is its browser (and screen), so `-- webkit` runs WebKit's alone.
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

/// Makes each named scenario, an `async fn(Engine)`, a test in every engine:
/// `<scenario>::chromium`, `<scenario>::firefox` and `<scenario>::webkit`.
macro_rules! in_every_browser {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            use crate::browser::Engine;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn chromium() {
                super::$scenario(Engine::Chromium).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn firefox() {
                super::$scenario(Engine::Firefox).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn webkit() {
                super::$scenario(Engine::WebKit).await;
            }
        }
    )+};
}

/// Makes each named scenario, an `async fn(Engine, Screen)`, a test in every engine at a
/// desktop's and a phone's size: `<scenario>::chromium_desktop` … `<scenario>::webkit_phone`.
macro_rules! in_every_browser_and_screen {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            use crate::browser::{Engine, Screen};

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn chromium_desktop() {
                super::$scenario(Engine::Chromium, Screen::Desktop).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn chromium_phone() {
                super::$scenario(Engine::Chromium, Screen::Phone).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn firefox_desktop() {
                super::$scenario(Engine::Firefox, Screen::Desktop).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn firefox_phone() {
                super::$scenario(Engine::Firefox, Screen::Phone).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn webkit_desktop() {
                super::$scenario(Engine::WebKit, Screen::Desktop).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn webkit_phone() {
                super::$scenario(Engine::WebKit, Screen::Phone).await;
            }
        }
    )+};
}

/// axe-core in the real browser on every state and theme; any violation fails.
mod accessibility;
/// The merchant's page in the real browser against the real server.
mod admin;
/// What the shopper sees is readable and true: contrast, one date, narrow columns.
mod appearance;
/// A browser session in one of three engines, each through its own WebDriver server.
mod browser;
/// Delivery that loses nothing and duplicates nothing, with the endpoint misbehaving.
mod delivery;
/// Hostile and broken input never runs and never breaks the host page.
mod hostile;
/// The real outside parts the endpoint talks to: MailDev and a webhook receiver.
#[path = "../support/outside.rs"]
mod outside;
/// Keeping the promise: reserve in the browser, change stock by API, sweep, check.
mod promise;
/// A shopper on the demo storefront, against the real endpoint and database.
mod shopping;
/// The real server on a free port with a fresh SQLite file, and what the tests read back.
mod site;
/// People are told: the delay email's link followed in the browser, and the reservation kept.
mod told;
