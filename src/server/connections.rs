//! The server's own accept loop, so that no client can hold it: hyper's HTTP/1 connections with
//! a header timeout (which also closes silent and idle keep-alive connections), a cap on the
//! connections served at once that fits the process's file-descriptor limit, and a graceful
//! shutdown with a deadline.
//!
//! `axum::serve` sets no timer, so its connections have no header timeout at all: a client that
//! sends half a request line keeps its socket and a file descriptor forever. The request and
//! body timeouts are tower-http layers on the router (see `router`).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
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

/// How the loop treats its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// The time a client has to send a request's headers, counted from the connection's start
    /// or the end of its previous answer: it closes half-sent, silent and idle connections.
    pub header_timeout: Duration,
    /// Connections served at once; more wait in the kernel's queue until one closes.
    pub max_connections: usize,
    /// After a stop is asked, requests in flight have this long to finish.
    pub shutdown_deadline: Duration,
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

/// The cap under a descriptor limit of `limit`: each connection holds one descriptor.
fn fit_cap_under(wanted: usize, limit: u64) -> (usize, Option<u64>) {
    let room =
        usize::try_from(limit.saturating_sub(RESERVED_DESCRIPTORS).max(1)).unwrap_or(usize::MAX);
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
        let io = TokioIo::new(ErrorBodies::new(stream));
        let connection = graceful.watch(builder.serve_connection(io, service));
        connections.spawn(async move {
            // A connection's error (a timeout, a reset) ends only that connection.
            let _ = connection.await;
            drop(slot);
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

/// A connection's socket, with a JSON body added to the answers hyper writes by itself.
///
/// A request hyper cannot read as HTTP (a malformed request line, a header block over the
/// limit, too many headers) never reaches the router: hyper answers `400` or `431` itself, with
/// an empty body, and closes. Such an answer is the only one with `content-length: 0` and a
/// `4xx` status that this server sends (every answer of the router carries a body), so it is
/// recognised as it is written and given the JSON error body every other answer has.
#[derive(Debug)]
pub struct ErrorBodies<S> {
    inner: S,
    /// A rewritten answer being written: its bytes, how many went out, and the length of the
    /// original buffer to report once all did.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<S> ErrorBodies<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            pending: None,
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
        b"414" => ("uri_too_long", "the request's URL is too long"),
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

impl<S: AsyncRead + Unpin> AsyncRead for ErrorBodies<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(context, buffer)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ErrorBodies<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        if this.pending.is_none() {
            match with_error_body(buffer) {
                Some(answer) => this.pending = Some((answer, 0, buffer.len())),
                None => return Pin::new(&mut this.inner).poll_write(context, buffer),
            }
        }
        while let Some((answer, sent, original)) = &mut this.pending {
            if *sent == answer.len() {
                let original = *original;
                this.pending = None;
                return Poll::Ready(Ok(original));
            }
            match Pin::new(&mut this.inner).poll_write(context, &answer[*sent..]) {
                Poll::Ready(Ok(0)) => {
                    this.pending = None;
                    return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => *sent += n,
                Poll::Ready(Err(error)) => {
                    this.pending = None;
                    return Poll::Ready(Err(error));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(0))
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(context)
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
        assert_eq!(fit_cap_under(1024, 256), (192, Some(256)));
        assert_eq!(fit_cap_under(1024, 10), (1, Some(10)));
        assert_eq!(fit_cap_under(100, 164), (100, None));
    }
}
