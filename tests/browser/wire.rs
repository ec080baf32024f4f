//! One reader, two sources: every document goes through serde_json (as the endpoint reads it)
//! and through `JSON.parse` and serde-wasm-bindgen (as the browser does), and both must give the
//! same value or the same error. Then the hostile documents the browser meets: stock records
//! through `evaluate`, and outbox documents left in `localStorage`.

use std::fmt::Debug;

use backorder_widget::domain::{FieldError, RequestKind, Status};
use backorder_widget::outbox::{Action, Outbox};
use backorder_widget::web::{LocalStorage, OutboxStore, read_value};
use backorder_widget::wire::{
    Accepted, Availability, BackorderRequest, Consent, ErrorBody, IncomingRecord, Problem,
    RequestStatus, ShopConfig, StockRecord, StoredPending, StoredReservation, Tree, WireError,
    read,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// `doc` through both sources; the answers must agree, and are returned.
fn both<T: DeserializeOwned + PartialEq + Debug>(doc: &str) -> Result<T, WireError> {
    let text: Tree = serde_json::from_str(doc).expect("valid JSON");
    let by_json = read::<T>(&text);
    let value = js_sys::JSON::parse(doc).expect("valid JSON");
    let by_browser = read_value::<T>(value);
    assert_eq!(by_json, by_browser, "the two readers differ on {doc}");
    by_json
}

/// The error `doc` must give, from both readers.
fn refused<T: DeserializeOwned + PartialEq + Debug>(doc: &str, field: &str, problem: Problem) {
    let expected = WireError {
        field: field.to_owned(),
        problem,
    };
    assert_eq!(both::<T>(doc), Err(expected), "{doc}");
}

fn record(doc: &str) -> StockRecord {
    both::<StockRecord>(doc).unwrap_or_else(|error| panic!("{doc}: {error:?}"))
}

#[wasm_bindgen_test]
fn stock_records_read_the_same_from_both_readers() {
    let full = record(
        r#"{"sku": "A", "name": "Tee", "on_hand": 3, "backorders": "allow", "backordered": 2,
            "incoming": [{"id": "PO-1", "quantity": 40, "expected": "2026-12-14"}],
            "backorder_limit": 30, "release_date": "2027-01-15", "discontinued": false,
            "low_stock_threshold": 5, "handling_days": 2, "max_per_order": 4}"#,
    );
    assert_eq!(
        full,
        StockRecord {
            sku: Some("A".into()),
            name: Some("Tee".into()),
            on_hand: Some(3),
            backorders: Some("allow".into()),
            backordered: Some(2),
            incoming: vec![IncomingRecord {
                id: Some("PO-1".into()),
                quantity: 40,
                expected: "2026-12-14".into(),
            }],
            backorder_limit: Some(30),
            release_date: Some("2027-01-15".into()),
            discontinued: false,
            low_stock_threshold: Some(5),
            handling_days: Some(2),
            max_per_order: Some(4),
        }
    );
    // Missing keys, renamed keys (not ours, so ignored), extra keys and nulls: all absent.
    for doc in [
        "{}",
        r#"{"SKU": "A", "onHand": 3, "Incoming": 5}"#,
        r#"{"colour": "red", "nested": {"deep": [1, {"x": null}, 1e300]}, "list": [[], {}]}"#,
        r#"{"sku": null, "on_hand": null, "name": null, "release_date": null}"#,
    ] {
        assert_eq!(record(doc), StockRecord::default(), "{doc}");
    }
    // Numbers: whole and exact, however they are written.
    for (doc, on_hand) in [
        (r#"{"on_hand": 5.0}"#, 5),
        (r#"{"on_hand": -0}"#, 0),
        (r#"{"on_hand": -0.0}"#, 0),
        (r#"{"on_hand": 1e3}"#, 1000),
        (r#"{"on_hand": -7}"#, -7),
        (r#"{"on_hand": 9007199254740991}"#, 9_007_199_254_740_991),
        (r#"{"on_hand": -9007199254740991}"#, -9_007_199_254_740_991),
    ] {
        assert_eq!(record(doc).on_hand, Some(on_hand), "{doc}");
    }
    use Problem::*;
    for (doc, field, problem) in [
        (r#"{"on_hand": 1.5}"#, "on_hand", NotWholeNumber),
        (r#"{"on_hand": 1e300}"#, "on_hand", NotWholeNumber),
        (r#"{"on_hand": -1e300}"#, "on_hand", NotWholeNumber),
        // 2^53 + 1 is no JavaScript number, and 2^53 is not exact: neither reader takes them.
        (
            r#"{"on_hand": 9007199254740993}"#,
            "on_hand",
            NotWholeNumber,
        ),
        (
            r#"{"on_hand": 9007199254740992}"#,
            "on_hand",
            NotWholeNumber,
        ),
        (
            r#"{"on_hand": 18446744073709551616}"#,
            "on_hand",
            NotWholeNumber,
        ),
        (r#"{"on_hand": "ten"}"#, "on_hand", NotWholeNumber),
        (r#"{"on_hand": true}"#, "on_hand", NotWholeNumber),
        (r#"{"on_hand": [3]}"#, "on_hand", NotWholeNumber),
        (r#"{"on_hand": {"value": 3}}"#, "on_hand", NotWholeNumber),
        (r#"{"sku": 5}"#, "sku", NotText),
        (r#"{"sku": ["A"]}"#, "sku", NotText),
        (r#"{"discontinued": "yes"}"#, "discontinued", NotTrueOrFalse),
        (r#"{"discontinued": null}"#, "discontinued", NotTrueOrFalse),
        (r#"{"incoming": {"quantity": 1}}"#, "incoming", NotAList),
        (r#"{"incoming": null}"#, "incoming", NotAList),
        (r#"{"incoming": [5]}"#, "incoming", NotAnObject),
        (
            r#"{"incoming": [[1, "2026-12-14"]]}"#,
            "incoming",
            NotAnObject,
        ),
        (
            r#"{"incoming": [{"expected": "2026-12-14"}]}"#,
            "incoming.quantity",
            Missing,
        ),
        (
            r#"{"incoming": [{"quantity": 1}]}"#,
            "incoming.expected",
            Missing,
        ),
        (
            r#"{"incoming": [{"quantity": 1, "expected": "2026-12-14"}, {"quantity": 2.5, "expected": "x"}]}"#,
            "incoming.quantity",
            NotWholeNumber,
        ),
        (
            r#"{"incoming": [{"quantity": 1, "expected": {"date": "2026-12-14"}}]}"#,
            "incoming.expected",
            NotText,
        ),
        (
            r#"{"incoming": [{"quantity": 1, "expected": "2026-12-14", "id": 1042}]}"#,
            "incoming.id",
            NotText,
        ),
        // The first problem is the one told, and the fields after it are read past.
        (
            r#"{"on_hand": "x", "sku": 5, "incoming": [1]}"#,
            "on_hand",
            NotWholeNumber,
        ),
        ("null", "", NotAnObject),
        ("[1, 2, 3]", "", NotAnObject),
        (r#""a record""#, "", NotAnObject),
        ("42", "", NotAnObject),
    ] {
        refused::<StockRecord>(doc, field, problem);
    }
}

#[wasm_bindgen_test]
fn a_repeated_key_is_refused_in_json_text_and_cannot_exist_in_a_javascript_object() {
    // The one difference between the sources, not the reader's: `JSON.parse` keeps the last of
    // two equal keys, so the browser never sees both.
    let doc = r#"{"sku": "A", "sku": "B"}"#;
    let text: Tree = serde_json::from_str(doc).expect("JSON");
    assert_eq!(
        read::<StockRecord>(&text),
        Err(WireError {
            field: "sku".to_owned(),
            problem: Problem::Repeated
        })
    );
    let by_browser = read_value::<StockRecord>(js_sys::JSON::parse(doc).expect("JSON"));
    assert_eq!(
        by_browser.map(|record| record.sku),
        Ok(Some("B".to_owned()))
    );
}

#[wasm_bindgen_test]
fn the_calendar_and_the_availability_document_read_the_same_from_both_readers() {
    assert_eq!(
        both::<ShopConfig>(
            r#"{"working_days": ["mon", "tue"], "holidays": ["2026-12-25"], "max_wait_days": 60,
                "payment": "at_order", "time_zone": "Europe/Berlin", "cutoff": "14:00",
                "preorder_limit": 50, "max_per_order": 3, "delay_rule": "none", "extra": [1]}"#
        ),
        Ok(ShopConfig {
            working_days: Some(vec!["mon".into(), "tue".into()]),
            holidays: vec!["2026-12-25".into()],
            max_wait_days: Some(60),
            payment: Some("at_order".into()),
            time_zone: Some("Europe/Berlin".into()),
            cutoff: Some("14:00".into()),
            preorder_limit: Some(50),
            max_per_order: Some(3),
            delay_rule: Some("none".into()),
        })
    );
    use Problem::*;
    refused::<ShopConfig>(r#"{"working_days": ["mon", 5]}"#, "working_days", NotText);
    refused::<ShopConfig>(r#"{"working_days": "mon"}"#, "working_days", NotAList);
    refused::<ShopConfig>(
        r#"{"max_wait_days": "90"}"#,
        "max_wait_days",
        NotWholeNumber,
    );
    refused::<ShopConfig>(r#"{"holidays": [null]}"#, "holidays", NotText);
    assert_eq!(
        both::<Availability>(r#"{"items": [{"sku": "A", "on_hand": 1}]}"#),
        Ok(Availability {
            shop: None,
            items: vec![StockRecord {
                sku: Some("A".into()),
                on_hand: Some(1),
                ..StockRecord::default()
            }],
        })
    );
    refused::<Availability>("{}", "items", Missing);
    refused::<Availability>(r#"{"items": "A"}"#, "items", NotAList);
    refused::<Availability>(r#"{"shop": [], "items": []}"#, "shop", NotAnObject);
    refused::<Availability>(
        r#"{"shop": {"max_wait_days": 1.5}, "items": []}"#,
        "shop.max_wait_days",
        NotWholeNumber,
    );
    refused::<Availability>(
        r#"{"items": [{"sku": "A"}, {"sku": "B", "backordered": "2"}]}"#,
        "items.backordered",
        NotWholeNumber,
    );
}

#[wasm_bindgen_test]
fn the_request_body_reads_the_same_from_both_readers() {
    let body = r#"{"kind": "backorder", "sku": "TEE-RED-M", "quantity": 2, "email": "ana@example.com",
        "name": "Ana", "consent": {"text": "Email me.", "given": true}, "expected_date": "2026-12-16",
        "locale": "en-US", "page": "https://shop.example/products/tee", "idempotency_key": "key-0001",
        "created_at": "2026-11-27T10:00:00Z"}"#;
    let request = both::<BackorderRequest>(body).expect("a request");
    assert_eq!(request.kind, Some(RequestKind::Backorder));
    assert_eq!(request.quantity, Some(2));
    assert_eq!(
        request.consent,
        Some(Consent {
            text: "Email me.".into(),
            given: true
        })
    );
    // A kind that is none of the three is no kind: the rules then say `invalid_kind`.
    for doc in [
        r#"{"kind": "wishlist"}"#,
        r#"{"kind": 5}"#,
        r#"{"kind": "Backorder"}"#,
    ] {
        assert_eq!(
            both::<BackorderRequest>(doc).map(|r| r.kind),
            Ok(None),
            "{doc}"
        );
    }
    for (doc, kind) in [
        (r#"{"kind": "preorder"}"#, RequestKind::Preorder),
        (r#"{"kind": "notify"}"#, RequestKind::Notify),
    ] {
        assert_eq!(
            both::<BackorderRequest>(doc).map(|r| r.kind),
            Ok(Some(kind))
        );
    }
    use Problem::*;
    refused::<BackorderRequest>(r#"{"quantity": "2"}"#, "quantity", NotWholeNumber);
    refused::<BackorderRequest>(r#"{"quantity": 2.5}"#, "quantity", NotWholeNumber);
    refused::<BackorderRequest>(r#"{"email": 5}"#, "email", NotText);
    refused::<BackorderRequest>(r#"{"consent": true}"#, "consent", NotAnObject);
    refused::<BackorderRequest>(
        r#"{"consent": {"text": "Email me.", "given": "yes"}}"#,
        "consent.given",
        NotTrueOrFalse,
    );
    refused::<BackorderRequest>(
        r#"["backorder", "A", 1, "ana@example.com"]"#,
        "",
        NotAnObject,
    );
    // What the widget writes reads back as itself.
    let written = serde_json::to_string(&request).expect("JSON");
    assert_eq!(both::<BackorderRequest>(&written), Ok(request));
}

#[wasm_bindgen_test]
fn the_endpoints_answers_read_the_same_from_both_readers() {
    assert_eq!(
        both::<Accepted>(
            r#"{"id": "bo_1", "queue_position": 2, "expected_date": "2026-12-15", "units_ahead": 5,
                "cancel_token": "t", "notifies": true}"#
        ),
        Ok(Accepted {
            id: "bo_1".into(),
            queue_position: Some(2),
            expected_date: Some("2026-12-15".into()),
            units_ahead: Some(5),
            cancel_token: Some("t".into()),
            notifies: true,
        })
    );
    // Another endpoint's answer: a numbered id, counts and flags that do not read left out.
    assert_eq!(
        both::<Accepted>(
            r#"{"id": 42, "queue_position": "two", "units_ahead": -1, "expected_date": 20261215,
                "notifies": "yes", "cancel_token": null}"#
        ),
        Ok(Accepted {
            id: "42".into(),
            ..Accepted::unknown()
        })
    );
    assert_eq!(
        both::<Accepted>(r#"{"id": 42.0}"#).map(|a| a.id),
        Ok("42".into())
    );
    use Problem::*;
    refused::<Accepted>("{}", "id", Missing);
    refused::<Accepted>(r#"{"id": 1.5}"#, "id", OutOfRange);
    refused::<Accepted>(r#"{"id": 1e300}"#, "id", OutOfRange);
    refused::<Accepted>(r#"{"id": null}"#, "id", Invalid);
    refused::<Accepted>(r#"{"id": ["bo_1"]}"#, "id", Invalid);
    refused::<Accepted>(r#"[{"id": "bo_1"}]"#, "", NotAnObject);

    let refusal = both::<ErrorBody>(
        r#"{"error": "invalid_request", "message": "some fields need attention", "remaining": 3,
            "errors": [{"field": "email", "code": "invalid_email", "message": "enter an email"},
                       {"code": "no_field"}, 5, {"field": 7}, {"field": "name"}]}"#,
    )
    .expect("an error body");
    assert_eq!(refusal.error.as_deref(), Some("invalid_request"));
    assert_eq!(refusal.remaining, Some(3));
    assert_eq!(
        refusal.errors,
        [
            FieldError::new("email", "invalid_email", "enter an email"),
            FieldError::new("name", "", ""),
        ]
    );
    for doc in [
        r#"{"errors": "nope", "remaining": 1.5, "error": 404}"#,
        r#"{"errors": null, "message": {"text": "x"}}"#,
        "{}",
    ] {
        assert_eq!(both::<ErrorBody>(doc), Ok(ErrorBody::default()), "{doc}");
    }

    let status = both::<RequestStatus>(
        r#"{"id": "bo_1", "kind": "backorder", "sku": "A", "status": "delayed", "quantity": 2,
            "allocated": 1, "queue_position": 3, "units_ahead": 7, "stated_date": "2026-12-15",
            "current_date": "2026-12-29", "needs_consent": true, "consent_by": "2027-01-14",
            "cancelled_by": null, "refund_due": null, "history": [{"at": "x", "what": "taken"}]}"#,
    )
    .expect("a status");
    assert_eq!(
        (
            status.kind,
            status.status,
            status.quantity,
            status.allocated
        ),
        (RequestKind::Backorder, Status::Delayed, 2, 1)
    );
    assert!(status.needs_consent && status.history.is_empty());
    let lenient = both::<RequestStatus>(
        r#"{"kind": "notify", "status": "waiting", "quantity": 1, "allocated": "x",
            "needs_consent": 1, "stated_date": 5, "queue_position": -3}"#,
    )
    .expect("a status");
    assert_eq!(
        (
            lenient.allocated,
            lenient.needs_consent,
            lenient.stated_date,
            lenient.queue_position
        ),
        (0, false, None, None)
    );
    refused::<RequestStatus>(
        r#"{"kind": "wishlist", "status": "waiting", "quantity": 1}"#,
        "kind",
        UnknownName,
    );
    refused::<RequestStatus>(
        r#"{"kind": "backorder", "status": "lost", "quantity": 1}"#,
        "status",
        UnknownName,
    );
    refused::<RequestStatus>(
        r#"{"kind": "backorder", "status": "waiting"}"#,
        "quantity",
        Missing,
    );
    refused::<RequestStatus>(
        r#"{"kind": "backorder", "status": "waiting", "quantity": 5000000000}"#,
        "quantity",
        OutOfRange,
    );
}

const PENDING: &str = r#"{"key": "key-0001", "endpoint": "/api/backorders", "sku": "A",
    "kind": "backorder", "quantity": 2, "body": "{}", "created_ms": 1764237600000, "attempts": 1,
    "next_attempt_ms": 1764237602000, "action": "submit"}"#;

/// `PENDING` with `key` set to `value` (JSON text).
fn pending_with(key: &str, value: &str) -> String {
    let mut entry: serde_json::Value = serde_json::from_str(PENDING).expect("JSON");
    entry[key] = serde_json::from_str(value).expect("JSON");
    entry.to_string()
}

#[wasm_bindgen_test]
fn stored_messages_and_reservations_read_the_same_from_both_readers() {
    let entry = both::<StoredPending>(PENDING).expect("an entry");
    assert_eq!(entry.kind, RequestKind::Backorder);
    assert_eq!(
        entry.clone().pending().map(|p| p.action),
        Ok(Action::Submit)
    );
    // What the first versions stored had no action: a submission.
    let mut old: serde_json::Value = serde_json::from_str(PENDING).expect("JSON");
    old.as_object_mut().expect("object").remove("action");
    let old = both::<StoredPending>(&old.to_string()).expect("an entry");
    assert_eq!(old.pending().map(|p| p.action), Ok(Action::Submit));
    let cancel = both::<StoredPending>(&pending_with("action", r#""cancel""#)).expect("an entry");
    assert_eq!(
        cancel
            .pending()
            .map_err(|error| (error.field, error.problem)),
        Err(("id".to_owned(), Problem::Missing))
    );
    use Problem::*;
    for (key, value, problem) in [
        // A kind this widget does not know is an error, never taken for a backorder.
        ("kind", r#""wishlist""#, UnknownName),
        ("kind", "null", NotText),
        ("action", r#""refund""#, UnknownName),
        ("quantity", "-1", OutOfRange),
        ("quantity", "5000000000", OutOfRange),
        ("quantity", "1.5", NotWholeNumber),
        ("created_ms", "1e300", NotWholeNumber),
        ("created_ms", "-5", OutOfRange),
        ("attempts", r#""1""#, NotWholeNumber),
        ("body", "{}", NotText),
        ("key", "null", NotText),
    ] {
        refused::<StoredPending>(&pending_with(key, value), key, problem);
    }
    let reservation = both::<StoredReservation>(
        r#"{"sku": "A", "kind": "preorder", "id": "bo_1", "quantity": 1, "queue_position": "x",
            "units_ahead": 2.5, "notifies": "true", "endpoint": "/api/backorders",
            "confirmed_ms": 1764237600000}"#,
    )
    .expect("a reservation");
    assert_eq!(
        (
            reservation.kind,
            reservation.queue_position,
            reservation.units_ahead,
            reservation.notifies
        ),
        (RequestKind::Preorder, None, None, false)
    );
    refused::<StoredReservation>(
        r#"{"sku": "A", "kind": "someday", "id": "bo_1", "quantity": 1, "endpoint": "/", "confirmed_ms": 1}"#,
        "kind",
        UnknownName,
    );
    refused::<StoredReservation>(
        r#"{"sku": "A", "kind": "notify", "id": "bo_1", "quantity": 1, "endpoint": "/"}"#,
        "confirmed_ms",
        Missing,
    );
}

#[wasm_bindgen_test]
fn hostile_stock_records_give_a_clear_error_from_evaluate() {
    for (record, error) in [
        (
            r#"{"sku": "A", "on_hand": "ten"}"#,
            "`on_hand` must be a whole number",
        ),
        (
            r#"{"sku": "A", "on_hand": 1e300}"#,
            "`on_hand` must be a whole number",
        ),
        (
            r#"{"sku": "A", "on_hand": 9007199254740993}"#,
            "`on_hand` must be a whole number",
        ),
        (
            r#"{"sku": "A", "incoming": {"quantity": 1}}"#,
            "`incoming` must be a list",
        ),
        (
            r#"{"sku": "A", "incoming": [{"quantity": 1}]}"#,
            "`incoming.expected` is required",
        ),
        (
            r#"{"sku": "A", "discontinued": "yes"}"#,
            "`discontinued` must be true or false",
        ),
        (r#"[1, 2, 3]"#, "the value must be an object"),
    ] {
        let result = backorder_widget::api::evaluate(
            js_sys::JSON::parse(record).expect("JSON"),
            JsValue::UNDEFINED,
        );
        let said = js_sys::Reflect::get(&result, &"error".into())
            .ok()
            .and_then(|error| error.as_string());
        assert_eq!(
            said,
            Some(format!("the stock record is malformed: {error}")),
            "{record}"
        );
    }
}

const KEY: &str = "backorder-widget:outbox:v1";

fn stored(document: &str) -> Outbox {
    let storage = web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .expect("localStorage");
    storage.set_item(KEY, document).expect("stored");
    let outbox = LocalStorage::default().load();
    storage.remove_item(KEY).expect("removed");
    outbox
}

#[wasm_bindgen_test]
fn hostile_outbox_documents_keep_what_reads_and_drop_the_rest() {
    let reservation = r#"{"sku": "B", "kind": "notify", "id": "bo_2", "quantity": 1,
        "endpoint": "/api/backorders", "confirmed_ms": 1764237600000}"#;
    let document = format!(
        r#"{{"pending": [{PENDING}, {}, 5, {}], "reservations": [{reservation}, {{"sku": 1}}, null]}}"#,
        pending_with("kind", r#""wishlist""#),
        pending_with("action", r#""cancel""#)
    );
    let outbox = stored(&document);
    assert_eq!(
        outbox
            .pending
            .iter()
            .map(|p| p.key.as_str())
            .collect::<Vec<_>>(),
        ["key-0001"],
        "an unknown kind, a number and a cancel without its request are dropped"
    );
    assert_eq!(outbox.pending[0].kind, RequestKind::Backorder);
    assert_eq!(
        outbox
            .reservations
            .iter()
            .map(|r| (r.id.as_str(), r.kind))
            .collect::<Vec<_>>(),
        [("bo_2", RequestKind::Notify)]
    );
    for document in [
        "not JSON",
        "null",
        "[1, 2]",
        r#""text""#,
        r#"{"pending": 5, "reservations": {"a": 1}}"#,
        r#"{"pending": [null], "reservations": [[]]}"#,
    ] {
        assert_eq!(stored(document), Outbox::default(), "{document}");
    }
    // An entry nested deeper than any of ours is dropped on its own; the others are kept.
    let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
    let document_with_deep = format!(
        r#"{{"pending": [{PENDING}, {{"key": {deep}}}], "reservations": [{reservation}]}}"#
    );
    let outbox = stored(&document_with_deep);
    assert_eq!((outbox.pending.len(), outbox.reservations.len()), (1, 1));
    // What was dropped is said once: the saved document is rewritten without it.
    let storage = web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .expect("localStorage");
    storage.set_item(KEY, &document).expect("stored");
    LocalStorage::default().load();
    let rewritten = storage.get_item(KEY).expect("read").expect("kept");
    assert!(
        !rewritten.contains("wishlist") && rewritten.contains("bo_2"),
        "{rewritten}"
    );
    storage.remove_item(KEY).expect("removed");
    // What the widget writes, it reads back.
    let kept = stored(&document);
    LocalStorage::default().save(&kept);
    assert_eq!(LocalStorage::default().load(), kept);
    LocalStorage::default().save(&Outbox::default());
}
