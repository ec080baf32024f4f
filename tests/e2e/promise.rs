//! A shopper reserves in the real browser, the merchant changes stock through the real API, the
//! sweep runs at a chosen date, and the page and the database say what happened.

use serde_json::{Value, json};

use crate::browser::{Browser, Engine};
use crate::site::Site;

const SCARF: &str = r#"backorder-status[sku="SCARF-GREY"]"#;
const ADMIN: &str = "e2e-admin-token-0123456789abcdef";

pub(crate) async fn admin(
    site: &Site,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, site.url(path))
        .bearer_auth(ADMIN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The scarf as stored, without its line's counters (what a PUT takes back).
pub(crate) async fn scarf(site: &Site) -> Value {
    let (_, listing) = admin(site, reqwest::Method::GET, "/api/stock", None).await;
    let mut record = listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["sku"] == "SCARF-GREY")
        .unwrap()
        .clone();
    record.as_object_mut().unwrap().remove("line");
    record
}

pub(crate) async fn put_scarf(site: &Site, record: &Value) {
    let (status, body) = admin(
        site,
        reqwest::Method::PUT,
        "/api/stock/SCARF-GREY",
        Some(record.clone()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// Moves the scarf's batch `PO-1` by `days`.
async fn move_first_batch(site: &Site, days: i64) {
    let mut record = scarf(site).await;
    let batch = &mut record["incoming"][0];
    assert_eq!(batch["id"], "PO-1");
    let expected =
        chrono::NaiveDate::parse_from_str(batch["expected"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    batch["expected"] = json!((expected + chrono::TimeDelta::days(days)).to_string());
    put_scarf(site, &record).await;
}

/// Reserves `quantity` scarves in the browser, as a shopper does.
pub(crate) async fn reserve(browser: &Browser, email: &str, quantity: &str) -> String {
    browser.status(SCARF).await;
    browser.type_into(SCARF, "input[name=email]", email).await;
    browser
        .type_into(SCARF, "input[name=quantity]", quantity)
        .await;
    browser.click(SCARF, "input[name=consent]").await;
    browser.click(SCARF, "button[type=submit]").await;
    browser
        .wait_text(SCARF, ".confirmation", |text| text.contains("reserved"))
        .await
}

async fn a_batch_moved_ten_days_shows_both_dates_and_the_shopper_keeps_it(engine: Engine) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    reserve(&browser, "ana@example.com", "2").await;
    move_first_batch(&site, 10).await;
    browser.goto(&site.url("/")).await;
    let shown = browser
        .wait_text(SCARF, ".confirmation", |text| text.contains("Now ships by"))
        .await;
    assert!(
        shown.contains("(was "),
        "the old date beside the new: {shown}"
    );
    assert!(
        shown.contains("You don't need to do anything to keep it."),
        "{shown}"
    );
    browser.click(SCARF, "button[part=keep]").await;
    browser
        .wait_text(SCARF, ".notice", |text| {
            text == "Thank you: it stays reserved."
        })
        .await;
    let lifecycle = site.lifecycle();
    assert_eq!(lifecycle.len(), 1);
    assert_eq!(lifecycle[0].status, "delayed", "{lifecycle:?}");
    assert_eq!(
        site.history(&lifecycle[0].id),
        ["created", "date_changed", "delayed", "consented"],
        "reserved, moved, kept"
    );
    browser.close().await;
}

async fn a_batch_moved_45_days_needs_a_yes_and_without_one_the_sweep_cancels(engine: Engine) {
    let site = Site::start(|config| config.sweep_route = true).await;
    // One batch only, so the reservation has nothing else to come from.
    let mut record = scarf(&site).await;
    record["incoming"] = json!([record["incoming"][0].clone()]);
    put_scarf(&site, &record).await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    reserve(&browser, "ana@example.com", "2").await;
    move_first_batch(&site, 45).await;
    browser.goto(&site.url("/")).await;
    let shown = browser
        .wait_text(SCARF, ".confirmation", |text| {
            text.contains("To keep it, say so by")
        })
        .await;
    assert!(shown.contains("Now ships by"), "{shown}");
    let id = site.lifecycle()[0].id.clone();
    let (_, status) = admin(&site, reqwest::Method::GET, "/api/backorders", None).await;
    let consent_by = status["requests"][0]["consent_by"]
        .as_str()
        .unwrap()
        .to_owned();
    let after = chrono::NaiveDate::parse_from_str(&consent_by, "%Y-%m-%d").unwrap()
        + chrono::TimeDelta::days(1);
    let (swept, _) = admin(
        &site,
        reqwest::Method::POST,
        "/api/sweep",
        Some(json!({"today": after.to_string()})),
    )
    .await;
    assert_eq!(swept, 200);
    browser.goto(&site.url("/")).await;
    browser
        .wait_text(SCARF, ".notice", |text| {
            text.starts_with("It was cancelled")
        })
        .await;
    let lifecycle = site.lifecycle();
    assert_eq!(
        (
            lifecycle[0].status.as_str(),
            lifecycle[0].cancelled_by.as_deref()
        ),
        ("cancelled", Some("no_consent"))
    );
    assert!(
        lifecycle[0].refund_due.is_some(),
        "the refund's due date is recorded"
    );
    assert_eq!(
        site.history(&id),
        ["created", "date_changed", "consent_needed", "cancelled"]
    );
    browser.close().await;
}

/// Three shoppers reserve 2, 2 and 2; 5 units arrive. The first two are ready, the third (in the
/// browser) has 1 set aside, and a new shopper is offered nothing from the shelf. The first then
/// cancels, and the third is ready.
async fn five_units_for_three_shoppers_then_a_cancel_makes_the_third_ready(engine: Engine) {
    let site = Site::start(|_| {}).await;
    // Nothing owed to other channels, so the delivery goes to these three.
    let mut record = scarf(&site).await;
    record["backordered"] = json!(0);
    put_scarf(&site, &record).await;
    let mut earlier = Vec::new();
    for n in 1..=2 {
        let reply: Value = reqwest::Client::new()
            .post(site.url("/api/backorders"))
            .header("Idempotency-Key", format!("e2e-earlier-{n:04}"))
            .json(&json!({
                "kind": "backorder", "sku": "SCARF-GREY", "quantity": 2,
                "email": format!("shopper{n}@example.com"),
                "consent": {"text": "Yes", "given": true}
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        earlier.push(reply);
    }
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    let confirmation = reserve(&browser, "third@example.com", "2").await;
    assert!(
        confirmation.contains("4 units are reserved ahead of you."),
        "{confirmation}"
    );
    let (status, receipt) = admin(
        &site,
        reqwest::Method::POST,
        "/api/stock/SCARF-GREY/receipts",
        Some(json!({"batch": "PO-1", "quantity": 5})),
    )
    .await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["ready"].as_array().map(Vec::len), Some(2));
    assert_eq!(receipt["partly_filled"].as_array().map(Vec::len), Some(1));
    browser.goto(&site.url("/")).await;
    browser
        .wait_text(SCARF, ".confirmation", |text| {
            text.contains("1 of them is set aside for you.")
        })
        .await;
    // A new shopper on another browser sees no shelf for the scarf: it is backordered still.
    let (_, availability) = (
        (),
        reqwest::get(site.url("/api/availability?sku=SCARF-GREY"))
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap(),
    );
    assert_eq!(
        availability["items"][0]
            .get("on_hand")
            .cloned()
            .unwrap_or(json!(0)),
        0,
        "{availability}"
    );
    let first = &earlier[0];
    assert_eq!(site.cancel_as_shopper(first).await, 200);
    browser.goto(&site.url("/")).await;
    browser
        .wait_text(SCARF, ".confirmation", |text| {
            text.starts_with("Ready to ship")
        })
        .await;
    let lifecycle: Vec<(String, i64)> = site
        .lifecycle()
        .into_iter()
        .map(|row| (row.status, row.allocated))
        .collect();
    assert_eq!(
        lifecycle,
        [
            ("cancelled".to_owned(), 2),
            ("ready".to_owned(), 2),
            ("ready".to_owned(), 2)
        ]
    );
    browser.close().await;
}

async fn a_csv_upload_with_one_bad_row_changes_nothing_and_names_it(engine: Engine) {
    let site = Site::start(|_| {}).await;
    let before = site.stock_row("MUG-SAND");
    let csv = "sku,on_hand,low_stock_threshold\nMUG-SAND,40,5\nTEE-RED-M,many,\n";
    let response = reqwest::Client::new()
        .post(site.url("/api/stock"))
        .bearer_auth(ADMIN)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["record"], 3, "{body}");
    assert_eq!(body["errors"][0]["sku"], "TEE-RED-M");
    assert_eq!(body["errors"][0]["field"], "on_hand");
    assert_eq!(site.stock_row("MUG-SAND"), before, "nothing was stored");
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    let mug = browser.status(r#"backorder-status[sku="MUG-SAND"]"#).await;
    assert_eq!(
        mug, "Only 2 left",
        "the page still shows the stock as it was"
    );
    browser.close().await;
}

in_every_browser!(
    a_batch_moved_ten_days_shows_both_dates_and_the_shopper_keeps_it,
    a_batch_moved_45_days_needs_a_yes_and_without_one_the_sweep_cancels,
    five_units_for_three_shoppers_then_a_cancel_makes_the_third_ready,
    a_csv_upload_with_one_bad_row_changes_nothing_and_names_it,
);
