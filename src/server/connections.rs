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
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
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
        .max_buf_size(MAX_HEADER_BYTES);
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
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_fits_under_the_descriptor_limit() {
        assert_eq!(fit_cap_under(1024, 1_048_576), (1024, None));
        assert_eq!(fit_cap_under(1024, 256), (192, Some(256)));
        assert_eq!(fit_cap_under(1024, 10), (1, Some(10)));
        assert_eq!(fit_cap_under(100, 164), (100, None));
    }
}
