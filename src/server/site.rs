use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether a path names a hidden file or folder, as `ServeDir` will read it: it decodes the
/// whole path before splitting it, so an encoded `.` or slash counts as one.
fn is_hidden(path: &str) -> bool {
    let path = path.to_ascii_lowercase();
    path.contains("%2f")
        || path.contains("%5c")
        || path.contains('\\')
        || path
            .split('/')
            .any(|segment| segment.starts_with('.') || segment.starts_with("%2e"))
}

/// Middleware on the static files: `404` for any path with a segment starting with `.`
/// (`/pkg/.gitignore`, `/.git/config`), and a plain-text body on every error answer, which
/// `ServeDir` leaves empty.
pub async fn static_files(request: Request, next: Next) -> Response {
    let hidden = is_hidden(request.uri().path());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_paths_however_they_are_written() {
        for hidden in [
            "/.git/config",
            "/pkg/.gitignore",
            "/pkg/%2egitignore",
            "/pkg/%2Egitignore",
            "/pkg%2F.gitignore",
            "/pkg%2f%2egitignore",
            "/pkg%5c.gitignore",
        ] {
            assert!(is_hidden(hidden), "{hidden}");
        }
        for shown in ["/", "/index.html", "/pkg/backorder_widget.js", "/a.b/c.d"] {
            assert!(!is_hidden(shown), "{shown}");
        }
    }
}
