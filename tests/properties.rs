//! Property tests of the rules: no input panics, no date is invented, and no sequence of
//! requests is granted more units than are en route.
//!
//! Two kinds of generator: hostile records (anything a merchant's feed could hold) show that
//! nothing panics; plausible records (mostly valid, with batches around today) reach the
//! assertions about dates and caps. The tests that use the latter count how many cases got
//! there, print the shares, and fail if too few did: a property is only as good as the cases
//! that reach it.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]

use backorder_widget::domain::{
    Availability, OfferError, RequestKind, ShopCalendar, Stock, check_request, evaluate, offer,
    parse_iso_date,
};
use backorder_widget::wire::{BackorderRequest, Consent, IncomingRecord, StockRecord};
use std::cell::Cell;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Cases each counted property runs.
const CASES: u32 = 2000;

fn today() -> NaiveDate {
    parse_iso_date("2026-11-27").expect("today")
}

/// Dates around today, plus text that is not a date at all.
fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..400).prop_map(|days| today()
            .checked_add_days(Days::new(days))
            .expect("date")
            .to_string()),
        (1u64..60).prop_map(|days| today()
            .checked_sub_days(Days::new(days))
            .expect("date")
            .to_string()),
        "[0-9/ -]{0,12}",
    ]
}

fn count() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        Just(None),
        (-5i64..200).prop_map(Some),
        any::<i64>().prop_map(Some)
    ]
}

/// Any record, valid or not: for the properties that must hold whatever a feed sends.
fn record() -> impl Strategy<Value = StockRecord> {
    let incoming = prop::collection::vec(((-3i64..100), date_text()), 0..6).prop_map(|batches| {
        batches
            .into_iter()
            .map(|(quantity, expected)| IncomingRecord {
                id: None,
                quantity,
                expected,
            })
            .collect()
    });
    (
        prop_oneof![Just(None), "[A-Z-]{0,6}".prop_map(Some)],
        count(),
        prop_oneof![
            Just(None),
            Just(Some("allow".to_owned())),
            Just(Some("deny".to_owned())),
            "[a-z]{0,5}".prop_map(Some)
        ],
        count(),
        incoming,
        count(),
        prop_oneof![Just(None), date_text().prop_map(Some)],
        any::<bool>(),
        (
            count(),
            prop_oneof![Just(None), (0i64..10).prop_map(Some)],
            count(),
        ),
    )
        .prop_map(
            |(
                sku,
                on_hand,
                backorders,
                backordered,
                incoming,
                backorder_limit,
                release_date,
                discontinued,
                (low, handling, per_order),
            )| {
                StockRecord {
                    sku,
                    name: None,
                    on_hand,
                    backorders,
                    backordered,
                    incoming,
                    backorder_limit,
                    release_date,
                    discontinued,
                    low_stock_threshold: low,
                    handling_days: handling,
                    max_per_order: per_order,
                }
            },
        )
}

/// A date `days` from today (negative: past), as a feed writes it.
fn in_days(days: i64) -> String {
    let date = match u64::try_from(days) {
        Ok(days) => today().checked_add_days(Days::new(days)),
        Err(_) => today().checked_sub_days(Days::new(days.unsigned_abs())),
    };
    date.expect("a date").to_string()
}

/// A record a shop could really send: a SKU, a few units on the shelf or none, one to four
/// batches mostly ahead (a few late), backorders mostly allowed, sometimes a limit, a cap per
/// order, a release date or units already promised elsewhere.
fn plausible_record() -> impl Strategy<Value = StockRecord> {
    let batch =
        (1i64..60, prop_oneof![8 => 1i64..120, 1 => -20i64..0]).prop_map(|(quantity, days)| {
            IncomingRecord {
                id: None,
                quantity,
                expected: in_days(days),
            }
        });
    (
        prop_oneof![2 => Just(0i64), 1 => 1i64..12],
        prop::collection::vec(batch, 1..5),
        prop_oneof![6 => Just("allow"), 1 => Just("deny")],
        prop_oneof![3 => Just(None), 1 => (0i64..40).prop_map(Some)],
        prop_oneof![4 => Just(None), 1 => (0i64..150).prop_map(Some)],
        prop_oneof![5 => Just(None), 1 => (1i64..90).prop_map(|days| Some(in_days(days)))],
        prop_oneof![3 => Just(None), 1 => (1i64..15).prop_map(Some)],
        prop_oneof![Just(None), (0i64..4).prop_map(Some)],
    )
        .prop_map(
            |(on_hand, incoming, backorders, backordered, limit, release, per_order, handling)| {
                StockRecord {
                    sku: Some("SKU-1".to_owned()),
                    on_hand: Some(on_hand),
                    backorders: Some(backorders.to_owned()),
                    backordered,
                    incoming,
                    backorder_limit: limit,
                    release_date: release,
                    max_per_order: per_order,
                    handling_days: handling,
                    ..StockRecord::default()
                }
            },
        )
}

/// Counts cases and the share of them that reached an assertion.
#[derive(Default)]
struct Reach {
    cases: Cell<u32>,
    counts: [Cell<u32>; 3],
}

impl Reach {
    fn case(&self) {
        self.cases.set(self.cases.get() + 1);
    }

    fn reached(&self, which: usize) {
        self.counts[which].set(self.counts[which].get() + 1);
    }

    /// The share of cases that reached `which`, printed under `name`, and required to be at
    /// least `floor`.
    fn require(&self, which: usize, name: &str, floor: f64) {
        let share = f64::from(self.counts[which].get()) / f64::from(self.cases.get().max(1));
        eprintln!(
            "{name}: {} of {} cases ({:.0}%)",
            self.counts[which].get(),
            self.cases.get(),
            share * 100.0
        );
        assert!(
            share >= floor,
            "only {:.0}% of cases reached {name}",
            share * 100.0
        );
    }
}

/// Units that can ever be promised from the record's dated batches (ignoring what is promised).
fn dated_units(stock: &Stock) -> u64 {
    stock
        .incoming
        .iter()
        .filter(|batch| batch.expected_arrival >= today())
        .map(|batch| u64::from(batch.quantity))
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn evaluation_of_any_record_never_panics(record in record(), quantity in 0u32..2_000) {
        let Ok(stock) = Stock::from_record(&record) else { return Ok(()) };
        let evaluation = evaluate(&stock, &ShopCalendar::default(), quantity, today());
        prop_assert!(evaluation.quantity <= evaluation.max_quantity.max(quantity.max(1)));
    }

    #[test]
    fn request_checks_never_panic(
        kind in proptest::option::of("[a-z]{0,10}"),
        sku in proptest::option::of(".{0,40}"),
        quantity in proptest::option::of(any::<i64>()),
        email in proptest::option::of(".{0,80}"),
        name in proptest::option::of(".{0,300}"),
        consent in proptest::option::of((".{0,50}", any::<bool>())),
        key in proptest::option::of("[A-Za-z0-9 _-]{0,140}"),
    ) {
        let body = BackorderRequest {
            kind: kind.as_deref().and_then(RequestKind::parse),
            sku, quantity, email, name,
            consent: consent.map(|(text, given)| Consent { text, given }),
            idempotency_key: key,
            ..BackorderRequest::default()
        };
        if let Ok(checked) = check_request(&body) {
            prop_assert!(checked.quantity >= 1);
            prop_assert!(checked.email.contains('@'));
        }
    }
}

/// Every date the engine states is today or later, a working day, within the shop's longest
/// wait (pre-orders aside), and what it lets a shopper backorder fits in what is en route.
#[test]
fn evaluation_never_invents_a_date_nor_promises_more_than_en_route() {
    const VALID: usize = 0;
    const DATED: usize = 1;
    const CAPPED: usize = 2;
    let reach = Reach::default();
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        ..Config::default()
    });
    let calendar = ShopCalendar::default();
    runner
        .run(&(plausible_record(), 1u32..40), |(record, quantity)| {
            reach.case();
            let stock = Stock::from_record(&record).map_err(|error| {
                TestCaseError::fail(format!("a plausible record is refused: {error:?}"))
            })?;
            reach.reached(VALID);
            let evaluation = evaluate(&stock, &calendar, quantity, today());
            prop_assert!(evaluation.quantity <= evaluation.max_quantity.max(quantity));
            if let Some(date) = evaluation.availability.expected_ship_date() {
                reach.reached(DATED);
                prop_assert!(date >= today(), "a date in the past: {date}");
                if !matches!(evaluation.availability, Availability::Preorder { .. }) {
                    prop_assert!((date - today()).num_days() <= i64::from(calendar.max_wait_days));
                    prop_assert!(
                        calendar.is_working_day(date),
                        "ships on a day the shop is closed: {date}"
                    );
                }
            }
            if matches!(
                evaluation.availability,
                Availability::Backordered { .. } | Availability::Partial { .. }
            ) {
                reach.reached(CAPPED);
                let backordered = evaluation.quantity.saturating_sub(stock.on_hand);
                prop_assert!(
                    u64::from(backordered) + u64::from(stock.already_promised)
                        <= dated_units(&stock),
                    "{backordered} more promised on top of {} with {} en route",
                    stock.already_promised,
                    dated_units(&stock)
                );
            }
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    reach.require(VALID, "a valid record", 1.0);
    reach.require(DATED, "the date assertions", 0.5);
    reach.require(CAPPED, "the en-route cap assertion", 0.4);
}

/// However requests follow one another, what is granted never exceeds what is en route, and a
/// refusal says truly how many remain.
#[test]
fn granted_requests_never_exceed_what_is_en_route() {
    const GRANTED: usize = 0;
    const REFUSED: usize = 1;
    let reach = Reach::default();
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        ..Config::default()
    });
    let strategy = (
        prop::collection::vec((1u32..30, 1u64..80), 1..5),
        0u32..40,
        prop::collection::vec(1u32..12, 1..40),
    );
    runner
        .run(&strategy, |(batches, already, requests)| {
            reach.case();
            let record = StockRecord {
                sku: Some("S".to_owned()),
                backorders: Some("allow".to_owned()),
                backordered: Some(i64::from(already)),
                incoming: batches
                    .iter()
                    .map(|(quantity, days)| IncomingRecord {
                        id: None,
                        quantity: i64::from(*quantity),
                        expected: today()
                            .checked_add_days(Days::new(*days))
                            .expect("date")
                            .to_string(),
                    })
                    .collect(),
                ..StockRecord::default()
            };
            let mut stock = Stock::from_record(&record).expect("valid");
            let en_route: u32 = batches.iter().map(|(quantity, _)| quantity).sum();
            let calendar = ShopCalendar::default();
            let mut granted = 0u32;
            let mut refused = false;
            for quantity in requests {
                match offer(&stock, &calendar, RequestKind::Backorder, quantity, today()) {
                    Ok(promise) => {
                        prop_assert!(promise.expected_ship_date.is_some());
                        granted += quantity;
                        stock.already_promised += quantity;
                    }
                    Err(OfferError::Exceeds { remaining }) => {
                        refused = true;
                        prop_assert!(remaining < quantity);
                    }
                    Err(OfferError::WrongKind { .. }) => {
                        refused = true;
                        prop_assert!(stock.already_promised >= en_route);
                    }
                }
            }
            if granted > 0 {
                reach.reached(GRANTED);
            }
            if refused {
                reach.reached(REFUSED);
            }
            prop_assert!(
                granted == 0 || already + granted <= en_route,
                "granted {granted} on top of {already} with {en_route} en route"
            );
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    reach.require(GRANTED, "a granted request", 0.5);
    reach.require(REFUSED, "a refusal at the cap", 0.5);
}
