//! What it writes at start-up, how it stops on SIGTERM, and what an answered request survives when
//! the process is killed.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::backorder;

/// The binary, started on a free port with its database at `database`; returns once it has
/// said where its admin token is and that it listens, with what stderr said so far.
fn spawn(database: &Path) -> (Child, SocketAddr, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backorder-server"))
        .args(["--listen", "127.0.0.1:0", "--rate-limit", "0", "--database"])
        .arg(database)
        .env_remove("BACKORDER_ADMIN_TOKEN")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut log = String::new();
    let mut addr: Option<SocketAddr> = None;
    while addr.is_none() || !log.contains("admin token") {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).expect("stderr reads") > 0,
            "{log}"
        );
        if let Some(rest) = line
            .trim()
            .strip_prefix("backorder-server listening on http://")
        {
            addr = rest.parse().ok();
        }
        log.push_str(&line);
    }
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    (child, addr.expect("a listening address"), log)
}

fn scratch(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("backorder-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    folder
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("still running {} s after the signal", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
}

/// SIGTERM while a client holds a half-sent request: the binary stops within its deadline, and
/// a generated admin token never reaches stderr (the access log) when stderr is not a terminal.
#[test]
fn sigterm_stops_within_the_deadline_and_the_admin_token_stays_out_of_the_log() {
    let folder = scratch("sigterm");
    let database = folder.join("data").join("backorders.sqlite3");
    let (mut child, addr, log) = spawn(&database);
    let token_file = PathBuf::from(format!("{}.admin-token", database.display()));
    assert!(log.contains(&token_file.display().to_string()), "{log}");
    assert!(
        log.find("admin token") < log.find("listening on"),
        "the token file is written before the port opens: {log}"
    );
    let token = std::fs::read_to_string(&token_file).expect("the token file");
    assert_eq!(token.trim().len(), 32);
    assert!(
        !log.contains(token.trim()),
        "the token is not in the log: {log}"
    );
    let mode = std::fs::metadata(&token_file)
        .expect("exists")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);

    let mut client = std::net::TcpStream::connect(addr).expect("connects");
    client
        .write_all(
            b"POST /api/backorders HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n\
              Content-Length: 400\r\nIdempotency-Key: key-term-0001\r\n\r\n{\"kind\":",
        )
        .expect("half a request sent");
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, "-TERM");
    let status = wait_for_exit(&mut child, Duration::from_secs(30));
    assert!(status.success(), "{status}");
    drop(client);
    let _ = std::fs::remove_dir_all(&folder);
}

/// Every request answered `201` is in the database after the process is killed without warning
/// (SIGKILL: no shutdown, no final checkpoint). With the default durability each commit is also
/// on the disk before its answer, so a power cut keeps it too; that part no test on one machine
/// can cut the power to show, and the README says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answered_request_survives_sigkill() {
    let folder = scratch("sigkill");
    let database = folder.join("backorders.sqlite3");
    let (mut child, addr, _) = spawn(&database);
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/api/backorders");
    let mut answered = Vec::new();
    for n in 0..40 {
        let key = format!("key-kill-{n:04}");
        let mut body = backorder("SCARF-GREY", 1);
        body["email"] = serde_json::json!(format!("kill{n}@example.com"));
        let reply = client
            .post(&url)
            .header("Idempotency-Key", &key)
            .json(&body)
            .send()
            .await
            .expect("answered");
        if reply.status() == 201 {
            answered.push(key);
        }
    }
    assert!(
        answered.len() >= 20,
        "the demo takes these backorders: {}",
        answered.len()
    );
    signal(&child, "-KILL");
    wait_for_exit(&mut child, Duration::from_secs(10));
    let connection = rusqlite::Connection::open(&database).expect("the database opens");
    for key in &answered {
        let found: i64 = connection
            .query_row(
                "SELECT COUNT(*) FROM requests WHERE idempotency_key = ?1",
                [key],
                |row| row.get(0),
            )
            .expect("a count");
        assert_eq!(found, 1, "{key} was answered 201 and must be stored");
    }
    drop(connection);
    let _ = std::fs::remove_dir_all(&folder);
}
