//! Each server has its own folder; the outside parts it talks to are in `outside`.

/// The real outside parts the endpoint talks to: MailDev and a webhook receiver.
pub mod outside;
/// A throwaway PostgreSQL 15 cluster, removed when dropped.
#[allow(dead_code, reason = "not every test binary runs on PostgreSQL")]
pub mod postgres;
/// A `backorder-server` process, started as an operator starts a replica.
#[allow(dead_code, reason = "only the replica tests start the binary this way")]
pub mod replica;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use backorder_widget::server::{self, Config, Server};
use chrono::{Local, NaiveDate, TimeDelta};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// The admin token of every test server.
pub const ADMIN_TOKEN: &str = "admin-secret-for-tests-0123456789";

/// A running server with its own folder (database, catalog, static files).
pub struct TestServer {
    pub server: Server,
    config: Config,
    folder: PathBuf,
    pub client: reqwest::Client,
}

/// Whether the servers of this run keep their data in PostgreSQL: `make test` runs the
/// contract suite twice, the second time with `BACKORDER_TEST_BACKEND=postgres`, each server
/// then on a fresh database of one throwaway cluster (`postgres::Cluster::shared`).
pub fn on_postgres() -> bool {
    std::env::var("BACKORDER_TEST_BACKEND").is_ok_and(|backend| backend == "postgres")
}

/// For a test that is about SQLite's file itself (its modes, its lock, a SIGKILL mid-write):
/// true, after saying so, when this run is on PostgreSQL. `replicas.rs` covers PostgreSQL's own.
#[allow(dead_code, reason = "not every test binary has SQLite-only tests")]
pub fn sqlite_only(what: &str) -> bool {
    if on_postgres() {
        eprintln!("SQLite only, not run on PostgreSQL: {what}");
    }
    on_postgres()
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {:?}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("a text header"))
    }

    /// Error answers are JSON with a stable code.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert!(
            self.header("content-type")
                .is_some_and(|value| value.starts_with("application/json")),
            "{self:?}"
        );
        assert_eq!(self.json()["error"], code, "{self:?}");
    }

    /// The fields a `422` names.
    pub fn error_fields(&self) -> Vec<(String, String)> {
        assert_eq!(self.status, 422, "{self:?}");
        self.json()["errors"]
            .as_array()
            .expect("an errors array")
            .iter()
            .map(|error| {
                (
                    error["field"].as_str().unwrap_or_default().to_owned(),
                    error["code"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }
}

pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

pub fn in_days(days: i64) -> String {
    (today() + TimeDelta::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// The test catalog: `RACE` has exactly `RACE_UNITS` units en route.
pub const RACE_UNITS: usize = 8;

fn catalog() -> Value {
    json!({
        "shop": {"max_wait_days": 90, "payment": "at_shipment"},
        "items": [
            {"sku": "CAP-10", "on_hand": 0, "backorders": "allow",
             "incoming": [{"id": "PO-1", "quantity": 10, "expected": in_days(20)}]},
            {"sku": "PROMISED", "on_hand": 0, "backorders": "allow", "backordered": 5,
             "incoming": [{"id": "PO-1", "quantity": 40, "expected": in_days(20)}]},
            {"sku": "RACE", "on_hand": 0, "backorders": "allow",
             "incoming": [{"id": "PO-1", "quantity": RACE_UNITS, "expected": in_days(15)}]},
            {"sku": "SHELF", "on_hand": 5},
            {"sku": "GONE", "on_hand": 0},
            {"sku": "PARTIAL", "on_hand": 1, "backorders": "allow",
             "incoming": [{"id": "PO-1", "quantity": 2, "expected": in_days(10)}]},
        ]
    })
}

pub async fn start(customise: impl FnOnce(&mut Config)) -> TestServer {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let folder = std::env::temp_dir().join(format!(
        "backorder-server-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    // A leftover folder from an earlier run with the same pid would carry its requests.
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let catalog_path = folder.join("catalog.json");
    std::fs::write(&catalog_path, catalog().to_string()).expect("the catalog is written");
    let mut config = Config {
        listen: "127.0.0.1:0".parse().expect("an address"),
        database: folder.join("db").join("backorders.sqlite3"),
        catalog: Some(catalog_path),
        admin_token: Some(ADMIN_TOKEN.to_owned()),
        www: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www"),
        rate_limit_per_minute: 0,
        ..Config::default()
    };
    if on_postgres() {
        config.postgres = Some(postgres::Cluster::shared().create_database());
        config.token_key = Some(folder.join("token-key"));
    }
    customise(&mut config);
    let server = server::start(config.clone())
        .await
        .expect("the server starts");
    TestServer {
        server,
        config,
        folder,
        client: reqwest::Client::new(),
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

impl TestServer {
    /// Stops the server and starts it again on the same database (on a new port).
    #[allow(dead_code, reason = "not every test binary restarts a server")]
    pub async fn restart(&mut self) {
        let again = server::start(self.config.clone())
            .await
            .expect("the server starts again");
        let stopped = std::mem::replace(&mut self.server, again);
        stopped.stop().await.expect("the first server stops");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr())
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("the server answers");
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            text: response.text().await.expect("a body"),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path))).await
    }

    pub async fn post(&self, key: &str, body: &Value) -> Reply {
        self.send(
            self.client
                .post(self.url("/api/backorders"))
                .header("Idempotency-Key", key)
                .json(body),
        )
        .await
    }

    pub async fn admin(&self, path: &str, token: &str) -> Reply {
        self.send(self.client.get(self.url(path)).bearer_auth(token))
            .await
    }

    pub async fn availability(&self, skus: &[&str]) -> Vec<Value> {
        let query: Vec<String> = skus.iter().map(|sku| format!("sku={sku}")).collect();
        let reply = self
            .get(&format!("/api/availability?{}", query.join("&")))
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        reply.json()["items"]
            .as_array()
            .expect("an items array")
            .clone()
    }

    /// `GET /api/backorders/{id}` of the request a `201` body `accepted` describes, with its
    /// own cancel token.
    #[allow(dead_code, reason = "not every test binary reads a status")]
    pub async fn status_of(&self, accepted: &Value) -> Reply {
        let id = accepted["id"].as_str().expect("an id");
        let token = accepted["cancel_token"].as_str().expect("a cancel token");
        self.status_with(id, token).await
    }

    /// `GET /api/backorders/{id}` with `token`, as the shopper holding it asks.
    #[allow(dead_code, reason = "not every test binary reads a status")]
    pub async fn status_with(&self, id: &str, token: &str) -> Reply {
        self.send(
            self.client
                .get(self.url(&format!("/api/backorders/{id}")))
                .bearer_auth(token),
        )
        .await
    }

    /// Cancels the request a `201` body `accepted` describes, with its own cancel token.
    #[allow(dead_code, reason = "not every test binary cancels")]
    pub async fn cancel_as_shopper(&self, accepted: &Value) -> Reply {
        let id = accepted["id"].as_str().expect("an id");
        let token = accepted["cancel_token"].as_str().expect("a cancel token");
        self.send(
            self.client
                .delete(self.url(&format!("/api/backorders/{id}")))
                .bearer_auth(token),
        )
        .await
    }

    /// The server's database file.
    pub fn database(&self) -> PathBuf {
        self.folder.join("db").join("backorders.sqlite3")
    }

    pub fn count_rows(&self) -> i64 {
        self.sql("SELECT COUNT(*) FROM requests")[0]
            .parse()
            .expect("a count")
    }

    /// The first column of every row `query` selects, as text, read straight from the
    /// server's database (SQLite's file, or its PostgreSQL database).
    pub fn sql(&self, query: &str) -> Vec<String> {
        if let Some(url) = &self.config.postgres {
            let database = url.rsplit('/').next().expect("a database name");
            let out = postgres::Cluster::shared().psql(database, query);
            return out.lines().map(str::to_owned).collect();
        }
        let connection = rusqlite::Connection::open(self.database()).expect("the database opens");
        let mut statement = connection.prepare(query).expect("the query");
        statement
            .query_map([], |row| {
                Ok(match row.get::<_, rusqlite::types::Value>(0)? {
                    rusqlite::types::Value::Integer(number) => number.to_string(),
                    rusqlite::types::Value::Text(text) => text,
                    other => format!("{other:?}"),
                })
            })
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("the rows read")
    }
}

/// A valid request body without an idempotency key (the header carries it).
pub fn request(kind: &str, sku: &str, quantity: u32) -> Value {
    json!({
        "kind": kind, "sku": sku, "quantity": quantity,
        "email": "ana@example.com", "name": "Ana",
        "consent": {"text": "Email me about this request.", "given": true},
        "locale": "en-US", "page": "https://shop.example/products/cap",
        "created_at": "2026-11-27T10:00:00Z"
    })
}

pub fn backorder(sku: &str, quantity: u32) -> Value {
    request("backorder", sku, quantity)
}

impl TestServer {
    /// `GET /api/availability` for every SKU in `items`, in order.
    pub async fn get_all_availability(&self, items: &[Value]) -> Value {
        let query: Vec<String> = items
            .iter()
            .map(|item| format!("sku={}", item["sku"].as_str().expect("a sku")))
            .collect();
        self.get(&format!("/api/availability?{}", query.join("&")))
            .await
            .json()
    }
}
