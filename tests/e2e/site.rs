//! The app is the server's own `router`; the harness only owns the listener, so it can stop
//! and restart the server on the same port, and put a fault in front of `POST /api/backorders`
//! (a `503`, a `429` with `Retry-After`, a stall longer than the widget waits) the way a
//! struggling endpoint would answer.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, Response, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use backorder_widget::server::{self, AppState, Config};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Answers to give `POST /api/backorders` instead of the real one, in order.
#[derive(Default)]
pub struct Faults {
    pub plan: Mutex<VecDeque<(u16, Option<u32>)>>,
    /// While set, every POST gets a `503`, as from an endpoint that is down behind its proxy.
    pub down: std::sync::atomic::AtomicBool,
    /// How many of the next POSTs wait 12 s before reaching the endpoint: longer than the
    /// widget waits (10 s), as behind a proxy that stalls, though the endpoint then stores them.
    pub slow_posts: AtomicUsize,
    /// What the endpoint answered each stalled POST once it reached it.
    pub stalled_answers: Mutex<Vec<u16>>,
    /// When each POST arrived, faulty or not, and its `Idempotency-Key`.
    pub posts: Mutex<Vec<(Instant, String)>>,
}

impl Faults {
    pub fn then(&self, status: u16, retry_after: Option<u32>) {
        self.plan.lock().unwrap().push_back((status, retry_after));
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    pub fn post_times(&self) -> Vec<Instant> {
        self.posts
            .lock()
            .unwrap()
            .iter()
            .map(|(at, _)| *at)
            .collect()
    }

    pub fn keys(&self) -> Vec<String> {
        self.posts
            .lock()
            .unwrap()
            .iter()
            .map(|(_, key)| key.clone())
            .collect()
    }
}

/// One stored request, as the shop's team would read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub sku: String,
    pub kind: String,
    pub quantity: i64,
    pub email: String,
    pub name: Option<String>,
    pub consent_text: String,
    pub idempotency_key: String,
    pub expected_date: Option<String>,
    pub shown_expected_date: Option<String>,
    pub locale: Option<String>,
    pub page: Option<String>,
    pub cancelled: bool,
}

/// Where one stored request stands after capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    pub id: String,
    pub status: String,
    pub allocated: i64,
    pub cancelled_by: Option<String>,
    pub refund_due: Option<String>,
}

pub struct Site {
    pub config: Config,
    pub addr: SocketAddr,
    pub faults: Arc<Faults>,
    folder: PathBuf,
    running: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
    /// The server's own periodic work: the sweep, the webhook and email workers.
    background: Vec<JoinHandle<()>>,
}

impl Site {
    /// The demo catalog (dates from today), the repository's `www`, a fresh database.
    pub async fn start(customise: impl FnOnce(&mut Config)) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let folder = std::env::temp_dir().join(format!(
            "backorder-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        let mut config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            database: folder.join("backorders.sqlite3"),
            admin_token: Some("e2e-admin-token-0123456789abcdef".to_owned()),
            www: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www"),
            rate_limit_per_minute: 0,
            ..Config::default()
        };
        customise(&mut config);
        let mut site = Self {
            config,
            addr: "127.0.0.1:0".parse().unwrap(),
            faults: Arc::default(),
            folder,
            running: None,
            background: Vec::new(),
        };
        site.restart().await;
        site
    }

    /// A folder for pages a test writes itself (served when `www` points at it).
    pub fn scratch(&self, name: &str) -> PathBuf {
        let path = self.folder.join(name);
        std::fs::create_dir_all(&path).unwrap();
        path
    }

    /// Cancels the request the endpoint `accepted` (its answer to a POST) with its own cancel
    /// token, as the shopper would; returns the HTTP status.
    pub async fn cancel_as_shopper(&self, accepted: &serde_json::Value) -> u16 {
        let id = accepted["id"].as_str().expect("an id");
        let token = accepted["cancel_token"].as_str().expect("a cancel token");
        reqwest::Client::new()
            .delete(self.url(&format!("/api/backorders/{id}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("the cancel answers")
            .status()
            .as_u16()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Starts (again) on the same port with the same database.
    pub async fn restart(&mut self) {
        let mut config = self.config.clone();
        if self.addr.port() != 0 {
            config.listen = self.addr;
        }
        let state = AppState::new(&config).await.unwrap();
        self.background = state.housekeeping();
        let app = server::router(state, config.timeouts)
            .layer(from_fn_with_state(self.faults.clone(), inject_faults));
        let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
        self.addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, service)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        self.running = Some((stop, task));
    }

    /// Stops listening: the endpoint is down, as if its machine went away.
    pub async fn stop(&mut self) {
        for task in self.background.drain(..) {
            task.abort();
        }
        if let Some((stop, task)) = self.running.take() {
            let _ = stop.send(());
            // Idle keep-alive connections from the browser must not keep it up.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), task).await;
        }
    }

    /// Each request's status, units set aside and who cancelled it, oldest first.
    pub fn lifecycle(&self) -> Vec<Lifecycle> {
        let connection = rusqlite::Connection::open(&self.config.database).unwrap();
        let mut statement = connection
            .prepare(
                "SELECT id, status, allocated, cancelled_by, refund_due FROM requests ORDER BY seq",
            )
            .unwrap();
        statement
            .query_map([], |row| {
                Ok(Lifecycle {
                    id: row.get(0)?,
                    status: row.get(1)?,
                    allocated: row.get(2)?,
                    cancelled_by: row.get(3)?,
                    refund_due: row.get(4)?,
                })
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// What a request's history holds, in order.
    pub fn history(&self, id: &str) -> Vec<String> {
        let connection = rusqlite::Connection::open(&self.config.database).unwrap();
        let mut statement = connection
            .prepare("SELECT what FROM history WHERE request_id = ?1 ORDER BY seq")
            .unwrap();
        statement
            .query_map([id], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// A product's stored record, as JSON text.
    pub fn stock_row(&self, sku: &str) -> String {
        let connection = rusqlite::Connection::open(&self.config.database).unwrap();
        connection
            .query_row(
                "SELECT record_json FROM stock WHERE sku = ?1",
                [sku],
                |row| row.get(0),
            )
            .unwrap()
    }

    pub fn rows(&self) -> Vec<Row> {
        let connection = rusqlite::Connection::open(&self.config.database).unwrap();
        let mut statement = connection
            .prepare(
                "SELECT sku, kind, quantity, email, name, consent_text, idempotency_key, expected_date,
                        shown_expected_date, locale, page, cancelled_at IS NOT NULL
                 FROM requests ORDER BY seq",
            )
            .unwrap();
        statement
            .query_map([], |row| {
                Ok(Row {
                    sku: row.get(0)?,
                    kind: row.get(1)?,
                    quantity: row.get(2)?,
                    email: row.get(3)?,
                    name: row.get(4)?,
                    consent_text: row.get(5)?,
                    idempotency_key: row.get(6)?,
                    expected_date: row.get(7)?,
                    shown_expected_date: row.get(8)?,
                    locale: row.get(9)?,
                    page: row.get(10)?,
                    cancelled: row.get(11)?,
                })
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

/// Serves the built widget from a test's own page folder.
pub fn link_widget(pages: &Path) {
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("www");
    for name in ["backorder-widget.js", "pkg", "wording", "demo.css"] {
        let target = pages.join(name);
        if !target.exists() {
            std::os::unix::fs::symlink(www.join(name), target).unwrap();
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        for task in &self.background {
            task.abort();
        }
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

async fn inject_faults(
    State(faults): State<Arc<Faults>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    if request.uri().path().starts_with("/slow/") {
        // Slower than the widget waits (10 s): an availability URL that hangs.
        tokio::time::sleep(std::time::Duration::from_secs(12)).await;
        return Response::builder()
            .header("content-type", "application/json")
            .body(Body::from(r#"{"items": []}"#))
            .unwrap();
    }
    if request.method() == Method::POST && request.uri().path() == "/api/backorders" {
        let key = request
            .headers()
            .get("idempotency-key")
            .and_then(|key| key.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        faults.posts.lock().unwrap().push((Instant::now(), key));
        let slow = faults
            .slow_posts
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        if slow {
            // In a task of its own, so the endpoint still gets it when the browser has given
            // up and closed the connection, as a proxy that already forwarded it would.
            let faults = Arc::clone(&faults);
            let forwarded = tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_secs(12)).await;
                let response = next.run(request).await;
                let status = response.status().as_u16();
                faults.stalled_answers.lock().unwrap().push(status);
                response
            });
            return forwarded.await.unwrap();
        }
        let planned = if faults.down.load(Ordering::SeqCst) {
            Some((503, None))
        } else {
            faults.plan.lock().unwrap().pop_front()
        };
        if let Some((status, retry_after)) = planned {
            let mut response = Response::builder()
                .status(StatusCode::from_u16(status).unwrap())
                .header("content-type", "application/json");
            if let Some(seconds) = retry_after {
                response = response.header("retry-after", seconds.to_string());
            }
            return response
                .body(Body::from(
                    r#"{"error": "injected", "message": "a fault the test asked for"}"#,
                ))
                .unwrap();
        }
    }
    next.run(request).await
}
