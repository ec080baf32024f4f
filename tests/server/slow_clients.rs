//! Every check is on a real socket against the real server.

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

async fn connect_from(server: &TestServer, source: [u8; 4]) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind(std::net::SocketAddr::from((source, 0)))
        .expect("a loopback source address");
    socket
        .connect(server.server.addr())
        .await
        .expect("the server accepts")
}

/// One client address holds at most its share of connections; the next is closed at once,
/// while other clients (and the machine itself) are served.
#[tokio::test]
async fn one_client_holds_at_most_its_share_of_connections() {
    let server = start(|config| {
        config.max_per_client = 2;
        config.timeouts.header = Duration::from_secs(60);
    })
    .await;
    let mut held = [
        connect_from(&server, [127, 0, 0, 2]).await,
        connect_from(&server, [127, 0, 0, 2]).await,
    ];
    let mut third = connect_from(&server, [127, 0, 0, 2]).await;
    assert!(
        closed_within(&mut third, Duration::from_secs(5))
            .await
            .is_some(),
        "a third connection from the same client is closed"
    );
    let mut other = connect_from(&server, [127, 0, 0, 3]).await;
    other.write_all(AVAILABILITY).await.expect("sent");
    let mut buffer = [0u8; 64];
    let read = timeout(Duration::from_secs(5), other.read(&mut buffer))
        .await
        .expect("another client is served")
        .expect("read");
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200"));
    held[0].write_all(AVAILABILITY).await.expect("sent");
    let read = timeout(Duration::from_secs(5), held[0].read(&mut buffer))
        .await
        .expect("the client's own connections are served")
        .expect("read");
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200"));
}

/// A client that asks for a large answer and never reads it loses its connection after the
/// write timeout, so it cannot keep a slot.
#[tokio::test]
async fn a_client_that_stops_reading_loses_its_connection() {
    let www = std::env::temp_dir().join(format!("backorder-stall-{}", std::process::id()));
    std::fs::create_dir_all(&www).expect("a folder");
    std::fs::write(www.join("big.bin"), vec![b'x'; 64 * 1024 * 1024]).expect("a big file");
    let server = start(|config| {
        config.www = www.clone();
        config.max_connections = 1;
        config.timeouts.header = Duration::from_secs(60);
        config.timeouts.request = Duration::from_secs(1);
    })
    .await;
    let mut stalled = connect(&server).await;
    stalled
        .write_all(b"GET /big.bin HTTP/1.1\r\nHost: shop\r\n\r\n")
        .await
        .expect("sent");
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The only slot is held by the client that does not read; the next is served once the
    // write timeout has closed it.
    let mut next = connect(&server).await;
    next.write_all(AVAILABILITY).await.expect("sent");
    let mut buffer = [0u8; 64];
    let read = timeout(Duration::from_secs(10), next.read(&mut buffer))
        .await
        .expect("served once the stalled connection is closed")
        .expect("read");
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200"));
    drop(stalled);
    let _ = std::fs::remove_dir_all(&www);
}

/// A body that stops arriving ends the request with a JSON error carrying the API's headers.
#[tokio::test]
async fn a_stalled_body_ends_with_a_json_error() {
    let server = start(|config| {
        config.timeouts.header = Duration::from_secs(1);
        config.timeouts.request = Duration::from_secs(2);
    })
    .await;
    let mut stream = connect(&server).await;
    stream
        .write_all(
            b"POST /api/backorders HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n\
              Idempotency-Key: key-stall-0001\r\nContent-Length: 100\r\n\r\n{\"kind\":",
        )
        .await
        .expect("sent");
    let answer = closed_within(&mut stream, Duration::from_secs(10))
        .await
        .expect("answered and closed");
    let answer = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    assert!(
        answer.starts_with("http/1.1 400") || answer.starts_with("http/1.1 408"),
        "{answer}"
    );
    assert!(
        answer.contains("content-type: application/json"),
        "{answer}"
    );
    assert!(answer.contains("frame-ancestors 'none'"), "{answer}");
    assert_eq!(server.count_rows(), 0);
}
