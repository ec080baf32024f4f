//! Dates are counted from today so the server (which reads its own clock) sees batches in the
//! future whatever day the bench runs.

use std::path::Path;

use backorder_widget::domain::format_iso_date;
use backorder_widget::wire::{IncomingRecord, ShopConfig, StockRecord};
use chrono::{Days, Local, NaiveDate};
use serde_json::json;

/// The server's today: its local date.
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// `days` after `today`, as the wire's ISO date.
pub fn in_days(today: NaiveDate, days: u64) -> String {
    format_iso_date(today.checked_add_days(Days::new(days)).unwrap_or(today))
}

/// A shop that ships on weekdays and waits at most 90 days, like the demo shop.
pub fn shop() -> ShopConfig {
    ShopConfig {
        working_days: None,
        holidays: Vec::new(),
        max_wait_days: Some(90),
        payment: Some("at_shipment".to_owned()),
        ..ShopConfig::default()
    }
}

/// The states a collection page mixes, in the order SKUs cycle through them.
const STATES: [&str; 6] = [
    "in_stock",
    "low_stock",
    "backordered",
    "preorder",
    "out_of_stock",
    "discontinued",
];

/// `BENCH-001`, `BENCH-002`, …: the SKUs of [`collection`].
pub fn collection_sku(index: usize) -> String {
    format!("BENCH-{:03}", index + 1)
}

/// `count` variants cycling through every state a badge can show. `BENCH-003` is backordered.
pub fn collection(today: NaiveDate, count: usize) -> Vec<StockRecord> {
    (0..count)
        .map(|index| {
            let record = StockRecord {
                sku: Some(collection_sku(index)),
                name: Some(format!("Bench item {}", index + 1)),
                ..StockRecord::default()
            };
            match STATES[index % STATES.len()] {
                "in_stock" => StockRecord {
                    on_hand: Some(25),
                    ..record
                },
                "low_stock" => StockRecord {
                    on_hand: Some(2),
                    low_stock_threshold: Some(5),
                    ..record
                },
                "backordered" => StockRecord {
                    backorders: Some("allow".to_owned()),
                    backordered: Some(12),
                    incoming: vec![batch(20, today, 21), batch(40, today, 45)],
                    ..record
                },
                "preorder" => StockRecord {
                    release_date: Some(in_days(today, 60)),
                    incoming: vec![batch(60, today, 55)],
                    ..record
                },
                "out_of_stock" => StockRecord {
                    on_hand: Some(0),
                    ..record
                },
                _ => StockRecord {
                    discontinued: true,
                    ..record
                },
            }
        })
        .collect()
}

/// A batch of `quantity` arriving `days` after `today`; its id names both, so a record's
/// batches have ids of their own as stored stock needs.
pub fn batch(quantity: i64, today: NaiveDate, days: u64) -> IncomingRecord {
    IncomingRecord {
        id: Some(format!("PO-{days}-{quantity}")),
        quantity,
        expected: in_days(today, days),
    }
}

/// Writes `{"shop": .., "items": [..]}`, the server's `--catalog` format.
pub fn write(path: &Path, items: &[StockRecord]) -> Result<(), String> {
    let file = json!({"shop": shop(), "items": items});
    std::fs::write(path, file.to_string())
        .map_err(|error| format!("cannot write the catalog {}: {error}", path.display()))
}
