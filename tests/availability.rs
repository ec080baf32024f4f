//! Table-driven tests of the availability rules, natively. Today is Friday 2026-11-27 throughout.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]

use backorder_widget::domain::{
    Availability, Evaluation, NoDateReason, ShopCalendar, Stock, evaluate, format_iso_date,
    parse_iso_date,
};
use backorder_widget::wire::{ShopConfig, StockRecord};

const TODAY: &str = "2026-11-27";

/// Evaluates `record` (JSON, `sku` added) for `quantity` and compares a one-line summary.
fn check(record: &str, quantity: u32, expected: &str) {
    check_with_shop(record, "{}", quantity, expected);
}

fn check_with_shop(record: &str, shop: &str, quantity: u32, expected: &str) {
    let summary = match stock(record) {
        Ok(stock) => {
            let shop: ShopConfig = serde_json::from_str(shop).expect("test shop JSON");
            let calendar = ShopCalendar::from_config(&shop).expect("test shop calendar");
            let today = parse_iso_date(TODAY).expect("today");
            summarize(&evaluate(&stock, &calendar, quantity, today))
        }
        Err(error) => format!("error: {error}"),
    };
    assert_eq!(summary, expected, "record {record} quantity {quantity}");
}

fn stock(record: &str) -> Result<Stock, String> {
    let json = format!(r#"{{"sku": "SKU-1", {}"#, record.trim_start_matches('{'));
    let record: StockRecord = serde_json::from_str(&json).map_err(|error| error.to_string())?;
    Stock::from_record(&record).map_err(|error| error.to_string())
}

fn summarize(evaluation: &Evaluation) -> String {
    let state = match &evaluation.availability {
        Availability::InStock { low_stock: None } => "in_stock".to_owned(),
        Availability::InStock {
            low_stock: Some(left),
        } => format!("in_stock only {left} left"),
        Availability::Partial {
            ship_now,
            backordered,
            expected_ship_date,
        } => {
            format!(
                "partial {ship_now} now + {backordered} by {}",
                format_iso_date(*expected_ship_date)
            )
        }
        Availability::Backordered { expected_ship_date } => {
            format!("backordered by {}", format_iso_date(*expected_ship_date))
        }
        Availability::Preorder {
            release_date,
            expected_ship_date,
        } => format!(
            "preorder release {} ships {}",
            format_iso_date(*release_date),
            format_iso_date(*expected_ship_date)
        ),
        Availability::OutOfStock { notify, reason } => {
            format!(
                "out_of_stock {reason:?}{}",
                if *notify { " notify" } else { "" }
            )
        }
        Availability::Discontinued => "discontinued".to_owned(),
    };
    let limited = if evaluation.limited { " limited" } else { "" };
    format!(
        "{state} (q {}{limited}, max {})",
        evaluation.quantity, evaluation.max_quantity
    )
}

#[test]
fn in_stock_and_low_stock() {
    check(r#"{"on_hand": 10}"#, 1, "in_stock (q 1, max 10)");
    check(r#"{"on_hand": 10}"#, 10, "in_stock (q 10, max 10)");
    check(
        r#"{"on_hand": 3, "low_stock_threshold": 3}"#,
        1,
        "in_stock only 3 left (q 1, max 3)",
    );
    check(
        r#"{"on_hand": 4, "low_stock_threshold": 3}"#,
        1,
        "in_stock (q 1, max 4)",
    );
    check(
        r#"{"on_hand": 1, "low_stock_threshold": 3}"#,
        1,
        "in_stock only 1 left (q 1, max 1)",
    );
    check(r#"{"on_hand": 2}"#, 0, "in_stock (q 1, max 2)");
}

#[test]
fn zero_and_negative_on_hand() {
    check(
        r#"{"on_hand": 0}"#,
        1,
        "out_of_stock BackordersDenied notify (q 1, max 0)",
    );
    check(
        r#"{"on_hand": -5}"#,
        1,
        "out_of_stock BackordersDenied notify (q 1, max 0)",
    );
    check(
        r#"{"on_hand": 0, "backorders": "allow"}"#,
        1,
        "out_of_stock NothingIncoming notify (q 1, max 0)",
    );
    check(
        r#"{"on_hand": -5, "backorders": "allow", "incoming": [{"quantity": 10, "expected": "2026-12-14"}]}"#,
        2,
        "backordered by 2026-12-15 (q 2, max 10)",
    );
}

#[test]
fn backorders_denied_sells_only_the_shelf() {
    let incoming = r#""incoming": [{"quantity": 10, "expected": "2026-12-14"}]"#;
    check(
        &format!(r#"{{"on_hand": 2, {incoming}}}"#),
        5,
        "in_stock (q 2 limited, max 2)",
    );
    check(
        &format!(r#"{{"on_hand": 0, {incoming}}}"#),
        1,
        "out_of_stock BackordersDenied notify (q 1, max 0)",
    );
}

#[test]
fn ship_date_honours_working_days_and_holidays() {
    let batch = |expected: &str, handling: u32| {
        format!(
            r#"{{"backorders": "allow", "handling_days": {handling}, "incoming": [{{"quantity": 5, "expected": "{expected}"}}]}}"#
        )
    };
    // Monday arrival, one working day of handling.
    check(
        &batch("2026-12-14", 1),
        1,
        "backordered by 2026-12-15 (q 1, max 5)",
    );
    // Arrival on a Saturday: the first working day after it is Monday.
    check(
        &batch("2026-12-12", 1),
        1,
        "backordered by 2026-12-14 (q 1, max 5)",
    );
    check(
        &batch("2026-12-12", 0),
        1,
        "backordered by 2026-12-14 (q 1, max 5)",
    );
    // Handling across a weekend.
    check(
        &batch("2026-12-11", 1),
        1,
        "backordered by 2026-12-14 (q 1, max 5)",
    );
    check(
        &batch("2026-12-11", 2),
        1,
        "backordered by 2026-12-15 (q 1, max 5)",
    );
    check(
        &batch("2026-12-11", 0),
        1,
        "backordered by 2026-12-11 (q 1, max 5)",
    );
    // Holidays: Christmas on a Friday is skipped, so is the weekend after it.
    let christmas = r#"{"holidays": ["2026-12-25"]}"#;
    check_with_shop(
        &batch("2026-12-24", 1),
        christmas,
        1,
        "backordered by 2026-12-28 (q 1, max 5)",
    );
    check_with_shop(
        &batch("2026-12-25", 0),
        christmas,
        1,
        "backordered by 2026-12-28 (q 1, max 5)",
    );
    check_with_shop(
        &batch("2026-12-25", 1),
        christmas,
        1,
        "backordered by 2026-12-28 (q 1, max 5)",
    );
    check_with_shop(
        &batch("2026-12-25", 2),
        christmas,
        1,
        "backordered by 2026-12-29 (q 1, max 5)",
    );
    // A shop that also ships on Saturdays.
    let six_days = r#"{"working_days": ["mon", "tue", "wed", "thu", "fri", "sat"]}"#;
    check_with_shop(
        &batch("2026-12-11", 1),
        six_days,
        1,
        "backordered by 2026-12-12 (q 1, max 5)",
    );
}

#[test]
fn batches_today_and_in_the_past() {
    let record = |expected: &str| {
        format!(
            r#"{{"backorders": "allow", "incoming": [{{"quantity": 5, "expected": "{expected}"}}]}}"#
        )
    };
    // Arriving today is still a promise: it ships the next working day (Monday).
    check(
        &record("2026-11-27"),
        1,
        "backordered by 2026-11-30 (q 1, max 5)",
    );
    // Dated yesterday: late, so no date at all.
    check(
        &record("2026-11-26"),
        1,
        "out_of_stock Delayed notify (q 1, max 0)",
    );
    // A late batch is skipped; units already promised come out of the dated batch first.
    check(
        r#"{"backorders": "allow", "backordered": 3, "incoming": [
            {"quantity": 10, "expected": "2026-11-20"}, {"quantity": 5, "expected": "2026-12-14"}]}"#,
        2,
        "backordered by 2026-12-15 (q 2, max 2)",
    );
    check(
        r#"{"backorders": "allow", "backordered": 3, "incoming": [
            {"quantity": 10, "expected": "2026-11-20"}, {"quantity": 5, "expected": "2026-12-14"}]}"#,
        3,
        "backordered by 2026-12-15 (q 2 limited, max 2)",
    );
}

#[test]
fn first_in_first_out_after_units_already_promised() {
    // Batches out of order on the wire; 7 units already promised.
    let record = r#"{"backorders": "allow", "backordered": 7, "incoming": [
        {"quantity": 10, "expected": "2026-12-21"}, {"quantity": 5, "expected": "2026-12-14"}]}"#;
    check(record, 1, "backordered by 2026-12-22 (q 1, max 8)");
    check(record, 8, "backordered by 2026-12-22 (q 8, max 8)");
    check(record, 9, "backordered by 2026-12-22 (q 8 limited, max 8)");
    // With only 3 promised, the first batch still has 2 free units.
    let record = r#"{"backorders": "allow", "backordered": 3, "incoming": [
        {"quantity": 5, "expected": "2026-12-14"}, {"quantity": 10, "expected": "2026-12-21"}]}"#;
    check(record, 2, "backordered by 2026-12-15 (q 2, max 12)");
    check(record, 3, "backordered by 2026-12-22 (q 3, max 12)");
    // Everything promised: the cap is reached.
    check(
        r#"{"backorders": "allow", "backordered": 15, "incoming": [{"quantity": 15, "expected": "2026-12-14"}]}"#,
        1,
        "out_of_stock CapReached notify (q 1, max 0)",
    );
}

#[test]
fn partial_shipments() {
    let record = r#"{"on_hand": 3, "backorders": "allow", "incoming": [{"quantity": 10, "expected": "2026-12-14"}]}"#;
    check(record, 3, "in_stock (q 3, max 13)");
    check(record, 5, "partial 3 now + 2 by 2026-12-15 (q 5, max 13)");
    check(
        record,
        13,
        "partial 3 now + 10 by 2026-12-15 (q 13, max 13)",
    );
    check(
        record,
        14,
        "partial 3 now + 10 by 2026-12-15 (q 13 limited, max 13)",
    );
}

#[test]
fn caps_from_backorder_limit_and_max_per_order() {
    let limited = r#"{"backorders": "allow", "backordered": 3, "backorder_limit": 5,
        "incoming": [{"quantity": 100, "expected": "2026-12-14"}]}"#;
    check(limited, 2, "backordered by 2026-12-15 (q 2, max 2)");
    check(limited, 3, "backordered by 2026-12-15 (q 2 limited, max 2)");
    check(
        r#"{"backorders": "allow", "backordered": 5, "backorder_limit": 5,
            "incoming": [{"quantity": 100, "expected": "2026-12-14"}]}"#,
        1,
        "out_of_stock CapReached notify (q 1, max 0)",
    );
    let per_order = r#"{"on_hand": 10, "max_per_order": 2}"#;
    check(per_order, 2, "in_stock (q 2, max 2)");
    check(per_order, 3, "in_stock (q 2 limited, max 2)");
}

#[test]
fn max_wait_days() {
    // 90 days after 2026-11-27 is Thursday 2027-02-25.
    let arriving = |expected: &str| {
        format!(
            r#"{{"backorders": "allow", "incoming": [{{"quantity": 5, "expected": "{expected}"}}]}}"#
        )
    };
    check(
        &arriving("2027-02-24"),
        1,
        "backordered by 2027-02-25 (q 1, max 5)",
    );
    check(
        &arriving("2027-02-25"),
        1,
        "out_of_stock BeyondMaxWait notify (q 1, max 0)",
    );
    check_with_shop(
        &arriving("2026-12-14"),
        r#"{"max_wait_days": 18}"#,
        1,
        "backordered by 2026-12-15 (q 1, max 5)",
    );
    check_with_shop(
        &arriving("2026-12-14"),
        r#"{"max_wait_days": 17}"#,
        1,
        "out_of_stock BeyondMaxWait notify (q 1, max 0)",
    );
    // Only the units within the wait are offered.
    check(
        r#"{"backorders": "allow", "incoming": [{"quantity": 2, "expected": "2026-12-14"}, {"quantity": 5, "expected": "2027-06-01"}]}"#,
        4,
        "backordered by 2026-12-15 (q 2 limited, max 2)",
    );
}

/// Loose ends an outside check found against SPEC: each a row here.
#[test]
fn preorders_promise_a_finite_truthful_amount() {
    // Only late batches: the delivery is late, not "reservations are full".
    check(
        r#"{"release_date": "2027-01-15", "incoming": [{"quantity": 5, "expected": "2026-11-20"}]}"#,
        1,
        "out_of_stock Delayed notify (q 1, max 0)",
    );
    // Nothing in the warehouse and no batch: a finite cap, the record's own or the shop's.
    check(
        r#"{"release_date": "2027-01-15", "backorder_limit": 10}"#,
        20,
        "preorder release 2027-01-15 ships 2027-01-15 (q 10 limited, max 10)",
    );
    check_with_shop(
        r#"{"release_date": "2027-01-15"}"#,
        r#"{"preorder_limit": 20}"#,
        30,
        "preorder release 2027-01-15 ships 2027-01-15 (q 20 limited, max 20)",
    );
    // The shelf promised in full, no batch: the release date is still the promise.
    check(
        r#"{"release_date": "2027-01-15", "on_hand": 5, "backordered": 5}"#,
        1,
        "preorder release 2027-01-15 ships 2027-01-15 (q 1, max 95)",
    );
    check(
        r#"{"release_date": "2027-01-15", "on_hand": 5}"#,
        7,
        "preorder release 2027-01-15 ships 2027-01-15 (q 7, max 100)",
    );
}

#[test]
fn preorders() {
    check(
        r#"{"release_date": "2027-01-15"}"#,
        1,
        "preorder release 2027-01-15 ships 2027-01-15 (q 1, max 100)",
    );
    check(
        r#"{"release_date": "2027-01-15", "incoming": [{"quantity": 50, "expected": "2027-01-20"}]}"#,
        2,
        "preorder release 2027-01-15 ships 2027-01-21 (q 2, max 50)",
    );
    check(
        r#"{"release_date": "2027-01-15", "backordered": 4, "backorder_limit": 5}"#,
        3,
        "preorder release 2027-01-15 ships 2027-01-15 (q 1 limited, max 1)",
    );
    check(
        r#"{"release_date": "2027-01-15", "backordered": 5, "backorder_limit": 5}"#,
        1,
        "out_of_stock CapReached notify (q 1, max 0)",
    );
    // Pre-orders far out are the merchant's explicit promise; max_wait_days does not apply.
    check(
        r#"{"release_date": "2027-09-01"}"#,
        1,
        "preorder release 2027-09-01 ships 2027-09-01 (q 1, max 100)",
    );
    // Units already in the warehouse are the first shipment, then the batches; none is oversold.
    check(
        r#"{"release_date": "2027-01-15", "on_hand": 40,
            "incoming": [{"quantity": 5, "expected": "2027-01-20"}]}"#,
        46,
        "preorder release 2027-01-15 ships 2027-01-21 (q 45 limited, max 45)",
    );
    check(
        r#"{"release_date": "2027-01-15", "on_hand": 40, "backordered": 38,
            "incoming": [{"quantity": 20, "expected": "2027-01-20"}]}"#,
        2,
        "preorder release 2027-01-15 ships 2027-01-15 (q 2, max 22)",
    );
    check(
        r#"{"release_date": "2027-01-15", "on_hand": 40, "backordered": 38,
            "incoming": [{"quantity": 20, "expected": "2027-01-20"}]}"#,
        3,
        "preorder release 2027-01-15 ships 2027-01-21 (q 3, max 22)",
    );
    // Release day: the 4 units pre-ordered from the shelf are not sold again.
    check(
        r#"{"release_date": "2026-11-27", "on_hand": 4, "backordered": 4}"#,
        1,
        "out_of_stock BackordersDenied notify (q 1, max 0)",
    );
    check(
        r#"{"release_date": "2026-11-27", "on_hand": 6, "backordered": 4}"#,
        5,
        "in_stock (q 2 limited, max 2)",
    );
    // Open-ended pre-orders still count what is promised.
    check(
        r#"{"release_date": "2027-01-15", "backordered": 99}"#,
        5,
        "preorder release 2027-01-15 ships 2027-01-15 (q 1 limited, max 1)",
    );
    check(
        r#"{"release_date": "2027-01-15", "backordered": 999999}"#,
        5,
        "out_of_stock CapReached notify (q 5, max 0)",
    );
    // Released on a Saturday: it ships on Monday.
    check(
        r#"{"release_date": "2027-01-16"}"#,
        1,
        "preorder release 2027-01-16 ships 2027-01-18 (q 1, max 100)",
    );
    // Released today: an ordinary product from now on.
    check(
        r#"{"release_date": "2026-11-27", "on_hand": 4}"#,
        1,
        "in_stock (q 1, max 4)",
    );
    check(
        r#"{"release_date": "2026-11-27", "backorders": "allow"}"#,
        1,
        "out_of_stock NothingIncoming notify (q 1, max 0)",
    );
}

#[test]
fn discontinued() {
    check(r#"{"discontinued": true}"#, 1, "discontinued (q 1, max 0)");
    check(
        r#"{"discontinued": true, "backorders": "allow", "incoming": [{"quantity": 5, "expected": "2026-12-14"}]}"#,
        1,
        "discontinued (q 1, max 0)",
    );
    check(
        r#"{"discontinued": true, "on_hand": 2}"#,
        5,
        "in_stock (q 2 limited, max 2)",
    );
}

#[test]
fn bad_records_are_clear_errors() {
    let error = |json: &str| {
        let record: StockRecord = serde_json::from_str(json).expect("valid JSON");
        Stock::from_record(&record)
            .map(|_| ())
            .map_err(|error| error.to_string())
    };
    assert_eq!(
        error(r#"{"on_hand": 3}"#),
        Err("the stock record has no sku".to_owned())
    );
    assert_eq!(
        error(r#"{"sku": "  "}"#),
        Err("the stock record has no sku".to_owned())
    );
    check(
        r#"{"backordered": -1}"#,
        1,
        "error: `backordered` must not be negative (got -1)",
    );
    check(
        r#"{"incoming": [{"quantity": -4, "expected": "2026-12-14"}]}"#,
        1,
        "error: `incoming.quantity` must not be negative (got -4)",
    );
    check(
        r#"{"incoming": [{"quantity": 4, "expected": "14/12/2026"}]}"#,
        1,
        "error: `incoming.expected` must be a date written YYYY-MM-DD (got \"14/12/2026\")",
    );
    check(
        r#"{"release_date": "2026-02-30"}"#,
        1,
        "error: `release_date` must be a date written YYYY-MM-DD (got \"2026-02-30\")",
    );
    check(
        r#"{"backorders": "yes"}"#,
        1,
        "error: `backorders` must be \"allow\" or \"deny\" (got \"yes\")",
    );
    // "At most 0 per order" is a mistake, not a silent "at most 1".
    check(
        r#"{"on_hand": 5, "max_per_order": 0}"#,
        1,
        "error: `max_per_order` must be at least 1",
    );
    check(
        r#"{"on_hand": 99999999999}"#,
        1,
        "error: `on_hand` is larger than 1000000",
    );
    check(
        r#"{"handling_days": 400}"#,
        1,
        "error: `handling_days` is larger than 260",
    );
    // With several problems, the first in reading order is named: the batches come first.
    check(
        r#"{"incoming": [{"quantity": -4, "expected": "2026-12-14"}], "handling_days": 400, "backordered": -1}"#,
        1,
        "error: `incoming.quantity` must not be negative (got -4)",
    );
    check(
        r#"{"handling_days": 400, "backordered": -1}"#,
        1,
        "error: `handling_days` is larger than 260",
    );
}

#[test]
fn malformed_json_records_are_refused_by_the_wire_types() {
    for json in [
        r#"{"sku": "A", "on_hand": "ten"}"#,
        r#"{"sku": "A", "on_hand": 1.5}"#,
        r#"{"sku": "A", "incoming": {"quantity": 1}}"#,
        r#"{"sku": "A", "incoming": [{"quantity": 1}]}"#,
        r#"{"sku": "A", "on_hand": 1e40}"#,
        r#"{"sku": 12}"#,
        r#"[1, 2]"#,
        r#"{"sku": "A""#,
    ] {
        assert!(
            serde_json::from_str::<StockRecord>(json).is_err(),
            "{json} should not parse"
        );
    }
}

#[test]
fn shop_calendar_errors() {
    let calendar = |json: &str| {
        let config: ShopConfig = serde_json::from_str(json).expect("valid JSON");
        ShopCalendar::from_config(&config)
            .map(|_| ())
            .map_err(|error| error.to_string())
    };
    assert_eq!(calendar("{}"), Ok(()));
    assert!(calendar(r#"{"working_days": []}"#).is_err_and(|e| e.contains("names no day")));
    assert!(calendar(r#"{"working_days": ["moonday"]}"#).is_err_and(|e| e.contains("moonday")));
    assert!(calendar(r#"{"holidays": ["tomorrow"]}"#).is_err_and(|e| e.contains("holidays")));
    assert!(calendar(r#"{"max_wait_days": -1}"#).is_err_and(|e| e.contains("negative")));
    assert!(calendar(r#"{"payment": "later"}"#).is_err_and(|e| e.contains("at_shipment")));
    // "monkey" starts like "mon", and is not Monday.
    assert!(calendar(r#"{"working_days": ["monkey"]}"#).is_err_and(|e| e.contains("monkey")));
    assert_eq!(
        calendar(r#"{"working_days": ["Monday", "TUE", "sat"]}"#),
        Ok(())
    );
    assert!(calendar(r#"{"cutoff": "25:00"}"#).is_err_and(|e| e.contains("HH:MM")));
    assert!(calendar(r#"{"cutoff": "9:30"}"#).is_err_and(|e| e.contains("HH:MM")));
    assert!(calendar(r#"{"time_zone": "Europe/Berlin; DROP"}"#).is_err_and(|e| e.contains("IANA")));
    assert!(calendar(r#"{"delay_rule": "eu"}"#).is_err_and(|e| e.contains("ftc")));
    assert_eq!(
        calendar(r#"{"time_zone": "America/New_York", "cutoff": "14:30", "delay_rule": "none"}"#),
        Ok(())
    );
}

/// *Today* is the shop's day: after its cutoff, handling starts the next working day.
#[test]
fn the_cutoff_moves_handling_to_the_next_day() {
    let config: ShopConfig = serde_json::from_str(r#"{"cutoff": "14:00"}"#).expect("JSON");
    let calendar = ShopCalendar::from_config(&config).expect("calendar");
    // Thursday 2026-11-26; a batch arrives that day, with one handling day.
    let thursday = parse_iso_date("2026-11-26").expect("date");
    let stock = stock(
        r#"{"backorders": "allow", "incoming": [{"quantity": 5, "expected": "2026-11-26"}]}"#,
    )
    .expect("stock");
    let shipped = |minutes| {
        let day = calendar.shop_day(thursday, minutes);
        summarize(&evaluate(&stock, &calendar, 1, day))
    };
    assert_eq!(
        shipped(13 * 60 + 59),
        "backordered by 2026-11-27 (q 1, max 5)"
    );
    // After 14:00 handling starts on Friday, so it ships on Monday.
    assert_eq!(shipped(14 * 60), "backordered by 2026-11-30 (q 1, max 5)");
}

/// No date past year 9999 is ever written (it would take five digits): too far out to promise.
#[test]
fn no_date_runs_past_year_9999() {
    let config = ShopConfig {
        max_wait_days: Some(3660),
        ..ShopConfig::default()
    };
    let calendar = ShopCalendar::from_config(&config).expect("calendar");
    let today = parse_iso_date("9999-12-30").expect("date");
    let stock = stock(
        r#"{"backorders": "allow", "incoming": [{"quantity": 5, "expected": "9999-12-31"}]}"#,
    )
    .expect("stock");
    assert_eq!(
        summarize(&evaluate(&stock, &calendar, 1, today)),
        "out_of_stock BeyondMaxWait notify (q 1, max 0)"
    );
    let release = stock_with(r#"{"release_date": "9999-12-31"}"#);
    let evaluation = evaluate(&release, &calendar, 1, today);
    let dates = [
        evaluation.availability.expected_ship_date(),
        evaluation.availability.availability_starts(),
    ];
    for date in dates.into_iter().flatten() {
        assert_eq!(format_iso_date(date).len(), 10, "{date}");
    }
}

fn stock_with(record: &str) -> Stock {
    stock(record).expect("a valid test record")
}

/// Units on the shelf while the batch meant for the rest is late: the shopper is told it is
/// late, not only "Only 2 can be ordered".
#[test]
fn a_late_batch_is_known_even_with_units_on_the_shelf() {
    let calendar = ShopCalendar::default();
    let today = parse_iso_date(TODAY).expect("today");
    let stock = stock_with(
        r#"{"on_hand": 2, "backorders": "allow", "incoming": [{"quantity": 5, "expected": "2026-11-20"}]}"#,
    );
    let evaluation = evaluate(&stock, &calendar, 3, today);
    assert_eq!(summarize(&evaluation), "in_stock (q 2 limited, max 2)");
    assert!(evaluation.late_delivery);
    let on_time = stock_with(
        r#"{"on_hand": 2, "backorders": "allow", "incoming": [{"quantity": 5, "expected": "2026-12-20"}]}"#,
    );
    assert!(!evaluate(&on_time, &calendar, 3, today).late_delivery);
}

#[test]
fn structured_data_values() {
    let date = parse_iso_date("2026-12-15").expect("date");
    let cases = [
        (
            Availability::InStock { low_stock: None },
            "in_stock",
            "InStock",
            "in_stock",
            None,
        ),
        (
            Availability::Partial {
                ship_now: 1,
                backordered: 1,
                expected_ship_date: date,
            },
            "partial",
            "LimitedAvailability",
            "in_stock",
            None,
        ),
        (
            Availability::Backordered {
                expected_ship_date: date,
            },
            "backordered",
            "BackOrder",
            "backorder",
            Some(date),
        ),
        (
            Availability::Preorder {
                release_date: date,
                expected_ship_date: date,
            },
            "preorder",
            "PreOrder",
            "preorder",
            Some(date),
        ),
        (
            Availability::OutOfStock {
                notify: true,
                reason: NoDateReason::Delayed,
            },
            "out_of_stock",
            "OutOfStock",
            "out_of_stock",
            None,
        ),
        (
            Availability::Discontinued,
            "discontinued",
            "Discontinued",
            "out_of_stock",
            None,
        ),
    ];
    for (availability, state, schema, google, starts) in cases {
        assert_eq!(availability.state_name(), state);
        assert_eq!(availability.schema_org(), schema, "{state}");
        assert_eq!(availability.google_feed(), google, "{state}");
        assert_eq!(availability.availability_starts(), starts, "{state}");
    }
}
