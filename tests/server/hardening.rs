//! Each test fails without the protection it names.

use std::os::unix::fs::PermissionsExt;

use reqwest::header::HeaderValue;
use serde_json::json;

use crate::support::{ADMIN_TOKEN, TestServer, backorder, start};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn post_with(server: &TestServer) -> reqwest::RequestBuilder {
    server.client.post(server.url("/api/backorders"))
}

#[tokio::test]
async fn idempotency_keys_are_one_printable_header() {
    let server = start(|_| {}).await;
    let body = backorder("CAP-10", 1);
    let key = HeaderValue::from_bytes(b"key-caf\xe9-0001").expect("obs-text is a header value");
    server
        .send(
            post_with(&server)
                .header("Idempotency-Key", key)
                .json(&body),
        )
        .await
        .assert_error(400, "invalid_idempotency_key");
    server
        .send(
            post_with(&server)
                .header("Idempotency-Key", "key-twice-0001")
                .header("Idempotency-Key", "key-twice-0002")
                .json(&body),
        )
        .await
        .assert_error(400, "idempotency_key_repeated");
    server
        .send(post_with(&server).json(&body))
        .await
        .assert_error(400, "idempotency_key_required");
    assert_eq!(server.count_rows(), 0);
}

/// A retry that differs only by what the validator ignores (a space around the email) is the
/// same request.
#[tokio::test]
async fn a_retry_is_fingerprinted_after_normalising() {
    let server = start(|_| {}).await;
    let first = server.post("key-norm-0001", &backorder("CAP-10", 1)).await;
    assert_eq!(first.status, 201, "{first:?}");
    let mut retry = backorder("CAP-10", 1);
    retry["email"] = json!(" ana@example.com ");
    retry["sku"] = json!("CAP-10 ");
    let replay = server.post("key-norm-0001", &retry).await;
    assert_eq!(replay.status, 200, "{replay:?}");
    assert_eq!(
        replay.text, first.text,
        "the replay is the first answer, byte for byte"
    );
    assert_eq!(server.count_rows(), 1);
}

#[tokio::test]
async fn only_a_json_object_is_a_request_and_control_characters_are_refused() {
    let server = start(|_| {}).await;
    // serde reads a struct from an array of its fields in order; this one is complete.
    let array = json!([
        "backorder", "CAP-10", 1, "ana@example.com", "Ana",
        {"text": "Email me.", "given": true}, null, "en", "https://shop.example/", "key-array-0001",
        "2026-11-27T10:00:00Z"
    ]);
    server
        .send(
            post_with(&server)
                .header("Idempotency-Key", "key-array-0001")
                .json(&array),
        )
        .await
        .assert_error(422, "invalid_request");
    for (field, value) in [
        ("name", "Ana\r\nBcc: all@example.com"),
        ("name", "Ana\u{0}"),
        ("email", "ana@example.com\n"),
    ] {
        let mut body = backorder("CAP-10", 1);
        body[field] = json!(value);
        let reply = server.post("key-ctrl-0001", &body).await;
        assert_eq!(
            reply.error_fields(),
            [(field.to_owned(), format!("invalid_{field}"))],
            "{value:?}"
        );
    }
    let mut body = backorder("CAP-10", 1);
    body["consent"]["text"] = json!("Email me.\r\n");
    assert_eq!(
        server.post("key-ctrl-0002", &body).await.error_fields(),
        [("consent".to_owned(), "control_characters".to_owned())]
    );
    assert_eq!(server.count_rows(), 0);
}

#[tokio::test]
async fn export_cells_hiding_a_formula_behind_spaces_are_defused() {
    let server = start(|_| {}).await;
    // Names are trimmed when checked, so the spaces case travels in the consent text.
    for (n, (name, consent)) in [
        ("Ana", " =1+1"),
        ("\u{200b}@SUM(A1)", "Yes"),
        ("\u{feff}-2", "Yes"),
    ]
    .iter()
    .enumerate()
    {
        let mut body = backorder("CAP-10", 1);
        body["name"] = json!(name);
        body["consent"]["text"] = json!(consent);
        body["email"] = json!(format!("csv{n}@example.com"));
        let reply = server.post(&format!("key-csv-{n:04}"), &body).await;
        assert_eq!(reply.status, 201, "{reply:?}");
    }
    let csv = server.admin("/api/backorders.csv", ADMIN_TOKEN).await.text;
    for defused in ["' =1+1", "'\u{200b}@SUM(A1)", "'\u{feff}-2"] {
        assert!(
            csv.contains(&format!(",{defused},")),
            "{defused:?} in {csv}"
        );
    }
}

#[tokio::test]
async fn answers_carry_strict_headers_and_hidden_files_are_not_served() {
    let www = tempfile_folder("www");
    std::fs::create_dir_all(www.join("pkg")).expect("a folder");
    std::fs::write(www.join("pkg/.gitignore"), "*").expect("a file");
    std::fs::write(www.join("index.html"), "<!doctype html><title>x</title>").expect("a file");
    let server = start(|config| config.www = www.clone()).await;
    let created = server.post("key-head-0001", &backorder("CAP-10", 1)).await;
    assert_eq!(created.status, 201);
    let admin = server.admin("/api/backorders", ADMIN_TOKEN).await;
    let csv = server.admin("/api/backorders.csv", ADMIN_TOKEN).await;
    let error = server.get("/api/nope").await;
    for reply in [&created, &admin, &csv, &error] {
        let csp = reply.header("content-security-policy").expect("a CSP");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{reply:?}");
    }
    let page = server.get("/").await;
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    for hidden in ["/pkg/.gitignore", "/pkg/%2egitignore", "/pkg%2F.gitignore"] {
        let reply = server.get(hidden).await;
        assert_eq!(reply.status, 404, "{hidden}");
        assert!(!reply.text.is_empty(), "a 404 says so");
    }
    let _ = std::fs::remove_dir_all(www.parent().expect("a parent"));
}

#[tokio::test]
async fn every_api_answer_has_a_json_body_and_static_errors_say_what_happened() {
    let server = start(|_| {}).await;
    for path in ["/api", "/api/", "/api/nope/deeper"] {
        server.get(path).await.assert_error(404, "not_found");
    }
    server
        .send(
            server
                .client
                .patch(server.url("/api/availability?sku=CAP-10")),
        )
        .await
        .assert_error(405, "method_not_allowed");
    let missing = server.get("/no-such-page.html").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.text.trim(), "404 Not Found");
    let not_allowed = server
        .send(server.client.post(server.url("/index.html")))
        .await;
    assert_eq!(not_allowed.status, 405);
    assert!(!not_allowed.text.is_empty());
}

/// A folder of its own under the system's temporary folder.
fn tempfile_folder(name: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let folder = std::env::temp_dir()
        .join(format!(
            "backorder-hardening-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ))
        .join(name);
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("a folder");
    folder
}

#[tokio::test]
async fn cancel_tokens_are_kept_only_as_hashes_in_private_files() {
    if crate::support::sqlite_only("the database's files and their modes") {
        return;
    }
    let server = start(|_| {}).await;
    let first = server.post("key-tok-0001", &backorder("CAP-10", 1)).await;
    assert_eq!(first.status, 201);
    let token = first.json()["cancel_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let replay = server.post("key-tok-0001", &backorder("CAP-10", 1)).await;
    assert_eq!(
        replay.text, first.text,
        "a replay answers with the same token"
    );
    let database = server.database();
    let folder = database.parent().expect("a folder");
    assert_eq!(mode(folder), 0o700, "the database folder");
    for suffix in ["", "-wal", "-shm", ".token-key"] {
        let mut path = database.clone().into_os_string();
        path.push(suffix);
        let path = std::path::PathBuf::from(path);
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        if suffix != ".token-key" {
            let bytes = std::fs::read(&path).expect("readable by its owner");
            assert!(
                !bytes
                    .windows(token.len())
                    .any(|window| window == token.as_bytes()),
                "{} holds the plain cancel token",
                path.display()
            );
        }
    }
    let id = first.json()["id"].as_str().expect("an id").to_owned();
    let status = server.status_with(&id, &token).await;
    assert_eq!(status.status, 200, "the token still opens the request");
}

#[tokio::test]
async fn a_database_from_a_newer_server_is_refused() {
    let folder = tempfile_folder("newer");
    let database = folder.join("backorders.sqlite3");
    rusqlite::Connection::open(&database)
        .and_then(|connection| connection.pragma_update(None, "user_version", 99))
        .expect("a database from the future");
    let config = backorder_widget::server::Config {
        listen: "127.0.0.1:0".parse().expect("an address"),
        database: database.clone(),
        admin_token: Some(ADMIN_TOKEN.to_owned()),
        ..Default::default()
    };
    let refused = backorder_widget::server::start(config)
        .await
        .expect_err("a newer schema is refused");
    assert!(
        refused.to_string().contains("newer backorder-server"),
        "{refused}"
    );
    let version: i64 = rusqlite::Connection::open(&database)
        .and_then(|connection| connection.query_row("PRAGMA user_version", [], |row| row.get(0)))
        .expect("readable");
    assert_eq!(version, 99, "never set back");
    for suffix in ["-wal", ".token-key"] {
        let mut path = database.clone().into_os_string();
        path.push(suffix);
        assert!(
            !std::path::Path::new(&path).exists(),
            "{path:?}: nothing is written"
        );
    }
}

#[tokio::test]
async fn short_admin_tokens_are_refused_and_guessing_is_locked_out() {
    let folder = tempfile_folder("short");
    let config = backorder_widget::server::Config {
        listen: "127.0.0.1:0".parse().expect("an address"),
        database: folder.join("backorders.sqlite3"),
        admin_token: Some("12345".to_owned()),
        ..Default::default()
    };
    let refused = backorder_widget::server::start(config)
        .await
        .expect_err("a 5-character token is refused");
    assert!(refused.to_string().contains("at least 32"), "{refused}");

    let server = start(|_| {}).await;
    for n in 0..10 {
        server
            .admin("/api/backorders", &format!("wrong-guess-{n}"))
            .await
            .assert_error(401, "unauthorized");
    }
    let locked = server.admin("/api/backorders", "wrong-guess-10").await;
    locked.assert_error(429, "rate_limited");
    assert!(locked.header("retry-after").is_some());
    server
        .admin("/api/backorders", ADMIN_TOKEN)
        .await
        .assert_error(429, "rate_limited");
    // A request without a token guesses nothing: it is told to send one.
    server
        .send(server.client.get(server.url("/api/backorders")))
        .await
        .assert_error(401, "unauthorized");
}

/// The export is streamed page by page (no length known in advance), whole and in order, with
/// places in line counted across pages.
#[tokio::test]
async fn the_export_streams_every_row_in_order() {
    let server = start(|_| {}).await;
    for n in 0..3 {
        let reply = server
            .post(&format!("key-line-{n:04}"), &backorder("PROMISED", 1))
            .await;
        assert_eq!(reply.status, 201, "{reply:?}");
    }
    // More rows than three pages of the export.
    for n in 0..1_200 {
        let mut body = crate::support::request("notify", "GONE", 1);
        body["email"] = json!(format!("fan{n}@example.com"));
        let reply = server.post(&format!("key-fan-{n:05}"), &body).await;
        assert_eq!(reply.status, 201, "{reply:?}");
    }
    let tail = server
        .post("key-line-0003", &backorder("PROMISED", 1))
        .await;
    assert_eq!(tail.status, 201);

    let listing = server.admin("/api/backorders", ADMIN_TOKEN).await;
    assert_eq!(listing.header("content-length"), None, "streamed");
    let rows = listing.json()["requests"].as_array().expect("rows").clone();
    assert_eq!(rows.len(), 1_204);
    let places: Vec<_> = rows
        .iter()
        .filter(|row| row["sku"] == "PROMISED")
        .map(|row| row["queue_position"].as_u64())
        .collect();
    assert_eq!(places, [Some(1), Some(2), Some(3), Some(4)]);
    let csv = server.admin("/api/backorders.csv", ADMIN_TOKEN).await;
    assert_eq!(csv.header("content-length"), None, "streamed");
    assert_eq!(csv.text.lines().count(), 1 + 1_204);
    assert!(
        csv.text
            .lines()
            .next()
            .expect("a header")
            .starts_with("id,status,sku")
    );
}

/// One anonymous request cannot take a whole delivery, one email cannot take it in pieces, and
/// one email signs up once per item (OWASP API6).
#[tokio::test]
async fn no_one_shopper_hoards_a_delivery_or_the_sign_ups() {
    let server = start(|_| {}).await;
    // PROMISED has 35 units left en route; the shop sets no cap, so the endpoint's 10 applies.
    let whole = server
        .post("key-hoard-0001", &backorder("PROMISED", 35))
        .await;
    whole.assert_error(409, "exceeds");
    assert_eq!(whole.json()["remaining"], 10);
    let items = server.availability(&["PROMISED"]).await;
    assert_eq!(
        server.get_all_availability(&items).await["shop"]["max_per_order"],
        10,
        "the widget is told"
    );

    assert_eq!(
        server
            .post("key-hoard-0002", &backorder("PROMISED", 6))
            .await
            .status,
        201
    );
    let again = server
        .post("key-hoard-0003", &backorder("PROMISED", 5))
        .await;
    again.assert_error(409, "exceeds");
    assert_eq!(
        (&again.json()["remaining"], &again.json()["per_shopper"]),
        (&json!(4), &json!(true))
    );
    let mut shouting = backorder("PROMISED", 5);
    shouting["email"] = json!("ANA@EXAMPLE.COM");
    server
        .post("key-hoard-0004", &shouting)
        .await
        .assert_error(409, "exceeds");
    let mut ben = backorder("PROMISED", 5);
    ben["email"] = json!("ben@example.com");
    assert_eq!(
        server.post("key-hoard-0005", &ben).await.status,
        201,
        "another shopper"
    );

    let first = server
        .post(
            "key-fan-00000",
            &crate::support::request("notify", "GONE", 1),
        )
        .await;
    assert_eq!(first.status, 201);
    for n in 1..200 {
        let repeat = server
            .post(
                &format!("key-fan-{n:05}"),
                &crate::support::request("notify", "GONE", 1),
            )
            .await;
        assert_eq!(repeat.status, 200, "{repeat:?}");
        assert_eq!(repeat.json()["id"], first.json()["id"]);
        assert_eq!(
            repeat.json().get("cancel_token"),
            None,
            "the token stays with the first answer"
        );
    }
    assert_eq!(server.count_rows(), 3, "two backorders and one sign-up");
}

/// Requests hyper cannot read (a broken request line, a header block over 64 KiB, more than 100
/// headers) and URLs over 32 KiB are answered with a JSON body too.
#[tokio::test]
async fn requests_that_cannot_be_read_get_json_errors() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = start(|_| {}).await;
    let long_url = format!(
        "GET /api/availability?sku={} HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n",
        "A".repeat(40 * 1024)
    );
    let big_header = format!(
        "GET / HTTP/1.1\r\nHost: shop\r\nX-Big: {}\r\n\r\n",
        "b".repeat(70 * 1024)
    );
    let many_headers = format!(
        "GET / HTTP/1.1\r\nHost: shop\r\n{}\r\n",
        (0..150)
            .map(|n| format!("X-H{n}: v\r\n"))
            .collect::<String>()
    );
    for (request, status, code) in [
        ("GARBAGE\r\n\r\n".to_owned(), "400", "bad_request"),
        (long_url, "414", "uri_too_long"),
        (many_headers, "431", "headers_too_large"),
        (big_header, "431", "headers_too_large"),
    ] {
        let mut stream = tokio::net::TcpStream::connect(server.server.addr())
            .await
            .expect("connects");
        // The server may answer and close before reading all of a request over its limit.
        let _ = stream.write_all(request.as_bytes()).await;
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            stream.read_to_end(&mut answer),
        )
        .await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{code}: {answer}"
        );
        assert!(
            answer.contains("content-type: application/json"),
            "{answer}"
        );
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let body: serde_json::Value =
            serde_json::from_str(body).unwrap_or_else(|_| panic!("{answer}"));
        assert_eq!(body["error"], code);
    }
}

async fn post_as(server: &TestServer, key: String, forwarded: &str) -> u16 {
    let mut body = backorder("PROMISED", 1);
    body["email"] = json!(format!("{key}@example.com"));
    let request = post_with(server)
        .header("Idempotency-Key", key)
        .header("X-Forwarded-For", forwarded)
        .json(&body);
    server.send(request).await.status
}

/// Behind a reverse proxy each shopper has a bucket of their own, read from `X-Forwarded-For`,
/// but only when the request comes from the trusted proxy: anyone else's header is ignored.
#[tokio::test]
async fn the_rate_limit_reads_the_client_through_a_trusted_proxy_only() {
    let behind_proxy = start(|config| {
        config.rate_limit_per_minute = 2;
        config.trusted_proxies = vec!["127.0.0.1".parse().expect("an address")];
    })
    .await;
    for shopper in ["198.51.100.1", "198.51.100.2"] {
        for n in 0..2 {
            let status = post_as(
                &behind_proxy,
                format!("key-{}-{n}", shopper.replace('.', "-")),
                shopper,
            )
            .await;
            assert_eq!(status, 201, "{shopper} has a bucket of its own");
        }
        assert_eq!(
            post_as(
                &behind_proxy,
                format!("key-{}-x", shopper.replace('.', "-")),
                shopper
            )
            .await,
            429
        );
    }
    let exposed = start(|config| config.rate_limit_per_minute = 2).await;
    assert_eq!(
        post_as(&exposed, "key-forged-1".to_owned(), "198.51.100.1").await,
        201
    );
    assert_eq!(
        post_as(&exposed, "key-forged-2".to_owned(), "198.51.100.2").await,
        201
    );
    assert_eq!(
        post_as(&exposed, "key-forged-3".to_owned(), "198.51.100.3").await,
        429,
        "a forged header from an untrusted peer buys no new bucket"
    );
}
