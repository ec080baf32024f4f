//! `GET /api/stock`, `PUT /api/stock/{sku}`, `POST /api/stock` (JSON, or CSV as `stock_csv` reads
//! it; all or nothing) and `POST /api/stock/{sku}/receipts`. Every record is checked with the
//! domain's rules before anything is stored (`catalog`), and a change shows in the very next
//! availability answer.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::catalog::{RecordProblem, check_records, check_shop, read_json};
use super::errors::{ApiError, body_rejected, media_type, unreadable, unsupported_media_type};
use super::store::records::{ReceiptRefusal, StockItem};
use super::{AppState, admin, clock, stock_csv};
use crate::domain::MAX_QUANTITY;
use crate::wire::{Availability, StockRecord};

/// A stock upload may list thousands of products.
pub const MAX_UPLOAD_BYTES: usize = 4 * 1024 * 1024;

/// `GET /api/stock`: the calendar and every record as stored, each with its line's counters.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    admin::require_admin(&state, &headers)?;
    let listing = state
        .store()
        .stock_listing()
        .await
        .map_err(ApiError::internal)?;
    let items: Vec<Value> = listing.items.iter().map(item_json).collect();
    Ok(Json(json!({"shop": listing.shop, "items": items})))
}

fn item_json(item: &StockItem) -> Value {
    let mut record = json!(item.record);
    if let Value::Object(members) = &mut record {
        members.retain(|_, member| !member.is_null());
        members.insert(
            "line".to_owned(),
            json!({"set_aside": item.set_aside, "waiting": item.waiting, "requests": item.in_line}),
        );
    }
    record
}

/// `PUT /api/stock/{sku}`: replaces one record (a reschedule is a batch with a new `expected`;
/// a batch left out is a cancelled delivery).
pub async fn replace(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    admin::require_admin(&state, &headers)?;
    let body = body.map_err(body_rejected)?;
    let mut record: StockRecord = read_json(&body)
        .map_err(|problem| unreadable("invalid_record", "a stock record", &problem))?;
    match record.sku.as_deref().map(str::trim) {
        None => record.sku = Some(sku.clone()),
        Some(named) if named == sku => {}
        Some(named) => {
            return Err(ApiError::field(
                "sku",
                "sku_mismatch",
                format!("the record names {named:?}, the path {sku:?}"),
            ));
        }
    }
    check_records(std::slice::from_ref(&record), None).map_err(invalid)?;
    let stored = record.clone();
    state
        .with_store(move |store| store.put_stock(None, &[record], clock::now()))
        .await?;
    Ok(Json(json!({"sku": sku, "record": stored})))
}

/// `POST /api/stock`: upserts many records, as JSON `{"shop"?: {…}, "items": […]}` or as
/// `text/csv` (columns above). All or nothing: one bad record and nothing changes.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    admin::require_admin(&state, &headers)?;
    let body = body.map_err(body_rejected)?;
    let upload = match Upload::of(&media_type(&headers)) {
        Some(format) => format.read(&body),
        None => return Err(unsupported_media_type("application/json or text/csv")),
    };
    let upload = upload.map_err(|refusal| match refusal {
        UploadRefusal::Unreadable(problem) => {
            unreadable("invalid_upload", "{\"items\": [stock records]}", &problem)
        }
        UploadRefusal::Invalid(problems) => invalid(problems),
    })?;
    Ok(Json(json!({"imported": import(&state, upload).await?})))
}

/// The two ways a stock upload is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    Json,
    Csv,
}

/// Why an upload changed nothing.
#[derive(Debug)]
pub enum UploadRefusal {
    /// JSON that is not `{"items": [...]}`.
    Unreadable(String),
    /// Records (or a calendar) the rules refuse, every problem named.
    Invalid(Vec<RecordProblem>),
}

impl Upload {
    /// The format of a body of media type `media_type`.
    pub fn of(media_type: &str) -> Option<Self> {
        match media_type {
            "application/json" => Some(Self::Json),
            "text/csv" => Some(Self::Csv),
            _ => None,
        }
    }

    /// Reads `body` and checks all of it: the upload to store, or every reason not to.
    pub fn read(self, body: &[u8]) -> Result<Availability, UploadRefusal> {
        let (upload, positions) = match self {
            Self::Json => (read_json(body).map_err(UploadRefusal::Unreadable)?, None),
            Self::Csv => {
                let (items, positions) =
                    stock_csv::records(body).map_err(UploadRefusal::Invalid)?;
                (Availability { shop: None, items }, Some(positions))
            }
        };
        if let Some(shop) = &upload.shop {
            check_shop(shop).map_err(|problem| UploadRefusal::Invalid(vec![problem]))?;
        }
        check_records(&upload.items, positions.as_deref()).map_err(UploadRefusal::Invalid)?;
        Ok(upload)
    }
}

/// Stores a checked upload in one transaction; returns how many records it held.
pub async fn import(state: &AppState, upload: Availability) -> Result<usize, ApiError> {
    let count = upload.items.len();
    state
        .with_store(move |store| store.put_stock(upload.shop.as_ref(), &upload.items, clock::now()))
        .await?;
    Ok(count)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptBody {
    /// The batch that arrived; none for units from elsewhere (a return, a recount).
    batch: Option<String>,
    quantity: i64,
}

/// `POST /api/stock/{sku}/receipts {"batch": "PO-1042", "quantity": 38}`: a delivery arrived.
/// The units go to the waiting requests in queue order, then to the shelf.
pub async fn receive(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    admin::require_admin(&state, &headers)?;
    let body = body.map_err(body_rejected)?;
    let receipt: ReceiptBody = serde_json::from_slice(&body).map_err(|error| {
        unreadable(
            "invalid_receipt",
            "{\"batch\": \"PO-1\", \"quantity\": 38}",
            &error.to_string(),
        )
    })?;
    let quantity = received_quantity(receipt.quantity).ok_or_else(|| {
        ApiError::field(
            "quantity",
            "invalid_quantity",
            format!("quantity must be a whole number from 0 to {MAX_QUANTITY}"),
        )
    })?;
    let batch = receipt
        .batch
        .map(|batch| batch.trim().to_owned())
        .filter(|batch| !batch.is_empty());
    let outcome = {
        let sku = sku.clone();
        let batch = batch.clone();
        state
            .with_store(move |store| store.receive(&sku, batch.as_deref(), quantity, clock::now()))
            .await?
    };
    match outcome {
        Ok(receipt) => Ok(Json(json!(receipt))),
        Err(ReceiptRefusal::UnknownSku) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_sku",
            format!("the shop has no stock record for {sku:?}"),
        )),
        Err(ReceiptRefusal::UnknownBatch) => Err(ApiError::field(
            "batch",
            "unknown_batch",
            format!(
                "{sku} has no batch {:?} en route",
                batch.unwrap_or_default()
            ),
        )),
    }
}

/// A delivery's unit count, if it is one: a whole number from 0 to `MAX_QUANTITY`.
pub fn received_quantity(quantity: i64) -> Option<u32> {
    u32::try_from(quantity)
        .ok()
        .filter(|&quantity| quantity <= MAX_QUANTITY)
}

/// `422` naming every record and field in error.
fn invalid(problems: Vec<RecordProblem>) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_stock",
        "some records need attention; nothing was changed",
    )
    .with("errors", json!(problems))
}
