//! Clients that are slow, silent or many: none of them holds the server. Every check is on a
//! real socket against the real server.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::support::{TestServer, backorder, start};

async fn connect(server: &TestServer) -> TcpStream {
    TcpStream::connect(server.server.addr())
        .await
        .expect("the server accepts")
}

/// Reads until the server closes the connection; `None` if it is still open after `wait`.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    timeout(wait, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await
    .ok()
    .map(|()| received)
}

const AVAILABILITY: &[u8] = b"GET /api/availability?sku=CAP-10 HTTP/1.1\r\nHost: shop\r\n\r\n";

#[tokio::test]
async fn half_sent_silent_and_idle_connections_are_closed() {
    let server = start(|config| config.timeouts.header = Duration::from_secs(1)).await;
    let mut silent = connect(&server).await;
    let mut half_sent = connect(&server).await;
    half_sent
        .write_all(b"GET /api/availability?sku=CAP")
        .await
        .expect("sent");
    let mut idle = connect(&server).await;
    idle.write_all(AVAILABILITY).await.expect("sent");
    for (what, stream) in [
        ("silent", &mut silent),
        ("half-sent", &mut half_sent),
        ("idle after an answer", &mut idle),
    ] {
        let received = closed_within(stream, Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("the {what} connection is still open"));
        if what.starts_with("idle") {
            assert!(
                received.starts_with(b"HTTP/1.1 200"),
                "it was answered first"
            );
        }
    }
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_at_once() {
    let server = start(|_| {}).await;
    let mut stream = connect(&server).await;
    stream
        .write_all(
            b"POST /api/backorders HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n\
              Idempotency-Key: key-huge-0001\r\nContent-Length: 1000000000000\r\n\r\n",
        )
        .await
        .expect("sent");
    let mut head = vec![0u8; 2048];
    let read = timeout(Duration::from_secs(5), stream.read(&mut head))
        .await
        .expect("answered without waiting for the body")
        .expect("read");
    let answer = String::from_utf8_lossy(&head[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"too_large\""), "{answer}");
}

#[tokio::test]
async fn the_connection_cap_holds_and_frees() {
    let server = start(|config| {
        config.max_connections = 4;
        config.timeouts.header = Duration::from_secs(60);
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect(&server).await);
    }
    // The kernel accepts the fifth into its queue; the server serves it only once a slot frees.
    let mut fifth = connect(&server).await;
    fifth.write_all(AVAILABILITY).await.expect("sent");
    let mut buffer = [0u8; 64];
    assert!(
        timeout(Duration::from_millis(500), fifth.read(&mut buffer))
            .await
            .is_err(),
        "a fifth connection is not served while four are held"
    );
    drop(held.pop());
    let read = timeout(Duration::from_secs(5), fifth.read(&mut buffer))
        .await
        .expect("served once a slot is free")
        .expect("read");
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200"));
}

/// The issue's own bound: with 500 half-open connections held, a shopper's request is still
/// answered within a second (a liveness check, not a speed measurement).
#[tokio::test]
async fn five_hundred_half_open_connections_leave_room_for_a_shopper() {
    let server = start(|_| {}).await;
    let mut held = Vec::new();
    for _ in 0..500 {
        let mut stream = connect(&server).await;
        stream
            .write_all(b"POST /api/backorders HTTP/1.1\r\nHost: shop\r\n")
            .await
            .expect("sent");
        held.push(stream);
    }
    let reply = timeout(
        Duration::from_secs(1),
        server.post("key-slow-0001", &backorder("CAP-10", 1)),
    )
    .await
    .expect("answered within a second");
    assert_eq!(reply.status, 201, "{reply:?}");
    assert_eq!(held.len(), 500);
}

/// SIGTERM while a client holds a half-sent request: the binary stops within its deadline, and
/// a generated admin token never reaches stderr (the access log) when stderr is not a terminal.
#[test]
fn sigterm_stops_within_the_deadline_and_the_admin_token_stays_out_of_the_log() {
    use std::io::{BufRead, BufReader, Write};
    use std::os::unix::fs::PermissionsExt;
    use std::process::{Command, Stdio};

    let folder = std::env::temp_dir().join(format!("backorder-sigterm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    let database = folder.join("data").join("backorders.sqlite3");
    let mut child = Command::new(env!("CARGO_BIN_EXE_backorder-server"))
        .args(["--listen", "127.0.0.1:0", "--database"])
        .arg(&database)
        .env_remove("BACKORDER_ADMIN_TOKEN")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut log = String::new();
    let mut addr: Option<SocketAddr> = None;
    while !log.contains("admin token") {
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
    let token_file = std::path::PathBuf::from(format!("{}.admin-token", database.display()));
    assert!(log.contains(&token_file.display().to_string()), "{log}");
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

    let mut client =
        std::net::TcpStream::connect(addr.expect("a listening address")).expect("connects");
    client
        .write_all(
            b"POST /api/backorders HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n\
              Content-Length: 400\r\nIdempotency-Key: key-term-0001\r\n\r\n{\"kind\":",
        )
        .expect("half a request sent");
    std::thread::sleep(Duration::from_millis(200));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("still running 30 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status}");
    drop(client);
    let _ = std::fs::remove_dir_all(&folder);
}
