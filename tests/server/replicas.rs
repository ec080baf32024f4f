//! The requests are spread over all of them. Exactly the cap is taken, the line has no gap and no
//! twin, one key sent to two replicas at once is one row with one answer, receipts and cancels
//! racing new requests lose no unit and count none twice, each event is delivered once, and a
//! replica killed mid-load loses no answered request while the others go on.
//!
//! They start PostgreSQL themselves, so they run once, in the suite's SQLite pass (the
//! PostgreSQL pass skips them).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::support::outside::{Receiver, SECRET};
use crate::support::postgres::Cluster;
use crate::support::replica::Replica;
use crate::support::{ADMIN_TOKEN, backorder, in_days};

/// Units en route for the raced product: the cap every replica together must keep.
const CAP: usize = 12;

/// A shop on one fresh database: its folder (catalog, shared token key), and its URL.
struct Shop {
    folder: PathBuf,
    database: String,
    url: String,
}

impl Shop {
    fn new(name: &str) -> Self {
        let folder =
            std::env::temp_dir().join(format!("backorder-replicas-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("a folder");
        let catalog = json!({
            "shop": {"max_wait_days": 90, "payment": "at_shipment"},
            "items": [
                {"sku": "RACE", "on_hand": 0, "backorders": "allow",
                 "incoming": [{"id": "PO-1", "quantity": CAP, "expected": in_days(15)}]},
                {"sku": "FLOW", "on_hand": 0, "backorders": "allow",
                 "incoming": [{"id": "PO-1", "quantity": 1000, "expected": in_days(15)}]},
            ]
        });
        std::fs::write(folder.join("catalog.json"), catalog.to_string()).expect("a catalog");
        let url = Cluster::shared().create_database();
        let database = url.rsplit('/').next().expect("a name").to_owned();
        Self {
            folder,
            database,
            url,
        }
    }

    /// Starts one more replica of the shop; `webhook`: where its events go.
    fn replica(&self, webhook: Option<&str>) -> Replica {
        self.try_replica(&self.url, webhook)
            .unwrap_or_else(|log| panic!("the replica stopped: {log}"))
    }

    /// A replica on the database at `url`, or what it said when it stopped instead.
    fn try_replica(&self, url: &str, webhook: Option<&str>) -> Result<Replica, String> {
        let (key, catalog) = (
            self.folder.join("token-key"),
            self.folder.join("catalog.json"),
        );
        let (key, catalog) = (key.display().to_string(), catalog.display().to_string());
        let mut args = vec![
            "--rate-limit",
            "0",
            "--database",
            url,
            "--token-key",
            &key,
            "--catalog",
            &catalog,
            "--admin-token",
            ADMIN_TOKEN,
        ];
        if let Some(webhook) = webhook {
            args.extend(["--webhook-url", webhook, "--webhook-secret", SECRET]);
        }
        Replica::spawn(&args)
    }

    /// Three replicas started at the same moment: their migrations and imports wait for each
    /// other.
    fn replicas(&self, webhook: Option<&str>) -> Vec<Replica> {
        std::thread::scope(|scope| {
            let started: Vec<_> = (0..3)
                .map(|_| scope.spawn(|| self.replica(webhook)))
                .collect();
            started
                .into_iter()
                .map(|replica| replica.join().expect("a replica"))
                .collect()
        })
    }

    fn sql(&self, query: &str) -> Vec<String> {
        Cluster::shared()
            .psql(&self.database, query)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn number(&self, query: &str) -> i64 {
        self.sql(query)[0].parse().expect("a number")
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// A one-unit backorder of `sku` from shopper `n` (each shopper's own cap stays out of it).
fn one_unit(sku: &str, n: usize) -> Value {
    let mut body = backorder(sku, 1);
    body["email"] = json!(format!("shopper{n}@example.com"));
    body
}

async fn post(
    client: &reqwest::Client,
    replica: &Replica,
    key: &str,
    body: &Value,
) -> (u16, String) {
    let reply = client
        .post(replica.url("/api/backorders"))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("the replica answers");
    let status = reply.status().as_u16();
    (status, reply.text().await.expect("a body"))
}

/// Exactly the cap is accepted over three replicas, the places in line are 1 to the cap with
/// no gap and no twin, and one key sent to two replicas at once stores one row and gets one
/// answer from both.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_keep_the_cap_the_line_and_each_key() {
    let shop = Shop::new("cap");
    let replicas = shop.replicas(None);
    let client = reqwest::Client::new();

    let answers = join_all((0..60).map(|n| {
        let (client, replica) = (&client, &replicas[n % replicas.len()]);
        async move {
            post(
                client,
                replica,
                &format!("key-race-{n:04}"),
                &one_unit("RACE", n),
            )
            .await
        }
    }))
    .await;
    let accepted: Vec<Value> = answers
        .iter()
        .filter(|(status, _)| *status == 201)
        .map(|(_, body)| serde_json::from_str(body).expect("JSON"))
        .collect();
    assert_eq!(accepted.len(), CAP, "exactly the cap is taken: {answers:?}");
    assert!(
        answers
            .iter()
            .all(|(status, _)| [201, 409].contains(status)),
        "the rest are told it is gone: {answers:?}"
    );
    let mut places: Vec<u64> = accepted
        .iter()
        .map(|body| body["queue_position"].as_u64().expect("a place"))
        .collect();
    places.sort_unstable();
    assert_eq!(
        places,
        (1..=CAP as u64).collect::<Vec<_>>(),
        "no gap, no twin"
    );
    assert_eq!(
        shop.number("SELECT COUNT(*) FROM requests WHERE sku = 'RACE'"),
        CAP as i64
    );
    assert_eq!(
        shop.sql("SELECT waiting || '/' || in_line FROM stock WHERE sku = 'RACE'"),
        [format!("{CAP}/{CAP}")],
        "the counters agree with the line"
    );

    // The same key at two replicas at once: one row, and both answers are the one body.
    for n in 0..10 {
        let key = format!("key-twice-{n:04}");
        let body = one_unit("FLOW", 100 + n);
        let (first, second) = tokio::join!(
            post(&client, &replicas[0], &key, &body),
            post(&client, &replicas[1], &key, &body)
        );
        let statuses = [first.0, second.0];
        assert!(
            statuses.contains(&201) && statuses.iter().all(|status| [200, 201].contains(status)),
            "{first:?} {second:?}"
        );
        assert_eq!(
            first.1, second.1,
            "the replay is the first answer, byte for byte"
        );
        assert_eq!(
            shop.number(&format!(
                "SELECT COUNT(*) FROM requests WHERE idempotency_key = '{key}'"
            )),
            1
        );
    }
}

/// Deliveries at one replica and cancels at another, racing new requests at the third: every
/// unit is either set aside for a request in line or on the shelf, none twice, and the stock
/// row's counters are the line's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn receipts_and_cancels_racing_new_requests_lose_no_unit() {
    let shop = Shop::new("flow");
    let replicas = shop.replicas(None);
    let client = reqwest::Client::new();
    let mut first = Vec::new();
    for n in 0..30 {
        let (status, body) = post(
            &client,
            &replicas[n % 3],
            &format!("key-flow-{n:04}"),
            &one_unit("FLOW", n),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        first.push(serde_json::from_str::<Value>(&body).expect("JSON"));
    }
    let receipts = async {
        for _ in 0..8 {
            let reply = client
                .post(replicas[0].url("/api/stock/FLOW/receipts"))
                .bearer_auth(ADMIN_TOKEN)
                .json(&json!({"quantity": 3}))
                .send()
                .await
                .expect("answered");
            assert_eq!(reply.status(), 200, "{:?}", reply.text().await);
        }
    };
    let cancels = async {
        for accepted in first.iter().step_by(3) {
            let reply = client
                .delete(replicas[1].url(&format!(
                    "/api/backorders/{}",
                    accepted["id"].as_str().expect("an id")
                )))
                .bearer_auth(accepted["cancel_token"].as_str().expect("a token"))
                .send()
                .await
                .expect("answered");
            assert_eq!(reply.status(), 200, "{:?}", reply.text().await);
        }
    };
    let requests = async {
        for n in 30..50 {
            let (status, body) = post(
                &client,
                &replicas[2],
                &format!("key-flow-{n:04}"),
                &one_unit("FLOW", n),
            )
            .await;
            assert_eq!(status, 201, "{body}");
        }
    };
    tokio::join!(receipts, cancels, requests);

    let received = 8 * 3;
    let set_aside = shop.number(
        "SELECT COALESCE(SUM(allocated), 0) FROM requests
         WHERE sku = 'FLOW' AND status IN ('waiting', 'ready', 'delayed')",
    );
    let shelf =
        shop.number("SELECT (record_json::json->>'on_hand')::BIGINT FROM stock WHERE sku = 'FLOW'");
    assert_eq!(
        set_aside + shelf,
        received,
        "every unit received is set aside or on the shelf, once"
    );
    assert_eq!(
        shop.number("SELECT COUNT(*) FROM requests WHERE sku = 'FLOW' AND status = 'cancelled'"),
        10
    );
    let recount = shop.sql(
        "SELECT COALESCE(SUM(allocated), 0) || '/' || COALESCE(SUM(quantity - allocated), 0)
             || '/' || COUNT(*)
         FROM requests WHERE sku = 'FLOW' AND holds_units
             AND status IN ('waiting', 'ready', 'delayed')",
    );
    assert_eq!(
        shop.sql(
            "SELECT set_aside || '/' || waiting || '/' || in_line FROM stock WHERE sku = 'FLOW'"
        ),
        recount,
        "the stock row counts the line as it is"
    );
    // The line is served in order: no request waits while a later one was filled.
    let filled: Vec<String> = shop.sql(
        "SELECT allocated FROM requests WHERE sku = 'FLOW'
             AND status IN ('waiting', 'ready', 'delayed') ORDER BY seq",
    );
    let first_waiting = filled.iter().position(|units| units == "0");
    if let Some(first_waiting) = first_waiting {
        assert!(
            filled[first_waiting..].iter().all(|units| units == "0"),
            "filled in line order: {filled:?}"
        );
    }
}

/// Three replicas deliver one outbox: each event reaches the receiver once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_outbox_event_is_delivered_once_by_three_replicas() {
    let receiver = Receiver::start().await;
    let shop = Shop::new("outbox");
    let replicas = shop.replicas(Some(&receiver.url()));
    let client = reqwest::Client::new();
    join_all((0..30).map(|n| {
        let (client, replica) = (&client, &replicas[n % 3]);
        async move {
            let (status, body) = post(
                client,
                replica,
                &format!("key-hook-{n:04}"),
                &one_unit("FLOW", n),
            )
            .await;
            assert_eq!(status, 201, "{body}");
        }
    }))
    .await;
    let stored = shop.number("SELECT COUNT(*) FROM events");
    assert!(stored >= 30, "an event per request at least: {stored}");
    let started = Instant::now();
    while shop.number("SELECT COUNT(*) FROM events WHERE delivered_at IS NULL") > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the outbox drains"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A second worker that took an event twice would show here, after the drain.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut ids: Vec<String> = receiver
        .acknowledged()
        .into_iter()
        .map(|received| received.id)
        .collect();
    let delivered = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), delivered, "no event was delivered twice");
    let mut events = shop.sql("SELECT id FROM events ORDER BY id");
    events.sort_unstable();
    assert_eq!(ids, events, "every stored event was delivered");
}

/// One replica killed with SIGKILL mid-load: every request any replica answered `201` is in
/// the database, and the other two go on serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_killed_mid_load_loses_no_answered_request() {
    let shop = Shop::new("kill");
    let mut replicas = shop.replicas(None);
    let client = reqwest::Client::new();
    let load = |range: std::ops::Range<usize>, replicas: &[Replica]| {
        let targets: Vec<String> = replicas
            .iter()
            .map(|replica| replica.url("/api/backorders"))
            .collect();
        let client = client.clone();
        // Eight shoppers at a time, so the kill lands inside transactions under way.
        let sent = range.map(move |n| {
            let (client, target) = (client.clone(), targets[n % targets.len()].clone());
            async move {
                let key = format!("key-kill-{n:04}");
                let sent = client
                    .post(target)
                    .header("Idempotency-Key", &key)
                    .json(&one_unit("FLOW", n))
                    .send()
                    .await;
                match sent {
                    Ok(reply) if reply.status() == 201 => Some(key),
                    _ => None,
                }
            }
        });
        futures_util::stream::iter(sent)
            .buffer_unordered(8)
            .filter_map(|answered| async move { answered })
            .collect::<Vec<String>>()
    };
    let running = tokio::spawn(load(0..150, &replicas));
    tokio::time::sleep(Duration::from_millis(300)).await;
    replicas[0].kill();
    let mut answered = running.await.expect("the load ran");
    assert!(
        answered.len() > 60,
        "most were answered: {}",
        answered.len()
    );
    // The survivors serve on.
    let after = load(150..170, &replicas[1..]).await;
    assert_eq!(after.len(), 20, "the other replicas answer every request");
    answered.extend(after);
    let stored = shop.sql("SELECT idempotency_key FROM requests");
    for key in &answered {
        assert!(
            stored.contains(key),
            "{key} was answered 201 and must be stored"
        );
    }
    // What the killed replica had under way was rolled back whole: the counters are the line's,
    // and no history is left without its request.
    assert_eq!(
        shop.sql("SELECT waiting || '/' || in_line FROM stock WHERE sku = 'FLOW'"),
        shop.sql(
            "SELECT COALESCE(SUM(quantity - allocated), 0) || '/' || COUNT(*) FROM requests
             WHERE sku = 'FLOW' AND holds_units AND status IN ('waiting', 'ready', 'delayed')"
        )
    );
    assert_eq!(
        shop.number(
            "SELECT COUNT(*) FROM history h
             WHERE NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = h.request_id)"
        ),
        0
    );
}

/// One key sent at once to two replicas with requests for two products (which take two
/// different locks): both look for the key and find none, one stores it, and the other's
/// insert meets the unique key, runs again, and answers that the key was used for another
/// request. One row.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_key_for_two_products_at_two_replicas_is_one_row() {
    let shop = Shop::new("key");
    let replicas = shop.replicas(None);
    let client = reqwest::Client::new();
    for n in 0..10 {
        let key = format!("key-both-{n:04}");
        let (race, flow) = (one_unit("RACE", n), one_unit("FLOW", n));
        let (first, second) = tokio::join!(
            post(&client, &replicas[0], &key, &race),
            post(&client, &replicas[1], &key, &flow)
        );
        let mut statuses = [first.0, second.0];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 422], "{first:?} {second:?}");
        let refused = if first.0 == 422 { &first.1 } else { &second.1 };
        assert!(refused.contains("idempotency_key_reused"), "{refused}");
        assert_eq!(
            shop.number(&format!(
                "SELECT COUNT(*) FROM requests WHERE idempotency_key = '{key}'"
            )),
            1
        );
    }
}

/// A database a newer server migrated (a migration this binary does not have) is refused at
/// start-up and left as it was; a URL that asks for TLS is refused rather than sent in clear.
#[tokio::test]
async fn a_newer_schema_and_a_tls_url_are_refused() {
    let shop = Shop::new("newer");
    shop.replica(None).kill();
    shop.sql(
        "INSERT INTO refinery_schema_history (version, name, applied_on, checksum)
         VALUES (99, 'from_the_future', '2030-01-01T00:00:00Z', '0')",
    );
    let refused = shop
        .try_replica(&shop.url, None)
        .err()
        .expect("a newer schema is refused");
    assert!(refused.contains("99"), "says which migration: {refused}");
    assert_eq!(
        shop.sql("SELECT MAX(version) FROM refinery_schema_history"),
        ["99"],
        "nothing set back"
    );
    let tls = shop
        .try_replica(&format!("{}?sslmode=require", shop.url), None)
        .err()
        .expect("TLS asked for and not there is refused");
    assert!(tls.to_lowercase().contains("tls"), "{tls}");
}
