//! Stock in the database: the shop's calendar and one row per product, the merchant's record
//! beside the counters of its line.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::events::history_mark;
use super::line::review;
use super::records::{
    Import, Origin, Receipt, ReceiptRefusal, StockItem, StockListing, StoreError,
};
use super::{IN_LINE, Store};
use crate::domain::{MAX_QUANTITY, ShopCalendar, ShopConfig, StockRecord};
use crate::server::clock;

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
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mark = history_mark(&transaction)?;
        let stocked: u32 =
            transaction.query_row("SELECT COUNT(*) FROM stock", [], |row| row.get(0))?;
        let held: u32 = transaction.query_row(
            &format!("SELECT COALESCE(SUM(allocated), 0) FROM requests WHERE {IN_LINE}"),
            [],
            |row| row.get(0),
        )?;
        let stored = origin_of(&transaction)?;
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
                let mut statement = transaction.prepare("SELECT sku FROM stock")?;
                let stocked: Vec<String> = statement
                    .query_map([], |row| row.get(0))?
                    .collect::<Result<_, _>>()?;
                drop(statement);
                for sku in stocked.iter().filter(|sku| !listed.contains(*sku)) {
                    transaction.execute("DELETE FROM stock WHERE sku = ?1", [sku])?;
                }
            }
            put_shop(&transaction, shop, origin)?;
            for record in records {
                put_record(&transaction, record, now)?;
            }
            recount_all(&transaction)?;
        }
        for sku in skus_in_line(&transaction)? {
            review(&transaction, &sku, 0, now)?;
        }
        self.commit(transaction, mark, now)?;
        Ok(outcome)
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
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mark = history_mark(&transaction)?;
        match shop {
            Some(shop) => put_shop(&transaction, shop, Origin::Api)?,
            None => mark_changed(&transaction)?,
        }
        let mut changed = Vec::new();
        for record in records {
            if let Some(sku) = sku_of(record) {
                changed.push((sku.clone(), record_of(&transaction, &sku)?, record));
            }
            put_record(&transaction, record, now)?;
        }
        let skus: Vec<String> = match shop {
            // A new calendar moves every date.
            Some(_) => skus_in_line(&transaction)?,
            None => records.iter().filter_map(sku_of).collect(),
        };
        for sku in skus {
            review(&transaction, &sku, 0, now)?;
        }
        // The line is served first; what is left can bring the news to those waiting for it.
        for (sku, before, after) in changed {
            self.wave_after_change(&transaction, &sku, before.as_ref(), after, now)?;
        }
        self.commit(transaction, mark, now)?;
        Ok(())
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
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mark = history_mark(&transaction)?;
        let Some(mut record) = record_of(&transaction, sku)? else {
            return Ok(Err(ReceiptRefusal::UnknownSku));
        };
        // What the batch promised was already known: only units beyond it are news.
        let mut expected = 0;
        if let Some(batch) = batch {
            let Some(position) = batch_position(&record, batch) else {
                return Ok(Err(ReceiptRefusal::UnknownBatch));
            };
            expected = record.incoming.remove(position).quantity;
            write_record(&transaction, sku, &record, now)?;
        }
        mark_changed(&transaction)?;
        let (reviewed, line) = review(&transaction, sku, quantity, now)?;
        let mut ready = Vec::new();
        let mut partly_filled = Vec::new();
        for (decision, request) in reviewed.decisions.iter().zip(&line) {
            let set_aside = decision
                .events
                .iter()
                .any(|event| matches!(event, crate::domain::Event::SetAside { .. }));
            if decision.events.contains(&crate::domain::Event::Ready) {
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
            &transaction,
            sku,
            u32::try_from(beyond.max(0)).unwrap_or(u32::MAX),
            now,
        )?;
        self.stock_received(&transaction, serde_json::to_value(&receipt)?, now)?;
        self.commit(transaction, mark, now)?;
        Ok(Ok(receipt))
    }

    /// Reviews every line on the shop's day at `now`: dates that passed, deadlines that ran
    /// out. Idempotent: a second sweep at the same instant changes nothing.
    pub fn sweep(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mark = history_mark(&transaction)?;
        let skus = skus_in_line(&transaction)?;
        for sku in &skus {
            review(&transaction, sku, 0, now)?;
        }
        self.commit(transaction, mark, now)?;
        Ok(skus.len())
    }

    /// A sweep as if at noon on `date` in the shop's time zone (`POST /api/sweep`, tests only).
    pub fn sweep_on(&self, date: chrono::NaiveDate) -> Result<usize, StoreError> {
        let calendar = calendar_of(&self.lock())?;
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
            let items = match skus {
                Some(skus) => {
                    let mut statement = connection
                        .prepare_cached("SELECT record_json, waiting FROM stock WHERE sku = ?1")?;
                    let mut items = Vec::with_capacity(skus.len());
                    for sku in &skus {
                        let row = statement
                            .query_row([sku], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))
                            .optional()?;
                        if let Some((json, waiting)) = row {
                            items.push(for_shoppers(&json, waiting)?);
                        }
                    }
                    items
                }
                None => {
                    let mut statement = connection.prepare_cached(
                        "SELECT record_json, waiting FROM stock ORDER BY position",
                    )?;
                    let rows = statement
                        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))?;
                    let mut items = Vec::new();
                    for row in rows {
                        let (json, waiting) = row?;
                        items.push(for_shoppers(&json, waiting)?);
                    }
                    items
                }
            };
            Ok((shop, items))
        })
        .await
    }

    /// The stock as stored, with each line's counters (`GET /api/stock`).
    pub async fn stock_listing(&self) -> Result<StockListing, StoreError> {
        self.read(|connection| {
            let shop = shop_of(connection)?;
            let items = stock_items(connection, "ORDER BY position", [])?;
            Ok(StockListing { shop, items })
        })
        .await
    }

    /// One product as stored, with its line's counters (`None`: no such SKU).
    pub async fn stock_item(&self, sku: String) -> Result<Option<StockItem>, StoreError> {
        self.read(move |connection| Ok(stock_items(connection, "WHERE sku = ?1", [sku])?.pop()))
            .await
    }
}

/// The products `tail` (a `WHERE` or `ORDER BY` clause) selects, each with its counters.
fn stock_items(
    connection: &Connection,
    tail: &str,
    values: impl rusqlite::Params,
) -> Result<Vec<StockItem>, StoreError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT record_json, set_aside, waiting, in_line FROM stock {tail}"
    ))?;
    let rows = statement.query_map(values, |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
        ))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (json, set_aside, waiting, in_line) = row?;
        items.push(StockItem {
            record: serde_json::from_str(&json)?,
            set_aside,
            waiting,
            in_line,
        });
    }
    Ok(items)
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

pub(super) fn shop_of(connection: &Connection) -> Result<ShopConfig, StoreError> {
    let json: Option<String> = connection
        .query_row("SELECT config_json FROM shop WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?;
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

pub(super) fn calendar_of(connection: &Connection) -> Result<ShopCalendar, StoreError> {
    let shop = shop_of(connection)?;
    ShopCalendar::from_config(&shop).map_err(|error| StoreError::Corrupt(error.message()))
}

fn put_shop(
    transaction: &Transaction,
    shop: &ShopConfig,
    origin: Origin,
) -> Result<(), StoreError> {
    transaction.execute(
        "INSERT INTO shop (id, config_json, origin) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET config_json = excluded.config_json,
             origin = excluded.origin",
        params![serde_json::to_string(shop)?, origin.as_str()],
    )?;
    Ok(())
}

/// The stock API changed the stock: the database holds the merchant's truth from now on.
pub(super) fn mark_changed(transaction: &Transaction) -> Result<(), StoreError> {
    transaction.execute(
        "INSERT INTO shop (id, config_json, origin) VALUES (1, ?1, 'api')
         ON CONFLICT (id) DO UPDATE SET origin = 'api'",
        [serde_json::to_string(&ShopConfig::default())?],
    )?;
    Ok(())
}

fn origin_of(connection: &Connection) -> Result<Option<Origin>, StoreError> {
    let origin: Option<String> = connection
        .query_row("SELECT origin FROM shop WHERE id = 1", [], |row| row.get(0))
        .optional()?;
    origin
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
    transaction: &Transaction,
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
    transaction.execute(
        "INSERT INTO stock (sku, position, record_json, updated_at)
         VALUES (?1, (SELECT COALESCE(MAX(position), 0) + 1 FROM stock), ?2, ?3)
         ON CONFLICT (sku) DO UPDATE SET record_json = excluded.record_json,
             updated_at = excluded.updated_at",
        params![sku, serde_json::to_string(&record)?, clock::stamp(now)],
    )?;
    Ok(())
}

pub(super) fn write_record(
    transaction: &Transaction,
    sku: &str,
    record: &StockRecord,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    transaction.execute(
        "UPDATE stock SET record_json = ?2, updated_at = ?3 WHERE sku = ?1",
        params![sku, serde_json::to_string(record)?, clock::stamp(now)],
    )?;
    Ok(())
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
    connection: &Connection,
    sku: &str,
) -> Result<Option<StockRecord>, StoreError> {
    let json: Option<String> = connection
        .query_row(
            "SELECT record_json FROM stock WHERE sku = ?1",
            [sku],
            |row| row.get(0),
        )
        .optional()?;
    Ok(match json {
        Some(json) => Some(serde_json::from_str(&json)?),
        None => None,
    })
}

fn skus_in_line(connection: &Connection) -> Result<Vec<String>, StoreError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT DISTINCT sku FROM requests WHERE {IN_LINE} ORDER BY sku"
    ))?;
    let rows = statement.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The counters of every product, counted afresh from its requests (after an import).
fn recount_all(transaction: &Transaction) -> Result<(), StoreError> {
    transaction.execute_batch(&format!(
        "UPDATE stock SET
             set_aside = (SELECT COALESCE(SUM(allocated), 0) FROM requests
                          WHERE requests.sku = stock.sku AND {IN_LINE}),
             waiting = (SELECT COALESCE(SUM(quantity - allocated), 0) FROM requests
                        WHERE requests.sku = stock.sku AND {IN_LINE}),
             in_line = (SELECT COUNT(*) FROM requests
                        WHERE requests.sku = stock.sku AND {IN_LINE});"
    ))?;
    Ok(())
}
