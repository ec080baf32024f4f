//! Each event is `POST`ed with `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` +
//! base64 of HMAC-SHA256 over `id.timestamp.body`, keyed with the decoded secret).
//!
//! One worker per server reads what is due from the outbox, sends it, and records the answer:
//! acknowledged (`2xx`) events are never sent again; an answer that can never succeed is kept
//! with the event; anything else is retried with exponential backoff and jitter (5 s doubling
//! to 10 h, over 3 days), never sooner than a `Retry-After` asks. The events wait in the
//! database, so a restart loses nothing; a webhook that keeps failing is never switched off,
//! and `GET /api/webhooks` shows what fails.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::task::JoinHandle;

use super::errors::ApiError;
use super::store::events::{Attempt, DueEvent};
use super::{AppState, admin, clock};
use crate::outbox::policy::{Disposition, RetryPolicy, disposition};
use crate::outbox::queue::Action;

/// Events claimed from the outbox at a time: one, so a worker that stops leaves at most one
/// claimed and unsent (`store::events::LEASE`).
const BATCH: usize = 1;

/// How long one delivery may take before it counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Where events go, and how often to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    pub url: String,
    /// `whsec_` and the base64 of 24 to 64 random bytes, as Standard Webhooks writes secrets.
    pub secret: String,
    pub retry: RetryPolicy,
    /// How often the outbox is read when nothing was due.
    pub poll: Duration,
}

impl WebhookConfig {
    pub fn new(url: String, secret: String) -> Self {
        Self {
            url,
            secret,
            retry: RetryPolicy {
                first_delay_ms: 5_000,
                max_delay_ms: 10 * 60 * 60_000,
                expiry_ms: 3 * 24 * 60 * 60_000,
            },
            poll: Duration::from_secs(1),
        }
    }
}

/// The key a Standard Webhooks secret stands for: `whsec_` then base64 of 24 to 64 bytes.
pub fn secret_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret.strip_prefix("whsec_").ok_or_else(|| {
        "the webhook secret must start with whsec_ (make one with: \
         echo whsec_$(openssl rand -base64 32))"
            .to_owned()
    })?;
    let key = BASE64
        .decode(encoded)
        .map_err(|error| format!("the webhook secret after whsec_ is not base64: {error}"))?;
    match key.len() {
        24..=64 => Ok(key),
        length => Err(format!(
            "the webhook secret holds {length} bytes; Standard Webhooks secrets hold 24 to 64"
        )),
    }
}

/// `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`.
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()))
}

/// A configured webhook, ready to send.
#[derive(Debug)]
pub struct Webhook {
    config: WebhookConfig,
    key: Vec<u8>,
    client: reqwest::Client,
}

impl Webhook {
    pub fn new(config: WebhookConfig) -> Result<Self, String> {
        let key = secret_key(&config.secret)?;
        if !(config.url.starts_with("https://") || config.url.starts_with("http://")) {
            return Err(format!(
                "the webhook URL {:?} must start with https:// (or http:// on a private network)",
                config.url
            ));
        }
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| format!("no HTTP client for the webhook: {error}"))?;
        Ok(Self {
            config,
            key,
            client,
        })
    }

    pub fn url(&self) -> &str {
        &self.config.url
    }

    /// One attempt to deliver `event` at `now`, and what to do next.
    async fn send(&self, event: &DueEvent, now: DateTime<Utc>) -> Attempt {
        let timestamp = now.timestamp();
        let answer = self
            .client
            .post(&self.config.url)
            .header("content-type", "application/json")
            .header("webhook-id", &event.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                signature(&self.key, &event.id, timestamp, &event.body),
            )
            .body(event.body.clone())
            .send()
            .await;
        let (status, retry_after, error) = match answer {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.trim().parse::<u32>().ok());
                (Some(status), retry_after, format!("answered {status}"))
            }
            Err(error) => (None, None, without_url(&error)),
        };
        // A webhook's answer is judged as the widget judges one to a submission.
        match disposition(&Action::Submit, status) {
            Disposition::Delivered => Attempt::Delivered,
            Disposition::Refused => Attempt::GaveUp { status, error },
            Disposition::Retry => {
                let expires = event.created_at
                    + TimeDelta::milliseconds(
                        i64::try_from(self.config.retry.expiry_ms).unwrap_or(i64::MAX),
                    );
                let delay = self.config.retry.delay_ms(
                    event.attempts + 1,
                    retry_after,
                    rand::random::<f64>(),
                );
                let next = now + TimeDelta::milliseconds(i64::try_from(delay).unwrap_or(i64::MAX));
                match next > expires {
                    true => Attempt::GaveUp {
                        status,
                        error: format!(
                            "{error}; still failing after {} attempts",
                            event.attempts + 1
                        ),
                    },
                    false => Attempt::Retry {
                        next,
                        status,
                        error,
                    },
                }
            }
        }
    }
}

/// A failed request's error, without its URL (which may hold a token of the shop's tool).
fn without_url(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut source = std::error::Error::source(error);
    let mut detail = String::new();
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    match detail.is_empty() {
        true => kind.to_owned(),
        false => format!("{kind}: {detail}"),
    }
}

/// Delivers the outbox until the handle is aborted: what is due, oldest first, one at a time.
pub fn deliver(state: AppState, webhook: Arc<Webhook>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            // A claim, so no other worker (on this replica or another) sends the same ones.
            let due = state
                .with_store(|store| store.due_events(clock::now(), BATCH))
                .await
                // Logged by `ApiError::internal`; tried again after the pause.
                .unwrap_or_default();
            if due.is_empty() {
                tokio::time::sleep(webhook.config.poll).await;
                continue;
            }
            for event in due {
                let attempt = webhook.send(&event, clock::now()).await;
                let recorded = state
                    .with_store(move |store| store.attempted(&event.id, &attempt, clock::now()))
                    .await;
                if recorded.is_err() {
                    // Logged by `ApiError::internal`; the event is still due and goes again once its
                    // claim (`store::events::LEASE`) runs out.
                    tokio::time::sleep(webhook.config.poll).await;
                }
            }
        }
    })
}

/// `GET /api/webhooks`: the outbox's counts, and every event that failed and is not delivered,
/// with its last answer.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    admin::require_admin(&state, &headers)?;
    let outbox = state.store().outbox().await.map_err(ApiError::internal)?;
    let mut answer = json!(outbox);
    answer["url"] = json!(state.webhook().map(|webhook| webhook.url().to_owned()));
    Ok(Json(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification, signed as it says.
    #[test]
    fn signatures_follow_the_standard() {
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("a secret");
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets_are_checked() {
        assert!(
            secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err(),
            "no prefix"
        );
        assert!(secret_key("whsec_not base64!").is_err());
        assert!(secret_key("whsec_c2hvcnQ=").is_err(), "5 bytes");
    }
}
