//! Reading the endpoint's answers (`outbox::answer` says what each means).

use super::js::read_json;
use crate::outbox::answer::Outcome;
use crate::view::Current;
use crate::widget::http::HttpResponse;
use crate::wire::{Accepted, ErrorBody, RequestStatus};

impl Outcome {
    pub fn from_response(response: &HttpResponse) -> Self {
        if matches!(response.status, 200 | 201) {
            return match read_json::<Accepted>(&response.body) {
                Some(Ok(accepted)) => Self::Accepted(accepted),
                _ => Self::Unreadable,
            };
        }
        let body = error_body(&response.body);
        match response.status {
            422 => Self::Invalid(body.errors),
            409 => Self::Exceeds {
                remaining: body.remaining.unwrap_or(0),
            },
            status => Self::Rejected {
                status,
                message: body.message,
            },
        }
    }
}

/// An error answer's body; empty when it does not read.
fn error_body(body: &str) -> ErrorBody {
    read_json(body).and_then(Result::ok).unwrap_or_default()
}

/// A request's current status, `GET {endpoint}/{id}`'s answer; `None` when it does not read
/// (the widget then says it could not check, and shows what it remembered).
pub fn current_status(body: &str) -> Option<Current> {
    let status = read_json::<RequestStatus>(body)?.ok()?;
    Some(Current::of(status))
}

/// The `error` code of an error answer's JSON body (`{"error": "unknown_request", …}`).
pub fn error_code(body: &str) -> Option<String> {
    error_body(body).error
}
