//! The cancel token opens `GET /api/backorders/{id}` (the current truth),
//! `POST /api/backorders/{id}/consent` (keep it through a delay) and `DELETE /api/backorders/{id}`
//! (cancel; the admin token cancels for the merchant).
//!
//! Validation and the promise come from the domain (`check_request`, then `offer`), the same code
//! the widget ran before sending, so page and endpoint never disagree about what is allowed.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::{ApiError, body_rejected, media_type, unsupported_media_type};
use super::store::records::{Cancellation, Granted, NewRequest, Submission};
use super::store::requests::Offered;
use super::{AppState, admin, clock, secrets};
use crate::domain::request::{
    CheckedRequest, OfferError, check_request, offer, within_shopper_cap,
};
use crate::wire::{BackorderRequest, Tree};

/// A request body is a few hundred bytes; anything near this is not from the widget.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(body_rejected)?;
    let mut request = parse_body(&headers, &body)?;
    let header_key = idempotency_key(&headers)?;
    match &request.idempotency_key {
        Some(body_key) if *body_key != header_key => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "idempotency_key_mismatch",
                "the Idempotency-Key header and the body's idempotency_key differ",
            ));
        }
        Some(_) => {}
        None => request.idempotency_key = Some(header_key),
    }
    let checked = check_request(&request).map_err(ApiError::fields)?;
    let new = new_request(&request, &checked);
    let submission = state
        .with_store(move |store| {
            store.submit(&new, clock::now(), |offered| decide(offered, &checked))
        })
        .await?;
    match submission {
        Submission::Created(accepted) => Ok((StatusCode::CREATED, Json(accepted)).into_response()),
        Submission::Replayed(original) | Submission::AlreadySignedUp(original) => Ok((
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            Body::from(original),
        )
            .into_response()),
        Submission::KeyReused => Err(ApiError::field(
            "idempotency_key",
            "idempotency_key_reused",
            "this idempotency key was already used for a different request; use a new key",
        )),
        Submission::Cancelled => Err(ApiError::new(
            StatusCode::GONE,
            "cancelled",
            "the request with this idempotency key was cancelled; send a new request to reserve again",
        )),
        Submission::Refused(refusal) => Err(refusal),
    }
}

/// Only `application/json` (any parameters) is read. A body that is not JSON is `400`; JSON of
/// the wrong shape (a number where text belongs, an array instead of an object) is `422`.
fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<BackorderRequest, ApiError> {
    if media_type(headers) != "application/json" {
        return Err(unsupported_media_type("application/json"));
    }
    let not_a_request = |problem: String| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            format!("the body is not a backorder request: {problem}"),
        )
        .with("errors", json!([]))
    };
    let document: Tree = serde_json::from_slice(body).map_err(|error| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the body is not JSON: {error}"),
        )
    })?;
    // The widget's own reader (`wire::read`): only an object is a request, and a field of the
    // wrong type is named as the browser names it.
    crate::wire::read(&document).map_err(|error| not_a_request(error.message()))
}

/// The request's one `Idempotency-Key`: printable ASCII, present once.
fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let mut keys = headers.get_all("idempotency-key").iter();
    let (Some(key), None) = (keys.next(), keys.next()) else {
        return Err(match headers.contains_key("idempotency-key") {
            true => ApiError::new(
                StatusCode::BAD_REQUEST,
                "idempotency_key_repeated",
                "send one Idempotency-Key header, not several",
            ),
            false => key_required(),
        });
    };
    let key = key.to_str().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "the Idempotency-Key must be 8 to 128 letters, digits, - or _",
        )
    })?;
    match key.trim() {
        "" => Err(key_required()),
        key => Ok(key.to_owned()),
    }
}

fn key_required() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "idempotency_key_required",
        "send an Idempotency-Key header, unique per request and reused on retries",
    )
}

/// What tells a replay from a reused key: what the shopper asked for, as the validator
/// understood it (trimmed email, name and sku), without the key itself and the client's
/// timestamp: a retry may restamp `created_at` or differ by a space the validator ignores, and it
/// is still the same request.
///
/// The fields are named here one by one, never taken from a type's serde output: renaming a
/// field in the code must not change the fingerprint of a request stored before the deploy, or
/// its retries would be refused as a reused key. The text is a JSON object with the keys in this
/// (alphabetical) order, the bytes every stored fingerprint was computed from.
fn fingerprint(request: &BackorderRequest, checked: &CheckedRequest) -> String {
    let text = |text: &str| Value::from(text).to_string();
    let maybe = |text: Option<&str>| Value::from(text).to_string();
    let fields: [(&str, String); 9] = [
        ("consent", text(&checked.consent_text)),
        ("email", text(&checked.email)),
        ("expected_date", maybe(request.expected_date.as_deref())),
        ("kind", text(checked.kind.as_str())),
        ("locale", maybe(request.locale.as_deref())),
        ("name", maybe(checked.name.as_deref())),
        ("page", maybe(request.page.as_deref())),
        ("quantity", checked.quantity.to_string()),
        ("sku", text(&checked.sku)),
    ];
    let members: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("\"{name}\":{value}"))
        .collect();
    secrets::sha256_hex(&format!("{{{}}}", members.join(",")))
}

fn new_request(request: &BackorderRequest, checked: &CheckedRequest) -> NewRequest {
    NewRequest {
        checked: checked.clone(),
        // `check_request` refuses a request without consent, so this is always true; it is
        // stored from the body all the same, so the record says what the shopper sent.
        consent_given: request
            .consent
            .as_ref()
            .is_some_and(|consent| consent.given),
        shown_expected_date: request.expected_date.clone(),
        locale: request.locale.clone(),
        page: request.page.clone(),
        request_hash: fingerprint(request, checked),
        created_at: request.created_at.clone(),
        received_at: clock::now_utc(),
    }
}

/// The domain's decision for `checked`, against the product as a new shopper's page sees it.
fn decide(offered: Offered, checked: &CheckedRequest) -> Result<Granted, ApiError> {
    let stock = offered.stock.ok_or_else(|| {
        ApiError::field("sku", "unknown_sku", "this shop has no item with this sku")
    })?;
    match offer(
        stock,
        offered.calendar,
        checked.kind,
        checked.quantity,
        offered.today,
    ) {
        Ok(offer) => {
            if checked.kind.reserves_units()
                && let Err(OfferError::Exceeds { remaining }) = within_shopper_cap(
                    stock,
                    offered.calendar,
                    offered.held_by_shopper,
                    checked.quantity,
                )
            {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "exceeds",
                    format!(
                        "this email already holds {} of this item; only {remaining} more can be \
                         reserved for it",
                        offered.held_by_shopper
                    ),
                )
                .with("remaining", json!(remaining))
                .with("per_shopper", json!(true)));
            }
            Ok(Granted {
                expected_date: offer.expected_ship_date,
                units_ahead: stock.already_promised,
            })
        }
        Err(OfferError::Exceeds { remaining }) => Err(exceeds(remaining)),
        Err(OfferError::WrongKind { offered }) => Err(ApiError::field(
            "kind",
            "kind_not_offered",
            match offered {
                Some(kind) => format!("this item takes {} requests now", kind.as_str()),
                None => "this item takes no requests now".to_owned(),
            },
        )),
    }
}

fn exceeds(remaining: u32) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "exceeds",
        format!("only {remaining} more units can be promised with a date"),
    )
    .with("remaining", json!(remaining))
}

/// The cancel token the request's `201` returned: `Authorization: Bearer <token>`, or `?token=`
/// for a link in an email.
fn token_of(
    headers: &HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<String, ApiError> {
    let from_query = query.ok().and_then(|Query(pairs)| {
        pairs
            .into_iter()
            .find(|(name, _)| name == "token")
            .map(|(_, token)| token)
    });
    admin::bearer_token(headers)
        .map(str::to_owned)
        .or(from_query)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "token_required",
                "send the cancel token as Authorization: Bearer <token> or ?token=",
            )
        })
}

/// A wrong token and an unknown id both answer `404`, so ids cannot be probed. The code is not
/// the router's `not_found`: a widget forgets a reservation only when the endpoint itself says
/// it has no such request, never for a wrong URL.
fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_request",
        "no request with this id and cancel token",
    )
}

/// Cancels with the request's cancel token, or with the admin token for the merchant. The
/// units it held go to the next in line.
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let token = match admin::is_admin(&state, &headers) {
        true => None,
        false => Some(token_of(&headers, query)?),
    };
    let outcome = {
        let id = id.clone();
        state
            .with_store(move |store| store.cancel(&id, token.as_deref(), clock::now()))
            .await?
    };
    match outcome {
        Cancellation::Cancelled { cancelled_at }
        | Cancellation::AlreadyCancelled { cancelled_at } => Ok(Json(
            json!({"id": id, "status": "cancelled", "cancelled_at": cancelled_at}),
        )),
        Cancellation::Shipped => Err(ApiError::new(
            StatusCode::CONFLICT,
            "shipped",
            "it has shipped; there is nothing left to cancel",
        )),
        // A wrong token here may be a guess at the admin token (it cancels too): counted as
        // a failed admin login, so cancelling one's own request is no guessing oracle.
        Cancellation::NotFound => Err(not_found().admin_refused()),
    }
}

/// `GET /api/backorders/{id}`: the request as it stands now, with its history.
pub async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let token = token_of(&headers, query)?;
    let status = state
        .store()
        .status(id, token)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(not_found)?;
    let mut response = Json(status).into_response();
    // Personal and changing: never kept by a cache.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /api/backorders/{id}/consent`: the shopper keeps the request through a delay.
pub async fn consent(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let token = token_of(&headers, query)?;
    let kept = {
        let id = id.clone();
        state
            .with_store(move |store| store.consent(&id, &token, clock::now()))
            .await?
            .ok_or_else(not_found)?
    };
    if kept == crate::domain::lifecycle::Status::Cancelled {
        return Err(ApiError::new(
            StatusCode::GONE,
            "cancelled",
            "the request was cancelled; send a new request to reserve again",
        ));
    }
    Ok(Json(
        json!({"id": id, "status": kept.as_str(), "needs_consent": false}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::request::RequestKind;
    use crate::wire::Consent;

    /// A request as a shopper sends it, with what the validator made of it.
    fn ana(name: Option<&str>, expected_date: Option<&str>) -> (BackorderRequest, CheckedRequest) {
        let request = BackorderRequest {
            kind: Some(RequestKind::Backorder),
            sku: Some(" TEE-RED-M ".to_owned()),
            quantity: Some(2),
            email: Some("ana@example.com ".to_owned()),
            name: name.map(str::to_owned),
            consent: Some(Consent {
                text: "Email me about this request. \"Quoted\" & ünïcødé".to_owned(),
                given: true,
            }),
            expected_date: expected_date.map(str::to_owned),
            locale: Some("en-US".to_owned()),
            page: Some("https://shop.example/products/tee?variant=1&x=\\".to_owned()),
            idempotency_key: Some("key-fingerprint-1".to_owned()),
            created_at: Some("2026-11-27T10:00:00Z".to_owned()),
        };
        let checked = crate::domain::request::check_request(&request).expect("a valid request");
        (request, checked)
    }

    /// The fingerprints requests stored before this code was written carry: a change here makes
    /// every retry after a deploy a "key reused" refusal.
    #[test]
    fn the_fingerprint_of_a_request_is_the_one_stored_requests_carry() {
        let (request, checked) = ana(Some("Ana"), Some("2026-12-16"));
        assert_eq!(
            fingerprint(&request, &checked),
            "635409c6f3eab0e8bd646c4dfe10b543fc58217cd272687dc93148766d3791b9"
        );
        let (request, checked) = ana(None, None);
        assert_eq!(
            fingerprint(&request, &checked),
            "7ddf6084acd74e969edb857a8a28f35126f8f54db185e49fc2d509996f59fec1"
        );
        // Not part of it: the key, the client's clock, spaces the validator trims.
        let (mut retry, checked) = ana(Some("Ana"), Some("2026-12-16"));
        retry.created_at = Some("2026-11-27T10:05:00Z".to_owned());
        retry.idempotency_key = Some("another-key-2".to_owned());
        assert_eq!(
            fingerprint(&retry, &checked),
            "635409c6f3eab0e8bd646c4dfe10b543fc58217cd272687dc93148766d3791b9"
        );
    }
}
