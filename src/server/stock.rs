//! The stock API, behind the admin token: `GET /api/stock`, `PUT /api/stock/{sku}`,
//! `POST /api/stock` (JSON or CSV, all or nothing) and `POST /api/stock/{sku}/receipts`.
//! Every record is checked with the domain's rules before anything is stored (`catalog`), and a
//! change shows in the very next availability answer.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};

use super::catalog::{RecordProblem, StockUpload, check_records, check_shop};
use super::errors::ApiError;
use super::store::{ReceiptRefusal, StockItem};
use super::{AppState, admin, clock};
use crate::domain::{IncomingRecord, MAX_QUANTITY, StockRecord};

/// A stock upload may list thousands of products.
pub const MAX_UPLOAD_BYTES: usize = 4 * 1024 * 1024;

/// The CSV columns, in the order `GET /api/stock` would write them. One row per product, or one
/// per batch: rows with the same `sku` are one product, whose own columns come from its first
/// row; each row may add one batch (`batch_id`, `batch_quantity`, `batch_expected`).
pub const CSV_COLUMNS: [&str; 14] = [
    "sku",
    "name",
    "on_hand",
    "backorders",
    "backordered",
    "backorder_limit",
    "release_date",
    "discontinued",
    "low_stock_threshold",
    "handling_days",
    "max_per_order",
    "batch_id",
    "batch_quantity",
    "batch_expected",
];

/// The columns that describe the product itself rather than one of its batches.
const PRODUCT_COLUMNS: [&str; 10] = [
    "name",
    "on_hand",
    "backorders",
    "backordered",
    "backorder_limit",
    "release_date",
    "discontinued",
    "low_stock_threshold",
    "handling_days",
    "max_per_order",
];

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
    let body = body.map_err(rejected)?;
    let mut record: StockRecord = serde_json::from_slice(&body).map_err(|error| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_record",
            format!("the body is not a stock record: {error}"),
        )
    })?;
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
    let body = body.map_err(rejected)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (upload, positions) = match essence.as_str() {
        "application/json" => {
            let upload: StockUpload = serde_json::from_slice(&body).map_err(|error| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_upload",
                    format!("the body is not {{\"items\": [stock records]}}: {error}"),
                )
            })?;
            (upload, None)
        }
        "text/csv" => {
            let (items, positions) = from_csv(&body).map_err(invalid)?;
            (StockUpload { shop: None, items }, Some(positions))
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the stock as application/json or text/csv",
            ));
        }
    };
    if let Some(shop) = &upload.shop {
        check_shop(shop).map_err(|problem| invalid(vec![problem]))?;
    }
    check_records(&upload.items, positions.as_deref()).map_err(invalid)?;
    let count = upload.items.len();
    state
        .with_store(move |store| store.put_stock(upload.shop.as_ref(), &upload.items, clock::now()))
        .await?;
    Ok(Json(json!({"imported": count})))
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
    let body = body.map_err(rejected)?;
    let receipt: ReceiptBody = serde_json::from_slice(&body).map_err(|error| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_receipt",
            format!("the body is not {{\"batch\": \"PO-1\", \"quantity\": 38}}: {error}"),
        )
    })?;
    let quantity = u32::try_from(receipt.quantity)
        .ok()
        .filter(|&quantity| quantity <= MAX_QUANTITY)
        .ok_or_else(|| {
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

fn rejected(rejection: BytesRejection) -> ApiError {
    let status = rejection.status();
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "too_large"
    } else {
        "bad_request"
    };
    ApiError::new(status, code, rejection.body_text())
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

/// Reads a CSV upload into records, with the line each product starts on.
fn from_csv(body: &[u8]) -> Result<(Vec<StockRecord>, Vec<usize>), Vec<RecordProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(body);
    let problem = |line: usize, sku: Option<&str>, field: &str, message: String| RecordProblem {
        record: line,
        sku: sku.map(str::to_owned),
        field: field.to_owned(),
        message,
    };
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => return Err(vec![problem(1, None, "header", error.to_string())]),
    };
    let mut problems = Vec::new();
    for name in &headers {
        if !CSV_COLUMNS.contains(&name) {
            problems.push(problem(
                1,
                None,
                name,
                format!(
                    "unknown column {name:?}; the columns are {}",
                    CSV_COLUMNS.join(", ")
                ),
            ));
        }
    }
    if !headers.iter().any(|name| name == "sku") {
        problems.push(problem(
            1,
            None,
            "sku",
            "the header has no sku column".to_owned(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut records: Vec<StockRecord> = Vec::new();
    let mut positions: Vec<usize> = Vec::new();
    // Each product's own cells as its first row wrote them.
    let mut first_cells: Vec<Vec<Option<String>>> = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let line = index + 2;
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                problems.push(problem(line, None, "row", error.to_string()));
                continue;
            }
        };
        let cell = |name: &str| {
            headers
                .iter()
                .position(|header| header == name)
                .and_then(|column| row.get(column))
                .filter(|value| !value.is_empty())
        };
        let sku = cell("sku");
        let mut bad =
            |field: &str, message: String| problems.push(problem(line, sku, field, message));
        let number = |name: &str, bad: &mut dyn FnMut(&str, String)| -> Option<i64> {
            let text = cell(name)?;
            match text.parse() {
                Ok(number) => Some(number),
                Err(_) => {
                    bad(
                        name,
                        format!("`{name}` must be a whole number (got {text:?})"),
                    );
                    None
                }
            }
        };
        let discontinued = match cell("discontinued").map(str::to_ascii_lowercase).as_deref() {
            None | Some("false" | "no" | "0") => false,
            Some("true" | "yes" | "1") => true,
            Some(other) => {
                bad(
                    "discontinued",
                    format!("`discontinued` must be true or false (got {other:?})"),
                );
                false
            }
        };
        let product = StockRecord {
            sku: sku.map(str::to_owned),
            name: cell("name").map(str::to_owned),
            on_hand: number("on_hand", &mut bad),
            backorders: cell("backorders").map(str::to_owned),
            backordered: number("backordered", &mut bad),
            incoming: Vec::new(),
            backorder_limit: number("backorder_limit", &mut bad),
            release_date: cell("release_date").map(str::to_owned),
            discontinued,
            low_stock_threshold: number("low_stock_threshold", &mut bad),
            handling_days: number("handling_days", &mut bad),
            max_per_order: number("max_per_order", &mut bad),
        };
        let batch = (
            cell("batch_id"),
            number("batch_quantity", &mut bad),
            cell("batch_expected"),
        );
        let batch = match batch {
            (None, None, None) => None,
            (Some(id), Some(quantity), Some(expected)) => Some(IncomingRecord {
                id: Some(id.to_owned()),
                quantity,
                expected: expected.to_owned(),
            }),
            _ => {
                bad(
                    "batch",
                    "a batch needs batch_id, batch_quantity and batch_expected together".to_owned(),
                );
                None
            }
        };
        let earlier = records
            .iter()
            .position(|record| sku.is_some() && record.sku.as_deref() == sku);
        match earlier {
            Some(at) => {
                // A later row of the same product adds a batch; a product column it writes
                // must say what the product's first row said.
                for (column, value) in PRODUCT_COLUMNS.iter().zip(&first_cells[at]) {
                    if let Some(written) =
                        cell(column).filter(|written| Some(*written) != value.as_deref())
                    {
                        bad(
                            column,
                            format!(
                                "`{column}` is {written:?} here but {:?} on this product's first \
                                 row (line {}); later rows of a product only add batches",
                                value.as_deref().unwrap_or_default(),
                                positions[at]
                            ),
                        );
                    }
                }
                records[at].incoming.extend(batch);
            }
            None => {
                first_cells.push(
                    PRODUCT_COLUMNS
                        .iter()
                        .map(|column| cell(column).map(str::to_owned))
                        .collect(),
                );
                records.push(StockRecord {
                    incoming: batch.into_iter().collect(),
                    ..product
                });
                positions.push(line);
            }
        }
    }
    if problems.is_empty() {
        Ok((records, positions))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_row_per_batch_makes_one_product() {
        let csv = "sku,name,on_hand,backorders,batch_id,batch_quantity,batch_expected\n\
                   MUG,Mug,2,allow,PO-1,10,2030-01-05\n\
                   MUG,,,,PO-2,5,2030-02-05\n\
                   TEE,Tee,4,,,,\n";
        let (records, positions) = from_csv(csv.as_bytes()).expect("valid");
        assert_eq!(positions, [2, 4]);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].incoming.len(), 2);
        assert_eq!(records[0].on_hand, Some(2));
        assert_eq!(records[1].incoming.len(), 0);
    }

    #[test]
    fn csv_mistakes_name_the_line_and_field() {
        let csv = "sku,on_hand,batch_id,batch_quantity,batch_expected\n\
                   MUG,two,,,\n\
                   TEE,1,PO-1,,2030-01-01\n";
        let problems = from_csv(csv.as_bytes()).expect_err("mistakes");
        let named: Vec<(usize, &str)> = problems
            .iter()
            .map(|problem| (problem.record, problem.field.as_str()))
            .collect();
        assert_eq!(named, [(2, "on_hand"), (3, "batch")]);
        let unknown = from_csv(b"sku,colour\nA,red\n").expect_err("unknown column");
        assert_eq!(unknown[0].field, "colour");
        let differs =
            from_csv(b"sku,on_hand,batch_id,batch_quantity,batch_expected\nA,1,P1,1,2030-01-01\nA,2,P2,1,2030-01-02\n")
                .expect_err("differs");
        assert_eq!(
            (differs[0].record, differs[0].field.as_str()),
            (3, "on_hand")
        );
    }
}
