//! A token bucket per client on the requests that write, and a tight one on failed admin logins.
//!
//! Clients are told apart by their address: IPv4 by address, IPv6 by its /64 network, because
//! one IPv6 host commonly owns a whole /64. Behind a reverse proxy every request comes from the
//! proxy; with `--trusted-proxy` the client is read from `X-Forwarded-For`, but only on requests
//! that come from a trusted proxy (anyone else can write that header).
//!
//! The buckets are `governor`'s keyed GCRA limiters: a check costs the same whether it tracks ten
//! clients or a million, and idle clients are forgotten once a minute, off the request path.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Extensions, HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::AppState;
use super::errors::ApiError;

/// The most requests a client may send at once before the per-minute rate applies.
const MAX_BURST: u32 = 10;

/// Failed admin logins a client may make in a burst, and then per minute.
pub const ADMIN_FAILURES_PER_MINUTE: u32 = 10;

/// How often idle clients are forgotten.
pub const FORGET_EVERY: Duration = Duration::from_secs(60);

type Buckets<C> =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// Every limit the server applies per client, and how it finds the client.
#[derive(Debug)]
pub struct Limits<C: Clock + Clone = DefaultClock> {
    clock: C,
    /// Writes (POST, PUT, DELETE) without the admin token; `None` when the limit is off.
    writes: Option<Buckets<C>>,
    /// Failed admin logins.
    admin_failures: Buckets<C>,
    /// Clients refused any admin login until the instant given, after too many failures: a
    /// right guess must not get through while wrong ones are refused. Only clients that ran out
    /// are here, and they are forgotten once their time is up.
    locked_out: Mutex<HashMap<IpAddr, C::Instant>>,
    trusted_proxies: Vec<IpAddr>,
}

impl Limits {
    /// `writes_per_minute` 0 turns the write limit off; failed admin logins are always limited.
    pub fn new(writes_per_minute: u32, trusted_proxies: Vec<IpAddr>) -> Self {
        Self::with_clock(writes_per_minute, trusted_proxies, DefaultClock::default())
    }
}

impl<C: Clock + Clone> Limits<C> {
    fn with_clock(writes_per_minute: u32, trusted_proxies: Vec<IpAddr>, clock: C) -> Self {
        let writes = NonZeroU32::new(writes_per_minute).map(|per_minute| {
            let burst = NonZeroU32::new(per_minute.get().min(MAX_BURST)).unwrap_or(per_minute);
            let quota = Quota::per_minute(per_minute).allow_burst(burst);
            RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock.clone())
        });
        let failures = NonZeroU32::new(ADMIN_FAILURES_PER_MINUTE).unwrap_or(NonZeroU32::MIN);
        Self {
            writes,
            admin_failures: RateLimiter::new(
                Quota::per_minute(failures),
                DefaultKeyedStateStore::default(),
                clock.clone(),
            ),
            locked_out: Mutex::new(HashMap::new()),
            trusted_proxies,
            clock,
        }
    }

    /// Takes a write token for `client`, or says in how many whole seconds one will be there.
    pub fn write(&self, client: IpAddr) -> Result<(), u64> {
        match &self.writes {
            Some(buckets) => buckets
                .check_key(&client_key(client))
                .map_err(|not_until| seconds(not_until.wait_time_from(self.clock.now()))),
            None => Ok(()),
        }
    }

    /// `Err(seconds)` while `client` is locked out of admin logins.
    pub fn admin_allowed(&self, client: IpAddr) -> Result<(), u64> {
        let locked_out = self
            .locked_out
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match locked_out.get(&client_key(client)) {
            Some(until) if *until > self.clock.now() => {
                Err(seconds(until.duration_since(self.clock.now()).into()))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed admin login; past the budget the client is locked out until a token is
    /// back, and `Err(seconds)` says for how long.
    pub fn admin_failed(&self, client: IpAddr) -> Result<(), u64> {
        let key = client_key(client);
        let Err(not_until) = self.admin_failures.check_key(&key) else {
            return Ok(());
        };
        let now = self.clock.now();
        let wait = not_until.wait_time_from(now);
        self.locked_out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, now + wait.into());
        Err(seconds(wait))
    }

    /// Forgets clients whose buckets are full again and lock-outs that ended.
    pub fn forget_idle(&self) {
        if let Some(buckets) = &self.writes {
            buckets.retain_recent();
            buckets.shrink_to_fit();
        }
        self.admin_failures.retain_recent();
        self.admin_failures.shrink_to_fit();
        let now = self.clock.now();
        self.locked_out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, until| *until > now);
    }

    /// The client of a request from `peer`: the peer itself, or, when the peer is a trusted
    /// proxy, the last address in `X-Forwarded-For` that is not one of the trusted proxies.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusted(peer) {
            return peer;
        }
        let mut client = peer;
        // Proxies append, so the right end is the nearest hop; walk left past trusted ones.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        for hop in hops.iter().rev() {
            match hop_address(hop) {
                Some(address) if self.trusted(address) => client = address,
                Some(address) => return address,
                // Garbage from the far side: what the proxy itself saw is the best knowledge.
                None => return client,
            }
        }
        client
    }

    fn trusted(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.trusted_proxies
            .iter()
            .any(|proxy| proxy.to_canonical() == address)
    }
}

/// One `X-Forwarded-For` hop's address, as proxies write it: `203.0.113.5`, `203.0.113.5:4711`,
/// `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn hop_address(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
        .or_else(|| hop.strip_prefix('[')?.strip_suffix(']')?.parse().ok())
}

/// Whether failed admin logins lock a request out: every route that takes the admin token,
/// cancelling included (a cancel takes either token), but not a shopper reading or keeping
/// their own request with its cancel token.
fn takes_admin_token(method: &Method, path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/backorders/") else {
        return true;
    };
    !matches!(
        (method, rest.split_once('/')),
        (&Method::GET, None) | (&Method::POST, Some((_, "consent")))
    )
}

/// A wait in whole seconds, rounded up and never 0.
fn seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// The key a client is counted under.
pub fn client_key(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(Ipv6Addr::from(network))
        }
        v4 => v4,
    }
}

/// The client a request came from, as the limits tell it: set by [`limit`] for the handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client(pub IpAddr);

/// Put on a response by an admin route that refused the token, so [`limit`] counts it.
#[derive(Debug, Clone, Copy)]
pub struct AdminRefused;

/// The client of a request, from the connection's peer and its headers (see [`Limits::client`]).
/// Without connection info (a router used in-process) all callers are one client.
pub fn client_of(limits: &Limits, extensions: &Extensions, headers: &HeaderMap) -> IpAddr {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |info| info.0.ip());
    limits.client(peer, headers)
}

/// Middleware: `429` with `Retry-After` when a client writes too fast, or when it made too many
/// failed admin logins and tries again. Reads pass freely.
pub async fn limit(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let limits = state.limits();
    let client = client_of(limits, request.extensions(), request.headers());
    request.extensions_mut().insert(Client(client));
    let guarded = request.headers().contains_key(header::AUTHORIZATION)
        && takes_admin_token(request.method(), request.uri().path());
    if guarded && let Err(seconds) = limits.admin_allowed(client) {
        return too_many(seconds, "too many failed admin logins");
    }
    // The shop's own scripts (receipts, uploads) carry the admin token and are not counted; a
    // wrong token is, like any other write.
    let writes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::DELETE
    ) && !super::admin::is_admin(&state, request.headers());
    if writes && let Err(seconds) = limits.write(client) {
        return too_many(seconds, "too many requests");
    }
    let response = next.run(request).await;
    if response.extensions().get::<AdminRefused>().is_some()
        && let Err(seconds) = limits.admin_failed(client)
    {
        return too_many(seconds, "too many failed admin logins");
    }
    response
}

fn too_many(seconds: u64, what: &str) -> Response {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("{what}; try again in {seconds} s"),
    )
    .retry_after(seconds)
    .into_response()
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    fn limits(per_minute: u32) -> (Limits<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let proxy = IpAddr::from([10, 0, 0, 1]);
        (
            Limits::with_clock(per_minute, vec![proxy], clock.clone()),
            clock,
        )
    }

    #[test]
    fn refills_at_the_rate_after_a_burst() {
        let (limits, clock) = limits(20);
        let ana = IpAddr::from([192, 0, 2, 1]);
        let ben = IpAddr::from([192, 0, 2, 2]);
        for _ in 0..10 {
            assert_eq!(limits.write(ana), Ok(()));
        }
        assert_eq!(limits.write(ana), Err(3), "20 a minute: one every 3 s");
        assert_eq!(limits.write(ben), Ok(()), "each client has a bucket");
        clock.advance(Duration::from_secs(3));
        assert_eq!(limits.write(ana), Ok(()));
        clock.advance(Duration::from_secs(1));
        assert_eq!(limits.write(ana), Err(2));
    }

    #[test]
    fn zero_disables_and_small_limits_have_small_bursts() {
        let (off, _) = limits(0);
        let client = IpAddr::from([192, 0, 2, 1]);
        for _ in 0..100 {
            assert_eq!(off.write(client), Ok(()));
        }
        let (limits, _) = limits(2);
        assert_eq!(limits.write(client), Ok(()));
        assert_eq!(limits.write(client), Ok(()));
        assert_eq!(limits.write(client), Err(30));
    }

    #[test]
    fn the_lock_out_guards_the_routes_that_take_the_admin_token() {
        for (method, path, guarded) in [
            (Method::GET, "/api/backorders", true),
            (Method::GET, "/api/backorders.csv", true),
            (Method::PUT, "/api/stock/A", true),
            (Method::DELETE, "/api/backorders/bo_1", true),
            (Method::POST, "/api/backorders/bo_1/ship", true),
            (Method::GET, "/api/backorders/bo_1", false),
            (Method::POST, "/api/backorders/bo_1/consent", false),
        ] {
            assert_eq!(takes_admin_token(&method, path), guarded, "{method} {path}");
        }
    }

    #[test]
    fn failed_admin_logins_lock_the_client_out() {
        let (limits, clock) = limits(0);
        let guesser = IpAddr::from([192, 0, 2, 9]);
        for _ in 0..ADMIN_FAILURES_PER_MINUTE {
            assert_eq!(limits.admin_allowed(guesser), Ok(()));
            assert_eq!(limits.admin_failed(guesser), Ok(()));
        }
        assert_eq!(
            limits.admin_failed(guesser),
            Err(6),
            "10 a minute: one every 6 s"
        );
        assert_eq!(
            limits.admin_allowed(guesser),
            Err(6),
            "even a right guess waits"
        );
        assert_eq!(limits.admin_allowed(IpAddr::from([192, 0, 2, 10])), Ok(()));
        clock.advance(Duration::from_secs(6));
        assert_eq!(limits.admin_allowed(guesser), Ok(()));
        limits.forget_idle();
        assert!(limits.locked_out.lock().expect("a lock").is_empty());
    }

    #[test]
    fn clients_are_counted_by_network_and_read_through_trusted_proxies_only() {
        let host = |last: u16| IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, last]);
        assert_eq!(client_key(host(1)), client_key(host(2)));
        let mapped = IpAddr::V6(Ipv6Addr::from([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]));
        assert_eq!(client_key(mapped), IpAddr::from([192, 0, 2, 1]));

        let (limits, _) = limits(20);
        let proxy = IpAddr::from([10, 0, 0, 1]);
        let stranger = IpAddr::from([203, 0, 113, 5]);
        let headers = |values: &[&str]| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append("x-forwarded-for", value.parse().expect("a header value"));
            }
            headers
        };
        let shopper = IpAddr::from([198, 51, 100, 7]);
        for (peer, forwarded, expected) in [
            (proxy, &["198.51.100.7"][..], shopper),
            (proxy, &["1.2.3.4, 198.51.100.7"][..], shopper),
            (proxy, &["1.2.3.4", "198.51.100.7, 10.0.0.1"][..], shopper),
            (proxy, &[][..], proxy),
            (proxy, &["not-an-address"][..], proxy),
            (proxy, &["198.51.100.7:4711"][..], shopper),
            (
                proxy,
                &["[2001:db8::7]:4711"][..],
                "2001:db8::7".parse().expect("ip"),
            ),
            (
                proxy,
                &["[2001:db8::7]"][..],
                "2001:db8::7".parse().expect("ip"),
            ),
            (stranger, &["198.51.100.7"][..], stranger),
        ] {
            assert_eq!(
                limits.client(peer, &headers(forwarded)),
                expected,
                "{peer} {forwarded:?}"
            );
        }
    }
}
