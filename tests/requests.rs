//! Table-driven tests of request validation and of what can be promised, natively.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]

use backorder_widget::domain::{
    OfferError, RequestKind, ShopCalendar, Stock, check_request, evaluate, format_iso_date, offer,
    parse_iso_date, validate_email, within_shopper_cap,
};
use backorder_widget::wire::{BackorderRequest, ShopConfig, StockRecord};

fn valid() -> BackorderRequest {
    serde_json::from_str(
        r#"{"kind": "backorder", "sku": "TEE-RED-M", "quantity": 2, "email": "ana@example.com",
            "name": "Ana", "consent": {"text": "Email me about this reservation.", "given": true},
            "expected_date": "2026-12-16", "locale": "en-US", "page": "https://shop.example/products/tee",
            "idempotency_key": "3f1c9d2e-7a4b-4c8e-9f00-123456789abc", "created_at": "2026-11-27T10:00:00Z"}"#,
    )
    .expect("valid request JSON")
}

/// The kind of a body whose `kind` is `kind`, as the endpoint reads it.
fn kind_as_read(kind: &str) -> Option<RequestKind> {
    let body = serde_json::json!({ "kind": kind }).to_string();
    let document: backorder_widget::wire::Tree = serde_json::from_str(&body).expect("JSON");
    backorder_widget::wire::read::<BackorderRequest>(&document)
        .expect("a body")
        .kind
}

/// Applies `change` to a valid request and compares the codes of the field errors.
fn check(change: impl FnOnce(&mut BackorderRequest), expected: &[(&str, &str)]) {
    let mut request = valid();
    change(&mut request);
    let errors: Vec<(String, String)> = match check_request(&request) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|error| (error.field, error.code))
            .collect(),
    };
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(field, code)| (field.to_string(), code.to_string()))
        .collect();
    assert_eq!(errors, expected);
}

#[test]
fn field_rules() {
    check(|_| {}, &[]);
    check(
        |r| r.kind = kind_as_read("wishlist"),
        &[("kind", "invalid_kind")],
    );
    check(|r| r.kind = None, &[("kind", "invalid_kind")]);
    check(|r| r.sku = Some("  ".into()), &[("sku", "invalid_sku")]);
    check(
        |r| r.quantity = Some(0),
        &[("quantity", "invalid_quantity")],
    );
    check(
        |r| r.quantity = Some(-2),
        &[("quantity", "invalid_quantity")],
    );
    check(
        |r| r.quantity = Some(1_000_001),
        &[("quantity", "invalid_quantity")],
    );
    check(|r| r.quantity = None, &[("quantity", "invalid_quantity")]);
    check(
        |r| r.email = Some(String::new()),
        &[("email", "email_required")],
    );
    check(
        |r| r.email = Some("ana.example.com".into()),
        &[("email", "invalid_email")],
    );
    check(
        |r| r.name = Some("x".repeat(201)),
        &[("name", "invalid_name")],
    );
    check(|r| r.name = Some("   ".into()), &[]);
    // Control characters anywhere, even where trimming would remove them.
    check(
        |r| r.name = Some("Ana\0".into()),
        &[("name", "invalid_name")],
    );
    check(
        |r| r.name = Some("Ana\r\n".into()),
        &[("name", "invalid_name")],
    );
    check(
        |r| r.email = Some("ana@example.com\n".into()),
        &[("email", "invalid_email")],
    );
    check(
        |r| r.email = Some("ana@exa\u{0}mple.com".into()),
        &[("email", "invalid_email")],
    );
    check(
        |r| r.consent.as_mut().expect("consent").text = "Email me.\r\nBcc: x@y.z".into(),
        &[("consent", "control_characters")],
    );
    check(
        |r| r.sku = Some("TEE\u{85}".into()),
        &[("sku", "control_characters")],
    );
    check(
        |r| r.page = Some("https://shop.example/\n".into()),
        &[("page", "control_characters")],
    );
    check(
        |r| r.locale = Some("en\tUS".into()),
        &[("locale", "control_characters")],
    );
    check(|r| r.consent = None, &[("consent", "consent_required")]);
    check(
        |r| r.consent.as_mut().expect("consent").given = false,
        &[("consent", "consent_required")],
    );
    check(
        |r| r.consent.as_mut().expect("consent").text = " ".into(),
        &[("consent", "invalid_consent")],
    );
    check(
        |r| r.idempotency_key = Some("short".into()),
        &[("idempotency_key", "invalid_idempotency_key")],
    );
    check(
        |r| r.idempotency_key = Some("has spaces in it".into()),
        &[("idempotency_key", "invalid_idempotency_key")],
    );
    check(|r| r.page = Some("x".repeat(3000)), &[("page", "too_long")]);
    check(
        |r| {
            r.email = None;
            r.consent = None;
            r.quantity = Some(0);
        },
        &[
            ("quantity", "invalid_quantity"),
            ("email", "email_required"),
            ("consent", "consent_required"),
        ],
    );
}

#[test]
fn email_shapes() {
    for good in ["ana@example.com", "a.b+tag@sub.example.co.uk", "x@y.io"] {
        assert_eq!(validate_email(good), Ok(()), "{good}");
    }
    for bad in [
        "",
        "ana",
        "ana@",
        "@example.com",
        "ana@example",
        "ana@@example.com",
        "ana @example.com",
        "ana@.example.com",
        "ana@example..com",
        "ana@example.com.",
        "<a@b.co>",
        "a@b.co\n",
    ] {
        assert!(validate_email(bad).is_err(), "{bad:?} should be refused");
    }
}

#[test]
fn request_bodies_round_trip_as_the_spec_shows() {
    let json = serde_json::to_value(valid()).expect("serialize");
    for field in [
        "kind",
        "sku",
        "quantity",
        "email",
        "name",
        "consent",
        "expected_date",
        "locale",
        "page",
        "idempotency_key",
        "created_at",
    ] {
        assert!(json.get(field).is_some(), "{field} is on the wire");
    }
}

fn stock(json: &str) -> Stock {
    let record: StockRecord = serde_json::from_str(json).expect("record JSON");
    Stock::from_record(&record).expect("valid record")
}

fn check_offer(
    record: &str,
    kind: RequestKind,
    quantity: u32,
    expected: Result<Option<&str>, OfferError>,
) {
    let today = parse_iso_date("2026-11-27").expect("today");
    let result = offer(
        &stock(record),
        &ShopCalendar::default(),
        kind,
        quantity,
        today,
    )
    .map(|offer| offer.expected_ship_date.map(format_iso_date));
    let expected = expected.map(|date| date.map(str::to_owned));
    assert_eq!(result, expected, "{record} {kind:?} x{quantity}");
}

#[test]
fn what_can_be_promised() {
    use RequestKind::*;
    let back = r#"{"sku": "B", "backorders": "allow", "backordered": 3, "incoming": [{"quantity": 5, "expected": "2026-12-14"}]}"#;
    check_offer(back, Backorder, 2, Ok(Some("2026-12-15")));
    check_offer(
        back,
        Backorder,
        3,
        Err(OfferError::Exceeds { remaining: 2 }),
    );
    check_offer(
        back,
        Preorder,
        1,
        Err(OfferError::WrongKind {
            offered: Some(Backorder),
        }),
    );
    check_offer(
        back,
        Notify,
        1,
        Err(OfferError::WrongKind {
            offered: Some(Backorder),
        }),
    );
    // On the shelf and en route: a backorder reserves only from what is en route.
    let split = r#"{"sku": "S", "on_hand": 4, "backorders": "allow", "incoming": [{"quantity": 5, "expected": "2026-12-14"}]}"#;
    check_offer(split, Backorder, 5, Ok(Some("2026-12-15")));
    check_offer(
        split,
        Backorder,
        6,
        Err(OfferError::Exceeds { remaining: 5 }),
    );
    // Everything promised: nothing remains to reserve (409), and "notify me" is offered.
    let full = r#"{"sku": "F", "backorders": "allow", "backordered": 5, "incoming": [{"quantity": 5, "expected": "2026-12-14"}]}"#;
    check_offer(
        full,
        Backorder,
        1,
        Err(OfferError::Exceeds { remaining: 0 }),
    );
    check_offer(
        full,
        Preorder,
        1,
        Err(OfferError::WrongKind {
            offered: Some(Notify),
        }),
    );
    // A pre-order of stock already in the warehouse, with no batch announced: the release date
    // is the promise, up to the shop's pre-order limit (100).
    let shelved = r#"{"sku": "W", "release_date": "2027-01-15", "on_hand": 40}"#;
    check_offer(shelved, Preorder, 41, Ok(Some("2027-01-15")));
    check_offer(
        shelved,
        Preorder,
        101,
        Err(OfferError::Exceeds { remaining: 100 }),
    );
    let full_preorder =
        r#"{"sku": "Q", "release_date": "2027-01-15", "backorder_limit": 3, "backordered": 3}"#;
    check_offer(
        full_preorder,
        Preorder,
        1,
        Err(OfferError::Exceeds { remaining: 0 }),
    );
    check_offer(full, Notify, 1, Ok(None));
    let pre =
        r#"{"sku": "P", "release_date": "2027-01-15", "backorder_limit": 10, "backordered": 8}"#;
    check_offer(pre, Preorder, 2, Ok(Some("2027-01-15")));
    check_offer(pre, Preorder, 3, Err(OfferError::Exceeds { remaining: 2 }));
    check_offer(
        r#"{"sku": "I", "on_hand": 3}"#,
        Backorder,
        1,
        Err(OfferError::WrongKind { offered: None }),
    );
    check_offer(
        r#"{"sku": "D", "discontinued": true}"#,
        Notify,
        1,
        Err(OfferError::WrongKind { offered: None }),
    );
    let capped = r#"{"sku": "C", "backorders": "allow", "max_per_order": 2, "incoming": [{"quantity": 50, "expected": "2026-12-14"}]}"#;
    check_offer(
        capped,
        Backorder,
        3,
        Err(OfferError::Exceeds { remaining: 2 }),
    );
}

/// The cap per request and per shopper: the record's `max_per_order`, else the shop's, else
/// none; one shopper's requests still in line count together.
#[test]
fn one_shopper_holds_at_most_the_cap() {
    let shop = |cap: Option<i64>| {
        ShopCalendar::from_config(&ShopConfig {
            max_per_order: cap,
            ..ShopConfig::default()
        })
        .expect("a valid shop")
    };
    let own = stock(r#"{"sku": "A", "backorders": "allow", "max_per_order": 4}"#);
    let none = stock(r#"{"sku": "A", "backorders": "allow"}"#);
    let exceeds = |remaining| Err(OfferError::Exceeds { remaining });
    for (stock, calendar, held, quantity, expected) in [
        (&own, shop(Some(10)), 0, 4, Ok(())),
        (&own, shop(Some(10)), 0, 5, exceeds(4)),
        (&own, shop(None), 3, 2, exceeds(1)),
        (&own, shop(None), 4, 1, exceeds(0)),
        (&none, shop(Some(10)), 6, 4, Ok(())),
        (&none, shop(Some(10)), 6, 5, exceeds(4)),
        (&none, shop(Some(10)), 12, 1, exceeds(0)),
        (&none, shop(None), 500, 500, Ok(())),
    ] {
        assert_eq!(
            within_shopper_cap(stock, &calendar, held, quantity),
            expected,
            "{:?} held {held} + {quantity}",
            stock.max_per_order
        );
    }
    assert!(
        ShopCalendar::from_config(&ShopConfig {
            max_per_order: Some(0),
            ..ShopConfig::default()
        })
        .is_err()
    );
    // The shop's cap also caps a single request, as a record's does.
    let calendar = shop(Some(3));
    let evaluation = evaluate(
        &stock(
            r#"{"sku": "A", "backorders": "allow", "incoming": [{"id": "PO-1", "quantity": 50, "expected": "2030-01-20"}]}"#,
        ),
        &calendar,
        1,
        parse_iso_date("2030-01-02").expect("a date"),
    );
    assert_eq!(evaluation.max_quantity, 3);
}
