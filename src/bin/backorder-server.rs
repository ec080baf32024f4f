//! `backorder-server`: the reference endpoint and demo storefront. Everything it does lives in
//! `backorder_widget::server`; this file only reads the command line and reports the outcome.
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]

use std::process::ExitCode;

use backorder_widget::server::{self, Command, HELP};

#[tokio::main]
async fn main() -> ExitCode {
    match Command::from_process() {
        Ok(Command::Help) => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Ok(Command::Serve(config)) => match server::serve(*config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("backorder-server: {error}");
                ExitCode::FAILURE
            }
        },
        Err(error) => {
            eprintln!("backorder-server: {error}\nRun `backorder-server --help` for the options.");
            ExitCode::from(2)
        }
    }
}
