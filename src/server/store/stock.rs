use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::Store;
use super::line::review;
use super::records::{
    Import, Origin, Receipt, ReceiptRefusal, StockItem, StockListing, StoreError,
};
use super::sql::Tx;
use crate::domain::MAX_QUANTITY;
use crate::domain::calendar::ShopCalendar;
use crate::server::clock;
use crate::wire::{ShopConfig, StockRecord};

impl Store {
    /// Imports a catalog at start-up, if it may: the database is the truth once it holds stock,
    /// so a catalog only seeds an empty one, or takes the place of the demo's stock (demo
    /// products it does not list are removed; requests made against them stay, for the admin). The demo
    /// (dated from today) is re-imported at every start while nothing has changed it: no write
    /// through the stock API and no unit set aside. Either way every line is then reviewed
    /// against the stock it has.
    pub fn import_catalog(
        &self,
        shop: &ShopConfig,
        records: &[StockRecord],
        origin: Origin,
        now: DateTime<Utc>,
    ) -> Result<Import, StoreError> {
        self.change(|transaction| {
            transaction.lock_every_product()?;
            let stocked = transaction.stock_count()?;
            let held = transaction.held_total()?;
            let stored = origin_of(transaction)?;
            let outcome = match (stocked, stored, origin) {
                (0, _, _) => Import::Imported,
                (_, Some(Origin::Demo), Origin::Demo) if held > 0 => Import::KeptDemo,
                (_, Some(Origin::Demo), _) => Import::Imported,
                _ => Import::Kept,
            };
            if outcome == Import::Imported {
                if stored == Some(Origin::Demo) {
                    // The catalog takes the demo's place: demo products it does not list go.
                    let listed: HashSet<String> = records.iter().filter_map(sku_of).collect();
                    for sku in transaction.stock_skus()? {
                        if !listed.contains(&sku) {
                            transaction.delete_stock(&sku)?;
                        }
                    }
                }
                put_shop(transaction, shop, origin)?;
                for record in records {
                    put_record(transaction, record, now)?;
                }
                transaction.recount_all()?;
            }
            for sku in transaction.skus_in_line()? {
                review(transaction, &sku, 0, now)?;
            }
            self.tell(transaction, now)?;
            Ok(outcome)
        })
    }

    /// Replaces the records given (adding new products at the end), and the calendar when one
    /// is given, in one transaction; then reviews each product's line. The records are checked
    /// by the caller, all of them before any is stored.
    pub fn put_stock(
        &self,
        shop: Option<&ShopConfig>,
        records: &[StockRecord],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.change(|transaction| {
            match shop {
                Some(_) => transaction.lock_every_product()?,
                None => {
                    let mut skus: Vec<String> = records.iter().filter_map(sku_of).collect();
                    skus.sort();
                    let skus: Vec<&str> = skus.iter().map(String::as_str).collect();
                    transaction.lock_products(&skus)?;
                }
            }
            match shop {
                Some(shop) => put_shop(transaction, shop, Origin::Api)?,
                None => mark_changed(transaction)?,
            }
            let mut changed = Vec::new();
            for record in records {
                if let Some(sku) = sku_of(record) {
                    changed.push((sku.clone(), record_of(transaction, &sku)?, record));
                }
                put_record(transaction, record, now)?;
            }
            let skus: Vec<String> = match shop {
                // A new calendar moves every date.
                Some(_) => transaction.skus_in_line()?,
                None => records.iter().filter_map(sku_of).collect(),
            };
            for sku in skus {
                review(transaction, &sku, 0, now)?;
            }
            // The line is served first; what is left can bring the news to those waiting for it.
            for (sku, before, after) in &changed {
                self.wave_after_change(transaction, sku, before.as_ref(), after, now)?;
            }
            self.tell(transaction, now)?;
            Ok(())
        })
    }

    /// Records a delivery of `quantity` units for `sku`, of batch `batch` when named (the batch
    /// is then no longer en route, whatever it brought: a short delivery's rest, if it still
    /// comes, is a new batch). The units go to the line first (`domain::review_line`).
    pub fn receive(
        &self,
        sku: &str,
        batch: Option<&str>,
        quantity: u32,
        now: DateTime<Utc>,
    ) -> Result<Result<Receipt, ReceiptRefusal>, StoreError> {
        self.change(|transaction| {
            transaction.lock_products(&[sku])?;
            let Some(mut record) = record_of(transaction, sku)? else {
                return Ok(Err(ReceiptRefusal::UnknownSku));
            };
            // What the batch promised was already known: only units beyond it are news.
            let mut expected = 0;
            if let Some(batch) = batch {
                let Some(position) = batch_position(&record, batch) else {
                    return Ok(Err(ReceiptRefusal::UnknownBatch));
                };
                expected = record.incoming.remove(position).quantity;
                write_record(transaction, sku, &record, now)?;
            }
            mark_changed(transaction)?;
            let (reviewed, line) = review(transaction, sku, quantity, now)?;
            let mut ready = Vec::new();
            let mut partly_filled = Vec::new();
            for (decision, request) in reviewed.decisions.iter().zip(&line) {
                let set_aside = decision
                    .events
                    .iter()
                    .any(|event| matches!(event, crate::domain::history::Event::SetAside { .. }));
                if decision
                    .events
                    .contains(&crate::domain::history::Event::Ready)
                {
                    ready.push(request.id.clone());
                } else if set_aside {
                    partly_filled.push(request.id.clone());
                }
            }
            let receipt = Receipt {
                sku: sku.to_owned(),
                batch: batch.map(str::to_owned),
                received: quantity,
                to_other_channels: reviewed.to_other_channels,
                ready,
                partly_filled,
                to_shelf: u32::try_from(reviewed.shelf_change.max(0)).unwrap_or(0),
            };
            let beyond = i64::from(quantity) - expected.max(0);
            self.wave(
                transaction,
                sku,
                u32::try_from(beyond.max(0)).unwrap_or(u32::MAX),
                now,
            )?;
            self.stock_received(transaction, serde_json::to_value(&receipt)?, now)?;
            self.tell(transaction, now)?;
            Ok(Ok(receipt))
        })
    }

    /// Reviews every line on the shop's day at `now`: dates that passed, deadlines that ran
    /// out. Idempotent: a second sweep at the same instant changes nothing.
    pub fn sweep(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.change(|transaction| {
            // Another replica's sweep under way applies the same changes: this one can go.
            if !transaction.claim_sweep()? {
                return Ok(0);
            }
            transaction.lock_every_product()?;
            let skus = transaction.skus_in_line()?;
            for sku in &skus {
                review(transaction, sku, 0, now)?;
            }
            self.tell(transaction, now)?;
            Ok(skus.len())
        })
    }

    /// A sweep as if at noon on `date` in the shop's time zone (`POST /api/sweep`, tests only).
    pub fn sweep_on(&self, date: chrono::NaiveDate) -> Result<usize, StoreError> {
        let calendar = self.change(|transaction| calendar_of(transaction))?;
        self.sweep(clock::noon(&calendar, date))
    }

    /// The availability response's parts: the calendar, and each product's record with
    /// `backordered` counting the units the line still waits for (`None`: every product).
    /// One row per product, whatever the history holds.
    pub async fn availability(
        &self,
        skus: Option<Vec<String>>,
    ) -> Result<(ShopConfig, Vec<StockRecord>), StoreError> {
        self.read(move |connection| {
            let shop = shop_of(connection)?;
            let rows = match skus {
                Some(skus) => {
                    let mut rows = Vec::with_capacity(skus.len());
                    for sku in &skus {
                        rows.extend(connection.stock_row(sku)?);
                    }
                    rows
                }
                None => connection.stock_rows()?,
            };
            let items = rows
                .iter()
                .map(|row| for_shoppers(&row.json, row.waiting))
                .collect::<Result<_, _>>()?;
            Ok((shop, items))
        })
        .await
    }

    /// The stock as stored, with each line's counters (`GET /api/stock`).
    pub async fn stock_listing(&self) -> Result<StockListing, StoreError> {
        self.read(|connection| {
            let shop = shop_of(connection)?;
            let items = connection.stock_items(None)?;
            Ok(StockListing { shop, items })
        })
        .await
    }

    /// One product as stored, with its line's counters (`None`: no such SKU).
    pub async fn stock_item(&self, sku: String) -> Result<Option<StockItem>, StoreError> {
        self.read(move |connection| Ok(connection.stock_items(Some(&sku))?.pop()))
            .await
    }
}

/// The record as a shopper's page evaluates it: units the line waits for count as promised,
/// on top of what other channels are owed.
pub(super) fn for_shoppers(json: &str, waiting: u32) -> Result<StockRecord, StoreError> {
    let mut record: StockRecord = serde_json::from_str(json)?;
    if waiting > 0 {
        let owed = record.backordered.unwrap_or(0).max(0);
        record.backordered = Some((owed + i64::from(waiting)).min(i64::from(MAX_QUANTITY)));
    }
    Ok(record)
}

pub(super) fn shop_of(connection: &mut dyn Tx) -> Result<ShopConfig, StoreError> {
    let json = connection.shop_json()?;
    let mut shop: ShopConfig = match json {
        Some(json) => serde_json::from_str(&json)?,
        None => ShopConfig::default(),
    };
    // This endpoint caps every request (and every shopper's holding) unless the shop chose its
    // own cap; the widget is told the same number with the shop's data.
    shop.max_per_order
        .get_or_insert(i64::from(DEFAULT_MAX_PER_ORDER));
    Ok(shop)
}

/// The cap per request and per shopper when neither the record nor the shop sets one: enough
/// for a family's order, too few to take a whole delivery.
pub const DEFAULT_MAX_PER_ORDER: u32 = 10;

pub(super) fn calendar_of(connection: &mut dyn Tx) -> Result<ShopCalendar, StoreError> {
    let shop = shop_of(connection)?;
    ShopCalendar::from_config(&shop).map_err(|error| StoreError::Corrupt(error.message()))
}

fn put_shop(transaction: &mut dyn Tx, shop: &ShopConfig, origin: Origin) -> Result<(), StoreError> {
    transaction.put_shop(&serde_json::to_string(shop)?, origin.as_str())
}

/// The stock API changed the stock: the database holds the merchant's truth from now on.
pub(super) fn mark_changed(transaction: &mut dyn Tx) -> Result<(), StoreError> {
    transaction.mark_changed(&serde_json::to_string(&ShopConfig::default())?)
}

fn origin_of(connection: &mut dyn Tx) -> Result<Option<Origin>, StoreError> {
    connection
        .origin()?
        .map(|origin| {
            Origin::parse(&origin)
                .ok_or_else(|| StoreError::Corrupt(format!("the shop's origin {origin:?}")))
        })
        .transpose()
}

fn sku_of(record: &StockRecord) -> Option<String> {
    record
        .sku
        .as_deref()
        .map(str::trim)
        .filter(|sku| !sku.is_empty())
        .map(str::to_owned)
}

/// Stores a checked record in place of the one there is (its counters stay), or as a new
/// product at the end.
fn put_record(
    transaction: &mut dyn Tx,
    record: &StockRecord,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(sku) = sku_of(record) else {
        return Err(StoreError::Corrupt(
            "a stock record without a sku".to_owned(),
        ));
    };
    let record = StockRecord {
        sku: Some(sku.clone()),
        ..record.clone()
    };
    transaction.put_record(&sku, &serde_json::to_string(&record)?, &clock::stamp(now))
}

pub(super) fn write_record(
    transaction: &mut dyn Tx,
    sku: &str,
    record: &StockRecord,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    transaction.write_record(sku, &serde_json::to_string(record)?, &clock::stamp(now))
}

/// Where batch `batch` (its id, trimmed) is among the record's incoming batches.
pub(super) fn batch_position(record: &StockRecord, batch: &str) -> Option<usize> {
    record
        .incoming
        .iter()
        .position(|incoming| incoming.id.as_deref().map(str::trim) == Some(batch))
}

/// The merchant's record for `sku`, as stored.
pub(super) fn record_of(
    connection: &mut dyn Tx,
    sku: &str,
) -> Result<Option<StockRecord>, StoreError> {
    Ok(match connection.record_json(sku)? {
        Some(json) => Some(serde_json::from_str(&json)?),
        None => None,
    })
}
