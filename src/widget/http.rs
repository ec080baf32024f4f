//! HTTP as the widgets see it: requests and answers as plain values, behind a trait the page
//! fills with `fetch` and tests with a recording double; and which request each stored message
//! makes.

use crate::outbox::queue::{Action, Pending, Reservation};
use crate::text::{concat, decimal, uri_component};

/// One HTTP request, with a text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    /// Header names are always ours, so they are constants.
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    /// `GET url`, asking for JSON.
    pub fn get_json(url: String) -> Self {
        Self {
            method: "GET",
            url,
            headers: vec![("Accept", "application/json".to_owned())],
            body: None,
        }
    }
}

/// One HTTP response, with a text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<String>,
    pub body: String,
}

impl HttpResponse {
    /// `HTTP 503`, for the console.
    pub fn status_text(&self) -> String {
        concat(&["HTTP ", &decimal(self.status)])
    }
}

/// Why no response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The network failed (offline, refused, CORS).
    Network(String),
    /// No answer within the timeout.
    Timeout,
    /// The response body was larger than the transport accepts.
    TooLarge,
}

impl TransportError {
    /// What went wrong, for the console and `backorder:queued`.
    pub fn message(&self) -> String {
        match self {
            Self::Network(detail) => concat(&["network error: ", detail]),
            Self::Timeout => "no answer in time".to_owned(),
            Self::TooLarge => "the response is too large".to_owned(),
        }
    }
}

/// What a transport calls with the answer to one request.
pub type Answered = Box<dyn FnOnce(Result<HttpResponse, TransportError>)>;

/// Sends HTTP requests. Single-threaded, like the page.
pub trait Transport {
    /// Sends `request` and calls `answered` exactly once, always after `send` has returned, so
    /// a caller never hears its answer while it is still changing its own state.
    fn send(&self, request: HttpRequest, answered: Answered);
}

/// The HTTP request a stored message makes.
pub fn http_request(pending: &Pending) -> HttpRequest {
    let at = |id: &str, suffix: &str| {
        concat(&[
            pending.endpoint.trim_end_matches('/'),
            "/",
            &uri_component(id),
            suffix,
        ])
    };
    let bearer = |token: &str| vec![("Authorization", concat(&["Bearer ", token]))];
    match &pending.action {
        Action::Submit => HttpRequest {
            method: "POST",
            url: pending.endpoint.clone(),
            headers: vec![
                ("Content-Type", "application/json".to_owned()),
                ("Idempotency-Key", pending.key.clone()),
            ],
            body: Some(pending.body.clone()),
        },
        Action::Cancel { id, token } => HttpRequest {
            method: "DELETE",
            url: at(id, ""),
            headers: bearer(token),
            body: None,
        },
        Action::Consent { id, token } => HttpRequest {
            method: "POST",
            url: at(id, "/consent"),
            headers: bearer(token),
            body: None,
        },
    }
}

/// `GET {endpoint}/{id}` with the cancel token: how a remembered reservation stands now. `None`
/// when the browser has nothing to ask with.
pub fn status_request(reservation: &Reservation) -> Option<HttpRequest> {
    let token = reservation.cancel_token.as_deref()?;
    if reservation.id.is_empty() {
        return None;
    }
    Some(HttpRequest {
        method: "GET",
        url: concat(&[
            reservation.endpoint.trim_end_matches('/'),
            "/",
            &uri_component(&reservation.id),
        ]),
        headers: vec![("Authorization", concat(&["Bearer ", token]))],
        body: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::request::RequestKind;
    use crate::widget::reservation::tests::reservation;

    fn pending(action: Action) -> Pending {
        Pending {
            key: "key-1".to_owned(),
            endpoint: "https://shop.example/api/backorders/".to_owned(),
            sku: "SCARF".to_owned(),
            kind: RequestKind::Backorder,
            quantity: 1,
            body: "{}".to_owned(),
            created_ms: 0,
            attempts: 0,
            next_attempt_ms: 0,
            action,
        }
    }

    #[test]
    fn each_stored_message_makes_its_own_request() {
        let target = |id: &str| Action::Cancel {
            id: id.to_owned(),
            token: "t".to_owned(),
        };
        let consent = Action::Consent {
            id: "bo_1".to_owned(),
            token: "t".to_owned(),
        };
        // (the message, the method, the URL, the header that carries who asks, a body)
        let table = [
            (
                Action::Submit,
                "POST",
                "https://shop.example/api/backorders/",
                ("Idempotency-Key", "key-1"),
                true,
            ),
            (
                target("a/b"),
                "DELETE",
                "https://shop.example/api/backorders/a%2Fb",
                ("Authorization", "Bearer t"),
                false,
            ),
            (
                consent,
                "POST",
                "https://shop.example/api/backorders/bo_1/consent",
                ("Authorization", "Bearer t"),
                false,
            ),
        ];
        for (action, method, url, (header, value), body) in table {
            let request = http_request(&pending(action));
            assert_eq!((request.method, request.url.as_str()), (method, url));
            let found = request.headers.iter().find(|(name, _)| *name == header);
            assert_eq!(found.map(|(_, found)| found.as_str()), Some(value), "{url}");
            assert_eq!(request.body.is_some(), body, "{url}");
        }
    }

    #[test]
    fn a_reservation_is_asked_about_only_with_its_token_and_id() {
        let asked = status_request(&reservation("SCARF")).expect("a request");
        assert_eq!((asked.method, asked.url.as_str()), ("GET", "/api/bo_1"));
        let mut tokenless = reservation("SCARF");
        tokenless.cancel_token = None;
        assert_eq!(status_request(&tokenless), None);
        let mut nameless = reservation("SCARF");
        nameless.id.clear();
        assert_eq!(status_request(&nameless), None);
    }
}
