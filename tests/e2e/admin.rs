//! Logging in, the forms' tokens, a delivery and a moved date entered on the page and seen through
//! the API and the shopper's widget, a stock file with a bad row, the export, axe on every page,
//! and screenshots at desktop and phone widths (`target/screenshots/admin-*.png`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

use crate::accessibility::violations;
use crate::browser::Browser;
use crate::promise::{admin, reserve, scarf};
use crate::site::Site;

const TOKEN: &str = "e2e-admin-token-0123456789abcdef";
const SCARF: &str = r#"backorder-status[sku="SCARF-GREY"]"#;

/// The text of the page's `<main>`.
async fn main_text(browser: &Browser) -> String {
    browser
        .eval("return document.querySelector('main').innerText;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits (up to 15 s) until the page's `<main>` says `what`.
async fn wait_main(browser: &Browser, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = main_text(browser).await;
        if text.contains(what) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "the page never said {what:?}: {text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn click(browser: &Browser, selector: &str) {
    browser
        .client
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|error| panic!("{selector}: {error}"))
        .click()
        .await
        .unwrap();
}

async fn type_into(browser: &Browser, selector: &str, text: &str) {
    let field = browser.client.find(Locator::Css(selector)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Logs in by keyboard: the token typed, then Enter.
async fn log_in(browser: &Browser, site: &Site, token: &str) {
    browser.goto(&site.url("/admin")).await;
    wait_main(browser, "Admin token").await;
    type_into(
        browser,
        "#token",
        &(token.to_owned() + &Key::Enter.to_string()),
    )
    .await;
}

/// Axe finds nothing on the page at desktop width and at 390 px, the page itself never
/// scrolls sideways at 390 px (wide tables scroll in their own region), and both are saved.
async fn audit(browser: &Browser, name: &str) {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&folder).unwrap();
    for (width, height, label) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        browser.set_viewport(width, height).await;
        let found = violations(browser).await;
        assert!(found.is_empty(), "{name} at {label}: {found:#?}");
        let overflow = browser
            .eval("return document.documentElement.scrollWidth - window.innerWidth;")
            .await;
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "{name} at {label} is {overflow} px wider than the screen"
        );
        let png = browser.client.screenshot().await.unwrap();
        std::fs::write(folder.join(format!("admin-{name}-{label}.png")), png).unwrap();
    }
    browser.set_viewport(1280, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_refused_and_a_form_without_its_token_changes_nothing() {
    let site = Site::start(|_| {}).await;
    let browser = Browser::chromium().await;

    log_in(&browser, &site, "not-the-token-of-this-shop-at-all").await;
    wait_main(&browser, "That is not the admin token").await;
    audit(&browser, "login-refused").await;
    // Still outside: the overview sends the browser back to the log-in.
    browser.goto(&site.url("/admin")).await;
    wait_main(&browser, "Admin token").await;

    log_in(&browser, &site, TOKEN).await;
    wait_main(&browser, "Needs attention").await;
    browser.goto(&site.url("/admin/sku/SCARF-GREY")).await;
    wait_main(&browser, "Batch PO-1").await;
    let before = site.stock_row("SCARF-GREY");
    // A forged form: the page's own receive form, without the session's token.
    browser
        .eval(
            "const form = document.querySelector('form[action$=\"/receive\"]');
             form.querySelector('input[name=csrf]').remove();
             form.submit();
             return true;",
        )
        .await;
    let refused = wait_main(&browser, "nothing was changed").await;
    assert!(
        refused.contains("did not come from your open merchant"),
        "{refused}"
    );
    assert_eq!(
        site.stock_row("SCARF-GREY"),
        before,
        "the receipt was refused"
    );

    // And a log-out ends the session.
    browser.goto(&site.url("/admin")).await;
    click(&browser, "form.logout button").await;
    wait_main(&browser, "Admin token").await;
    browser.goto(&site.url("/admin")).await;
    wait_main(&browser, "Admin token").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_date_and_a_receipt_entered_on_the_page_reach_the_line_and_the_shopper() {
    let site = Site::start(|_| {}).await;
    let browser = Browser::chromium().await;
    browser.goto(&site.url("/")).await;
    reserve(&browser, "ana@example.com", "2").await;

    log_in(&browser, &site, TOKEN).await;
    wait_main(&browser, "Stock and lines").await;
    audit(&browser, "overview").await;
    click(&browser, r#"a[href="/admin/sku/SCARF-GREY"]"#).await;
    wait_main(&browser, "The line").await;
    audit(&browser, "product").await;

    // PO-1 comes 10 days later than promised: Ana's request is delayed, with a notice due.
    let scarf = scarf(&site).await;
    let expected: chrono::NaiveDate = scarf["incoming"][0]["expected"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let later = expected + chrono::TimeDelta::days(10);
    // A date field takes typed digits in the browser's own order (en-US: month, day, year).
    let field = browser.client.find(Locator::Css("#move-1")).await.unwrap();
    field
        .send_keys(&later.format("%m%d%Y").to_string())
        .await
        .unwrap();
    click(&browser, "#move-1 ~ button").await;
    let moved = wait_main(&browser, "Now delayed").await;
    let id = site.lifecycle()[0].id.clone();
    assert!(moved.contains(&id), "the delayed request is named: {moved}");
    let row = browser
        .eval(&format!(
            "return document.getElementById('request-{id}').innerText;"
        ))
        .await;
    let row = row.as_str().unwrap();
    assert!(row.contains("Delayed"), "{row}");
    assert!(row.contains("Delay notice, due by"), "{row}");
    assert_eq!(
        admin(&site, reqwest::Method::GET, "/api/backorders", None)
            .await
            .1["requests"][0]["status"],
        "delayed"
    );
    browser.goto(&site.url("/admin")).await;
    let overview = wait_main(&browser, "Tell the shopper").await;
    assert!(overview.contains(&id), "{overview}");
    audit(&browser, "overview-attention").await;
    browser.goto(&site.url("/admin/notices")).await;
    wait_main(&browser, "tell the shopper yourself").await;
    audit(&browser, "notices").await;

    // PO-1 arrives in full (the field starts at what the batch promised). Orders from other
    // channels are served first, then Ana, the first in line here.
    // By keyboard: Enter in the field sends its form.
    browser.goto(&site.url("/admin/sku/SCARF-GREY")).await;
    wait_main(&browser, "The line").await;
    let field = browser
        .client
        .find(Locator::Css("#receive-1"))
        .await
        .unwrap();
    field.send_keys(&Key::Enter.to_string()).await.unwrap();
    let received = wait_main(&browser, "Received 20 units of batch PO-1").await;
    assert!(
        received.contains("1 request is ready"),
        "what the receipt did: {received}"
    );
    assert_eq!(
        admin(&site, reqwest::Method::GET, "/api/backorders", None)
            .await
            .1["requests"][0]["status"],
        "ready"
    );
    audit(&browser, "product-received").await;

    // The shopper's widget says so after a reload.
    browser.goto(&site.url("/")).await;
    browser
        .wait_text(SCARF, ".confirmation", |text| {
            text.contains("Ready to ship")
        })
        .await;

    // Shipped from the page: the line is empty.
    browser.goto(&site.url("/admin/sku/SCARF-GREY")).await;
    wait_main(&browser, "The line").await;
    click(&browser, ".actions form button").await;
    wait_main(&browser, "is marked shipped").await;
    assert_eq!(site.lifecycle()[0].status, "shipped");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stock_file_with_a_bad_row_names_it_and_the_export_downloads() {
    let site = Site::start(|_| {}).await;
    let browser = Browser::chromium().await;
    let downloads = site.scratch("downloads");
    browser.allow_downloads(&downloads).await;
    let reserved = reqwest::Client::new()
        .post(site.url("/api/backorders"))
        .header("idempotency-key", "admin-page-export-0001")
        .json(&json!({
            "kind": "backorder", "sku": "SCARF-GREY", "quantity": 1,
            "email": "ben@example.com", "consent": {"text": "Email me about it.", "given": true}
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(reserved.status().as_u16(), 201);

    log_in(&browser, &site, TOKEN).await;
    wait_main(&browser, "Needs attention").await;
    browser.goto(&site.url("/admin/stock")).await;
    wait_main(&browser, "Upload the stock").await;
    audit(&browser, "stock").await;

    let before = site.stock_row("SCARF-GREY");
    let file = site.scratch("upload").join("stock.csv");
    std::fs::write(
        &file,
        "sku,on_hand,backorders\nSCARF-GREY,7,allow\nMUG-SAND,three,deny\n",
    )
    .unwrap();
    let input = browser.client.find(Locator::Css("#file")).await.unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    click(&browser, "form.card button[type=submit]").await;
    wait_main(&browser, "problems to fix").await;
    let problem = browser
        .eval("return document.querySelector('table.problems tbody tr').innerText;")
        .await;
    let problem = problem.as_str().unwrap();
    assert!(
        problem.starts_with('3'),
        "the CSV's line 3 is named: {problem}"
    );
    assert!(
        problem.contains("MUG-SAND") && problem.contains("on_hand"),
        "{problem}"
    );
    assert_eq!(site.stock_row("SCARF-GREY"), before, "nothing was imported");
    audit(&browser, "stock-problems").await;

    click(&browser, r#"a[href="/admin/export.csv"]"#).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let csv = loop {
        let saved = std::fs::read_dir(&downloads)
            .unwrap()
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|extension| extension == "csv"));
        if let Some(path) = saved {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(name.starts_with("backorders-"), "{name}");
            break std::fs::read_to_string(path).unwrap();
        }
        assert!(Instant::now() < deadline, "no export was downloaded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("id,"), "{csv}");
    assert!(lines.next().unwrap().contains("ben@example.com"), "{csv}");
    browser.close().await;
}
