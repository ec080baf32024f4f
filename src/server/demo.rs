//! Counted from today, the dates never go stale. The SKUs match the pages in `www/`.

use chrono::{Datelike, NaiveDate, TimeDelta};

use super::catalog::{Catalog, CatalogError};
use crate::domain::date::format_iso_date;
use crate::wire::{IncomingRecord, ShopConfig, StockRecord};

/// The demo shop's wait limit; every batch meant to give a backorder date arrives well inside it.
const MAX_WAIT_DAYS: i64 = 90;

/// Builds the demo catalog for `today`.
pub fn catalog(today: NaiveDate) -> Result<Catalog, CatalogError> {
    let year = today.year();
    let shop = ShopConfig {
        working_days: None,
        holidays: [year, year + 1]
            .into_iter()
            .flat_map(|year| [(year, 1, 1), (year, 12, 25)])
            .filter_map(|(year, month, day)| NaiveDate::from_ymd_opt(year, month, day))
            .map(format_iso_date)
            .collect(),
        max_wait_days: Some(MAX_WAIT_DAYS),
        payment: Some("at_shipment".to_owned()),
        ..ShopConfig::default()
    };
    let item = |sku: &str, name: &str| Item::new(today, sku, name);
    let mut records = vec![
        item("MUG-SAND", "Ceramic Mug, sand")
            .on_hand(2)
            .low_stock_at(5),
        item("BAG-OLIVE", "Canvas Backpack, olive")
            .on_hand(1)
            .batch(30, 30),
        item("SCARF-GREY", "Wool Scarf, grey")
            .promised(12)
            .batch(20, 21)
            .batch(40, 45),
        item("SHOE-TR2-42", "Trail Runner 2, size 42")
            .release_in(80)
            .batch(60, 75),
        item("LAMP-BRASS", "Brass Desk Lamp").batch(10, -14),
        item("SHIRT-LINEN-19", "Linen Shirt (2019 cut)").discontinued(),
    ];
    records.extend(classic_tee(today));
    records.extend(collection(today));
    Catalog::new(shop, records.into_iter().map(|item| item.record).collect())
}

/// Gives a variant its stock.
type Shape = fn(Item) -> Item;

/// The product with variants: three colours in three sizes, in a mix of states.
fn classic_tee(today: NaiveDate) -> Vec<Item> {
    let variants: [(&str, &str, Shape); 9] = [
        ("RED", "S", |item| item.on_hand(8)),
        ("RED", "M", |item| item.on_hand(24)),
        ("RED", "L", |item| item.on_hand(3).low_stock_at(5)),
        ("BLUE", "S", |item| item.batch(15, 18)),
        ("BLUE", "M", |item| item.on_hand(2).batch(20, 25)),
        ("BLUE", "L", |item| item.promised(4).batch(12, 35)),
        ("BLACK", "S", |item| item.on_hand(12)),
        // Everything en route is already promised: out of stock, "notify me" offered.
        ("BLACK", "M", |item| item.promised(10).batch(10, 20)),
        ("BLACK", "L", |item| item.deny_backorders()),
    ];
    variants
        .into_iter()
        .map(|(colour, size, shape)| {
            let sku = format!("TEE-{colour}-{size}");
            let name = format!("Classic Tee, {}, {size}", colour.to_lowercase());
            shape(Item::new(today, &sku, &name))
        })
        .collect()
}

const COLLECTION: [&str; 20] = [
    "Linen Napkins",
    "Oak Cutting Board",
    "Enamel Camp Mug",
    "Wool Throw",
    "Beeswax Candle",
    "Stoneware Bowl",
    "Cotton Tote",
    "Leather Card Holder",
    "Glass Carafe",
    "Walnut Serving Tray",
    "Felt Slippers",
    "Canvas Apron",
    "Copper Kettle",
    "Rattan Basket",
    "Merino Beanie",
    "Cork Yoga Block",
    "Ceramic Planter",
    "Bamboo Utensil Set",
    "Waxed Rain Jacket",
    "Cast Iron Skillet",
];

/// Simple items for a collection page, cycling through every state (each appears twice).
fn collection(today: NaiveDate) -> Vec<Item> {
    COLLECTION
        .iter()
        .zip(0i64..)
        .map(|(name, index)| {
            let item = Item::new(today, &format!("ITEM-{:03}", index + 1), name);
            match index % 10 {
                0 => item.on_hand(40),
                1 => item.on_hand(3).low_stock_at(5),
                2 => item.batch(25, 14 + index),
                3 => item.on_hand(2).batch(20, 20 + index),
                4 => item.release_in(30 + 2 * index).limit(50),
                5 => item.deny_backorders(),
                6 => item.batch(8, -3 - index),
                // Too far out to promise within the shop's wait limit.
                7 => item.batch(30, MAX_WAIT_DAYS + 30),
                8 => item.discontinued(),
                _ => item.promised(5).limit(5).batch(50, 28),
            }
        })
        .collect()
}

/// A stock record under construction. Backorders are allowed unless said otherwise, since most
/// demo items exist to show a date.
struct Item {
    today: NaiveDate,
    record: StockRecord,
}

impl Item {
    fn new(today: NaiveDate, sku: &str, name: &str) -> Self {
        Self {
            today,
            record: StockRecord {
                sku: Some(sku.to_owned()),
                name: Some(name.to_owned()),
                on_hand: Some(0),
                backorders: Some("allow".to_owned()),
                ..StockRecord::default()
            },
        }
    }

    /// A date `days` from today (negative: in the past). An impossible date stays empty, which
    /// the catalog check reports rather than guessing.
    fn date(&self, days: i64) -> String {
        self.today
            .checked_add_signed(TimeDelta::days(days))
            .map(format_iso_date)
            .unwrap_or_default()
    }

    fn on_hand(mut self, units: i64) -> Self {
        self.record.on_hand = Some(units);
        self
    }

    fn low_stock_at(mut self, threshold: i64) -> Self {
        self.record.low_stock_threshold = Some(threshold);
        self
    }

    fn promised(mut self, units: i64) -> Self {
        self.record.backordered = Some(units);
        self
    }

    fn limit(mut self, units: i64) -> Self {
        self.record.backorder_limit = Some(units);
        self
    }

    /// A batch en route, named `PO-1`, `PO-2`, … within its record, as receipts refer to it.
    fn batch(mut self, quantity: i64, arrives_in_days: i64) -> Self {
        let expected = self.date(arrives_in_days);
        let id = format!("PO-{}", self.record.incoming.len() + 1);
        self.record.incoming.push(IncomingRecord {
            id: Some(id),
            quantity,
            expected,
        });
        self
    }

    fn release_in(mut self, days: i64) -> Self {
        self.record.release_date = Some(self.date(days));
        self
    }

    fn deny_backorders(mut self) -> Self {
        self.record.backorders = Some("deny".to_owned());
        self
    }

    fn discontinued(mut self) -> Self {
        self.record.backorders = None;
        self.record.discontinued = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::availability::{Availability, evaluate};
    use crate::domain::calendar::ShopCalendar;
    use crate::domain::stock::Stock;

    /// The state a shopper wanting `quantity` units sees, whatever day the demo runs.
    fn check(today: NaiveDate, sku: &str, quantity: u32, expected: &str) {
        let catalog = catalog(today).expect("the demo catalog is valid");
        let record = catalog.get(sku).expect("the sku is in the demo catalog");
        let stock = Stock::from_record(record).expect("a valid record");
        let calendar = ShopCalendar::from_config(&catalog.shop).expect("a valid calendar");
        let evaluation = evaluate(&stock, &calendar, quantity, today);
        let state = match evaluation.availability {
            Availability::OutOfStock { reason, .. } => format!("out_of_stock:{reason:?}"),
            other => other.state_name().to_owned(),
        };
        assert_eq!(state, expected, "{sku} on {today}");
    }

    #[test]
    fn every_state_is_shown_on_any_day() {
        let days = [(2026, 11, 27), (2026, 12, 24), (2027, 2, 28), (2028, 6, 30)];
        for (year, month, day) in days {
            let today = NaiveDate::from_ymd_opt(year, month, day).expect("a valid date");
            check(today, "TEE-RED-M", 1, "in_stock");
            check(today, "MUG-SAND", 1, "in_stock");
            check(today, "BAG-OLIVE", 3, "partial");
            check(today, "SCARF-GREY", 1, "backordered");
            check(today, "SHOE-TR2-42", 1, "preorder");
            check(today, "LAMP-BRASS", 1, "out_of_stock:Delayed");
            check(today, "SHIRT-LINEN-19", 1, "discontinued");
            check(today, "TEE-BLUE-S", 1, "backordered");
            check(today, "TEE-BLUE-M", 3, "partial");
            check(today, "TEE-BLACK-M", 1, "out_of_stock:CapReached");
            check(today, "TEE-BLACK-L", 1, "out_of_stock:BackordersDenied");
            check(today, "ITEM-003", 1, "backordered");
            check(today, "ITEM-005", 1, "preorder");
            check(today, "ITEM-007", 1, "out_of_stock:Delayed");
            check(today, "ITEM-008", 1, "out_of_stock:BeyondMaxWait");
            check(today, "ITEM-009", 1, "discontinued");
            check(today, "ITEM-010", 1, "out_of_stock:CapReached");
            check(today, "ITEM-020", 1, "out_of_stock:CapReached");
        }
    }

    /// The collection page labels each badge with the name the catalog gives its SKU.
    #[test]
    fn the_collection_page_names_each_item_as_the_catalog_does() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a valid date");
        let catalog = catalog(today).expect("valid");
        let page = include_str!("../../www/collection.html");
        let mut labelled = 0;
        for line in page.lines().map(str::trim) {
            let Some(item) = line.strip_prefix("<li>") else {
                continue;
            };
            let (label, element) = item.split_once(" <backorder-status").expect("a badge");
            let sku = element
                .split("sku=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("a sku");
            let record = catalog.get(sku).expect("the sku is in the demo catalog");
            assert_eq!(Some(label), record.name.as_deref(), "{sku}");
            labelled += 1;
        }
        assert!(labelled >= 20, "{labelled} items");
    }

    #[test]
    fn has_the_variants_and_the_collection() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a valid date");
        let catalog = catalog(today).expect("valid");
        for colour in ["RED", "BLUE", "BLACK"] {
            for size in ["S", "M", "L"] {
                assert!(catalog.get(&format!("TEE-{colour}-{size}")).is_some());
            }
        }
        assert!(catalog.get("ITEM-001").is_some() && catalog.get("ITEM-020").is_some());
        assert!(catalog.records.iter().all(|record| record.name.is_some()));
    }
}
