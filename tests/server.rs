//! The reference endpoint, over real HTTP: each test starts `backorder-server` on a free port
//! with its own SQLite file and catalog, and talks to it with an HTTP client.
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "may format: the ban (clippy.toml) keeps core::fmt out of the WebAssembly build"
)]
#![cfg(all(feature = "server", not(target_arch = "wasm32")))]

/// The test harness: a real server on a free port, an HTTP client, request bodies.
mod support;

use chrono::Datelike;
use serde_json::{Value, json};
use support::{ADMIN_TOKEN, RACE_UNITS, backorder, request, start, today};

/// What a hostile client tries against an endpoint on the internet, and what it gets.
#[path = "server/hardening.rs"]
mod hardening;
/// The shopper's emails, through a real SMTP server (MailDev) and read back.
#[path = "server/mail.rs"]
mod mail;
/// The merchant's page over HTTP, as a browser without script would use it.
#[path = "server/merchant.rs"]
mod merchant;
/// The `backorder-server` binary as an operator runs it: start-up, SIGTERM, SIGKILL.
#[path = "server/process.rs"]
mod process;
/// Replicas: two or three `backorder-server` processes on one PostgreSQL database.
#[path = "server/replicas.rs"]
mod replicas;
/// Clients that are slow, silent or many: none of them holds the server.
#[path = "server/slow_clients.rs"]
mod slow_clients;
/// Signed webhooks from the durable outbox, against a real receiver that checks each one.
#[path = "server/webhooks.rs"]
mod webhooks;

#[tokio::test]
async fn availability_is_batched_and_counts_accepted_requests() {
    let server = start(|_| {}).await;
    let items = server
        .availability(&["CAP-10", "PROMISED", "NOPE", "CAP-10"])
        .await;
    let skus: Vec<&str> = items
        .iter()
        .filter_map(|item| item["sku"].as_str())
        .collect();
    assert_eq!(skus, ["CAP-10", "PROMISED"]);
    assert_eq!(items[0].get("backordered"), None);
    assert_eq!(items[1]["backordered"], 5);

    assert_eq!(
        server
            .post("key-cap-0001", &backorder("CAP-10", 3))
            .await
            .status,
        201
    );
    assert_eq!(
        server
            .post("key-pro-0001", &backorder("PROMISED", 2))
            .await
            .status,
        201
    );
    let items = server.availability(&["CAP-10", "PROMISED"]).await;
    assert_eq!(items[0]["backordered"], 3);
    assert_eq!(items[1]["backordered"], 7);

    server
        .get("/api/availability")
        .await
        .assert_error(400, "sku_required");
    let too_many: Vec<String> = (0..501).map(|n| format!("sku=S{n}")).collect();
    server
        .get(&format!("/api/availability?{}", too_many.join("&")))
        .await
        .assert_error(400, "too_many_skus");
}

/// "You're #1 in line" was shown while units promised through other channels were ahead: the
/// answer counts every unit promised before the request, and says whether this endpoint emails.
#[tokio::test]
async fn the_answer_counts_every_unit_ahead_and_says_no_email_is_sent() {
    let server = start(|_| {}).await;
    let first = server.post("key-ahead-1", &backorder("PROMISED", 2)).await;
    assert_eq!(first.status, 201, "{first:?}");
    let first = first.json();
    assert_eq!(
        (&first["queue_position"], &first["units_ahead"]),
        (&json!(1), &json!(5)),
        "5 units were promised before, through other channels"
    );
    assert_eq!(
        first["notifies"], false,
        "the reference endpoint sends no email yet"
    );
    let second = server
        .post("key-ahead-2", &backorder("PROMISED", 1))
        .await
        .json();
    assert_eq!(second["units_ahead"], 7);
}

#[tokio::test]
async fn a_replay_answers_the_same_body_and_stores_one_row() {
    let server = start(|_| {}).await;
    let body = backorder("CAP-10", 2);
    let first = server.post("key-replay-1", &body).await;
    assert_eq!(first.status, 201, "{first:?}");
    let accepted = first.json();
    assert!(
        accepted["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("bo_"))
    );
    assert_eq!(accepted["queue_position"], 1);
    let expected_date = accepted["expected_date"].as_str().expect("a date");
    assert!(
        expected_date > today().to_string().as_str(),
        "{expected_date}"
    );
    assert!(
        accepted["cancel_token"]
            .as_str()
            .is_some_and(|token| token.len() >= 32)
    );

    let replay = server.post("key-replay-1", &body).await;
    assert_eq!(replay.status, 200);
    assert_eq!(replay.text, first.text);
    assert_eq!(server.count_rows(), 1);

    // A retry may restamp `created_at`, and the key may travel in the body too.
    let mut restamped = body.clone();
    restamped["created_at"] = json!("2026-11-27T10:00:05Z");
    restamped["idempotency_key"] = json!("key-replay-1");
    assert_eq!(
        server.post("key-replay-1", &restamped).await.text,
        first.text
    );

    let reused = server.post("key-replay-1", &backorder("CAP-10", 3)).await;
    assert_eq!(
        reused.error_fields(),
        [(
            "idempotency_key".to_owned(),
            "idempotency_key_reused".to_owned()
        )]
    );
    server
        .post("key-replay-2", &restamped)
        .await
        .assert_error(400, "idempotency_key_mismatch");
    let no_key = server
        .send(
            server
                .client
                .post(server.url("/api/backorders"))
                .json(&body),
        )
        .await;
    no_key.assert_error(400, "idempotency_key_required");
    assert_eq!(server.count_rows(), 1);
}

#[tokio::test]
async fn invalid_requests_get_field_errors() {
    let server = start(|_| {}).await;
    let mut body = backorder("CAP-10", 1);
    body["email"] = json!("ana@example");
    body["consent"] = json!({"text": "Email me.", "given": false});
    let reply = server.post("key-fields-1", &body).await;
    reply.assert_error(422, "invalid_request");
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("consent".to_owned(), "consent_required".to_owned()),
            ("email".to_owned(), "invalid_email".to_owned()),
        ]
    );
    let unknown = server.post("key-fields-2", &backorder("NOPE", 1)).await;
    assert_eq!(
        unknown.error_fields(),
        [("sku".to_owned(), "unknown_sku".to_owned())]
    );
    let in_stock = server.post("key-fields-3", &backorder("SHELF", 1)).await;
    assert_eq!(
        in_stock.error_fields(),
        [("kind".to_owned(), "kind_not_offered".to_owned())]
    );
    let bad_key = server.post("no", &backorder("CAP-10", 1)).await;
    assert_eq!(
        bad_key.error_fields(),
        [(
            "idempotency_key".to_owned(),
            "invalid_idempotency_key".to_owned()
        )]
    );
    assert_eq!(server.count_rows(), 0);
}

#[tokio::test]
async fn more_than_remains_is_a_conflict_that_says_what_remains() {
    let server = start(|_| {}).await;
    let reply = server.post("key-exceeds-1", &backorder("CAP-10", 11)).await;
    reply.assert_error(409, "exceeds");
    assert_eq!(reply.json()["remaining"], 10);
    assert_eq!(
        server
            .post("key-exceeds-2", &backorder("CAP-10", 4))
            .await
            .status,
        201
    );
    let reply = server.post("key-exceeds-3", &backorder("CAP-10", 7)).await;
    reply.assert_error(409, "exceeds");
    assert_eq!(reply.json()["remaining"], 6);
    assert_eq!(
        server
            .post("key-exceeds-4", &backorder("CAP-10", 6))
            .await
            .status,
        201
    );
    // With one unit on the shelf and every unit en route promised, the item shows "in stock"
    // again, but a backorder from a page that still showed a date has nothing left.
    assert_eq!(
        server
            .post("key-exceeds-5", &backorder("PARTIAL", 2))
            .await
            .status,
        201
    );
    let reply = server.post("key-exceeds-6", &backorder("PARTIAL", 1)).await;
    reply.assert_error(409, "exceeds");
    assert_eq!(reply.json()["remaining"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_never_promise_more_than_is_en_route() {
    let server = std::sync::Arc::new(start(|_| {}).await);
    let attempts = RACE_UNITS * 3;
    let tasks: Vec<_> = (0..attempts)
        .map(|n| {
            let server = std::sync::Arc::clone(&server);
            tokio::spawn(async move {
                server
                    .post(&format!("key-race-{n:04}"), &backorder("RACE", 1))
                    .await
            })
        })
        .collect();
    let mut positions = Vec::new();
    let mut refused = 0;
    for task in tasks {
        let reply = task.await.expect("the request task finishes");
        match reply.status {
            201 => positions.push(
                reply.json()["queue_position"]
                    .as_u64()
                    .expect("a queue position"),
            ),
            409 => {
                assert_eq!(reply.json()["remaining"], 0);
                refused += 1;
            }
            _ => panic!("unexpected answer {reply:?}"),
        }
    }
    positions.sort_unstable();
    let expected: Vec<u64> = (1..=RACE_UNITS as u64).collect();
    assert_eq!(positions, expected, "exactly one request per unit, in line");
    assert_eq!(refused, attempts - RACE_UNITS);
    assert_eq!(server.count_rows(), RACE_UNITS as i64);
    assert_eq!(
        server.availability(&["RACE"]).await[0]["backordered"],
        RACE_UNITS
    );
}

#[tokio::test]
async fn cancelling_frees_the_units_and_moves_the_line_up() {
    let server = start(|_| {}).await;
    let first = server
        .post("key-cancel-1", &backorder("CAP-10", 6))
        .await
        .json();
    let second = server
        .post("key-cancel-2", &backorder("CAP-10", 4))
        .await
        .json();
    assert_eq!(
        (&first["queue_position"], &second["queue_position"]),
        (&json!(1), &json!(2))
    );
    server
        .post("key-cancel-3", &backorder("CAP-10", 1))
        .await
        .assert_error(409, "exceeds");

    let path = format!("/api/backorders/{}", first["id"].as_str().expect("an id"));
    let token = first["cancel_token"].as_str().expect("a token");
    let delete = |path: String| server.client.delete(server.url(&path));
    server
        .send(delete(path.clone()))
        .await
        .assert_error(401, "token_required");
    server
        .send(delete(path.clone()).bearer_auth("not-the-token"))
        .await
        .assert_error(404, "unknown_request");
    server
        .send(delete(format!("/api/backorders/bo_nope?token={token}")))
        .await
        .assert_error(404, "unknown_request");
    for _ in 0..2 {
        let cancelled = server.send(delete(path.clone()).bearer_auth(token)).await;
        assert_eq!(cancelled.status, 200, "{cancelled:?}");
        assert_eq!(cancelled.json()["status"], "cancelled");
    }
    assert_eq!(server.availability(&["CAP-10"]).await[0]["backordered"], 4);
    // A late retry of the cancelled request does not bring it back.
    server
        .post("key-cancel-1", &backorder("CAP-10", 6))
        .await
        .assert_error(410, "cancelled");

    let third = server.post("key-cancel-3", &backorder("CAP-10", 6)).await;
    assert_eq!(third.status, 201, "{third:?}");
    assert_eq!(
        third.json()["queue_position"],
        2,
        "the second request moved up to 1"
    );

    // The link form: `?token=`.
    let second_path = format!(
        "/api/backorders/{}?token={}",
        second["id"].as_str().expect("an id"),
        second["cancel_token"].as_str().expect("a token")
    );
    assert_eq!(server.send(delete(second_path)).await.status, 200);
    let fourth = server.post("key-cancel-4", &backorder("CAP-10", 1)).await;
    assert_eq!(fourth.json()["queue_position"], 2);
    let list = server.admin("/api/backorders", ADMIN_TOKEN).await.json();
    let lines: Vec<(&str, &Value)> = list["requests"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|row| {
            (
                row["status"].as_str().unwrap_or_default(),
                &row["queue_position"],
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("cancelled", &Value::Null),
            ("cancelled", &Value::Null),
            ("waiting", &json!(1)),
            ("waiting", &json!(2)),
        ]
    );
}

#[tokio::test]
async fn the_admin_listing_needs_the_token_and_exports_safe_csv() {
    let server = start(|_| {}).await;
    let mut body = backorder("CAP-10", 2);
    body["name"] = json!("=HYPERLINK(\"http://evil.example\"), \"Ana\"");
    assert_eq!(server.post("key-admin-1", &body).await.status, 201);
    assert_eq!(
        server
            .post("key-admin-2", &request("notify", "SHELF", 1))
            .await
            .status,
        422
    );

    server
        .get("/api/backorders")
        .await
        .assert_error(401, "unauthorized");
    server
        .admin("/api/backorders.csv", "admin-secre")
        .await
        .assert_error(401, "unauthorized");

    let list = server.admin("/api/backorders", ADMIN_TOKEN).await;
    assert_eq!(list.status, 200);
    let rows = list.json()["requests"].clone();
    assert_eq!(rows[0]["email"], "ana@example.com");
    assert_eq!(rows[0]["queue_position"], 1);
    assert_eq!(
        rows[0].get("cancel_token"),
        None,
        "the admin never sees cancel tokens"
    );

    let csv = server.admin("/api/backorders.csv", ADMIN_TOKEN).await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-type")
            .is_some_and(|value| value.starts_with("text/csv"))
    );
    let lines: Vec<&str> = csv.text.split("\r\n").collect();
    assert!(
        lines[0].starts_with("id,status,sku,kind,quantity,allocated,queue_position,"),
        "{lines:?}"
    );
    assert_eq!(
        lines.len(),
        3,
        "header, one row, and the final line end: {lines:?}"
    );
    assert!(
        lines[1].contains(",\"'=HYPERLINK(\"\"http://evil.example\"\"), \"\"Ana\"\"\","),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",ana@example.com,"), "{}", lines[1]);
}

#[tokio::test]
async fn writing_too_fast_is_answered_429_with_retry_after() {
    let server = start(|config| config.rate_limit_per_minute = 2).await;
    for n in 0..2 {
        let reply = server
            .post(&format!("key-rate-{n:04}"), &backorder("CAP-10", 1))
            .await;
        assert_eq!(reply.status, 201, "{reply:?}");
    }
    let limited = server.post("key-rate-0002", &backorder("CAP-10", 1)).await;
    limited.assert_error(429, "rate_limited");
    let retry_after: u64 = limited
        .header("retry-after")
        .expect("a Retry-After header")
        .parse()
        .expect("whole seconds");
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert_eq!(
        server.availability(&["CAP-10"]).await.len(),
        1,
        "reads are not limited"
    );
    assert_eq!(server.count_rows(), 2);
}

#[tokio::test]
async fn malformed_bodies_and_unknown_routes_get_json_errors() {
    let server = start(|_| {}).await;
    let post = || {
        server
            .client
            .post(server.url("/api/backorders"))
            .header("Idempotency-Key", "key-bodies-1")
    };
    let mut huge = backorder("CAP-10", 1);
    huge["page"] = json!("x".repeat(17 * 1024));
    server
        .send(post().json(&huge))
        .await
        .assert_error(413, "too_large");
    server
        .send(post().header("content-type", "text/plain").body("{}"))
        .await
        .assert_error(415, "unsupported_media_type");
    server
        .send(
            post()
                .header("content-type", "application/json")
                .body("{\"kind\": "),
        )
        .await
        .assert_error(400, "invalid_json");
    server
        .send(post().json(&json!(["not", "an", "object"])))
        .await
        .assert_error(422, "invalid_request");
    server.get("/api/nope").await.assert_error(404, "not_found");
    server
        .send(server.client.put(server.url("/api/availability")))
        .await
        .assert_error(405, "method_not_allowed");
    assert_eq!(server.count_rows(), 0);
}

#[tokio::test]
async fn pages_get_fresh_inline_stock_and_a_strict_csp() {
    let www = std::env::temp_dir().join(format!("backorder-server-www-{}", std::process::id()));
    std::fs::create_dir_all(&www).expect("a static folder");
    let index = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/index.html"))
        .expect("www/index.html");
    std::fs::write(www.join("index.html"), &index).expect("written");
    std::fs::write(www.join("widget.wasm"), b"\0asm\x01\0\0\0").expect("written");
    let server = start(|config| {
        config.catalog = None;
        config.www = www.clone();
    })
    .await;

    for path in ["/", "/index.html"] {
        let page = server.get(path).await;
        assert_eq!(page.status, 200);
        assert_eq!(
            page.header("content-security-policy"),
            Some("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'")
        );
        assert_eq!(
            page.header("last-modified"),
            None,
            "a rewritten page has no file date"
        );
        let marker = "id=\"demo-stock\">";
        let start = page.text.find(marker).expect("the stock block") + marker.len();
        let end = start + page.text[start..].find("</script>").expect("its end");
        let stock: Value = serde_json::from_str(&page.text[start..end]).expect("inline JSON");
        assert!(
            page.text[end..].contains("</html>"),
            "the rest of the page is kept"
        );

        let items = stock["items"].as_array().expect("items");
        let sku = |sku: &str| items.iter().find(|item| item["sku"] == sku);
        for wanted in [
            "TEE-RED-M",
            "TEE-BLUE-L",
            "SHIRT-LINEN-19",
            "ITEM-001",
            "ITEM-020",
        ] {
            assert!(sku(wanted).is_some(), "{wanted} is in the demo catalog");
        }
        let today = today().to_string();
        let scarf = sku("SCARF-GREY").expect("the scarf");
        assert_eq!(scarf["backordered"], 12);
        for batch in scarf["incoming"].as_array().expect("batches") {
            assert!(batch["expected"].as_str().expect("a date") > today.as_str());
        }
        let lamp = sku("LAMP-BRASS").expect("the lamp");
        assert!(lamp["incoming"][0]["expected"].as_str().expect("a date") < today.as_str());
        let christmas = format!("{}-12-25", chrono::Local::now().year());
        assert!(
            stock["shop"]["holidays"]
                .as_array()
                .expect("holidays")
                .contains(&json!(christmas))
        );
        assert_eq!(
            stock,
            server.get_all_availability(items).await,
            "same as the API"
        );
    }

    let wasm = server.get("/widget.wasm").await;
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert!(wasm.header("content-security-policy").is_some());
    let _ = std::fs::remove_dir_all(&www);
}

#[tokio::test]
async fn cross_origin_calls_are_allowed_only_for_configured_origins() {
    let server = start(|config| {
        config.allowed_origins = vec!["https://shop.example".to_owned()];
    })
    .await;
    let preflight = |origin: &'static str| {
        server
            .client
            .request(reqwest::Method::OPTIONS, server.url("/api/backorders"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "content-type,idempotency-key",
            )
    };
    let allowed = server.send(preflight("https://shop.example")).await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://shop.example")
    );
    let headers = allowed
        .header("access-control-allow-headers")
        .expect("allowed headers")
        .to_ascii_lowercase();
    assert!(headers.contains("idempotency-key"), "{headers}");
    let refused = server.send(preflight("https://evil.example")).await;
    assert_eq!(refused.header("access-control-allow-origin"), None);
}

#[test]
fn the_binary_explains_bad_flags_and_exits_2() {
    let binary = env!("CARGO_BIN_EXE_backorder-server");
    let output = std::process::Command::new(binary)
        .arg("--listen-on")
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown argument \"--listen-on\""),
        "{stderr}"
    );
    let help = std::process::Command::new(binary)
        .arg("--help")
        .output()
        .expect("the binary runs");
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("BACKORDER_RATE_LIMIT"));
}
