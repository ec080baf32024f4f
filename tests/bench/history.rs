//! `GET /api/availability` for the demo's products on an empty database, then with 100,000 stored
//! requests (a fifth of them still in line), on the same server and file. Availability reads one
//! stored row per product, so the two should be within noise of each other; before the
//! per-product counters an answer summed every active request (0.3 ms empty, 411 ms at 200,000
//! rows).

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::site::Site;
use crate::stats::{percentile, round};

/// Requests stored for the second measurement.
pub const STORED: usize = 100_000;
/// Availability requests measured each time, one after another.
const SAMPLES: usize = 300;
/// The products asked for in each request: a product page's worth.
const SKUS: &str = "sku=SCARF-GREY&sku=BAG-OLIVE&sku=TEE-BLUE-S&sku=TEE-BLUE-M&sku=SHOE-TR2-42";

#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub stored: usize,
    pub samples: usize,
    pub empty_p50_ms: f64,
    pub empty_p90_ms: f64,
    pub stored_p50_ms: f64,
    pub stored_p90_ms: f64,
    /// `stored_p50_ms / empty_p50_ms`: the goal is within 2.
    pub ratio: f64,
}

pub async fn measure() -> Result<History, String> {
    let mut site = Site::start(|config| config.rate_limit_per_minute = 0).await;
    let client = reqwest::Client::new();
    let url = site.url(&format!("/api/availability?{SKUS}"));
    let empty = latencies(&client, &url).await?;
    site.stop().await;
    store_history(&site.config.database)?;
    site.restart().await;
    let url = site.url(&format!("/api/availability?{SKUS}"));
    let stored = latencies(&client, &url).await?;
    site.stop().await;
    let p50 = |samples: &[f64]| round(percentile(samples, 50.0), 3);
    let p90 = |samples: &[f64]| round(percentile(samples, 90.0), 3);
    Ok(History {
        stored: STORED,
        samples: SAMPLES,
        empty_p50_ms: p50(&empty),
        empty_p90_ms: p90(&empty),
        stored_p50_ms: p50(&stored),
        stored_p90_ms: p90(&stored),
        ratio: round(p50(&stored) / p50(&empty).max(0.001), 2),
    })
}

/// Milliseconds per answer, sorted, after a warm-up.
async fn latencies(client: &reqwest::Client, url: &str) -> Result<Vec<f64>, String> {
    let mut samples = Vec::with_capacity(SAMPLES);
    for round in 0..SAMPLES + 20 {
        let sent = Instant::now();
        let response = client
            .get(url)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|error| format!("availability did not answer: {error}"))?;
        if response.status() != 200 {
            return Err(format!("availability answered {}", response.status()));
        }
        response
            .bytes()
            .await
            .map_err(|error| format!("availability's body: {error}"))?;
        if round >= 20 {
            samples.push(sent.elapsed().as_secs_f64() * 1000.0);
        }
    }
    samples.sort_by(f64::total_cmp);
    Ok(samples)
}

/// Writes `STORED` requests straight into the database, as months of a shop's history would
/// leave them: most shipped or cancelled, a fifth still in line, each with its history entry.
fn store_history(database: &std::path::Path) -> Result<(), String> {
    let fail = |error: rusqlite::Error| format!("cannot store the history: {error}");
    let mut connection = rusqlite::Connection::open(database).map_err(fail)?;
    let transaction = connection.transaction().map_err(fail)?;
    {
        let mut request = transaction
            .prepare(
                "INSERT INTO requests (id, sku, kind, holds_units, quantity, email, consent_text,
                     consent_given, expected_date, idempotency_key, request_hash, response_json,
                     cancel_token_hash, received_at, status, allocated, ships_by, promise_date)
                 VALUES (?1, ?2, 'backorder', 1, 1, 'history@example.com', 'Yes', 1, '2099-01-01',
                     ?3, 'h', '{}', 't', '2026-01-01T00:00:00Z', ?4, 0, '2099-01-01', '2099-01-01')",
            )
            .map_err(fail)?;
        let mut entry = transaction
            .prepare(
                "INSERT INTO history (request_id, at, what) VALUES (?1, '2026-01-01T00:00:00Z', 'created')",
            )
            .map_err(fail)?;
        let skus = [
            "SCARF-GREY",
            "BAG-OLIVE",
            "TEE-BLUE-S",
            "TEE-BLUE-M",
            "ITEM-003",
        ];
        for n in 0..STORED {
            let id = format!("bo_history_{n:06}");
            let status = match n % 5 {
                0 => "waiting",
                1 => "cancelled",
                _ => "shipped",
            };
            request
                .execute(rusqlite::params![
                    id,
                    skus[n % skus.len()],
                    format!("history-{n:06}"),
                    status
                ])
                .map_err(fail)?;
            entry.execute([&id]).map_err(fail)?;
        }
    }
    transaction.commit().map_err(fail)
}
