//! The endpoint is down, overloaded (`503`), rate limiting (`429` + `Retry-After`), stalling past
//! the widget's 10 s, with a reload in between. Each test ends by counting rows.

use std::time::Duration;

use crate::browser::{Browser, Engine};
use crate::site::Site;

const SCARF: &str = r#"backorder-status[sku="SCARF-GREY"]"#;

async fn submit_scarf(browser: &Browser) {
    browser.status(SCARF).await;
    browser
        .type_into(SCARF, "input[name=email]", "ana@example.com")
        .await;
    browser.click(SCARF, "input[name=consent]").await;
    browser.click(SCARF, "button[type=submit]").await;
}

async fn confirmed(browser: &Browser) -> String {
    browser
        .wait_text(SCARF, ".confirmation", |text| text.contains("reserved"))
        .await
}

/// The widget says the request is kept and will be sent when the shop can be reached.
async fn saved_for_later(browser: &Browser) {
    let queued = browser
        .wait_text(SCARF, ".queued", |text| !text.is_empty())
        .await;
    assert_eq!(
        queued,
        "Saved. It will be sent as soon as the shop can be reached."
    );
}

/// Every attempt carried one idempotency key, and that key stored exactly one row.
fn one_row_under_one_key(site: &Site) {
    let keys = site.faults.keys();
    assert!(
        keys.windows(2).all(|pair| pair[0] == pair[1]),
        "one idempotency key for every attempt: {keys:?}"
    );
    let rows = site.rows();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].idempotency_key, keys[0]);
}

async fn the_endpoint_down_during_submit_then_back_stores_one_row(engine: Engine) {
    let mut site = Site::start(|_| {}).await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    browser.status(SCARF).await;
    site.stop().await;
    submit_scarf(&browser).await;
    saved_for_later(&browser).await;
    site.restart().await;
    confirmed(&browser).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(site.rows().len(), 1);
    browser.close().await;
}

async fn two_503s_then_accepted_stores_one_row(engine: Engine) {
    let site = Site::start(|_| {}).await;
    site.faults.then(503, None);
    site.faults.then(503, None);
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    submit_scarf(&browser).await;
    confirmed(&browser).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        site.faults.post_times().len(),
        3,
        "two refused attempts, then the one that counted"
    );
    one_row_under_one_key(&site);
    browser.close().await;
}

async fn retry_after_from_a_429_is_honoured(engine: Engine) {
    let site = Site::start(|_| {}).await;
    site.faults.then(429, Some(3));
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    submit_scarf(&browser).await;
    confirmed(&browser).await;
    let times = site.faults.post_times();
    assert_eq!(times.len(), 2);
    let waited = times[1] - times[0];
    assert!(
        waited >= Duration::from_secs(3),
        "retried after {waited:?}, sooner than Retry-After"
    );
    assert_eq!(site.rows().len(), 1);
    browser.close().await;
}

/// The endpoint fails while the shopper submits and reloads; the request survives the reload
/// in the outbox and reaches the endpoint once when it recovers.
async fn a_reload_while_the_endpoint_fails_delivers_once_when_it_recovers(engine: Engine) {
    let site = Site::start(|_| {}).await;
    site.faults.set_down(true);
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    submit_scarf(&browser).await;
    browser
        .wait_text(SCARF, ".queued", |text| !text.is_empty())
        .await;
    browser.client.refresh().await.unwrap();
    let queued = browser
        .wait_text(SCARF, ".queued", |text| !text.is_empty())
        .await;
    assert_eq!(
        queued, "Saved. It will be sent as soon as the shop can be reached.",
        "the reloaded page still knows"
    );
    assert!(site.rows().is_empty());
    // The reloaded page tries again at once (still failing) before the endpoint recovers.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while site.faults.keys().len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let attempts_while_down = site.faults.keys();
    site.faults.set_down(false);
    confirmed(&browser).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rows = site.rows();
    assert_eq!(rows.len(), 1, "delivered once");
    assert!(
        attempts_while_down.len() >= 2,
        "tried before and after the reload: {attempts_while_down:?}"
    );
    assert!(
        attempts_while_down
            .iter()
            .all(|key| *key == rows[0].idempotency_key),
        "one key across the reload"
    );
    browser.close().await;
}

/// The shopper's connection drops as they submit, and comes back: the browser's `online` event
/// sends the saved request, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_while_submitting_then_back_online_delivers_once() {
    let site = Site::start(|_| {}).await;
    let browser = Browser::chromium().await;
    browser.goto(&site.url("/")).await;
    browser.status(SCARF).await;
    browser.set_offline(true).await;
    submit_scarf(&browser).await;
    saved_for_later(&browser).await;
    assert_eq!(browser.eval("return navigator.onLine;").await, false);
    assert!(site.rows().is_empty());
    browser.set_offline(false).await;
    confirmed(&browser).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(site.rows().len(), 1, "delivered once");
    browser.close().await;
}

/// A POST that stalls past the widget's 10 s is given up on and kept; the widget sends it again
/// with the same key, and when the stalled one reaches the endpoint too the key makes the two
/// one row.
async fn a_post_slower_than_ten_seconds_is_sent_again_and_stored_once(engine: Engine) {
    let site = Site::start(|_| {}).await;
    site.faults
        .slow_posts
        .store(1, std::sync::atomic::Ordering::SeqCst);
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    submit_scarf(&browser).await;
    saved_for_later(&browser).await;
    confirmed(&browser).await;
    // The stalled POST reaches the endpoint 12 s after it was sent.
    let first = site.faults.post_times()[0];
    let stalled_lands = first + Duration::from_secs(13);
    tokio::time::sleep_until(stalled_lands.into()).await;
    let times = site.faults.post_times();
    assert!(times.len() >= 2, "sent again: {times:?}");
    assert!(
        times[1] - times[0] >= Duration::from_secs(10),
        "the widget waited its 10 s before giving up: {:?}",
        times[1] - times[0]
    );
    let stalled = site.faults.stalled_answers.lock().unwrap().clone();
    assert!(
        matches!(stalled.as_slice(), [200 | 201]),
        "the stalled POST reached the endpoint and was taken (or replayed): {stalled:?}"
    );
    one_row_under_one_key(&site);
    browser.close().await;
}

in_every_browser!(
    a_post_slower_than_ten_seconds_is_sent_again_and_stored_once,
    the_endpoint_down_during_submit_then_back_stores_one_row,
    two_503s_then_accepted_stores_one_row,
    retry_after_from_a_429_is_honoured,
    a_reload_while_the_endpoint_fails_delivers_once_when_it_recovers,
);
