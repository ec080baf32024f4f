//! `make size` and `make bench`: what the widget costs a shop, measured, never asserted on time.
//!
//! - `size --budget BYTES [--badge-budget BYTES]`: the bytes the browser loads for the widget,
//!   raw and gzip -9, for the full build and for the badge-only one. Exits non-zero when either
//!   gzip total is over its budget or a JavaScript file is over 10 KiB gzipped; a byte count is
//!   deterministic, so CI can hold the line on it.
//! - `all [--budget BYTES] [--base NAME WWW]`: the bytes, then the engine natively, time to first status in headless
//!   Chromium (inline stock and stock from the server), a collection page of 200 badges, the
//!   reference endpoint under concurrent load (SQLite; PostgreSQL with one replica and with
//!   two), and availability with 100,000 stored requests. Timings are reported, never compared to a limit:
//!   they depend on the machine and on whatever else it is doing.
//!
//! With `--base`, the bytes and the page loads of another build's `www` (another commit's, built
//! by `make bench BENCH_BASE=REV`) are measured in the same run and set beside this one's.
//!
//! Both print one table to stdout and write the same numbers to `target/bench.json`. Run with
//! `cargo test --release --features server --test bench -- all`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]

/// The widget in headless Chromium: time to first status, and 200 badges on one page.
mod browser;
/// Bytes shipped: every file the browser loads for the widget, raw and gzip -9.
mod bytes;
/// Stock records and catalog files for the bench, dated from today.
mod catalog;
/// The reference endpoint under concurrent load: `POST /api/backorders` on loopback.
mod endpoint;
/// The availability engine natively: evaluations per second, and cost per batch.
mod engine;
/// Reads that do not grow with the history: availability with 100,000 stored requests.
mod history;
/// A throwaway PostgreSQL 15 cluster, removed when dropped (shared with the tests).
#[path = "../support/postgres.rs"]
#[allow(dead_code, reason = "shared with the tests, which use more of it")]
mod postgres;
/// A `backorder-server` process, started as an operator starts a replica.
#[path = "../support/replica.rs"]
mod replica;
/// Everything measured, as one plain-text table and as JSON with the same numbers.
mod report;
/// Keeps the reference endpoint's access log out of the way without silencing it.
mod server_log;
/// The real server on a free port with a fresh SQLite file (shared with tests/e2e).
#[path = "../e2e/site.rs"]
#[allow(
    dead_code,
    clippy::unwrap_used,
    reason = "the harness is shared with tests/e2e: the bench uses some of its helpers, and a \
              failed step in it stops loudly"
)]
mod site;
/// The median and spread of repeated measurements.
mod stats;
/// A browser session through WebDriver (shared with tests/e2e).
#[path = "../e2e/browser/mod.rs"]
#[allow(
    dead_code,
    clippy::unwrap_used,
    reason = "the harness is shared with tests/e2e: the bench uses some of its helpers, and a \
              failed step in it stops loudly"
)]
mod webdriver;

use std::path::{Path, PathBuf};

use backorder_widget::server::Durability;
use std::process::ExitCode;

use report::Report;

const USAGE: &str = "\
usage: cargo test --release --features server --test bench -- size --budget BYTES [--badge-budget BYTES]
       cargo test --release --features server --test bench -- all [--budget BYTES] [--badge-budget BYTES] [--base NAME WWW]";

/// What the command line asks for.
enum Mode {
    Size,
    All,
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("bench: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // The reference endpoint logs every request to stderr. Thousands of lines would bury the
    // bench's own messages, so `all` runs itself again with that log going to a file.
    if matches!(args.mode, Mode::All) && !server_log::is_child() {
        return server_log::run_self_with_log_file();
    }
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::FAILURE
        }
    }
}

/// What one run is asked to do.
struct Args {
    mode: Mode,
    budget: Option<u64>,
    /// The badge-only build's gzip budget (`BADGE_BUDGET`).
    badge_budget: Option<u64>,
    /// Another build's `www` (`make bench BENCH_BASE=REV`), measured beside this one.
    base: Option<(String, PathBuf)>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mode = match args.next().as_deref() {
        Some("size") => Mode::Size,
        Some("all") => Mode::All,
        Some(other) => return Err(format!("unknown mode {other:?}")),
        None => return Err("say which mode to run".to_owned()),
    };
    let mut budget = None;
    let mut badge_budget = None;
    let mut base = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base" => {
                let name = args.next().ok_or("--base needs a name and a www folder")?;
                let www = args
                    .next()
                    .ok_or("--base needs a www folder after its name")?;
                base = Some((name, PathBuf::from(www)));
            }
            "--budget" | "--badge-budget" => {
                let value = args
                    .next()
                    .ok_or(format!("{arg} needs a number of bytes"))?;
                let bytes = value
                    .parse::<u64>()
                    .map_err(|_| format!("{arg} {value:?} is not a number of bytes"))?;
                match arg.as_str() {
                    "--budget" => budget = Some(bytes),
                    _ => badge_budget = Some(bytes),
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if matches!(mode, Mode::Size) && budget.is_none() {
        return Err("size needs --budget BYTES".to_owned());
    }
    Ok(Args {
        mode,
        budget,
        badge_budget,
        base,
    })
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let (mode, budget) = (&args.mode, args.budget);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut report = Report::new(match mode {
        Mode::Size => "size",
        Mode::All => "all",
    });
    report.bytes = Some(bytes::measure(
        &root.join("www"),
        budget,
        args.badge_budget,
    )?);
    if let Some((name, www)) = &args.base {
        report.base = Some(report::Base {
            name: name.clone(),
            bytes: bytes::measure(www, None, None)?,
            browser: None,
        });
    }
    if matches!(mode, Mode::All) {
        // The engine goes first, while nothing else the bench starts competes for the CPU.
        eprintln!("bench: the engine, natively");
        report.engine = Some(engine::measure()?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|error| format!("no async runtime: {error}"))?;
        eprintln!("bench: page loads in headless Chromium");
        report.browser = Some(runtime.block_on(browser::measure(&root.join("www")))?);
        if let (Some((name, www)), Some(base)) = (&args.base, report.base.as_mut()) {
            eprintln!("bench: the same page loads with {name}'s widget");
            base.browser = Some(runtime.block_on(browser::measure(www))?);
        }
        eprintln!("bench: POST /api/backorders under load, durability full then normal");
        report.endpoint = Some(runtime.block_on(endpoint::measure(Durability::Full))?);
        report.endpoint_normal = Some(runtime.block_on(endpoint::measure(Durability::Normal))?);
        eprintln!("bench: the same load on PostgreSQL, one replica then two");
        report.endpoint_postgres = Some(runtime.block_on(endpoint::measure_postgres(1))?);
        report.endpoint_postgres_two = Some(runtime.block_on(endpoint::measure_postgres(2))?);
        eprintln!(
            "bench: availability with {} stored requests",
            history::STORED
        );
        report.history = Some(runtime.block_on(history::measure())?);
    }
    print!("{}", report.table());
    let json_path = root.join("target").join("bench.json");
    report.write_json(&json_path)?;
    eprintln!("bench: wrote {}", json_path.display());
    let violations = report.bytes.as_ref().map(bytes::Bytes::violations);
    match violations.unwrap_or_default().as_slice() {
        [] => Ok(ExitCode::SUCCESS),
        violations => {
            for violation in violations {
                eprintln!("bench: size check failed: {violation}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}
