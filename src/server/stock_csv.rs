//! One row per product, or one per batch. Every mistake is named by its line and column, all of
//! them at once.

use std::collections::HashMap;

use super::catalog::RecordProblem;
use crate::wire::{IncomingRecord, StockRecord};

/// The columns, in the order `GET /api/stock` would write them. One row per product, or one
/// per batch: rows with the same `sku` are one product, whose own columns come from its first
/// row; each row may add one batch (`batch_id`, `batch_quantity`, `batch_expected`).
pub const COLUMNS: [&str; 14] = [
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

/// The columns that describe the product itself rather than one of its batches: all but the
/// first (`sku`) and the last three (`batch_…`).
const PRODUCT_COLUMNS: &[&str] = COLUMNS.split_at(1).1.split_at(10).0;

/// Reads a CSV upload into records, with the line each product starts on.
pub fn records(body: &[u8]) -> Result<(Vec<StockRecord>, Vec<usize>), Vec<RecordProblem>> {
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
    for (index, name) in headers.iter().enumerate() {
        if headers.iter().take(index).any(|earlier| earlier == name) {
            problems.push(problem(
                1,
                None,
                name,
                format!("the column {name:?} appears twice"),
            ));
        } else if !COLUMNS.contains(&name) {
            problems.push(problem(
                1,
                None,
                name,
                format!(
                    "unknown column {name:?}; the columns are {}",
                    COLUMNS.join(", ")
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
    let column: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(index, name)| (name, index))
        .collect();
    let mut records: Vec<StockRecord> = Vec::new();
    let mut positions: Vec<usize> = Vec::new();
    // Where each product's record is, by SKU: a product of many rows is found at once.
    let mut index_of: HashMap<String, usize> = HashMap::new();
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
            column
                .get(name)
                .and_then(|&index| row.get(index))
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
        match sku.and_then(|sku| index_of.get(sku).copied()) {
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
                if let Some(sku) = sku {
                    index_of.insert(sku.to_owned(), records.len());
                }
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
        let (records, positions) = records(csv.as_bytes()).expect("valid");
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
        let problems = records(csv.as_bytes()).expect_err("mistakes");
        let named: Vec<(usize, &str)> = problems
            .iter()
            .map(|problem| (problem.record, problem.field.as_str()))
            .collect();
        assert_eq!(named, [(2, "on_hand"), (3, "batch")]);
        let unknown = records(b"sku,colour\nA,red\n").expect_err("unknown column");
        assert_eq!(unknown[0].field, "colour");
        let twice = records(b"sku,on_hand,on_hand\nA,1,2\n").expect_err("a column twice");
        assert_eq!(twice[0].field, "on_hand");
        let differs =
            records(b"sku,on_hand,batch_id,batch_quantity,batch_expected\nA,1,P1,1,2030-01-01\nA,2,P2,1,2030-01-02\n")
                .expect_err("differs");
        assert_eq!(
            (differs[0].record, differs[0].field.as_str()),
            (3, "on_hand")
        );
    }
}
