//! The stock data the server answers from: a merchant's catalog file, or the demo catalog.
//!
//! Every record is checked with the domain's own rules at load time, so a typing mistake in the
//! file stops the server with a clear message instead of surfacing later as a shopper's error.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;
use serde::Deserialize;

use super::demo;
use crate::domain::{ShopCalendar, ShopConfig, Stock, StockRecord};

/// A checked catalog: the shop's calendar and every variant, in the order they were given.
#[derive(Debug, Clone)]
pub struct Catalog {
    shop: ShopConfig,
    calendar: ShopCalendar,
    entries: Vec<Entry>,
    by_sku: HashMap<String, usize>,
}

/// One variant: the record as the merchant wrote it, and its checked form.
#[derive(Debug, Clone)]
pub struct Entry {
    pub record: StockRecord,
    pub stock: Stock,
}

/// The file format: the availability response's own shape.
#[derive(Debug, Deserialize)]
struct CatalogFile {
    #[serde(default)]
    shop: ShopConfig,
    items: Vec<StockRecord>,
}

/// Why a catalog cannot be used.
#[derive(Debug)]
pub enum CatalogError {
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    Parse {
        path: PathBuf,
        error: String,
    },
    Invalid(String),
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read { path, error } => {
                write!(f, "cannot read the catalog {}: {error}", path.display())
            }
            Self::Parse { path, error } => write!(
                f,
                "the catalog {} is not {{\"shop\": {{..}}, \"items\": [..]}}: {error}",
                path.display()
            ),
            Self::Invalid(detail) => write!(f, "the catalog is not valid: {detail}"),
        }
    }
}

impl std::error::Error for CatalogError {}

impl Catalog {
    /// Checks the shop and every record; SKUs must be unique (after trimming, as the domain
    /// trims them).
    pub fn new(shop: ShopConfig, records: Vec<StockRecord>) -> Result<Self, CatalogError> {
        let calendar = ShopCalendar::from_config(&shop)
            .map_err(|error| CatalogError::Invalid(format!("shop: {error}")))?;
        let mut entries = Vec::with_capacity(records.len());
        let mut by_sku = HashMap::with_capacity(records.len());
        for (index, record) in records.into_iter().enumerate() {
            let stock = Stock::from_record(&record).map_err(|error| {
                let sku = record.sku.as_deref().unwrap_or("(no sku)");
                CatalogError::Invalid(format!("item {} ({sku}): {error}", index + 1))
            })?;
            if by_sku.insert(stock.sku.clone(), entries.len()).is_some() {
                return Err(CatalogError::Invalid(format!(
                    "the sku {:?} appears twice",
                    stock.sku
                )));
            }
            entries.push(Entry { record, stock });
        }
        Ok(Self {
            shop,
            calendar,
            entries,
            by_sku,
        })
    }

    pub fn from_file(path: &Path) -> Result<Self, CatalogError> {
        let text = std::fs::read_to_string(path).map_err(|error| CatalogError::Read {
            path: path.to_owned(),
            error,
        })?;
        let file: CatalogFile =
            serde_json::from_str(&text).map_err(|error| CatalogError::Parse {
                path: path.to_owned(),
                error: error.to_string(),
            })?;
        Self::new(file.shop, file.items)
    }

    pub fn shop(&self) -> &ShopConfig {
        &self.shop
    }

    pub fn calendar(&self) -> &ShopCalendar {
        &self.calendar
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn get(&self, sku: &str) -> Option<&Entry> {
        self.by_sku.get(sku).map(|&index| &self.entries[index])
    }
}

/// Where the catalog comes from. The demo catalog is rebuilt when the date changes, so a server
/// left running for weeks still shows dates in the future.
#[derive(Debug)]
pub enum CatalogSource {
    Fixed(Arc<Catalog>),
    Demo(Mutex<(NaiveDate, Arc<Catalog>)>),
}

impl CatalogSource {
    pub fn load(path: Option<&Path>, today: NaiveDate) -> Result<Self, CatalogError> {
        Ok(match path {
            Some(path) => Self::Fixed(Arc::new(Catalog::from_file(path)?)),
            None => Self::Demo(Mutex::new((today, Arc::new(demo::catalog(today)?)))),
        })
    }

    /// The catalog to answer with on `today`.
    pub fn current(&self, today: NaiveDate) -> Result<Arc<Catalog>, CatalogError> {
        match self {
            Self::Fixed(catalog) => Ok(Arc::clone(catalog)),
            Self::Demo(cell) => {
                // The cell holds no invariant a panic could break half-way, so a poisoned lock
                // is still safe to use.
                let mut cell = cell.lock().unwrap_or_else(PoisonError::into_inner);
                if cell.0 != today {
                    *cell = (today, Arc::new(demo::catalog(today)?));
                }
                Ok(Arc::clone(&cell.1))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(sku: &str) -> StockRecord {
        StockRecord {
            sku: Some(sku.to_owned()),
            ..StockRecord::default()
        }
    }

    #[test]
    fn rejects_duplicates_and_bad_records_with_the_sku() {
        let duplicate = Catalog::new(ShopConfig::default(), vec![record("A"), record(" A ")]);
        assert!(
            matches!(duplicate, Err(CatalogError::Invalid(detail)) if detail.contains("twice"))
        );
        let negative = StockRecord {
            backordered: Some(-1),
            ..record("B")
        };
        let bad = Catalog::new(ShopConfig::default(), vec![record("A"), negative]);
        assert!(matches!(bad, Err(CatalogError::Invalid(detail)) if detail.contains("item 2 (B)")));
    }

    #[test]
    fn the_demo_catalog_follows_the_date() {
        let day = |d| NaiveDate::from_ymd_opt(2030, 3, d).expect("a valid date");
        let source = CatalogSource::load(None, day(1)).expect("the demo catalog is valid");
        let first = source.current(day(1)).expect("valid");
        let same = source.current(day(1)).expect("valid");
        assert!(Arc::ptr_eq(&first, &same));
        let next = source.current(day(2)).expect("valid");
        assert!(!Arc::ptr_eq(&first, &next));
    }
}
