//! What the endpoint's answers say, read from their bodies: a delivered request's outcome
//! (`outbox::answer` says what each outcome means for the outbox), and a status check's.

use super::http::{HttpResponse, TransportError};
use crate::outbox::answer::Outcome;
use crate::view::reservation::Current;
use crate::wire::{Accepted, ErrorBody, ReadJson, RequestStatus, Tree, read};

/// What the endpoint said to a delivered request.
pub fn outcome(response: &HttpResponse, json: ReadJson) -> Outcome {
    if matches!(response.status, 200 | 201) {
        return match read_body::<Accepted>(&response.body, json) {
            Some(accepted) => Outcome::Accepted(accepted),
            None => Outcome::Unreadable,
        };
    }
    let body = error_body(&response.body, json);
    match response.status {
        422 => Outcome::Invalid(body.errors),
        409 => Outcome::Exceeds {
            remaining: body.remaining.unwrap_or(0),
        },
        status => Outcome::Rejected {
            status,
            message: body.message,
        },
    }
}

/// A status check's answer (`GET {endpoint}/{id}`), as read from the response: the model
/// decides what each status means.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    /// `None`: no answer (offline).
    pub status: Option<u16>,
    /// The `error` code of an error body.
    pub error_code: Option<String>,
    /// The request's status, when the body reads as one (the widget otherwise says it could
    /// not check, and shows what it remembered).
    pub current: Option<Current>,
}

impl Checked {
    pub fn read(answer: &Result<HttpResponse, TransportError>, json: ReadJson) -> Self {
        let Ok(response) = answer else {
            return Self::default();
        };
        // One document, read as an error body and as a status: the model decides which counts.
        let document = json(&response.body);
        Self {
            status: Some(response.status),
            error_code: read_tree::<ErrorBody>(document.as_ref()).and_then(|body| body.error),
            current: read_tree::<RequestStatus>(document.as_ref()).map(Current::of),
        }
    }
}

/// A body as a wire type; `None` when it is not JSON or does not read as one.
fn read_body<T: serde::de::DeserializeOwned>(body: &str, json: ReadJson) -> Option<T> {
    read_tree(json(body).as_ref())
}

/// A document as a wire type; `None` when there is none or it does not read as one.
fn read_tree<T: serde::de::DeserializeOwned>(document: Option<&Tree>) -> Option<T> {
    read(document?).ok()
}

/// An error answer's body; empty when it does not read.
fn error_body(body: &str, json: ReadJson) -> ErrorBody {
    read_body(body, json).unwrap_or_default()
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use super::*;
    use crate::widget::fakes::response;
    use crate::wire::parse_json;

    #[test]
    fn each_answer_is_read_for_what_it_says() {
        // (status, body, the outcome's name)
        let table = [
            (201, r#"{"id": "r1", "status": "pending"}"#, "accepted"),
            (200, r#"{"id": "r1", "status": "pending"}"#, "accepted"),
            (201, "<html>", "unreadable"),
            (
                422,
                r#"{"errors": [{"field": "email", "message": "bad"}]}"#,
                "invalid",
            ),
            (409, r#"{"remaining": 2}"#, "exceeds 2"),
            (409, "not json", "exceeds 0"),
            (503, "", "rejected 503"),
        ];
        for (status, body, expected) in table {
            let name = match outcome(&response(status, body), parse_json) {
                Outcome::Accepted(_) => "accepted".to_owned(),
                Outcome::Unreadable => "unreadable".to_owned(),
                Outcome::Invalid(errors) => {
                    assert_eq!(errors.len(), 1);
                    "invalid".to_owned()
                }
                Outcome::Exceeds { remaining } => format!("exceeds {remaining}"),
                Outcome::Rejected { status, .. } => format!("rejected {status}"),
            };
            assert_eq!(name, expected, "{status} {body}");
        }
    }

    #[test]
    fn a_status_check_reads_the_code_and_the_status_and_no_answer_reads_as_nothing() {
        let gone = Checked::read(
            &Ok(response(404, r#"{"error": "unknown_request"}"#)),
            parse_json,
        );
        assert_eq!(gone.status, Some(404));
        assert_eq!(gone.error_code.as_deref(), Some("unknown_request"));
        assert_eq!(gone.current, None);
        let offline = Checked::read(
            &Err(TransportError::Network("offline".to_owned())),
            parse_json,
        );
        assert_eq!(offline, Checked::default());
    }
}
