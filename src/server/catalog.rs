//! A catalog file at start-up, the demo catalog, or an upload to the stock API (JSON or CSV).
//! Every record is checked with the domain's own rules before any is stored, all of them, so a
//! mistake stops the upload with a clear message per record and field instead of surfacing later
//! as a shopper's error.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::store::records::Origin;
use super::{clock, demo};
use crate::domain::calendar::ShopCalendar;
use crate::domain::stock::Stock;
use crate::wire::{self, Availability, ShopConfig, StockRecord, Tree};

/// Checked stock: the shop's calendar and every product, in the order they were given.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub shop: ShopConfig,
    pub records: Vec<StockRecord>,
}

/// Reads JSON text the way the widget reads the same shapes (`wire::read`): whether a count is
/// a whole number, and what a wrong field is called, is decided once for both.
pub fn read_json<T: DeserializeOwned>(text: &[u8]) -> Result<T, String> {
    let document: Tree = serde_json::from_slice(text).map_err(|error| error.to_string())?;
    wire::read(&document).map_err(|error| error.message())
}

/// One problem with one record, as a `422` lists them: which record (its position in the
/// upload, counted from 1, or its line in a CSV file), which SKU, which field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordProblem {
    pub record: usize,
    pub sku: Option<String>,
    pub field: String,
    pub message: String,
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
    Invalid(Vec<RecordProblem>),
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
            Self::Invalid(problems) => {
                f.write_str("the catalog is not valid:")?;
                for problem in problems {
                    let sku = problem.sku.as_deref().unwrap_or("no sku");
                    write!(
                        f,
                        "\n  item {} ({sku}): {}",
                        problem.record, problem.message
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for CatalogError {}

/// Checks a calendar: the domain's rules, and a time zone this server knows.
pub fn check_shop(shop: &ShopConfig) -> Result<ShopCalendar, RecordProblem> {
    let problem = |message: String| RecordProblem {
        record: 0,
        sku: None,
        field: "shop".to_owned(),
        message,
    };
    let calendar = ShopCalendar::from_config(shop).map_err(|error| problem(error.message()))?;
    if let Some(zone) = calendar.time_zone.as_deref()
        && clock::zone(zone).is_none()
    {
        return Err(problem(format!(
            "`time_zone` {zone:?} is not a time zone this server knows (IANA names such as \
             \"Europe/Berlin\")"
        )));
    }
    Ok(calendar)
}

/// Checks every record (`positions`: how to name each in a problem, by default its place
/// counted from 1): the domain's rules for stored stock, every batch with an `id`, and each SKU
/// once (after trimming, as the domain trims it). All problems, or none.
pub fn check_records(
    records: &[StockRecord],
    positions: Option<&[usize]>,
) -> Result<(), Vec<RecordProblem>> {
    let mut problems = Vec::new();
    let mut seen = HashSet::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let position = positions
            .and_then(|positions| positions.get(index).copied())
            .unwrap_or(index + 1);
        let sku = record
            .sku
            .as_deref()
            .map(str::trim)
            .filter(|sku| !sku.is_empty());
        let problem = |field: &str, message: String| RecordProblem {
            record: position,
            sku: sku.map(str::to_owned),
            field: field.to_owned(),
            message,
        };
        match Stock::from_stored_record(record) {
            Err(error) => problems.push(problem(error.field(), error.message())),
            Ok(stock) => {
                if let Some(twice) = seen.replace(stock.sku) {
                    problems.push(problem("sku", format!("the sku {twice:?} appears twice")));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

impl Catalog {
    /// Checks the shop and every record.
    pub fn new(shop: ShopConfig, records: Vec<StockRecord>) -> Result<Self, CatalogError> {
        check_shop(&shop).map_err(|problem| CatalogError::Invalid(vec![problem]))?;
        check_records(&records, None).map_err(CatalogError::Invalid)?;
        Ok(Self { shop, records })
    }

    pub fn from_file(path: &Path) -> Result<Self, CatalogError> {
        let text = std::fs::read_to_string(path).map_err(|error| CatalogError::Read {
            path: path.to_owned(),
            error,
        })?;
        let file: Availability =
            read_json(text.as_bytes()).map_err(|error| CatalogError::Parse {
                path: path.to_owned(),
                error,
            })?;
        let mut items = file.items;
        for named in name_batches(&mut items) {
            eprintln!(
                "{}: a batch without an id is now {named:?}; receipts name it by that",
                path.display()
            );
        }
        Self::new(file.shop.unwrap_or_default(), items)
    }

    #[cfg(test)]
    pub fn get(&self, sku: &str) -> Option<&StockRecord> {
        self.records
            .iter()
            .find(|record| record.sku.as_deref().map(str::trim) == Some(sku))
    }
}

/// Gives each batch without an `id` one (`PO-1`, `PO-2`, … unused in its record), so a catalog
/// file written before batches had ids still starts the server. Returns the ids it gave. The
/// stock API does not do this: a merchant's system sends the references it will receive by.
fn name_batches(records: &mut [StockRecord]) -> Vec<String> {
    let mut named = Vec::new();
    for record in records {
        let mut next = 1;
        for index in 0..record.incoming.len() {
            let blank = record.incoming[index]
                .id
                .as_deref()
                .is_none_or(|id| id.trim().is_empty());
            if !blank {
                continue;
            }
            let id = loop {
                let id = format!("PO-{next}");
                next += 1;
                let taken = record
                    .incoming
                    .iter()
                    .any(|batch| batch.id.as_deref().map(str::trim) == Some(id.as_str()));
                if !taken {
                    break id;
                }
            };
            record.incoming[index].id = Some(id.clone());
            named.push(id);
        }
    }
    named
}

/// The catalog the server starts with, and where it comes from: a merchant's file, or the
/// demo catalog dated from today (`Store::import_catalog` decides whether it is imported).
pub fn at_start_up(
    path: Option<&Path>,
    today: NaiveDate,
) -> Result<(Catalog, Origin), CatalogError> {
    match path {
        Some(path) => Ok((Catalog::from_file(path)?, Origin::File)),
        None => Ok((demo::catalog(today)?, Origin::Demo)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> StockRecord {
        serde_json::from_str(json).expect("JSON")
    }

    #[test]
    fn every_problem_is_named_by_record_sku_and_field() {
        let records = [
            record(r#"{"sku": "A"}"#),
            record(r#"{"sku": " A "}"#),
            record(r#"{"sku": "B", "backordered": -1}"#),
            record(r#"{"sku": "C", "incoming": [{"quantity": 4, "expected": "2030-01-01"}]}"#),
            record(r#"{"on_hand": 3}"#),
        ];
        let problems = check_records(&records, None).expect_err("problems");
        let named: Vec<(usize, Option<&str>, &str)> = problems
            .iter()
            .map(|problem| {
                (
                    problem.record,
                    problem.sku.as_deref(),
                    problem.field.as_str(),
                )
            })
            .collect();
        assert_eq!(
            named,
            [
                (2, Some("A"), "sku"),
                (3, Some("B"), "backordered"),
                (4, Some("C"), "incoming.id"),
                (5, None, "sku"),
            ]
        );
    }

    #[test]
    fn a_time_zone_must_be_one_the_server_knows() {
        let shop = ShopConfig {
            time_zone: Some("Mars/Olympus_Mons".to_owned()),
            ..ShopConfig::default()
        };
        assert!(check_shop(&shop).is_err_and(|problem| problem.message.contains("Mars")));
        let shop = ShopConfig {
            time_zone: Some("Europe/Berlin".to_owned()),
            ..ShopConfig::default()
        };
        assert!(check_shop(&shop).is_ok());
    }

    #[test]
    fn a_catalog_file_without_batch_ids_gets_them() {
        let folder = std::env::temp_dir().join(format!("catalog-ids-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("folder");
        let path = folder.join("catalog.json");
        std::fs::write(
            &path,
            r#"{"items": [{"sku": "A", "backorders": "allow", "incoming": [
                {"quantity": 2, "expected": "2030-01-01"},
                {"id": "PO-1", "quantity": 2, "expected": "2030-02-01"}]}]}"#,
        )
        .expect("written");
        let catalog = Catalog::from_file(&path).expect("accepted");
        let ids: Vec<Option<&str>> = catalog.records[0]
            .incoming
            .iter()
            .map(|batch| batch.id.as_deref())
            .collect();
        assert_eq!(ids, [Some("PO-2"), Some("PO-1")]);
        let _ = std::fs::remove_dir_all(&folder);
    }

    #[test]
    fn the_demo_catalog_is_dated_from_today() {
        let day = |d| NaiveDate::from_ymd_opt(2030, 3, d).expect("a valid date");
        let (first, origin) = at_start_up(None, day(1)).expect("the demo catalog is valid");
        let (next, _) = at_start_up(None, day(2)).expect("valid");
        assert_eq!(origin, Origin::Demo);
        assert_ne!(
            first.get("SCARF-GREY"),
            next.get("SCARF-GREY"),
            "dated from the day it starts"
        );
    }
}
