//! A page may carry its stock data in `<script type="application/json" id="demo-stock">`. The
//! copy in the file has fixed dates that go stale; every HTML page served goes through here and
//! gets that block replaced with the current availability of the whole catalog (requests
//! already accepted included), so the demo always shows true, future dates.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::availability::availability;
use super::errors::ApiError;

/// The `id` of the stock block that is replaced.
const STOCK_ID: &str = "demo-stock";

/// A storefront page larger than this is served as it is.
const MAX_PAGE_BYTES: usize = 1 << 20;

/// Middleware around the static files.
pub async fn inline_stock(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let head = request.method() == Method::HEAD;
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if response.status() != StatusCode::OK || !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The page is rewritten, so neither its length nor its file date describe what is sent, and
    // a cached copy would show stale dates.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::LAST_MODIFIED);
    parts.headers.remove(header::ETAG);
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if head {
        return Response::from_parts(parts, Body::empty());
    }
    let html = match to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => return ApiError::internal(error).into_response(),
    };
    let page = match std::str::from_utf8(&html) {
        Ok(text) if text.contains(STOCK_ID) => match availability(&state, None).await {
            Ok(stock) => match serde_json::to_string(&stock) {
                Ok(json) => replace_stock(text, &json),
                Err(error) => return ApiError::internal(error).into_response(),
            },
            Err(error) => return error.into_response(),
        },
        _ => None,
    };
    match page {
        Some(page) => Response::from_parts(parts, Body::from(page)),
        None => Response::from_parts(parts, Body::from(html)),
    }
}

/// `html` with the content of the `<script ... id="demo-stock">` element replaced by `json`, or
/// `None` when the page has no such element.
fn replace_stock(html: &str, json: &str) -> Option<String> {
    let id_at = html
        .find(&format!("id=\"{STOCK_ID}\""))
        .or_else(|| html.find(&format!("id='{STOCK_ID}'")))?;
    let tag_start = html[..id_at].rfind('<')?;
    if !html[tag_start..id_at].starts_with("<script") {
        return None;
    }
    let content_start = id_at + html[id_at..].find('>')? + 1;
    let content_end = content_start + html[content_start..].find("</script>")?;
    // Inside a script element `</script>` or `<!--` would end or confuse it; JSON can spell `<`
    // as `\u003c` and mean the same text.
    let json = json.replace('<', "\\u003c");
    Some(format!(
        "{}\n{json}\n{}",
        &html[..content_start],
        &html[content_end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(html: &str, json: &str, expected: Option<&str>) {
        assert_eq!(replace_stock(html, json).as_deref(), expected, "{html:?}");
    }

    #[test]
    fn replaces_only_the_stock_block() {
        check(
            "<p>x</p><script type=\"application/json\" id=\"demo-stock\">{\"old\": 1}</script><p>",
            "{\"new\":2}",
            Some(
                "<p>x</p><script type=\"application/json\" id=\"demo-stock\">\n{\"new\":2}\n</script><p>",
            ),
        );
        check(
            "<script id='demo-stock' type='application/json'>\n{}\n  </script>",
            "[]",
            Some("<script id='demo-stock' type='application/json'>\n[]\n</script>"),
        );
        check(
            "<script id=\"demo-stock\"></script>",
            "{\"name\":\"</script><script>alert(1)</script>\"}",
            Some(
                "<script id=\"demo-stock\">\n{\"name\":\"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\"}\n</script>",
            ),
        );
        check("<div id=\"demo-stock\"></div>", "{}", None);
        check("<p>no stock here</p>", "{}", None);
        check("<script id=\"demo-stock\">unterminated", "{}", None);
    }
}
