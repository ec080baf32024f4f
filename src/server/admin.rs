//! `GET /api/backorders` (JSON), `GET /api/backorders.csv`, and `POST /api/backorders/{id}/ship`.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::ApiError;
use super::store::read::Cursor;
use super::store::records::{RequestRow, Shipment};
use super::{AppState, clock, secrets};

/// The token of an `Authorization: Bearer <token>` header, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether the request carries the admin token.
pub fn is_admin(state: &AppState, headers: &HeaderMap) -> bool {
    bearer_token(headers).is_some_and(|token| secrets::secrets_match(token, state.admin_token()))
}

/// `401` unless the admin token is sent. A wrong token counts as a failed login, which the rate
/// limits lock out after a few (a missing one does not: it guesses nothing).
pub fn require_admin(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if is_admin(state, headers) {
        return Ok(());
    }
    let refused = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "send the admin token as Authorization: Bearer <token>",
    );
    Err(match bearer_token(headers) {
        Some(_) => refused.admin_refused(),
        None => refused,
    })
}

/// Every request, oldest first, with its current place in line: `{"requests": [...]}`,
/// streamed.
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    require_admin(&state, &headers)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        export(state, Format::Json),
    )
        .into_response())
}

/// Rows read from the database for each piece of a streamed export.
const PAGE_ROWS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

/// Where a streamed export stands.
struct Export {
    state: AppState,
    format: Format,
    cursor: Cursor,
    /// Whether the opening (`{"requests":[`, the CSV header) went out.
    opened: bool,
    rows_sent: bool,
}

/// Every request as a body that reads one page at a time, only when the client takes the
/// previous one: memory stays one page whatever the row count, and a slow client holds no
/// database connection. A failure part way cuts the answer off, so a client sees an incomplete
/// body, never a short export that looks whole.
fn export(state: AppState, format: Format) -> Body {
    let start = Export {
        state,
        format,
        cursor: Cursor::default(),
        opened: false,
        rows_sent: false,
    };
    let pieces = futures_util::stream::unfold(Some(start), |export| async move {
        let mut export = export?;
        let page = export
            .state
            .store()
            .list_page(std::mem::take(&mut export.cursor), PAGE_ROWS)
            .await;
        let (rows, cursor) = match page {
            Ok(page) => page,
            Err(error) => {
                eprintln!("error: the export stopped: {error}");
                return Some((Err(std::io::Error::other(error.to_string())), None));
            }
        };
        let mut piece = String::new();
        let first = !std::mem::replace(&mut export.opened, true);
        let last = rows.len() < PAGE_ROWS;
        match export.format {
            Format::Json => {
                if first {
                    piece.push_str("{\"requests\":[");
                }
                for row in &rows {
                    if export.rows_sent {
                        piece.push(',');
                    }
                    match serde_json::to_string(row) {
                        Ok(json) => piece.push_str(&json),
                        Err(error) => return Some((Err(std::io::Error::other(error)), None)),
                    }
                    export.rows_sent = true;
                }
                if last {
                    piece.push_str("]}");
                }
            }
            Format::Csv => {
                if first {
                    push_line(
                        &mut piece,
                        COLUMNS.iter().map(|column| (*column).to_owned()),
                    );
                }
                push_rows(&mut piece, &rows);
                export.rows_sent |= !rows.is_empty();
            }
        }
        export.cursor = cursor;
        Some((Ok(Bytes::from(piece)), (!last).then_some(export)))
    });
    Body::from_stream(pieces)
}

/// Every request as CSV, streamed as [`export`] does (the merchant's page's download).
pub fn csv_export(state: AppState) -> Body {
    export(state, Format::Csv)
}

/// `POST /api/backorders/{id}/ship`: the shop handed a ready request to the carrier.
pub async fn ship(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require_admin(&state, &headers)?;
    let shipment = {
        let id = id.clone();
        state
            .with_store(move |store| store.ship(&id, clock::now()))
            .await?
    };
    match shipment {
        Shipment::Shipped { shipped_at } => Ok(Json(
            json!({"id": id, "status": "shipped", "shipped_at": shipped_at}),
        )),
        Shipment::NotReady { status } => Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_ready",
            format!("only a request whose units are all set aside can ship; this one is {status}"),
        )
        .with("status", json!(status))),
        Shipment::NotFound => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no request with this id",
        )),
    }
}

/// The same rows as CSV, for a spreadsheet, streamed.
pub async fn csv(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    require_admin(&state, &headers)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"backorders.csv\""),
            ),
        ],
        export(state, Format::Csv),
    )
        .into_response())
}

const COLUMNS: [&str; 26] = [
    "id",
    "status",
    "sku",
    "kind",
    "quantity",
    "allocated",
    "queue_position",
    "expected_date",
    "shown_expected_date",
    "current_date",
    "needs_consent",
    "consent_by",
    "email",
    "name",
    "consent_given",
    "consent_text",
    "locale",
    "page",
    "idempotency_key",
    "created_at",
    "received_at",
    "shipped_at",
    "cancelled_at",
    "cancelled_by",
    "refund_due",
    "units_ahead",
];

/// Rows as RFC 4180 CSV lines (CRLF line ends), under the header row of [`COLUMNS`].
fn push_rows(out: &mut String, rows: &[RequestRow]) {
    for row in rows {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        push_line(
            out,
            [
                row.id.clone(),
                row.status.clone(),
                row.sku.clone(),
                row.kind.clone(),
                row.quantity.to_string(),
                row.allocated.to_string(),
                row.queue_position
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                text(&row.expected_date),
                text(&row.shown_expected_date),
                text(&row.current_date),
                row.needs_consent.to_string(),
                text(&row.consent_by),
                row.email.clone(),
                text(&row.name),
                row.consent_given.to_string(),
                row.consent_text.clone(),
                text(&row.locale),
                text(&row.page),
                row.idempotency_key.clone(),
                text(&row.created_at),
                row.received_at.clone(),
                text(&row.shipped_at),
                text(&row.cancelled_at),
                text(&row.cancelled_by),
                text(&row.refund_due),
                row.units_ahead.map(|n| n.to_string()).unwrap_or_default(),
            ],
        );
    }
}

fn push_line(out: &mut String, cells: impl IntoIterator<Item = String>) {
    for (index, cell) in cells.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&csv_cell(&cell));
    }
    out.push_str("\r\n");
}

/// One cell, quoted when it must be. Text a spreadsheet would run as a formula gets a leading
/// `'`, because names and consent texts come from shoppers and a formula in them is an attack on
/// whoever opens the export. A formula is text that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return, after any spaces or invisible characters (zero-width spaces, joiners, the
/// byte-order mark), which spreadsheets skip.
pub(super) fn csv_cell(value: &str) -> String {
    let visible = value.trim_start_matches(|c: char| {
        c.is_whitespace() && !matches!(c, '\t' | '\r')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}')
    });
    let value = if visible.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    // `;` too: spreadsheets in many European locales split on it.
    if value.contains([',', ';', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: &str, expected: &str) {
        assert_eq!(csv_cell(value), expected, "{value:?}");
    }

    #[test]
    fn cells_are_quoted_and_defused() {
        check("plain", "plain");
        check("", "");
        check("Ana, María", "\"Ana, María\"");
        check("say \"hi\"", "\"say \"\"hi\"\"\"");
        check("two\nlines", "\"two\nlines\"");
        check("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
        check("+1", "'+1");
        check("-2", "'-2");
        check("@SUM(A1)", "'@SUM(A1)");
        check("\tx", "'\tx");
        check("a=b", "a=b");
        check("a;=WEBSERVICE(1)", "\"a;=WEBSERVICE(1)\"");
        check(" =1+1", "' =1+1");
        check("\u{200b}=1+1", "'\u{200b}=1+1");
        check("\u{feff}\u{2060}@SUM(A1)", "'\u{feff}\u{2060}@SUM(A1)");
        check("\u{a0}-3", "'\u{a0}-3");
        check(" plain", " plain");
    }

    #[test]
    fn bearer_tokens() {
        let check = |value: &str, expected: Option<&str>| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(value).expect("a header value"),
            );
            assert_eq!(bearer_token(&headers), expected, "{value:?}");
        };
        check("Bearer abc", Some("abc"));
        check("bearer  abc ", Some("abc"));
        check("Basic abc", None);
        check("Bearer", None);
        check("Bearer ", None);
    }
}
