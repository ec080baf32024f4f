//! Hyper's HTTP/1 connections with a header timeout (which also closes silent and idle keep-alive
//! connections), a cap on the connections served at once that fits the process's file-descriptor
//! limit, and a graceful shutdown with a deadline.
//!
//! `axum::serve` sets no timer, so its connections have no header timeout at all: a client that
//! sends half a request line keeps its socket and a file descriptor forever. The request and
//! body timeouts are tower-http layers on the router (see `router`).

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower::ServiceExt;

use super::rate_limit::client_key;

/// How the loop treats its connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The time a client has to send a request's headers, counted from the connection's start
    /// or the end of its previous answer: it closes half-sent, silent and idle connections.
    pub header_timeout: Duration,
    /// Connections served at once; more wait in the kernel's queue until one closes.
    pub max_connections: usize,
    /// After a stop is asked, requests in flight have this long to finish.
    pub shutdown_deadline: Duration,
    /// Connections one client (an IPv4 address, an IPv6 /64) may hold at once; more are closed
    /// as soon as they are accepted. The machine itself and trusted proxies are not counted.
    pub max_per_client: usize,
    /// Addresses whose connections are not counted per client: the trusted proxies.
    pub proxies: Vec<IpAddr>,
    /// How long an answer may wait for the client to read it before the connection is closed.
    pub write_timeout: Duration,
}

/// File descriptors kept for the database, its pool, the static files and the log.
const RESERVED_DESCRIPTORS: u64 = 64;

/// The most header bytes a request may send: far above any browser's, far below what would
/// let 1,000 connections eat the memory.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// The most headers a request may send (a browser sends about 20).
const MAX_HEADERS: usize = 100;

/// Raises the soft file-descriptor limit to the hard one and returns the connection cap that
/// fits under it, with what it lowered (for the start-up message).
pub fn fit_cap(wanted: usize) -> (usize, Option<u64>) {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => fit_cap_under(wanted, limit),
        // Unknown limit: the configured cap stands.
        Err(_) => (wanted, None),
    }
}

/// The cap under a descriptor limit of `limit`: a connection holds its socket, and one more
/// descriptor while it sends a static file.
fn fit_cap_under(wanted: usize, limit: u64) -> (usize, Option<u64>) {
    let room = usize::try_from((limit.saturating_sub(RESERVED_DESCRIPTORS) / 2).max(1))
        .unwrap_or(usize::MAX);
    match wanted > room {
        true => (room, Some(limit)),
        false => (wanted, None),
    }
}

/// Serves `app` on `listener` until `stop` completes, then lets requests in flight finish
/// within the deadline and closes what is left.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    settings: Settings,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(settings.max_connections));
    let per_client = PerClient::new(settings.max_per_client, settings.proxies.clone());
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout)
        .max_header_size(MAX_HEADER_BYTES)
        .max_headers(MAX_HEADERS);
    tokio::pin!(stop);
    loop {
        // Finished connections leave the set as they go, so it holds only live ones.
        while connections.try_join_next().is_some() {}
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of descriptors or a connection reset before it was accepted: wait a
                // little rather than spin, and go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Some(held) = per_client.admit(peer.ip()) else {
            // One client holds its share already: closed at once, it costs no slot.
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let app = app.clone();
            async move {
                Ok::<_, Infallible>(
                    app.oneshot(request)
                        .await
                        .unwrap_or_else(|never| match never {}),
                )
            }
        });
        let io = TokioIo::new(Socket::new(stream, settings.write_timeout));
        let connection = graceful.watch(builder.serve_connection(io, service));
        connections.spawn(async move {
            // A connection's error (a timeout, a reset) ends only that connection.
            let _ = connection.await;
            drop((slot, held));
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(settings.shutdown_deadline) => {
            eprintln!(
                "closing {} connections still open {} s after the stop",
                connections.len(),
                settings.shutdown_deadline.as_secs()
            );
        }
    }
    connections.shutdown().await;
    Ok(())
}

/// Connections held per client.
#[derive(Debug, Clone)]
struct PerClient {
    cap: usize,
    exempt: Arc<Vec<IpAddr>>,
    held: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One connection counted for its client; dropping it gives the place back.
#[derive(Debug)]
struct Held {
    key: Option<IpAddr>,
    held: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl PerClient {
    fn new(cap: usize, proxies: Vec<IpAddr>) -> Self {
        let mut exempt: Vec<IpAddr> = proxies.iter().map(|proxy| proxy.to_canonical()).collect();
        exempt.extend([
            IpAddr::from([127, 0, 0, 1]),
            IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        ]);
        Self {
            cap,
            exempt: Arc::new(exempt),
            held: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Counts a connection from `peer`, or `None` when its client holds its share already.
    fn admit(&self, peer: IpAddr) -> Option<Held> {
        if self.exempt.contains(&peer.to_canonical()) {
            return Some(Held {
                key: None,
                held: Arc::clone(&self.held),
            });
        }
        let key = client_key(peer);
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let count = held.entry(key).or_insert(0);
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        Some(Held {
            key: Some(key),
            held: Arc::clone(&self.held),
        })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = held.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                held.remove(&key);
            }
        }
    }
}

/// A connection's socket: a write that the client does not take within the write timeout ends
/// the connection (hyper has no such timer: a client that stops reading would keep its slot),
/// and a JSON body is added to the answers hyper writes by itself.
///
/// A request hyper cannot read as HTTP (a malformed request line, a header block over the
/// limit, too many headers) never reaches the router: hyper answers `400` or `431` itself, with
/// an empty body, and closes. Such an answer is the only one with `content-length: 0` and a
/// `4xx` status that this server sends (every answer of the router carries a body), so it is
/// recognised as it is written and given the JSON error body every other answer has.
#[derive(Debug)]
pub struct Socket<S> {
    inner: S,
    write_timeout: Duration,
    /// Runs while a write waits for the client; reset whenever bytes go out.
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
    /// A rewritten answer being written.
    pending: Option<Rewritten>,
}

/// hyper's own error answer with its JSON body, part sent.
#[derive(Debug)]
struct Rewritten {
    bytes: Vec<u8>,
    sent: usize,
    /// The length of the buffer hyper gave, reported once every byte went out.
    original: usize,
}

impl<S> Socket<S> {
    pub fn new(inner: S, write_timeout: Duration) -> Self {
        Self {
            inner,
            write_timeout,
            stalled: None,
            pending: None,
        }
    }

    /// After a write returned `Pending`: an error once the client has not read for the write
    /// timeout.
    fn check_stall(&mut self, context: &mut Context<'_>) -> Poll<std::io::Result<usize>> {
        let timeout = self.write_timeout;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stalled.as_mut().poll(context) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// hyper's own answer to a request it could not read, rewritten with a JSON body; `None` for
/// any other bytes.
fn with_error_body(written: &[u8]) -> Option<Vec<u8>> {
    const EMPTY: &[u8] = b"\r\ncontent-length: 0\r\n";
    let status = written.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
    let (code, message) = match status {
        b"400" => ("bad_request", "the request could not be read as HTTP"),
        b"431" => (
            "headers_too_large",
            "the request's headers are too large or too many",
        ),
        _ => return None,
    };
    let head_end = written
        .windows(4)
        .position(|window| window == b"\r\n\r\n")?
        + 4;
    if head_end != written.len() {
        return None;
    }
    let at = written
        .windows(EMPTY.len())
        .position(|window| window == EMPTY)?;
    let body = format!("{{\"error\":\"{code}\",\"message\":\"{message}\"}}");
    let mut answer = Vec::with_capacity(written.len() + body.len() + 40);
    answer.extend_from_slice(&written[..at]);
    answer.extend_from_slice(
        format!(
            "\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        )
        .as_bytes(),
    );
    answer.extend_from_slice(&written[at + EMPTY.len()..]);
    answer.extend_from_slice(body.as_bytes());
    Some(answer)
}

impl<S: AsyncRead + Unpin> AsyncRead for Socket<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(context, buffer)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Socket<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        if this.pending.is_none()
            && let Some(bytes) = with_error_body(buffer)
        {
            this.pending = Some(Rewritten {
                bytes,
                sent: 0,
                original: buffer.len(),
            });
        }
        let Some(rewritten) = &mut this.pending else {
            return match Pin::new(&mut this.inner).poll_write(context, buffer) {
                Poll::Pending => this.check_stall(context),
                ready => {
                    this.stalled = None;
                    ready
                }
            };
        };
        while rewritten.sent < rewritten.bytes.len() {
            match Pin::new(&mut this.inner).poll_write(context, &rewritten.bytes[rewritten.sent..])
            {
                Poll::Ready(Ok(0)) => {
                    this.pending = None;
                    return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => {
                    rewritten.sent += n;
                    this.stalled = None;
                }
                Poll::Ready(Err(error)) => {
                    this.pending = None;
                    return Poll::Ready(Err(error));
                }
                Poll::Pending => return this.check_stall(context),
            }
        }
        let original = rewritten.original;
        this.pending = None;
        Poll::Ready(Ok(original))
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(context) {
            Poll::Pending => self.check_stall(context).map_ok(|_| ()),
            ready => {
                self.stalled = None;
                ready
            }
        }
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_s_own_error_answers_get_a_json_body() {
        let own = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Wed, 02 Dec 2026 00:00:00 GMT\r\n\r\n";
        let rewritten = String::from_utf8(with_error_body(own).expect("rewritten")).expect("text");
        assert!(rewritten.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(
            rewritten.contains("\r\ncontent-type: application/json\r\ncontent-length: 89\r\n"),
            "{rewritten}"
        );
        assert!(rewritten.contains(
            "\r\ndate: Wed, 02 Dec 2026 00:00:00 GMT\r\n\r\n{\"error\":\"headers_too_large\""
        ));
        let body = rewritten.split("\r\n\r\n").nth(1).expect("a body");
        assert_eq!(body.len(), 89);
        // Answers of the router, and anything that is not a whole head, pass unchanged.
        assert_eq!(
            with_error_body(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"),
            None
        );
        assert_eq!(
            with_error_body(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n"),
            None
        );
        assert_eq!(
            with_error_body(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{}"),
            None
        );
        assert_eq!(with_error_body(b"{\"error\":1}"), None);
    }

    #[test]
    fn the_cap_fits_under_the_descriptor_limit() {
        assert_eq!(fit_cap_under(1024, 1_048_576), (1024, None));
        assert_eq!(fit_cap_under(1024, 256), (96, Some(256)));
        assert_eq!(fit_cap_under(1024, 10), (1, Some(10)));
        assert_eq!(fit_cap_under(100, 264), (100, None));
    }
}
