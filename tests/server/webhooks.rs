//! The receiver checks every signature with the documented algorithm and is stopped and started
//! mid-run.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use backorder_widget::outbox::RetryPolicy;
use backorder_widget::server::webhooks::WebhookConfig;
use serde_json::{Value, json};

use crate::support::outside::{Receiver, SECRET};
use crate::support::{ADMIN_TOKEN, TestServer, backorder, start};

pub(crate) fn fast(url: String) -> WebhookConfig {
    WebhookConfig {
        retry: RetryPolicy {
            first_delay_ms: 100,
            max_delay_ms: 400,
            expiry_ms: 60 * 60_000,
        },
        poll: Duration::from_millis(50),
        ..WebhookConfig::new(url, SECRET.to_owned())
    }
}

async fn outbox(server: &TestServer) -> Value {
    server.admin("/api/webhooks", ADMIN_TOKEN).await.json()
}

/// Waits until `done` holds of the outbox, for at most `limit`.
async fn until(server: &TestServer, limit: Duration, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let outbox = outbox(server).await;
        if done(&outbox) {
            return outbox;
        }
        assert!(
            started.elapsed() < limit,
            "the outbox never got there: {outbox}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_arrives_signed_once_through_an_outage_and_a_restart() {
    let mut receiver = Receiver::start().await;
    let url = receiver.url();
    let mut server = start(|config| config.webhook = Some(fast(url))).await;
    let first = server
        .post("key-hook-0001", &backorder("PROMISED", 2))
        .await;
    assert_eq!(first.status, 201);
    until(&server, Duration::from_secs(10), |outbox| {
        outbox["delivered"] == 1
    })
    .await;

    // The receiver goes away; the shop goes on.
    receiver.down().await;
    let mut ben = backorder("PROMISED", 1);
    ben["email"] = json!("ben@example.com");
    ben["locale"] = json!("de-DE");
    let second = server.post("key-hook-0002", &ben).await;
    assert_eq!(second.status, 201);
    let first = first.json();
    let cancel = server.cancel_as_shopper(&first).await;
    assert_eq!(cancel.status, 200);
    let receipt = server
        .send(
            server
                .client
                .post(server.url("/api/stock/PROMISED/receipts"))
                .bearer_auth(ADMIN_TOKEN)
                .json(&json!({"batch": "PO-1", "quantity": 40})),
        )
        .await;
    assert_eq!(receipt.status, 200, "{receipt:?}");
    let failing = until(&server, Duration::from_secs(10), |outbox| {
        outbox["failing"]
            .as_array()
            .is_some_and(|failing| failing.len() >= 4)
    })
    .await;
    assert_eq!(
        failing["failed"], 0,
        "a webhook that is down is retried, never given up"
    );
    let failure = &failing["failing"][0];
    assert!(failure["attempts"].as_u64() >= Some(1), "{failure}");
    assert!(
        failure["last_error"]
            .as_str()
            .is_some_and(|error| error.contains("connect")),
        "{failure}"
    );
    assert!(failure["next_attempt_at"].is_string());

    // The endpoint restarts while the receiver is still down; nothing is lost.
    server.restart().await;
    receiver.up().await;
    let done = until(&server, Duration::from_secs(20), |outbox| {
        outbox["pending"] == 0
    })
    .await;
    assert_eq!(
        (&done["failed"], &done["delivered"]),
        (&json!(0), &json!(5)),
        "{done}"
    );

    let acknowledged = receiver.acknowledged();
    let mut ids: Vec<&str> = acknowledged
        .iter()
        .map(|received| received.id.as_str())
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "each id is acknowledged once");
    let stored = server.sql("SELECT id FROM events ORDER BY seq");
    let mut sorted = stored.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "every stored event arrived");
    let types: Vec<&str> = acknowledged
        .iter()
        .map(|received| received.body["type"].as_str().expect("a type"))
        .collect();
    for expected in [
        "backorder.created",
        "backorder.created",
        "backorder.cancelled",
        "backorder.ready",
        "stock.received",
    ] {
        assert!(types.contains(&expected), "{expected} in {types:?}");
    }
    let ready = acknowledged
        .iter()
        .find(|received| received.body["type"] == "backorder.ready")
        .expect("a ready event");
    let data = &ready.body["data"];
    assert_eq!(data["request_id"], second.json()["id"]);
    assert_eq!(
        (
            &data["sku"],
            &data["quantity"],
            &data["status"],
            &data["email"],
            &data["locale"]
        ),
        (
            &json!("PROMISED"),
            &json!(1),
            &json!("ready"),
            &json!("ben@example.com"),
            &json!("de-DE")
        )
    );
    assert!(ready.body["timestamp"].is_string());
    receiver.down().await;
}

/// An answer that can never succeed is recorded and shown, not retried forever; `Retry-After`
/// is a floor under the next attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_recorded_and_retry_after_is_honoured() {
    let mut receiver = Receiver::start().await;
    let url = receiver.url();
    let server = start(|config| config.webhook = Some(fast(url))).await;
    receiver.log.answer.store(410, Ordering::SeqCst);
    assert_eq!(
        server
            .post("key-gone-0001", &backorder("PROMISED", 1))
            .await
            .status,
        201
    );
    let gone = until(&server, Duration::from_secs(10), |outbox| {
        outbox["failed"] == 1
    })
    .await;
    let failure = &gone["failing"][0];
    assert_eq!(
        (&failure["last_status"], &failure["attempts"]),
        (&json!(410), &json!(1)),
        "{gone}"
    );
    assert!(failure["gave_up_at"].is_string());
    assert_eq!(gone["url"], receiver.url());

    receiver.log.answer.store(429, Ordering::SeqCst);
    let mut ben = backorder("PROMISED", 1);
    ben["email"] = json!("ben@example.com");
    assert_eq!(server.post("key-slow-0002", &ben).await.status, 201);
    let started = Instant::now();
    while receiver
        .log
        .deliveries
        .lock()
        .expect("the log")
        .iter()
        .all(|received| received.status != 429)
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the 429 never came"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    receiver.log.answer.store(0, Ordering::SeqCst);
    until(&server, Duration::from_secs(10), |outbox| {
        outbox["delivered"] == 1
    })
    .await;
    let deliveries = receiver.log.deliveries.lock().expect("the log").clone();
    let asked = deliveries
        .iter()
        .find(|received| received.status == 429)
        .expect("the 429");
    let taken = deliveries
        .iter()
        .find(|received| received.status == 200)
        .expect("the 200");
    assert_eq!(asked.id, taken.id, "the same event, again");
    assert!(
        taken.at.duration_since(asked.at) >= Duration::from_millis(950),
        "Retry-After: 1 is honoured though the backoff is 100 ms"
    );
    receiver.down().await;
}

/// 10 sign-ups, 3 units arrive with the factor 2: exactly the first 6 hear, in sign-up order,
/// and the same stock update again tells no one twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_back_in_stock_wave_tells_the_first_six_once() {
    let mut receiver = Receiver::start().await;
    let url = receiver.url();
    let server = start(|config| config.webhook = Some(fast(url))).await;
    let mut sign_ups = Vec::new();
    for n in 0..10 {
        let mut body = crate::support::request("notify", "GONE", 1);
        body["email"] = json!(format!("fan{n}@example.com"));
        let reply = server.post(&format!("key-wave-{n:04}"), &body).await;
        assert_eq!(reply.status, 201, "{reply:?}");
        sign_ups.push(reply.json()["id"].as_str().expect("an id").to_owned());
    }
    let restock = || {
        server.send(
            server
                .client
                .put(server.url("/api/stock/GONE"))
                .bearer_auth(ADMIN_TOKEN)
                .json(&json!({"sku": "GONE", "on_hand": 3})),
        )
    };
    assert_eq!(restock().await.status, 200);
    let told = |outbox: &Value| outbox["pending"] == 0 && outbox["delivered"].as_u64() >= Some(16);
    until(&server, Duration::from_secs(10), told).await;
    assert_eq!(restock().await.status, 200, "the same update again");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let done = until(&server, Duration::from_secs(10), |outbox| {
        outbox["pending"] == 0
    })
    .await;
    assert_eq!(done["delivered"], 16, "10 created and 6 told: {done}");
    let notified: Vec<String> = receiver
        .acknowledged()
        .iter()
        .filter(|received| received.body["type"] == "notify.back_in_stock")
        .map(|received| {
            received.body["data"]["request_id"]
                .as_str()
                .expect("an id")
                .to_owned()
        })
        .collect();
    assert_eq!(
        notified,
        sign_ups[..6],
        "the first six, in sign-up order, once each"
    );
    receiver.down().await;
}
