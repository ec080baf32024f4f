//! After capture, over real HTTP with a real SQLite file: stock as live data (JSON and CSV, all
//! or nothing), deliveries handed to the line, the shopper's current status and consent, the
//! merchant's "shipped", and a sweep route that exists only where a test asks for it.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]

/// The test harness: a real server on a free port, an HTTP client, request bodies.
#[allow(dead_code, reason = "the harness is shared with tests/server.rs")]
mod support;

use serde_json::{Value, json};
use support::{Reply, TestServer, backorder, in_days, start};

const ADMIN: &str = support::ADMIN_TOKEN;

impl TestServer {
    async fn admin_send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Reply {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(ADMIN);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send(request).await
    }

    async fn upload_csv(&self, csv: impl Into<reqwest::Body>) -> Reply {
        let request = self
            .client
            .post(self.url("/api/stock"))
            .bearer_auth(ADMIN)
            .header("content-type", "text/csv")
            .body(csv);
        self.send(request).await
    }
}

#[tokio::test]
async fn stock_changes_show_in_the_very_next_availability_answer() {
    let server = start(|_| {}).await;
    assert_eq!(server.get("/api/stock").await.status, 401);
    let listing = server.admin("/api/stock", ADMIN).await.json();
    let cap = listing["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["sku"] == "CAP-10")
        .expect("CAP-10")
        .clone();
    assert_eq!(cap["incoming"][0]["id"], "PO-1");
    assert_eq!(
        cap["line"],
        json!({"set_aside": 0, "waiting": 0, "requests": 0})
    );

    // The merchant moves the batch 5 days later: no restart, the next answer has it.
    let moved = json!({"sku": "CAP-10", "backorders": "allow",
        "incoming": [{"id": "PO-1", "quantity": 10, "expected": in_days(25)}]});
    let put = server
        .admin_send(reqwest::Method::PUT, "/api/stock/CAP-10", Some(&moved))
        .await;
    assert_eq!(put.status, 200, "{put:?}");
    let item = &server.availability(&["CAP-10"]).await[0];
    assert_eq!(item["incoming"][0]["expected"], in_days(25));

    // A record the rules refuse changes nothing, and says which record and field.
    let bad = json!({"items": [
        {"sku": "SHELF", "on_hand": 7},
        {"sku": "CAP-10", "incoming": [{"quantity": 3, "expected": in_days(5)}]},
        {"sku": "NEW", "on_hand": -2, "max_per_order": 0},
    ]});
    let refused = server
        .admin_send(reqwest::Method::POST, "/api/stock", Some(&bad))
        .await;
    refused.assert_error(422, "invalid_stock");
    let errors: Vec<(u64, String)> = refused.json()["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| {
            (
                error["record"].as_u64().expect("a record"),
                error["field"].as_str().expect("a field").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (2, "incoming.id".to_owned()),
            (3, "max_per_order".to_owned())
        ]
    );
    assert_eq!(
        server.availability(&["SHELF"]).await[0]["on_hand"],
        5,
        "all or nothing: the good record was not stored either"
    );
    assert!(server.availability(&["NEW"]).await.is_empty());
    // A count sent as text is the wrong shape: a 422 with the same `errors` array.
    let typed = json!({"items": [{"sku": "SHELF", "on_hand": "seven"}]});
    let refused = server
        .admin_send(reqwest::Method::POST, "/api/stock", Some(&typed))
        .await;
    refused.assert_error(422, "invalid_upload");
    assert_eq!(refused.json()["errors"][0]["field"], "body");
    // Read by the widget's own reader, which names the field as the browser does.
    assert_eq!(
        refused.json()["errors"][0]["message"],
        "`items.on_hand` must be a whole number"
    );

    // The same upload as CSV, fixed: a row per batch.
    let csv = format!(
        "sku,on_hand,backorders,batch_id,batch_quantity,batch_expected\n\
         SHELF,7,,,,\n\
         NEW,0,allow,PO-7,4,{}\n\
         NEW,,,PO-8,6,{}\n",
        in_days(12),
        in_days(30)
    );
    let uploaded = server.upload_csv(csv).await;
    assert_eq!(uploaded.status, 200, "{uploaded:?}");
    assert_eq!(uploaded.json()["imported"], 2);
    let items = server.availability(&["SHELF", "NEW"]).await;
    assert_eq!(items[0]["on_hand"], 7);
    assert_eq!(items[1]["incoming"].as_array().map(Vec::len), Some(2));

    // A CSV with one bad row names the line and the field, and changes nothing.
    let bad_csv = "sku,on_hand\nSHELF,9\nNEW,lots\n";
    let refused = server.upload_csv(bad_csv).await;
    refused.assert_error(422, "invalid_stock");
    assert_eq!(refused.json()["errors"][0]["record"], 3);
    assert_eq!(refused.json()["errors"][0]["field"], "on_hand");
    assert_eq!(server.availability(&["SHELF"]).await[0]["on_hand"], 7);
}

/// Three shoppers reserve 2, 2 and 2; 5 units arrive. The first two are ready, the third has 1
/// set aside, and a new shopper is offered nothing from the shelf.
#[tokio::test]
async fn a_delivery_goes_to_the_line_first_and_the_shopper_sees_the_truth() {
    let server = start(|_| {}).await;
    let mut shoppers = Vec::new();
    for n in 1..=3 {
        let reply = server
            .post(&format!("key-line-{n}"), &backorder("CAP-10", 2))
            .await;
        assert_eq!(reply.status, 201, "{reply:?}");
        shoppers.push(reply.json());
    }
    let receipt = server
        .admin_send(
            reqwest::Method::POST,
            "/api/stock/CAP-10/receipts",
            Some(&json!({"batch": "PO-1", "quantity": 5})),
        )
        .await;
    assert_eq!(receipt.status, 200, "{receipt:?}");
    let receipt = receipt.json();
    assert_eq!(
        receipt["ready"],
        json!([shoppers[0]["id"], shoppers[1]["id"]])
    );
    assert_eq!(receipt["partly_filled"], json!([shoppers[2]["id"]]));
    assert_eq!(receipt["to_shelf"], 0);
    let item = &server.availability(&["CAP-10"]).await[0];
    assert_eq!(item.get("on_hand").cloned().unwrap_or(json!(0)), 0);
    assert_eq!(
        item["backordered"], 1,
        "only the third's last unit still waits"
    );
    assert_eq!(item["incoming"], json!([]), "the batch arrived");

    let first = server.status_of(&shoppers[0]).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("cache-control"), Some("no-store"));
    let first = first.json();
    assert_eq!(
        (first["status"].as_str(), first["allocated"].as_u64()),
        (Some("ready"), Some(2))
    );
    let third = server.status_of(&shoppers[2]).await.json();
    assert_eq!(third["status"], "delayed", "{third}");
    assert_eq!(third["allocated"], 1);
    assert_eq!(
        third["current_date"],
        Value::Null,
        "nothing else is en route"
    );
    assert_eq!(third["needs_consent"], true);
    assert_eq!(third["queue_position"], 3);

    // A wrong token is exactly an unknown id.
    let path = format!(
        "/api/backorders/{}",
        shoppers[0]["id"].as_str().expect("id")
    );
    server
        .send(
            server
                .client
                .get(server.url(&path))
                .bearer_auth("not-the-token"),
        )
        .await
        .assert_error(404, "unknown_request");
    server
        .send(
            server
                .client
                .get(server.url("/api/backorders/bo_nope"))
                .bearer_auth("x"),
        )
        .await
        .assert_error(404, "unknown_request");

    // The third keeps it without a date; then the first cancels and the third is ready.
    let consent_path = format!(
        "/api/backorders/{}/consent",
        shoppers[2]["id"].as_str().expect("id")
    );
    let kept = server
        .send(
            server
                .client
                .post(server.url(&consent_path))
                .bearer_auth(shoppers[2]["cancel_token"].as_str().expect("token")),
        )
        .await;
    assert_eq!(kept.status, 200, "{kept:?}");
    assert_eq!(
        server.status_of(&shoppers[2]).await.json()["needs_consent"],
        false
    );
    let cancel = server
        .send(
            server
                .client
                .delete(server.url(&path))
                .bearer_auth(shoppers[0]["cancel_token"].as_str().expect("token")),
        )
        .await;
    assert_eq!(cancel.status, 200);
    let third = server.status_of(&shoppers[2]).await.json();
    assert_eq!(
        (third["status"].as_str(), third["allocated"].as_u64()),
        (Some("ready"), Some(2))
    );
    let whats: Vec<&str> = third["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|entry| entry["what"].as_str())
        .collect();
    assert_eq!(
        whats,
        [
            "created",
            "set_aside",
            "date_changed",
            "consent_needed",
            "consented",
            "set_aside",
            "ready"
        ]
    );

    // The merchant ships the ready one; a request not ready cannot ship.
    let ship = |id: &Value| format!("/api/backorders/{}/ship", id.as_str().expect("id"));
    let shipped = server
        .admin_send(reqwest::Method::POST, &ship(&shoppers[2]["id"]), None)
        .await;
    assert_eq!(shipped.status, 200, "{shipped:?}");
    assert_eq!(
        server.status_of(&shoppers[2]).await.json()["status"],
        "shipped"
    );
    server
        .admin_send(reqwest::Method::POST, &ship(&shoppers[0]["id"]), None)
        .await
        .assert_error(409, "not_ready");
    assert_eq!(
        server
            .send(server.client.post(server.url(&ship(&shoppers[1]["id"]))))
            .await
            .status,
        401,
        "shipping is the merchant's"
    );

    // The merchant cancels on the shopper's behalf with the admin token.
    let second = format!(
        "/api/backorders/{}",
        shoppers[1]["id"].as_str().expect("id")
    );
    let cancelled = server
        .admin_send(reqwest::Method::DELETE, &second, None)
        .await;
    assert_eq!(cancelled.status, 200);
    let second = server.status_of(&shoppers[1]).await.json();
    assert_eq!(second["cancelled_by"], "merchant");
}

#[tokio::test]
async fn the_sweep_route_exists_only_where_a_test_configures_it() {
    let normal = start(|_| {}).await;
    normal
        .admin_send(
            reqwest::Method::POST,
            "/api/sweep",
            Some(&json!({"today": in_days(1)})),
        )
        .await
        .assert_error(404, "not_found");
    let testing = start(|config| config.sweep_route = true).await;
    let swept = testing
        .admin_send(
            reqwest::Method::POST,
            "/api/sweep",
            Some(&json!({"today": in_days(1)})),
        )
        .await;
    assert_eq!(swept.status, 200, "{swept:?}");
    assert_eq!(
        testing
            .send(
                testing
                    .client
                    .post(testing.url("/api/sweep"))
                    .json(&json!({"today": in_days(1)}))
            )
            .await
            .status,
        401
    );
}

/// A write that waits on the database (here another process holds SQLite's write lock, so a
/// submission sits inside the writer) does not hold up availability: reads have connections of
/// their own. Before, every read went through the writer's one connection and waited with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_never_queue_behind_a_waiting_writer() {
    if support::sqlite_only("another process holding SQLite's write lock") {
        return;
    }
    let server = start(|_| {}).await;
    let other = rusqlite::Connection::open(server.database()).expect("the database opens");
    other
        .execute_batch("BEGIN IMMEDIATE")
        .expect("the write lock");
    let post = {
        let client = server.client.clone();
        let url = server.url("/api/backorders");
        tokio::spawn(async move {
            client
                .post(url)
                .header("Idempotency-Key", "key-blocked-1")
                .json(&backorder("CAP-10", 1))
                .send()
                .await
                .map(|response| response.status().as_u16())
        })
    };
    // The submission is now waiting for the lock, inside the writer. (Nothing outside the
    // server can see that it got there; 300 ms is ample for a local request. On a machine so
    // slow it had not, this would prove less, never fail wrongly.)
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let read = server
        .client
        .get(server.url("/api/availability?sku=CAP-10"))
        .timeout(std::time::Duration::from_secs(3))
        .send()
        .await
        .expect("availability answers while the writer waits");
    assert_eq!(read.status(), 200);
    assert!(
        !post.is_finished(),
        "the submission was still waiting on the lock"
    );
    other
        .execute_batch("ROLLBACK")
        .expect("the lock is released");
    let posted = post.await.expect("the task").expect("the POST answers");
    assert_eq!(
        posted, 201,
        "and the submission goes through once it is free"
    );
}
