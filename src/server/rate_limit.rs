//! A token bucket per client on the requests that write (POST and DELETE).
//!
//! Clients are told apart by their peer address: IPv4 by address, IPv6 by its /64 network,
//! because one IPv6 host commonly owns a whole /64. Behind a reverse proxy every client shares the
//! proxy's address; the proxy should then do the limiting (forwarded headers are not trusted,
//! since any client can set them).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::errors::ApiError;

/// The most requests a client may send at once before the per-minute rate applies.
const MAX_BURST: u32 = 10;

/// Past this many tracked clients, full (idle) buckets are forgotten.
const PRUNE_ABOVE: usize = 10_000;

/// Token buckets of `per_minute` tokens per minute, holding up to `min(per_minute, 10)`.
///
/// Each bucket is kept as the "generic cell rate algorithm" does: one instant per client, the
/// time at which its bucket would be full again. That is exact integer arithmetic on
/// [`Duration`]s, where a token count in floating point would round a wait of 2 s up to 3 s.
#[derive(Debug)]
pub struct RateLimiter {
    /// The time one token takes to come back.
    interval: Duration,
    /// How far ahead of now a client may run: the burst, less the request being made.
    tolerance: Duration,
    /// Per client: the instant its bucket is full again.
    full_at: Mutex<HashMap<IpAddr, Instant>>,
}

impl RateLimiter {
    /// `None` when `per_minute` is 0: no limit.
    pub fn new(per_minute: u32) -> Option<Self> {
        (per_minute > 0).then(|| {
            let interval = Duration::from_secs(60) / per_minute;
            Self {
                interval,
                tolerance: interval * (per_minute.min(MAX_BURST) - 1),
                full_at: Mutex::new(HashMap::new()),
            }
        })
    }

    /// Takes a token for `client` at `now`, or says in how many whole seconds one will be there.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        // The map has no invariant a panic could break, so a poisoned lock is still usable.
        let mut full_at = self.full_at.lock().unwrap_or_else(PoisonError::into_inner);
        if full_at.len() > PRUNE_ABOVE {
            full_at.retain(|_, full| *full > now);
        }
        let full = full_at.entry(client_key(client)).or_insert(now);
        let busy_until = (*full).max(now);
        let ahead = busy_until - now;
        if ahead > self.tolerance {
            let wait = ahead - self.tolerance;
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(seconds.max(1));
        }
        *full = busy_until + self.interval;
        Ok(())
    }
}

/// The key a client is counted under.
fn client_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let network = u128::from(v6) & (u128::MAX << 64);
                IpAddr::V6(Ipv6Addr::from(network))
            }
        },
        v4 => v4,
    }
}

/// Middleware: `429` with `Retry-After` when a client writes too fast. Reads pass freely.
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // The shop's own scripts (receipts, uploads) carry the admin token and are not counted; a
    // wrong token is, like any other write.
    let writes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::DELETE
    ) && !super::admin::is_admin(&state, request.headers());
    if let (true, Some(limiter)) = (writes, state.rate_limiter()) {
        // Without connection info (a router used in-process) all callers share one bucket.
        let client = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |info| info.0.ip());
        if let Err(seconds) = limiter.check(client, Instant::now()) {
            return ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests; try again in {seconds} s"),
            )
            .retry_after(seconds)
            .into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refills_at_the_rate_after_a_burst() {
        let limiter = RateLimiter::new(20).expect("a limit");
        let start = Instant::now();
        let ana = IpAddr::from([192, 0, 2, 1]);
        let ben = IpAddr::from([192, 0, 2, 2]);
        for _ in 0..10 {
            assert_eq!(limiter.check(ana, start), Ok(()));
        }
        assert_eq!(
            limiter.check(ana, start),
            Err(3),
            "20 a minute: one every 3 s"
        );
        assert_eq!(
            limiter.check(ben, start),
            Ok(()),
            "each client has a bucket"
        );
        assert_eq!(limiter.check(ana, start + Duration::from_secs(3)), Ok(()));
        assert_eq!(limiter.check(ana, start + Duration::from_secs(4)), Err(2));
    }

    #[test]
    fn zero_disables_and_small_limits_have_small_bursts() {
        assert!(RateLimiter::new(0).is_none());
        let limiter = RateLimiter::new(2).expect("a limit");
        let now = Instant::now();
        let client = IpAddr::from([192, 0, 2, 1]);
        assert_eq!(limiter.check(client, now), Ok(()));
        assert_eq!(limiter.check(client, now), Ok(()));
        assert_eq!(limiter.check(client, now), Err(30));
    }

    #[test]
    fn ipv6_clients_are_counted_by_network() {
        let host = |last: u16| IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, last]);
        assert_eq!(client_key(host(1)), client_key(host(2)));
        let mapped = IpAddr::V6(Ipv6Addr::from([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]));
        assert_eq!(client_key(mapped), IpAddr::from([192, 0, 2, 1]));
    }
}
