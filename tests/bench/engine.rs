//! Evaluations per second for a realistic record, and how the cost of one evaluation grows with
//! the number of incoming batches.
//!
//! A plain loop timed with `Instant`: the loop runs long enough per round (10 ms or more) that the
//! clock's resolution does not matter, and the median of several rounds is reported so one
//! interruption by the OS does not either. `black_box` keeps the compiler from hoisting the
//! evaluation out of the loop or discarding it.

use std::hint::black_box;
use std::time::{Duration, Instant};

use backorder_widget::domain::{Availability, ShopCalendar, Stock, evaluate, parse_iso_date};
use backorder_widget::wire::{ShopConfig, StockRecord};
use chrono::NaiveDate;
use serde::Serialize;

use crate::catalog::batch;
use crate::stats::{Spread, round};

/// A fixed Friday, and holidays written out around it, keep the records and so the work measured
/// the same on every run.
const TODAY: &str = "2026-11-27";
/// Batch counts for the growth curve.
const BATCH_COUNTS: [usize; 4] = [1, 10, 100, 1000];
/// Timed rounds per measurement; the median is reported.
const ROUNDS: usize = 11;
/// The shortest round.
const MIN_ROUND: Duration = Duration::from_millis(10);

#[derive(Debug, Clone, Serialize)]
pub struct Engine {
    pub realistic: Realistic,
    pub growth: Vec<Growth>,
}

/// A record as a shop has it: some on the shelf, some promised, five batches en route.
#[derive(Debug, Clone, Serialize)]
pub struct Realistic {
    pub batches: usize,
    pub state: String,
    pub evaluations_per_second: f64,
    pub ns_per_evaluation: Spread,
}

/// One point of the growth curve: the shopper's unit is in the last batch, so every batch is
/// walked.
#[derive(Debug, Clone, Serialize)]
pub struct Growth {
    pub batches: usize,
    pub ns_per_evaluation: Spread,
    /// The median relative to the one-batch median.
    pub relative_to_one_batch: f64,
}

pub fn measure() -> Result<Engine, String> {
    let today = parse_iso_date(TODAY).ok_or("the bench's today does not parse")?;
    let calendar = calendar()?;

    let realistic_stock = checked(&realistic(today))?;
    let quantity = 6;
    let state = evaluate(&realistic_stock, &calendar, quantity, today)
        .availability
        .state_name()
        .to_owned();
    let realistic_ns = time(&realistic_stock, &calendar, quantity, today)?;
    let realistic = Realistic {
        batches: realistic_stock.incoming.len(),
        state,
        evaluations_per_second: round(1e9 / realistic_ns.median, 0),
        ns_per_evaluation: realistic_ns,
    };

    let mut growth = Vec::new();
    for batches in BATCH_COUNTS {
        let stock = checked(&many_batches(today, batches))?;
        let evaluation = evaluate(&stock, &calendar, 1, today);
        if !matches!(evaluation.availability, Availability::Backordered { .. }) {
            return Err(format!(
                "the {batches}-batch record is {}, not backordered: it would not walk every batch",
                evaluation.availability.state_name()
            ));
        }
        let ns = time(&stock, &calendar, 1, today)?;
        let one_batch = growth
            .first()
            .map_or(ns.median, |first: &Growth| first.ns_per_evaluation.median);
        growth.push(Growth {
            batches,
            relative_to_one_batch: round(ns.median / one_batch, 1),
            ns_per_evaluation: ns,
        });
    }
    Ok(Engine { realistic, growth })
}

/// Nanoseconds per evaluation, per round.
fn time(
    stock: &Stock,
    calendar: &ShopCalendar,
    quantity: u32,
    today: NaiveDate,
) -> Result<Spread, String> {
    let round_of = |iterations: u32| {
        let started = Instant::now();
        for _ in 0..iterations {
            black_box(evaluate(
                black_box(stock),
                black_box(calendar),
                black_box(quantity),
                black_box(today),
            ));
        }
        started.elapsed()
    };
    let mut iterations = 1u32;
    while round_of(iterations) < MIN_ROUND && iterations < u32::MAX / 2 {
        iterations *= 2;
    }
    let samples: Vec<f64> = (0..ROUNDS)
        .map(|_| round_of(iterations).as_nanos() as f64 / f64::from(iterations))
        .collect();
    Spread::of(&samples, 0).ok_or_else(|| "no timed rounds".to_owned())
}

/// Weekdays, the season's holidays after [`TODAY`], 90 days at most.
fn calendar() -> Result<ShopCalendar, String> {
    let config = ShopConfig {
        holidays: [
            "2026-12-24",
            "2026-12-25",
            "2026-12-26",
            "2026-12-31",
            "2027-01-01",
            "2027-04-02",
            "2027-04-05",
            "2027-05-01",
        ]
        .map(str::to_owned)
        .to_vec(),
        max_wait_days: Some(90),
        ..crate::catalog::shop()
    };
    ShopCalendar::from_config(&config).map_err(|error| error.to_string())
}

/// Three on the shelf, 40 promised, five batches over two months, handling two working days: a
/// shopper asking for six gets three now and three with a date.
fn realistic(today: NaiveDate) -> StockRecord {
    StockRecord {
        sku: Some("TEE-RED-M".to_owned()),
        name: Some("Classic Tee, red M".to_owned()),
        on_hand: Some(3),
        backorders: Some("allow".to_owned()),
        backordered: Some(40),
        incoming: vec![
            batch(24, today, 9),
            batch(36, today, 23),
            batch(12, today, 30),
            batch(48, today, 44),
            batch(60, today, 65),
        ],
        backorder_limit: Some(150),
        low_stock_threshold: Some(5),
        handling_days: Some(2),
        max_per_order: Some(10),
        ..StockRecord::default()
    }
}

/// `batches` batches of ten spread over the next 80 days, all but the last unit promised: a new
/// shopper's one unit comes from the last batch.
fn many_batches(today: NaiveDate, batches: usize) -> StockRecord {
    let units = 10 * batches as i64;
    StockRecord {
        sku: Some(format!("MANY-{batches}")),
        backorders: Some("allow".to_owned()),
        backordered: Some(units - 1),
        incoming: (0..batches)
            .map(|index| batch(10, today, 1 + (index * 80 / batches) as u64))
            .collect(),
        ..StockRecord::default()
    }
}

fn checked(record: &StockRecord) -> Result<Stock, String> {
    Stock::from_record(record).map_err(|error| format!("a bench record is invalid: {error}"))
}
