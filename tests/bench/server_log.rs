//! The server writes one line per request to stderr, from its own threads, and a process cannot
//! point its own stderr elsewhere without `unsafe`. So the bench runs itself again as a child
//! whose stderr comes back through a pipe: every line goes to `target/bench-server.log`, and every
//! line that is not an access-log line (the bench's progress, a panic) is also shown. The server
//! still pays for writing its log, as it would in production.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

/// Set in the child's environment, so it measures instead of starting another child.
const CHILD: &str = "BACKORDER_BENCH_CHILD";

/// The HTTP methods an access-log line names right after its timestamp.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"];

pub fn is_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// Runs this same bench with the same arguments as a child, and returns its exit status.
pub fn run_self_with_log_file() -> ExitCode {
    match run_child() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_child() -> Result<ExitCode, String> {
    let log_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-server.log");
    let mut log = File::create(&log_path)
        .map_err(|error| format!("cannot write {}: {error}", log_path.display()))?;
    let program = std::env::current_exe()
        .map_err(|error| format!("cannot find the bench itself: {error}"))?;
    let mut child = Command::new(program)
        .args(std::env::args_os().skip(1))
        .env(CHILD, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot start the bench's measuring process: {error}"))?;
    eprintln!(
        "bench: the endpoint's access log goes to {}",
        log_path.display()
    );
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // A full disk must not stop the measurement; the log is a convenience.
            let _ = writeln!(log, "{line}");
            if !is_access_log(&line) {
                eprintln!("{line}");
            }
        }
    }
    let status = child
        .wait()
        .map_err(|error| format!("lost the measuring process: {error}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        eprintln!("bench: failed; the full log is {}", log_path.display());
        ExitCode::FAILURE
    })
}

/// `2026-11-27T10:00:00.000Z POST /api/backorders 201 1.2ms`: a timestamp, then a method.
fn is_access_log(line: &str) -> bool {
    let mut words = line.split(' ');
    let timestamp = words.next().unwrap_or_default();
    let method = words.next().unwrap_or_default();
    timestamp.starts_with(|c: char| c.is_ascii_digit())
        && timestamp.ends_with('Z')
        && METHODS.contains(&method)
}
