//! A client never has to parse plain text, whichever layer refused the request.

use axum::body::Body;
use axum::extract::Request;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::rate_limit::AdminRefused;
use crate::domain::request::FieldError;

/// An API error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: Map<String, Value>,
    retry_after_seconds: Option<u64>,
    admin_refused: bool,
}

impl ApiError {
    /// `code` is a stable machine word such as `exceeds`; `message` is for a developer.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        let mut body = Map::new();
        body.insert("error".to_owned(), Value::from(code));
        body.insert("message".to_owned(), Value::from(message.into()));
        Self {
            status,
            body,
            retry_after_seconds: None,
            admin_refused: false,
        }
    }

    /// `422` with per-field errors, the shape the widget shows next to its fields.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "some fields need attention",
        )
        .with("errors", json!(errors))
    }

    /// `422` with one field error.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::fields(vec![FieldError::new(field, code, message)])
    }

    /// `500`. The cause goes to the log, not to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        eprintln!("error: {cause}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server could not answer; try again",
        )
    }

    /// Adds a field to the body, such as `remaining`.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.body.insert(key.to_owned(), value);
        self
    }

    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_seconds = Some(seconds);
        self
    }

    /// Marks a refused admin login, which the rate limits count.
    pub fn admin_refused(mut self) -> Self {
        self.admin_refused = true;
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(Value::Object(self.body))).into_response();
        if self.admin_refused {
            response.extensions_mut().insert(AdminRefused);
        }
        if let Some(seconds) = self.retry_after_seconds {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A body axum could not read (too large, cut off), in the JSON shape.
pub fn body_rejected(rejection: BytesRejection) -> ApiError {
    let status = rejection.status();
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "too_large"
    } else {
        "bad_request"
    };
    ApiError::new(status, code, rejection.body_text())
}

/// The media type a request says its body is (`text/csv` of `text/csv; charset=utf-8`),
/// lower case; empty when it says none.
pub fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// `415`: only `accepted` bodies are read.
pub fn unsupported_media_type(accepted: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!("send the body as Content-Type: {accepted}"),
    )
}

/// `422` for a JSON body of the wrong shape (`code`, and what it should have been), with the
/// `errors` array every `422` has, so a client reads one shape.
pub fn unreadable(code: &str, expected: &str, problem: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        code,
        format!("the body is not {expected}: {problem}"),
    )
    .with(
        "errors",
        json!([{"field": "body", "code": code, "message": problem}]),
    )
}

/// Middleware: turns any error answer that is not JSON (axum's own 404, 405, 413 and rejection
/// texts) into the JSON shape, keeping its status and headers.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        status if status.is_server_error() => "internal",
        _ => "bad_request",
    };
    let message = status.canonical_reason().unwrap_or("error").to_lowercase();
    let body = json!({"error": code, "message": message}).to_string();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// `404` for every unknown path under `/api/`.
pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API endpoint")
}

/// The longest URL read: an availability query for 500 SKUs of 60 characters fits.
pub const MAX_URI_BYTES: usize = 32 * 1024;

/// Middleware: `414` in the JSON shape for a URL over [`MAX_URI_BYTES`]; hyper's own limit is
/// far above and would answer with an empty body.
pub async fn uri_limit(request: Request, next: Next) -> Response {
    if request.uri().to_string().len() > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the request's URL is longer than {MAX_URI_BYTES} bytes"),
        )
        .into_response();
    }
    next.run(request).await
}
