//! Capture, replays, the line filled in order, units handed on, the numbers adding up under
//! concurrent changes, the sweep, and the schema's versions.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};

use super::records::{
    Cancellation, Granted, Import, NewRequest, Origin, Receipt, ReceiptRefusal, RequestRow,
    Shipment, Submission,
};
use super::*;
use crate::domain::lifecycle::Status;
use crate::domain::request::{CheckedRequest, RequestKind, offer};
use crate::domain::stock::Stock;
use crate::wire::{Accepted, RequestStatus, ShopConfig, StockRecord};

/// A fresh database file, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let folder = std::env::temp_dir().join(format!(
            "backorder-store-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&folder);
        Self(folder)
    }

    fn path(&self) -> PathBuf {
        self.0.join("store.sqlite3")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Noon UTC on `date`: the server's zone in tests is UTC or near it, so the shop's day is
/// `date`.
fn at(date: &str) -> DateTime<Utc> {
    format!("{date}T12:00:00Z").parse().expect("an instant")
}

fn record(json: &str) -> StockRecord {
    serde_json::from_str(json).expect("a stock record")
}

/// A store with one product, `A`: 10 units arriving 2030-02-01 (batch PO-1), 10 on 2030-02-15.
fn store_with_a(scratch: &Scratch) -> Store {
    let store = Store::open(&scratch.path()).expect("a store");
    // Requests of more than the endpoint's default cap of 10 units.
    let shop = ShopConfig {
        time_zone: Some("UTC".to_owned()),
        max_per_order: Some(20),
        ..ShopConfig::default()
    };
    let a = record(
        r#"{"sku": "A", "backorders": "allow", "incoming": [
            {"id": "PO-1", "quantity": 10, "expected": "2030-02-01"},
            {"id": "PO-2", "quantity": 10, "expected": "2030-02-15"}]}"#,
    );
    store
        .import_catalog(&shop, &[a], Origin::File, at("2030-01-01"))
        .expect("imported");
    store
}

fn request(key: &str, kind: RequestKind, quantity: u32) -> NewRequest {
    NewRequest {
        checked: CheckedRequest {
            kind,
            sku: "A".to_owned(),
            quantity,
            email: "ana@example.com".to_owned(),
            name: None,
            consent_text: "Yes".to_owned(),
            idempotency_key: key.to_owned(),
        },
        consent_given: true,
        shown_expected_date: None,
        locale: None,
        page: None,
        request_hash: format!("hash-{quantity}"),
        created_at: None,
        received_at: "2030-01-01T00:00:00.000Z".to_owned(),
    }
}

/// Submits with the domain's own decision, as the endpoint does.
fn submit(store: &Store, request: &NewRequest, when: &str) -> Submission<String> {
    store
        .submit(request, at(when), |offered| {
            let stock: &Stock = offered.stock.ok_or("unknown sku")?;
            let granted = offer(
                stock,
                offered.calendar,
                request.checked.kind,
                request.checked.quantity,
                offered.today,
            )
            .map_err(|error| format!("{error:?}"))?;
            Ok(Granted {
                expected_date: granted.expected_ship_date,
                units_ahead: stock.already_promised,
            })
        })
        .expect("the store works")
}

fn accepted(submission: Submission<String>) -> Accepted {
    match submission {
        Submission::Created(accepted) => accepted,
        other => panic!("expected a created request, got {other:?}"),
    }
}

/// The pool's connections are the runtime's: each test runs in one, and drops its store in it.
async fn status_of(store: &Store, accepted: &Accepted) -> RequestStatus {
    store
        .status(accepted.id.clone(), token(accepted).to_owned())
        .await
        .expect("works")
        .expect("found")
}

async fn shelf_and_owed(store: &Store) -> (i64, i64, u32) {
    let listing = store.stock_listing().await.expect("works");
    let a = &listing.items[0];
    (
        a.record.on_hand.unwrap_or(0),
        a.record.backordered.unwrap_or(0),
        a.set_aside,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queues_replays_and_refuses_a_reused_key() {
    let scratch = Scratch::new();
    let store = store_with_a(&scratch);
    let first = accepted(submit(
        &store,
        &request("key-0001", RequestKind::Backorder, 2),
        "2030-01-02",
    ));
    let second = accepted(submit(
        &store,
        &request("key-0002", RequestKind::Backorder, 3),
        "2030-01-02",
    ));
    assert_eq!(
        (first.queue_position, second.queue_position),
        (Some(1), Some(2))
    );
    assert_eq!((first.units_ahead, second.units_ahead), (Some(0), Some(2)));
    assert_eq!(first.expected_date.as_deref(), Some("2030-02-04"));
    let replay = submit(
        &store,
        &request("key-0001", RequestKind::Backorder, 2),
        "2030-01-03",
    );
    let stored: Accepted = match replay {
        Submission::Replayed(json) => serde_json::from_str(&json).expect("stored JSON"),
        other => panic!("expected a replay, got {other:?}"),
    };
    assert_eq!(stored, first);
    assert_eq!(
        submit(
            &store,
            &request("key-0001", RequestKind::Backorder, 9),
            "2030-01-03"
        ),
        Submission::KeyReused
    );
    let refused = submit(
        &store,
        &request("key-0003", RequestKind::Backorder, 99),
        "2030-01-03",
    );
    assert!(matches!(refused, Submission::Refused(_)), "{refused:?}");
    let rows = store.list().await.expect("works");
    assert_eq!(rows.len(), 2, "a refusal stores nothing");
}

/// Three shoppers want 2, 2 and 2; 5 units arrive. The first two are ready, the third has 1
/// set aside; the first then cancels, and the third becomes ready with the freed units.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_fills_the_line_in_order_and_a_cancel_hands_units_on() {
    let scratch = Scratch::new();
    let store = store_with_a(&scratch);
    let shoppers: Vec<Accepted> = (1..=3)
        .map(|n| {
            accepted(submit(
                &store,
                &request(&format!("key-000{n}"), RequestKind::Backorder, 2),
                "2030-01-02",
            ))
        })
        .collect();
    let receipt: Receipt = store
        .receive("A", Some("PO-1"), 5, at("2030-02-01"))
        .expect("works")
        .expect("a known batch");
    assert_eq!(
        receipt.ready,
        [shoppers[0].id.clone(), shoppers[1].id.clone()]
    );
    assert_eq!(receipt.partly_filled, [shoppers[2].id.clone()]);
    assert_eq!(receipt.to_shelf, 0);
    let third = status_of(&store, &shoppers[2]).await;
    assert_eq!((third.status.as_str(), third.allocated), ("delayed", 1));
    // The rest of the third's units come with PO-2: later than its stated date.
    assert_eq!(third.current_date.as_deref(), Some("2030-02-18"));
    assert_eq!(
        (
            shelf_and_owed(&store).await.0,
            shelf_and_owed(&store).await.2
        ),
        (0, 5),
        "nothing reaches the shelf; 5 are set aside"
    );
    // A new shopper is offered nothing from the shelf: what is left comes with PO-2.
    let availability = store
        .availability(Some(vec!["A".to_owned()]))
        .await
        .expect("works");
    assert_eq!(availability.1[0].on_hand.unwrap_or(0), 0);
    assert_eq!(
        availability.1[0].backordered,
        Some(1),
        "the third's one unit"
    );

    let cancelled = store
        .cancel(&shoppers[0].id, Some(token(&shoppers[0])), at("2030-02-02"))
        .expect("works");
    assert!(matches!(cancelled, Cancellation::Cancelled { .. }));
    let third = status_of(&store, &shoppers[2]).await;
    assert_eq!((third.status.as_str(), third.allocated), ("ready", 2));
    assert_eq!(
        shelf_and_owed(&store).await.0,
        1,
        "the unit nobody waits for"
    );
    let history: Vec<&str> = third
        .history
        .iter()
        .map(|entry| entry.what.as_str())
        .collect();
    assert_eq!(
        history,
        [
            "created",
            "set_aside",
            "date_changed",
            "delayed",
            "set_aside",
            "ready"
        ]
    );
    // A wrong token is the same as no such request.
    assert_eq!(
        store
            .cancel(&shoppers[1].id, Some("wrong"), at("2030-02-02"))
            .expect("works"),
        Cancellation::NotFound
    );
    // Ready ships; shipped cannot be cancelled.
    assert!(matches!(
        store
            .ship(&shoppers[1].id, at("2030-02-03"))
            .expect("works"),
        Shipment::Shipped { .. }
    ));
    assert_eq!(
        store
            .cancel(&shoppers[1].id, Some(token(&shoppers[1])), at("2030-02-03"))
            .expect("works"),
        Cancellation::Shipped
    );
    assert!(matches!(
        store
            .ship(&shoppers[0].id, at("2030-02-03"))
            .expect("works"),
        Shipment::NotReady { .. }
    ));
}

/// Units promised through other channels were first in line: a delivery serves them first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_channels_are_served_first() {
    let scratch = Scratch::new();
    let store = Store::open(&scratch.path()).expect("a store");
    let a = record(
        r#"{"sku": "A", "backorders": "allow", "backordered": 3,
            "incoming": [{"id": "PO-1", "quantity": 10, "expected": "2030-02-01"}]}"#,
    );
    store
        .import_catalog(&ShopConfig::default(), &[a], Origin::File, at("2030-01-01"))
        .expect("imported");
    let shopper = accepted(submit(
        &store,
        &request("key-0001", RequestKind::Backorder, 2),
        "2030-01-02",
    ));
    assert_eq!(shopper.units_ahead, Some(3));
    let receipt = store
        .receive("A", Some("PO-1"), 4, at("2030-02-01"))
        .expect("works")
        .expect("known");
    assert_eq!(receipt.to_other_channels, 3);
    assert_eq!(receipt.partly_filled, std::slice::from_ref(&shopper.id));
    assert_eq!(
        shelf_and_owed(&store).await.1,
        0,
        "the record owes other channels nothing now"
    );
    assert!(matches!(
        store
            .receive("A", Some("PO-9"), 1, at("2030-02-01"))
            .expect("works"),
        Err(ReceiptRefusal::UnknownBatch)
    ));
}

/// The sweep applies what is due and is idempotent; a batch whose date passes without a
/// receipt gives no date, and without a yes by T + 30 the request is cancelled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweep_applies_the_delay_rule_once() {
    let scratch = Scratch::new();
    let store = store_with_a(&scratch);
    // 12 units: PO-1 cannot cover it, PO-2 can: T is 2030-02-18.
    let shopper = accepted(submit(
        &store,
        &request("key-0001", RequestKind::Backorder, 12),
        "2030-01-02",
    ));
    assert_eq!(shopper.expected_date.as_deref(), Some("2030-02-18"));
    // PO-2 (Feb 15) has not arrived by Feb 16: no date, a yes is needed by T + 30 (Mar 20).
    store.sweep(at("2030-02-16")).expect("works");
    let late = status_of(&store, &shopper).await;
    assert_eq!(late.status, Status::Delayed);
    assert!(late.needs_consent);
    assert_eq!(late.consent_by.as_deref(), Some("2030-03-20"));
    let entries = late.history.len();
    store.sweep(at("2030-02-16")).expect("works");
    store.sweep(at("2030-02-17")).expect("works");
    assert_eq!(
        status_of(&store, &shopper).await.history.len(),
        entries,
        "idempotent"
    );
    store.sweep(at("2030-03-21")).expect("works");
    let cancelled = status_of(&store, &shopper).await;
    assert_eq!(
        (cancelled.status.as_str(), cancelled.cancelled_by.as_deref()),
        ("cancelled", Some("no_consent"))
    );
    assert_eq!(cancelled.refund_due.as_deref(), Some("2030-04-01"));
}

/// On hand + set aside + shipped + what went to other channels is what the shelf had plus what
/// was received; the counters match the requests; nothing waits beyond what is en route;
/// whatever runs at the same time (requests, cancels, receipts with and without a batch,
/// shipments), with orders from other channels ahead in line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_numbers_add_up_under_concurrent_receipts_cancels_shipments_and_requests() {
    let scratch = Scratch::new();
    let store = Store::open(&scratch.path()).expect("a store");
    let a = record(
        r#"{"sku": "A", "on_hand": 0, "backorders": "allow", "backordered": 3, "incoming": [
            {"id": "PO-1", "quantity": 10, "expected": "2030-02-01"},
            {"id": "PO-2", "quantity": 10, "expected": "2030-02-15"},
            {"id": "PO-3", "quantity": 10, "expected": "2030-03-01"}]}"#,
    );
    store
        .import_catalog(&ShopConfig::default(), &[a], Origin::File, at("2030-01-01"))
        .expect("imported");
    let store = Arc::new(store);
    let received = Arc::new(AtomicUsize::new(0));
    let other_channels = Arc::new(AtomicUsize::new(0));
    let shipped = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|thread| {
            let store = Arc::clone(&store);
            let received = Arc::clone(&received);
            let other_channels = Arc::clone(&other_channels);
            let shipped = Arc::clone(&shipped);
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                for n in 0..12 {
                    let key = format!("key-{thread}-{n:04}");
                    let quantity = 1 + n % 2;
                    if let Submission::Created(accepted) = submit(
                        &store,
                        &request(&key, RequestKind::Backorder, quantity),
                        "2030-01-02",
                    ) {
                        mine.push((accepted, quantity));
                    }
                    if n % 4 == 3
                        && let Some((cancel, _)) = mine.pop()
                    {
                        store
                            .cancel(&cancel.id, Some(token(&cancel)), at("2030-01-03"))
                            .expect("works");
                    }
                    if n % 5 == 0 {
                        // Midway the first thread receives batch PO-1 in full; the other
                        // receipts are units from elsewhere (a return).
                        let batch = (thread == 0 && n == 5).then_some("PO-1");
                        let units = if batch.is_some() { 10 } else { 1 };
                        let receipt = store
                            .receive("A", batch, units, at("2030-01-03"))
                            .expect("works")
                            .expect("known");
                        received.fetch_add(units as usize, Ordering::SeqCst);
                        other_channels
                            .fetch_add(receipt.to_other_channels as usize, Ordering::SeqCst);
                    }
                    if n % 3 == 2
                        && let Some((first, quantity)) = mine.first().cloned()
                        && let Shipment::Shipped { .. } =
                            store.ship(&first.id, at("2030-01-04")).expect("works")
                    {
                        shipped.fetch_add(quantity as usize, Ordering::SeqCst);
                        mine.remove(0);
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("no panic");
    }
    // Whatever the threads left ready ships now, so shipments always count.
    for row in store.list().await.expect("works") {
        if row.status == "ready"
            && let Shipment::Shipped { .. } = store.ship(&row.id, at("2030-01-05")).expect("works")
        {
            shipped.fetch_add(row.quantity as usize, Ordering::SeqCst);
        }
    }
    let (shelf, owed, set_aside) = shelf_and_owed(&store).await;
    let rows = store.list().await.expect("works");
    let in_line =
        |row: &&RequestRow| matches!(row.status.as_str(), "waiting" | "ready" | "delayed");
    let allocated: u32 = rows.iter().filter(in_line).map(|row| row.allocated).sum();
    let waiting: u32 = rows
        .iter()
        .filter(in_line)
        .map(|row| row.quantity - row.allocated)
        .sum();
    let shipped_rows: u32 = rows
        .iter()
        .filter(|row| row.status == "shipped")
        .map(|row| row.quantity)
        .sum();
    let other_channels = other_channels.load(Ordering::SeqCst) as i64;
    assert_eq!(allocated, set_aside, "the counter matches the requests");
    assert_eq!(shipped_rows as usize, shipped.load(Ordering::SeqCst));
    assert!(shipped_rows > 0, "some shipped");
    assert_eq!(
        shelf + i64::from(set_aside) + i64::from(shipped_rows) + other_channels,
        received.load(Ordering::SeqCst) as i64,
        "every unit received is on the shelf, set aside, shipped, or with another channel"
    );
    assert_eq!(
        owed,
        3 - other_channels,
        "other channels' orders are served, not lost"
    );
    let listing = store.stock_listing().await.expect("works");
    assert_eq!(listing.items[0].waiting, waiting);
    assert_eq!(
        listing.items[0].in_line as usize,
        rows.iter().filter(in_line).count()
    );
    // Nothing en route was promised twice: what waits (after other channels) fits in what
    // is still en route.
    let en_route: i64 = listing.items[0]
        .record
        .incoming
        .iter()
        .map(|batch| batch.quantity)
        .sum();
    assert!(
        i64::from(waiting) + owed <= en_route,
        "{waiting} units waiting and {owed} owed against {en_route} en route"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v1_database_is_brought_up_to_date_and_a_newer_one_is_refused() {
    let scratch = Scratch::new();
    std::fs::create_dir_all(&scratch.0).expect("folder");
    {
        let connection = rusqlite::Connection::open(scratch.path()).expect("open");
        connection
            .execute_batch(
                "CREATE TABLE requests (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                    sku TEXT NOT NULL, kind TEXT NOT NULL, holds_units INTEGER NOT NULL,
                    quantity INTEGER NOT NULL CHECK (quantity > 0), email TEXT NOT NULL, name TEXT,
                    consent_text TEXT NOT NULL, consent_given INTEGER NOT NULL, expected_date TEXT,
                    shown_expected_date TEXT, locale TEXT, page TEXT,
                    idempotency_key TEXT NOT NULL UNIQUE, request_hash TEXT NOT NULL,
                    response_json TEXT NOT NULL, cancel_token TEXT NOT NULL, created_at TEXT,
                    received_at TEXT NOT NULL, cancelled_at TEXT);
                 CREATE INDEX requests_holding_units ON requests (sku, seq)
                    WHERE holds_units = 1 AND cancelled_at IS NULL;
                 INSERT INTO requests (id, sku, kind, holds_units, quantity, email, consent_text,
                    consent_given, expected_date, idempotency_key, request_hash, response_json,
                    cancel_token, received_at)
                 VALUES ('bo_old', 'A', 'backorder', 1, 3, 'a@example.com', 'Yes', 1, '2030-02-04',
                    'key-old-1', 'h', '{}', 'token-old', '2029-12-01T00:00:00Z');
                 PRAGMA user_version = 1;",
            )
            .expect("a version 1 database");
    }
    let store = store_with_a(&scratch);
    let listing = store.stock_listing().await.expect("works");
    assert_eq!(
        listing.items[0].waiting, 3,
        "the old request counts in the line"
    );
    let rows = store.list().await.expect("works");
    assert_eq!(rows[0].status, "waiting");
    let opened = store
        .status("bo_old".to_owned(), "token-old".to_owned())
        .await
        .expect("works");
    assert!(opened.is_some(), "the old token still opens its request");
    drop(store);
    // Only the token's hash is left, in the database and its WAL alike.
    for suffix in ["", "-wal"] {
        let mut path = scratch.path().into_os_string();
        path.push(suffix);
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert!(
            !bytes.windows(9).any(|window| window == b"token-old"),
            "{path:?} still holds the plain token"
        );
    }
    let connection = rusqlite::Connection::open(scratch.path()).expect("open");
    connection
        .pragma_update(None, "user_version", 99)
        .expect("a newer version");
    drop(connection);
    let refused = Store::open(&scratch.path()).expect_err("a newer schema is refused");
    assert!(
        refused.to_string().contains("newer backorder-server"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_its_release_a_pre_order_takes_the_shelf() {
    let scratch = Scratch::new();
    let store = Store::open(&scratch.path()).expect("a store");
    let p = record(r#"{"sku": "A", "on_hand": 3, "release_date": "2030-03-01"}"#);
    store
        .import_catalog(&ShopConfig::default(), &[p], Origin::File, at("2030-01-01"))
        .expect("imported");
    let first = accepted(submit(
        &store,
        &request("key-0001", RequestKind::Preorder, 2),
        "2030-01-02",
    ));
    let second = accepted(submit(
        &store,
        &request("key-0002", RequestKind::Preorder, 2),
        "2030-01-02",
    ));
    assert_eq!(status_of(&store, &first).await.status, Status::Ready);
    let second = status_of(&store, &second).await;
    assert_eq!((second.status.as_str(), second.allocated), ("waiting", 1));
    assert_eq!(shelf_and_owed(&store).await.0, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_is_dated_afresh_until_the_shop_changes_its_stock() {
    let scratch = Scratch::new();
    let store = Store::open(&scratch.path()).expect("a store");
    let shop = ShopConfig::default();
    let demo = |on_hand: u32| {
        record(&format!(
            r#"{{"sku": "A", "on_hand": {on_hand}, "backorders": "allow"}}"#
        ))
    };
    let import = |records: &[StockRecord], origin| {
        store
            .import_catalog(&shop, records, origin, at("2030-01-01"))
            .expect("works")
    };
    assert_eq!(import(&[demo(1)], Origin::Demo), Import::Imported);
    assert_eq!(import(&[demo(5)], Origin::Demo), Import::Imported);
    assert_eq!(shelf_and_owed(&store).await.0, 5, "the demo, dated afresh");
    // A delivery through the stock API: the database holds the shop's truth now.
    store
        .receive("A", None, 2, at("2030-01-02"))
        .expect("works")
        .expect("known");
    assert_eq!(import(&[demo(1)], Origin::Demo), Import::Kept);
    assert_eq!(import(&[demo(1)], Origin::File), Import::Kept);
    assert_eq!(shelf_and_owed(&store).await.0, 7, "nothing was overwritten");

    // A merchant's file takes the demo's place; units set aside keep the demo as it is.
    let scratch = Scratch::new();
    let store = Store::open(&scratch.path()).expect("a store");
    let import = |records: &[StockRecord], origin| {
        store
            .import_catalog(&shop, records, origin, at("2030-01-01"))
            .expect("works")
    };
    let p = record(r#"{"sku": "A", "on_hand": 3, "release_date": "2030-03-01"}"#);
    assert_eq!(
        import(std::slice::from_ref(&p), Origin::Demo),
        Import::Imported
    );
    accepted(submit(
        &store,
        &request("key-0001", RequestKind::Preorder, 2),
        "2030-01-02",
    ));
    assert_eq!(import(&[p], Origin::Demo), Import::KeptDemo);
    assert_eq!(shelf_and_owed(&store).await, (1, 0, 2));
    let file = record(r#"{"sku": "B", "on_hand": 9}"#);
    assert_eq!(import(&[file], Origin::File), Import::Imported);
    let listing = store.stock_listing().await.expect("works");
    let skus: Vec<Option<&str>> = listing
        .items
        .iter()
        .map(|item| item.record.sku.as_deref())
        .collect();
    assert_eq!(skus, [Some("B")], "the demo's products made way");
    assert_eq!(import(&[demo(4)], Origin::File), Import::Kept);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_yes_counts_until_the_deadline_and_units_that_arrive_end_the_question() {
    let scratch = Scratch::new();
    let store = store_with_a(&scratch);
    let late = accepted(submit(
        &store,
        &request("key-0001", RequestKind::Backorder, 12),
        "2030-01-02",
    ));
    let kept = accepted(submit(
        &store,
        &request("key-0002", RequestKind::Backorder, 1),
        "2030-01-02",
    ));
    // PO-2 (Feb 15) is late on Feb 16: both need a yes by T + 30.
    store.sweep(at("2030-02-16")).expect("works");
    assert!(status_of(&store, &late).await.needs_consent);
    assert!(status_of(&store, &kept).await.needs_consent);
    // The second says yes in time: it keeps waiting, without a date.
    let status = store
        .consent(&kept.id, token(&kept), at("2030-02-17"))
        .expect("works");
    assert_eq!(status, Some(Status::Delayed));
    let answered = status_of(&store, &kept).await;
    assert!(!answered.needs_consent);
    assert_eq!(
        answered.history.last().map(|row| row.what.as_str()),
        Some("consented")
    );
    // The first answers after the deadline, before any sweep: it learns it was cancelled.
    let status = store
        .consent(&late.id, token(&late), at("2030-03-21"))
        .expect("works");
    assert_eq!(status, Some(Status::Cancelled));
    assert_eq!(
        status_of(&store, &late).await.cancelled_by.as_deref(),
        Some("no_consent")
    );
    // A yes to a request that has gone changes nothing.
    let status = store
        .consent(&late.id, token(&late), at("2030-03-22"))
        .expect("works");
    assert_eq!(status, Some(Status::Cancelled));
    assert_eq!(
        store
            .consent(&late.id, "another token", at("2030-03-22"))
            .expect("works"),
        None
    );

    // A shopper asked for a yes whose units arrive before the deadline: ready, and still asked,
    // since only a shipment ends the rule's clock.
    let scratch = Scratch::new();
    let store = store_with_a(&scratch);
    let asked = accepted(submit(
        &store,
        &request("key-0003", RequestKind::Backorder, 12),
        "2030-01-02",
    ));
    let kept = accepted(submit(
        &store,
        &request("key-0004", RequestKind::Backorder, 1),
        "2030-01-02",
    ));
    store.sweep(at("2030-02-16")).expect("works");
    store
        .receive("A", Some("PO-2"), 13, at("2030-02-18"))
        .expect("works")
        .expect("known");
    let ready = status_of(&store, &asked).await;
    assert_eq!(
        (ready.status.as_str(), ready.needs_consent),
        ("ready", true)
    );
    store
        .consent(&kept.id, token(&kept), at("2030-02-19"))
        .expect("works");
    // Past the deadline, not shipped and no yes: cancelled, its units back on the shelf; the
    // one that said yes is still ready.
    store.sweep(at("2030-03-21")).expect("works");
    assert_eq!(status_of(&store, &asked).await.status, Status::Cancelled);
    assert_eq!(status_of(&store, &kept).await.status, Status::Ready);
    assert_eq!(shelf_and_owed(&store).await, (12, 0, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pre_order_behind_other_channels_keeps_the_date_it_was_given() {
    let scratch = Scratch::new();
    let store = Store::open(&scratch.path()).expect("a store");
    let p = record(
        r#"{"sku": "A", "on_hand": 3, "backordered": 2, "release_date": "2030-03-01",
            "incoming": [{"id": "PO-1", "quantity": 3, "expected": "2030-02-20"}]}"#,
    );
    store
        .import_catalog(&ShopConfig::default(), &[p], Origin::File, at("2030-01-01"))
        .expect("imported");
    let shopper = accepted(submit(
        &store,
        &request("key-0001", RequestKind::Preorder, 3),
        "2030-01-02",
    ));
    assert_eq!(shopper.expected_date.as_deref(), Some("2030-03-01"));
    store.sweep(at("2030-01-03")).expect("works");
    let status = status_of(&store, &shopper).await;
    assert_eq!(
        (
            status.status.as_str(),
            status.allocated,
            status.current_date.as_deref()
        ),
        ("waiting", 1, Some("2030-03-01"))
    );
    assert_eq!(shelf_and_owed(&store).await, (2, 2, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_2_database_learns_where_its_stock_came_from() {
    let scratch = Scratch::new();
    std::fs::create_dir_all(&scratch.0).expect("folder");
    {
        let mut connection = rusqlite::Connection::open(scratch.path()).expect("open");
        schema::migrations_up_to(2)
            .to_latest(&mut connection)
            .expect("version 2");
        connection
            .execute_batch(
                "INSERT INTO shop (id, config_json) VALUES (1, '{}');
                 INSERT INTO stock (sku, position, record_json, updated_at)
                 VALUES ('A', 1, '{\"sku\": \"A\", \"on_hand\": 4}', '2030-01-01T00:00:00Z');",
            )
            .expect("a version 2 shop");
    }
    let store = Store::open(&scratch.path()).expect("brought up to date");
    let demo = record(r#"{"sku": "A", "on_hand": 9}"#);
    assert_eq!(
        store
            .import_catalog(
                &ShopConfig::default(),
                &[demo],
                Origin::Demo,
                at("2030-01-02")
            )
            .expect("works"),
        Import::Kept,
        "stock from before is taken for a merchant's: the demo leaves it alone"
    );
    assert_eq!(shelf_and_owed(&store).await.0, 4);
}

/// The cancel token a `201` carries.
fn token(accepted: &Accepted) -> &str {
    accepted
        .cancel_token
        .as_deref()
        .expect("a 201 carries a cancel token")
}

#[test]
fn an_answered_change_is_synced_as_the_durability_says() {
    let scratch = Scratch::new();
    let synchronous = |store: &Store| -> i64 {
        store
            .lock()
            .query_row("PRAGMA synchronous", [], |row| row.get(0))
            .expect("a setting")
    };
    // SQLite numbers FULL 2 and NORMAL 1; FULL syncs the WAL at every commit.
    assert_eq!(
        synchronous(&Store::open(&scratch.path()).expect("opens")),
        2
    );
    let normal = Store::open_with(&scratch.path(), Durability::Normal).expect("opens");
    assert_eq!(synchronous(&normal), 1);
}
