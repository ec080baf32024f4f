//! What is due comes with the passing of time: a batch whose date passed, a consent deadline that
//! ran out. Nothing runs on a timer inside a request handler; every change a request makes is
//! reviewed in its own transaction. The sweep is idempotent: running it twice changes nothing.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use super::errors::ApiError;
use super::{AppState, admin, clock};
use crate::domain::date::parse_iso_date;

/// How often the lines are reviewed. The rules work in days; a sweep every ten minutes applies a
/// new day's deadlines soon after it starts, at the cost of a few milliseconds.
pub const INTERVAL: Duration = Duration::from_secs(600);

/// Sweeps every `interval` until the handle is aborted (the server stops). The first sweep ran
/// at start-up, when the catalog was imported.
pub fn every(state: AppState, interval: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            if let Err(error) = state.with_store(|store| store.sweep(clock::now())).await {
                // Logged by `ApiError::internal`; the next tick tries again.
                drop(error);
            }
        }
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepAt {
    today: String,
}

/// `POST /api/sweep {"today": "YYYY-MM-DD"}`: a sweep as if it ran at noon on that day in the
/// shop's time zone. Only on a server configured with `sweep_route` (the end-to-end tests); a
/// normal run has no such route.
pub async fn at(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<SweepAt>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    admin::require_admin(&state, &headers)?;
    let Json(body) = body.map_err(|rejection| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            rejection.body_text(),
        )
    })?;
    let today = parse_iso_date(&body.today).ok_or_else(|| {
        ApiError::field(
            "today",
            "invalid_date",
            "today must be a date written YYYY-MM-DD",
        )
    })?;
    let reviewed = state.with_store(move |store| store.sweep_on(today)).await?;
    Ok(Json(
        json!({"today": body.today, "products_reviewed": reviewed}),
    ))
}
