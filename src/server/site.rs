//! The static storefront's hygiene: hidden files are never served, and an error answer always
//! says what went wrong in its body.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Middleware on the static files: `404` for any path with a segment starting with `.`
/// (`/pkg/.gitignore`, `/.git/config`), and a plain-text body on every error answer, which
/// `ServeDir` leaves empty.
pub async fn static_files(request: Request, next: Next) -> Response {
    let hidden = request.uri().path().split('/').any(|segment| {
        segment.starts_with('.') || segment.starts_with("%2e") || segment.starts_with("%2E")
    });
    let response = match hidden {
        true => StatusCode::NOT_FOUND.into_response(),
        false => next.run(request).await,
    };
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    let reason = status.canonical_reason().unwrap_or("error");
    Response::from_parts(parts, Body::from(format!("{} {reason}\n", status.as_u16())))
}
