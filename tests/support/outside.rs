//! MailDev is an SMTP server with an API to read back what arrived (installed by `make tools`); the
//! webhook receiver checks every signature with the documented algorithm and can be stopped and
//! started again.
#![allow(dead_code, reason = "each test binary uses the parts it needs")]

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::oneshot;

/// MailDev on free ports; stopped on drop.
pub struct MailDev {
    child: Child,
    pub smtp: u16,
    web: u16,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

impl MailDev {
    pub async fn start() -> Self {
        let binary = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/tools/node_modules/.bin/maildev"
        );
        let (smtp, web) = (free_port(), free_port());
        let child = Command::new(binary)
            .args(["--smtp", &smtp.to_string(), "--web", &web.to_string()])
            .args(["--ip", "127.0.0.1", "--silent"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("MailDev ({binary}) runs; `make tools` installs it: {error}")
            });
        let maildev = Self { child, smtp, web };
        let started = Instant::now();
        while maildev.emails().await.is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "MailDev never answered"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        maildev
    }

    pub async fn emails(&self) -> Option<Vec<Value>> {
        let reply = reqwest::get(format!("http://127.0.0.1:{}/email", self.web))
            .await
            .ok()?;
        reply.json::<Vec<Value>>().await.ok()
    }

    /// Waits until `count` emails have arrived, and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let emails = self.emails().await.unwrap_or_default();
            if emails.len() >= count {
                return emails;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{} of {count} emails arrived: {:?}",
                emails.len(),
                emails
                    .iter()
                    .map(|email| &email["subject"])
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for MailDev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The email to `to` whose subject contains `subject`.
pub fn find<'a>(emails: &'a [Value], to: &str, subject: &str) -> &'a Value {
    emails
        .iter()
        .find(|email| {
            email["to"][0]["address"] == to
                && email["subject"]
                    .as_str()
                    .is_some_and(|text| text.contains(subject))
        })
        .unwrap_or_else(|| {
            let seen: Vec<_> = emails
                .iter()
                .map(|email| (&email["to"][0]["address"], &email["subject"]))
                .collect();
            panic!("no email to {to} about {subject:?}; got {seen:?}")
        })
}

pub fn text(email: &Value) -> &str {
    email["text"].as_str().expect("a plain-text part")
}

/// The link to the shopper's page in an email's text.
pub fn page_link(email: &Value) -> String {
    let text = text(email);
    text.split_whitespace()
        .find(|word| word.contains("/reservations/"))
        .unwrap_or_else(|| panic!("a link in {text:?}"))
        .to_owned()
}

/// A secret of 32 bytes, as Standard Webhooks writes it.
pub const SECRET: &str = "whsec_c2VjcmV0LWZvci10aGUtd2ViaG9vay10ZXN0cy0xMjM=";

/// One delivery as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub body: Value,
    pub at: Instant,
    /// What the receiver answered.
    pub status: u16,
}

/// What the receiver does and what it saw.
#[derive(Debug, Default)]
pub struct Log {
    pub deliveries: Mutex<Vec<Received>>,
    /// The status to answer with; 0 is 200.
    pub answer: AtomicU16,
}

/// A webhook receiver on a fixed port, which can be stopped and started again.
pub struct Receiver {
    addr: SocketAddr,
    pub log: Arc<Log>,
    running: Option<(oneshot::Sender<()>, tokio::task::JoinHandle<()>)>,
}

impl Receiver {
    pub async fn start() -> Self {
        let mut receiver = Self {
            addr: "127.0.0.1:0".parse().expect("an address"),
            log: Arc::new(Log::default()),
            running: None,
        };
        receiver.up().await;
        receiver
    }

    pub async fn up(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .expect("binds");
        self.addr = listener.local_addr().expect("an address");
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(Arc::clone(&self.log));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        self.running = Some((stop, task));
    }

    pub async fn down(&mut self) {
        if let Some((stop, task)) = self.running.take() {
            let _ = stop.send(());
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn acknowledged(&self) -> Vec<Received> {
        let deliveries = self.log.deliveries.lock().expect("the log");
        deliveries
            .iter()
            .filter(|received| received.status == 200)
            .cloned()
            .collect()
    }
}

/// Checks the signature as Standard Webhooks documents it, written here independently of the
/// server's code: base64 HMAC-SHA256 of `id.timestamp.body` with the decoded secret, `v1,` first.
fn signed(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let header = |name: &str| headers.get(name)?.to_str().ok().map(str::to_owned);
    let id = header("webhook-id")?;
    let timestamp = header("webhook-timestamp")?;
    let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().ok()?;
    if age.abs() > 300 {
        return None;
    }
    let key = BASE64.decode(SECRET.strip_prefix("whsec_")?).ok()?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected = format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()));
    header("webhook-signature")?
        .split(' ')
        .any(|signature| signature == expected)
        .then_some(id)
}

async fn receive(
    State(log): State<Arc<Log>>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let Some(id) = signed(&headers, &body) else {
        return (StatusCode::UNAUTHORIZED, [("retry-after", "0")]).into_response();
    };
    let status = match log.answer.load(Ordering::SeqCst) {
        0 => 200,
        status => status,
    };
    log.deliveries.lock().expect("the log").push(Received {
        id,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        at: Instant::now(),
        status,
    });
    let status = StatusCode::from_u16(status).expect("a status");
    (status, [("retry-after", "1")]).into_response()
}
