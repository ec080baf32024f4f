//! A variant's stock, checked: what the rules use of the record merchants send
//! ([`crate::wire::StockRecord`]).

use super::MAX_QUANTITY;
use super::date::parse_iso_date;
use super::error::RecordError;
use crate::wire::StockRecord;
use chrono::NaiveDate;

/// A checked stock record: every count is in range and every date parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stock {
    pub sku: String,
    pub name: Option<String>,
    /// Units that can ship now. A negative count on the wire (an oversold shelf) becomes 0.
    pub on_hand: u32,
    pub backorders_allowed: bool,
    /// Units already promised to earlier backorders; they are ahead in line.
    pub already_promised: u32,
    /// Batches en route, sorted by expected arrival (earliest first).
    pub incoming: Vec<IncomingBatch>,
    pub backorder_limit: Option<u32>,
    pub release_date: Option<NaiveDate>,
    pub discontinued: bool,
    pub low_stock_threshold: Option<u32>,
    /// Working days from arrival at the warehouse to shipment.
    pub handling_days: u32,
    pub max_per_order: Option<u32>,
}

/// A batch en route to the warehouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncomingBatch {
    pub quantity: u32,
    pub expected_arrival: NaiveDate,
}

/// Handling longer than this is certainly a typing mistake (a year of working days).
const MAX_HANDLING_DAYS: u32 = 260;

impl Stock {
    /// Checks a wire record. Never panics; every problem is a [`RecordError`].
    pub fn from_record(record: &StockRecord) -> Result<Self, RecordError> {
        let sku = record
            .sku
            .as_deref()
            .map(str::trim)
            .filter(|sku| !sku.is_empty())
            .ok_or(RecordError::MissingSku)?;
        let backorders_allowed = match record.backorders.as_deref() {
            None | Some("deny") => false,
            Some("allow") => true,
            Some(other) => {
                return Err(RecordError::BadBackordersSetting {
                    value: other.to_owned(),
                });
            }
        };
        let mut incoming = Vec::with_capacity(record.incoming.len());
        for batch in &record.incoming {
            incoming.push(IncomingBatch {
                quantity: count("incoming.quantity", batch.quantity)?,
                expected_arrival: date("incoming.expected", &batch.expected)?,
            });
        }
        sort_by_arrival(&mut incoming);
        let handling_days = optional_count("handling_days", record.handling_days)?.unwrap_or(1);
        if handling_days > MAX_HANDLING_DAYS {
            return Err(RecordError::TooLarge {
                field: "handling_days",
                limit: MAX_HANDLING_DAYS,
            });
        }
        let on_hand = match record.on_hand {
            Some(on_hand) if on_hand < 0 => 0,
            on_hand => optional_count("on_hand", on_hand)?.unwrap_or(0),
        };
        let already_promised = optional_count("backordered", record.backordered)?.unwrap_or(0);
        let backorder_limit = optional_count("backorder_limit", record.backorder_limit)?;
        let release_date = record
            .release_date
            .as_deref()
            .map(|text| date("release_date", text))
            .transpose()?;
        let low_stock_threshold =
            optional_count("low_stock_threshold", record.low_stock_threshold)?;
        let max_per_order = optional_count("max_per_order", record.max_per_order)?;
        if max_per_order == Some(0) {
            // "At most 0 per order" can only be a mistake: an item that cannot be ordered is
            // `discontinued`, or has nothing on the shelf or en route.
            return Err(RecordError::Zero {
                field: "max_per_order",
            });
        }
        Ok(Self {
            sku: sku.to_owned(),
            name: record.name.clone(),
            on_hand,
            backorders_allowed,
            already_promised,
            incoming,
            backorder_limit,
            release_date,
            discontinued: record.discontinued,
            low_stock_threshold,
            handling_days,
            max_per_order,
        })
    }
}

impl Stock {
    /// Checks a record the endpoint stores: the rules of [`Stock::from_record`], and every batch
    /// named by an `id` of its own.
    pub fn from_stored_record(record: &StockRecord) -> Result<Self, RecordError> {
        let stock = Self::from_record(record)?;
        for (index, batch) in record.incoming.iter().enumerate() {
            let id = batch.id.as_deref().map(str::trim).unwrap_or_default();
            if id.is_empty() || id.len() > 128 {
                return Err(RecordError::MissingBatchId {
                    position: index + 1,
                });
            }
            let earlier = &record.incoming[..index];
            if earlier
                .iter()
                .any(|other| other.id.as_deref().map(str::trim) == Some(id))
            {
                return Err(RecordError::DuplicateBatchId { id: id.to_owned() });
            }
        }
        Ok(stock)
    }
}

/// An insertion sort: batches arrive sorted or nearly so (linear then), and it keeps the
/// general-purpose sort, several kilobytes of WebAssembly, out of the widget. Stable, so batches
/// on the same day keep their order.
fn sort_by_arrival(batches: &mut [IncomingBatch]) {
    for index in 1..batches.len() {
        let mut position = index;
        while position > 0
            && batches[position - 1].expected_arrival > batches[position].expected_arrival
        {
            batches.swap(position - 1, position);
            position -= 1;
        }
    }
}

fn count(field: &'static str, value: i64) -> Result<u32, RecordError> {
    bounded(field, value, MAX_QUANTITY)
}

/// A whole number from 0 to `limit`, for the stock record and the shop's calendar.
pub(super) fn bounded(field: &'static str, value: i64, limit: u32) -> Result<u32, RecordError> {
    if value < 0 {
        return Err(RecordError::Negative { field, value });
    }
    u32::try_from(value)
        .ok()
        .filter(|&value| value <= limit)
        .ok_or(RecordError::TooLarge { field, limit })
}

fn optional_count(field: &'static str, value: Option<i64>) -> Result<Option<u32>, RecordError> {
    value.map(|value| count(field, value)).transpose()
}

pub(super) fn date(field: &'static str, text: &str) -> Result<NaiveDate, RecordError> {
    parse_iso_date(text).ok_or_else(|| RecordError::BadDate {
        field,
        value: text.to_owned(),
    })
}
