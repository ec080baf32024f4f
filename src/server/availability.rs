//! `?sku=A&sku=B`: the requests already accepted count as promised, so every page evaluates
//! against what is really left.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::errors::ApiError;
use crate::wire::Availability;

/// One page rarely shows more than a few dozen variants; 500 leaves room for a large collection
/// while bounding the work of one request.
pub const MAX_SKUS: usize = 500;

/// The handler. Unknown SKUs are left out of `items`; the widget reports them as unknown.
pub async fn get(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query.map_err(|rejection| {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_query", rejection.body_text())
    })?;
    let requested: Vec<&str> = pairs
        .iter()
        .filter(|(name, _)| name == "sku")
        .map(|(_, sku)| sku.trim())
        .filter(|sku| !sku.is_empty())
        .collect();
    if requested.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "sku_required",
            "name at least one sku: /api/availability?sku=A&sku=B",
        ));
    }
    if requested.len() > MAX_SKUS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "too_many_skus",
            format!("at most {MAX_SKUS} skus per request; split the request"),
        ));
    }
    let body = availability(&state, Some(&requested)).await?;
    let mut response = Json(body).into_response();
    // Every accepted request changes the answer, so caches must ask again each time.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// The availability response for `skus` (each once, in the order first asked), or for the whole
/// catalog when `None`: one stored row per product, with the units the line waits for counted
/// as promised.
pub async fn availability(
    state: &AppState,
    skus: Option<&[&str]>,
) -> Result<Availability, ApiError> {
    let skus = skus.map(|skus| {
        let mut seen = std::collections::HashSet::new();
        skus.iter()
            .filter(|sku| seen.insert(**sku))
            .map(|sku| (*sku).to_owned())
            .collect()
    });
    let (shop, records) = state
        .store()
        .availability(skus)
        .await
        .map_err(ApiError::internal)?;
    Ok(Availability {
        shop: Some(shop),
        items: records,
    })
}
