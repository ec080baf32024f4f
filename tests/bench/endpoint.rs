//! The SQLite file is on disk, there is no rate limit, and the item has far more en route than the
//! load reserves, so every request does the whole job (validate, decide, insert) and none is
//! refused for capacity.
//!
//! The load generator shares this machine (and its cores) with the server, as any loopback
//! measurement does; the numbers describe the pair on this machine, not the server alone.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

use backorder_widget::server::Durability;

use crate::catalog;
use crate::site::Site;
use crate::stats::{percentile, round};

/// Requests measured.
const REQUESTS: usize = 2_000;
/// Requests in flight at once.
const CONCURRENCY: usize = 32;
/// Sent before measuring, to open the connections and warm the database; not counted.
const WARM_UP: usize = 64;
/// No new request starts after this; the report says how many completed.
const MAX_DURATION: Duration = Duration::from_secs(60);
/// One request that takes longer counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const SKU: &str = "BENCH-LOAD";

#[derive(Debug, Clone, Serialize)]
pub struct Endpoint {
    pub requests: usize,
    pub concurrency: usize,
    pub completed: usize,
    /// Answered `201 Created`.
    pub created: usize,
    /// Every other answer by status code; `error` for no answer (timeout, connection).
    pub other: BTreeMap<String, usize>,
    pub seconds: f64,
    pub requests_per_second: f64,
    pub latency_ms: Latency,
}

#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

/// One request's outcome: how long it took, and its status (`None`: no answer).
type Outcome = (Duration, Option<u16>);

/// The load against a server whose answered requests survive what `durability` says (the
/// default, `Full`, syncs each commit to the disk before answering).
pub async fn measure(durability: Durability) -> Result<Endpoint, String> {
    let mut site = Site::start(|config| {
        config.rate_limit_per_minute = 0;
        config.durability = durability;
    })
    .await;
    let catalog_path = site.scratch("catalog").join("catalog.json");
    catalog::write(&catalog_path, &[load_item()])?;
    site.config.catalog = Some(catalog_path);
    // A catalog file seeds an empty database only: the bench's own stock gets a fresh one.
    site.config.database = site.scratch("bench-db").join("backorders.sqlite3");
    site.stop().await;
    site.restart().await;

    let measured = load(&[site.url("/api/backorders")]).await;
    site.stop().await;
    measured
}

/// The same load on `replicas` `backorder-server` processes sharing one PostgreSQL database,
/// the requests spread over them in turn. The cluster is the bench's own, with PostgreSQL's
/// durable defaults (each commit flushed before its answer), as `--durability full` is for
/// SQLite.
pub async fn measure_postgres(replicas: usize) -> Result<Endpoint, String> {
    let cluster = crate::postgres::Cluster::start_durable();
    let folder = std::env::temp_dir().join(format!(
        "backorder-bench-pg-{}-{replicas}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).map_err(|error| format!("no scratch folder: {error}"))?;
    let catalog_path = folder.join("catalog.json");
    catalog::write(&catalog_path, &[load_item()])?;
    let url = cluster.create_database();
    let mut servers = Vec::new();
    for _ in 0..replicas {
        servers.push(crate::replica::Replica::spawn(&[
            "--database",
            &url,
            "--token-key",
            &folder.join("token-key").display().to_string(),
            "--catalog",
            &catalog_path.display().to_string(),
            "--rate-limit",
            "0",
            "--admin-token",
            "bench-admin-token-0123456789abcdef",
        ])?);
    }
    let urls: Vec<String> = servers
        .iter()
        .map(|server| server.url("/api/backorders"))
        .collect();
    let measured = load(&urls).await;
    drop(servers);
    let _ = std::fs::remove_dir_all(&folder);
    measured
}

/// The bench's one product: far more en route than any load takes.
fn load_item() -> backorder_widget::wire::StockRecord {
    backorder_widget::wire::StockRecord {
        sku: Some(SKU.to_owned()),
        name: Some("Bench load item".to_owned()),
        backorders: Some("allow".to_owned()),
        incoming: vec![catalog::batch(1_000_000, catalog::today(), 20)],
        ..Default::default()
    }
}

/// Warms the servers at `urls` up, then measures [`REQUESTS`] spread over them.
async fn load(urls: &[String]) -> Result<Endpoint, String> {
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .map_err(|error| format!("no HTTP client: {error}"))?;
    let warm_up = run(&client, urls, "warm", WARM_UP).await;
    if let Some((_, status)) = warm_up.iter().find(|(_, status)| *status != Some(201)) {
        return Err(format!(
            "a warm-up request was answered {status:?}, not 201; the load would measure refusals"
        ));
    }
    let started = Instant::now();
    let outcomes = run(&client, urls, "load", REQUESTS).await;
    let seconds = started.elapsed().as_secs_f64();
    let mut latencies: Vec<f64> = outcomes
        .iter()
        .map(|(took, _)| took.as_secs_f64() * 1000.0)
        .collect();
    latencies.sort_by(f64::total_cmp);
    if latencies.is_empty() {
        return Err("no request completed".to_owned());
    }
    let mut other = BTreeMap::new();
    for (_, status) in outcomes.iter().filter(|(_, status)| *status != Some(201)) {
        let key = status.map_or_else(|| "error".to_owned(), |code| code.to_string());
        *other.entry(key).or_insert(0) += 1;
    }
    Ok(Endpoint {
        requests: REQUESTS,
        concurrency: CONCURRENCY,
        completed: outcomes.len(),
        created: outcomes
            .iter()
            .filter(|(_, status)| *status == Some(201))
            .count(),
        other,
        seconds: round(seconds, 2),
        requests_per_second: round(outcomes.len() as f64 / seconds, 0),
        latency_ms: Latency {
            p50: round(percentile(&latencies, 50.0), 2),
            p99: round(percentile(&latencies, 99.0), 2),
            max: round(percentile(&latencies, 100.0), 2),
        },
    })
}

/// Sends `count` requests from `CONCURRENCY` workers, each key `bench-{run}-{n}` used once;
/// request `n` goes to `urls[n % urls.len()]`.
async fn run(client: &reqwest::Client, urls: &[String], run: &str, count: usize) -> Vec<Outcome> {
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + MAX_DURATION;
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (client, urls, run, next) = (
                client.clone(),
                urls.to_vec(),
                run.to_owned(),
                Arc::clone(&next),
            );
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count || Instant::now() >= deadline {
                        return outcomes;
                    }
                    let sent = Instant::now();
                    let url = &urls[index % urls.len()];
                    let status = post(&client, url, &format!("bench-{run}-{index:06}")).await;
                    outcomes.push((sent.elapsed(), status));
                }
            })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(count);
    for worker in workers {
        // A worker that panicked has lost its samples; the completed count shows it.
        outcomes.extend(worker.await.unwrap_or_default());
    }
    outcomes
}

/// One shopper's backorder, as the widget sends it; the status once the whole answer is read.
async fn post(client: &reqwest::Client, url: &str, key: &str) -> Option<u16> {
    let body = json!({
        "kind": "backorder",
        "sku": SKU,
        "quantity": 1,
        "email": format!("{key}@example.com"),
        "name": "Bench Shopper",
        "consent": {"text": "Email me about this reservation, and only about it.", "given": true},
        "locale": "en-US",
        "page": "http://127.0.0.1/products/bench",
        "idempotency_key": key,
        "created_at": "2026-11-27T10:00:00.000Z",
    });
    let response = client
        .post(url)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    response.bytes().await.ok()?;
    Some(status)
}
