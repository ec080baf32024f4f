//! Property tests of the rules: no input panics, no date is invented, and no sequence of
//! requests is granted more units than are en route.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]

use backorder_widget::domain::{
    Availability, BackorderRequest, Consent, IncomingRecord, OfferError, RequestKind, ShopCalendar,
    Stock, StockRecord, check_request, evaluate, offer, parse_iso_date,
};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

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
    fn evaluation_never_panics_nor_invents_a_date(record in record(), quantity in 0u32..2_000) {
        let Ok(stock) = Stock::from_record(&record) else { return Ok(()) };
        let calendar = ShopCalendar::default();
        let evaluation = evaluate(&stock, &calendar, quantity, today());
        prop_assert!(evaluation.quantity <= evaluation.max_quantity.max(quantity.max(1)));
        if let Some(date) = evaluation.availability.expected_ship_date() {
            prop_assert!(date >= today(), "a date in the past: {date}");
            if !matches!(evaluation.availability, Availability::Preorder { .. }) {
                prop_assert!((date - today()).num_days() <= i64::from(calendar.max_wait_days));
                prop_assert!(calendar.is_working_day(date), "ships on a day the shop is closed: {date}");
            }
        }
        if matches!(evaluation.availability, Availability::Backordered { .. } | Availability::Partial { .. }) {
            let backordered = evaluation.quantity.saturating_sub(stock.on_hand);
            prop_assert!(u64::from(backordered) + u64::from(stock.already_promised) <= dated_units(&stock),
                "{backordered} more promised on top of {} with {} en route", stock.already_promised, dated_units(&stock));
        }
    }

    #[test]
    fn granted_requests_never_exceed_what_is_en_route(
        batches in prop::collection::vec((1u32..30, 1u64..80), 1..5),
        already in 0u32..40,
        requests in prop::collection::vec(1u32..12, 1..40),
    ) {
        let record = StockRecord {
            sku: Some("S".to_owned()),
            backorders: Some("allow".to_owned()),
            backordered: Some(i64::from(already)),
            incoming: batches
                .iter()
                .map(|(quantity, days)| IncomingRecord {
                    id: None,
                    quantity: i64::from(*quantity),
                    expected: today().checked_add_days(Days::new(*days)).expect("date").to_string(),
                })
                .collect(),
            ..StockRecord::default()
        };
        let mut stock = Stock::from_record(&record).expect("valid");
        let en_route: u32 = batches.iter().map(|(quantity, _)| quantity).sum();
        let calendar = ShopCalendar::default();
        let mut granted = 0u32;
        for quantity in requests {
            match offer(&stock, &calendar, RequestKind::Backorder, quantity, today()) {
                Ok(promise) => {
                    prop_assert!(promise.expected_ship_date.is_some());
                    granted += quantity;
                    stock.already_promised += quantity;
                }
                Err(OfferError::Exceeds { remaining }) => prop_assert!(remaining < quantity),
                Err(OfferError::WrongKind { .. }) => prop_assert!(stock.already_promised >= en_route),
            }
        }
        prop_assert!(
            granted == 0 || already + granted <= en_route, "granted {granted} on top of {already} with {en_route} en route");
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
            kind, sku, quantity, email, name,
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
