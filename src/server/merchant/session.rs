//! - The admin token is typed once. It opens a session kept in the database; the browser holds
//!   only its random id, in a cookie that scripts cannot read (`HttpOnly`), that no other site's
//!   page sends (`SameSite=Strict`), limited to `/admin`, ending after [`LIFETIME`], and
//!   `Secure` unless a browser on this machine asked for it directly (`localhost`, a loopback
//!   address, and no proxy's forwarding header).
//! - Every form carries the session's own token, and a `POST` without the right one changes
//!   nothing (CSRF). The log-in form itself, before any session, carries a token that must match
//!   a cookie set with the form (a double-submit token), so no other site can log a browser in.
//! - Failed log-ins count against the same lock-out as the API's wrong admin tokens.
//!
//! [`LIFETIME`]: crate::server::merchant::session::LIFETIME

use std::net::IpAddr;

use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{DateTime, TimeDelta, Utc};

use crate::server::store::sessions::Session;
use crate::server::{AppState, secrets};

/// How long a log-in lasts: a working day, so a shared computer left open closes by itself.
pub const LIFETIME: TimeDelta = TimeDelta::hours(12);

/// The session cookie.
pub const SESSION_COOKIE: &str = "backorder_admin";

/// The log-in form's double-submit cookie.
pub const LOGIN_COOKIE: &str = "backorder_login";

/// Where the cookies are sent: the merchant's page only, never the storefront or the API.
const PATH: &str = "/admin";

/// The session a request's cookie names, if it is live at `now`.
pub async fn current(
    state: &AppState,
    jar: &CookieJar,
    now: DateTime<Utc>,
) -> Option<Result<Session, crate::server::store::records::StoreError>> {
    let id = jar.get(SESSION_COOKIE)?.value().to_owned();
    // A cookie that is not one of ours is no session; it is not worth a database read.
    if !looks_like_ours(&id) {
        return None;
    }
    state.store().session(id, now).await.transpose()
}

/// Whether `value` has the shape of the tokens this module makes (32 letters and digits).
pub fn looks_like_ours(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

/// Whether the form token `given` is the session's.
pub fn form_token_matches(session: &Session, given: Option<&str>) -> bool {
    given.is_some_and(|given| secrets::secrets_match(given, &session.csrf))
}

/// The session cookie: it ends with the session, [`LIFETIME`] from now.
pub fn session_cookie(id: String, headers: &HeaderMap) -> Cookie<'static> {
    cookie(SESSION_COOKIE, id, headers)
        .max_age(cookie::time::Duration::seconds(LIFETIME.num_seconds()))
        .build()
}

/// The log-in form's cookie: it lives as long as the browser does.
pub fn login_cookie(token: String, headers: &HeaderMap) -> Cookie<'static> {
    cookie(LOGIN_COOKIE, token, headers).build()
}

/// A cookie named `name` as `removal` expects it (the same path).
pub fn removal(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, "")).path(PATH).build()
}

fn cookie(
    name: &'static str,
    value: String,
    headers: &HeaderMap,
) -> cookie::CookieBuilder<'static> {
    Cookie::build((name, value))
        .path(PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(!on_this_machine(headers))
}

/// Whether a browser on this machine asked for the page directly, by a name of this machine:
/// only then may a session travel over plain HTTP (the demo, a developer's laptop). Anywhere
/// else the cookie is `Secure`, so a browser sends it over HTTPS only. A reverse proxy on this
/// machine often passes `Host: 127.0.0.1`; the forwarding header it adds (`Forwarded`,
/// `X-Forwarded-*`) says a browser elsewhere is behind it.
pub fn on_this_machine(headers: &HeaderMap) -> bool {
    let forwarded = [
        "forwarded",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
    ];
    if forwarded.iter().any(|name| headers.contains_key(*name)) {
        return false;
    }
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    // `[::1]:8080`, `127.0.0.1:8080`, `localhost:8080`, `shop.localhost`.
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_this_machine_go_without_secure() {
        for (host, here) in [
            ("localhost:8080", true),
            ("LOCALHOST", true),
            ("shop.localhost:8080", true),
            ("127.0.0.1:8080", true),
            ("127.8.9.1", true),
            ("[::1]:8080", true),
            ("[::1]", true),
            ("shop.example", false),
            ("shop.example:443", false),
            ("192.168.1.20:8080", false),
            ("[2001:db8::1]:8080", false),
            ("localhost.example.com", false),
            ("", false),
        ] {
            let mut headers = HeaderMap::new();
            if !host.is_empty() {
                headers.insert(
                    header::HOST,
                    host.parse().unwrap_or_else(|_| unreachable!()),
                );
            }
            assert_eq!(on_this_machine(&headers), here, "{host:?}");
        }
        // A proxy on this machine that says whom it forwards for: a browser elsewhere.
        let mut headers = HeaderMap::new();
        headers.insert(
            header::HOST,
            axum::http::HeaderValue::from_static("127.0.0.1:8080"),
        );
        headers.insert(
            "x-forwarded-proto",
            axum::http::HeaderValue::from_static("https"),
        );
        assert!(!on_this_machine(&headers));
    }
}
