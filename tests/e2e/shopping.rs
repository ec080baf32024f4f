use std::time::Duration;

use serde_json::Value;

use crate::browser::{Browser, Engine, Screen};
use crate::site::Site;

const SCARF: &str = r#"backorder-status[sku="SCARF-GREY"]"#;

async fn availability(site: &Site, sku: &str) -> Value {
    let url = site.url(&format!("/api/availability?sku={sku}"));
    let body: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    body["items"][0].clone()
}

async fn admin_list(site: &Site) -> Vec<Value> {
    let reply = reqwest::Client::new()
        .get(site.url("/api/backorders"))
        .bearer_auth("e2e-admin-token-0123456789abcdef")
        .send()
        .await
        .unwrap();
    let body: Value = reply.json().await.unwrap();
    body["requests"].as_array().unwrap().clone()
}

/// Fills the scarf's form as a shopper would, keyboard and mouse, and leaves submitting to the caller.
async fn fill_scarf_form(browser: &Browser, email: &str, quantity: &str) {
    browser.type_into(SCARF, "input[name=email]", email).await;
    browser
        .type_into(SCARF, "input[name=name]", "Ana Lima")
        .await;
    browser
        .type_into(SCARF, "input[name=quantity]", quantity)
        .await;
    browser.click(SCARF, "input[name=consent]").await;
}

async fn a_shopper_reserves_two_units_and_the_row_holds_exactly_what_was_sent(
    engine: Engine,
    screen: Screen,
) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start_at(engine, screen).await;
    browser.goto(&site.url("/")).await;

    let status = browser.status(SCARF).await;
    assert!(status.starts_with("Backordered: ships by "), "{status}");
    browser.every_status().await;
    assert_eq!(
        wasm_fetched(&browser).await,
        ["backorder_widget_bg.wasm"],
        "a page with a full element loads the full build only"
    );
    browser.check_layout("every state on the demo page").await;
    browser
        .screenshot(&format!("{}-states", screen.name()))
        .await;
    let consent_shown = browser.text(SCARF, "label[for=consent]").await;
    fill_scarf_form(&browser, "ana@example.com", "2").await;
    browser.scroll_to(SCARF).await;
    browser.screenshot(&format!("{}-form", screen.name())).await;
    browser.click(SCARF, "button[type=submit]").await;

    let confirmation = browser
        .wait_text(SCARF, ".confirmation", |text| text.contains("reserved"))
        .await;
    browser.check_layout("the confirmation").await;
    browser.scroll_to(SCARF).await;
    browser
        .screenshot(&format!("{}-confirmation", screen.name()))
        .await;
    assert!(
        confirmation.starts_with("2 units reserved.12 units are reserved ahead of you."),
        "the 12 units promised through other channels count as ahead: {confirmation}"
    );
    let rows = site.rows();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(
        (row.sku.as_str(), row.kind.as_str(), row.quantity),
        ("SCARF-GREY", "backorder", 2)
    );
    assert_eq!(row.email, "ana@example.com");
    assert_eq!(row.name.as_deref(), Some("Ana Lima"));
    assert_eq!(
        row.consent_text, consent_shown,
        "the exact consent text the shopper saw"
    );
    assert_eq!(
        row.locale.as_deref(),
        Some("en"),
        "from the page's lang attribute"
    );
    assert_eq!(row.page.as_deref(), Some(site.url("/").as_str()));
    assert!(row.expected_date.is_some());
    assert_eq!(
        row.expected_date, row.shown_expected_date,
        "the page promised what the endpoint stored"
    );

    // The shop's team finds it in the admin export, and the stock now counts it.
    let csv = reqwest::Client::new()
        .get(site.url("/api/backorders.csv"))
        .bearer_auth("e2e-admin-token-0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert!(csv.text().await.unwrap().contains("ana@example.com"));
    assert_eq!(
        availability(&site, "SCARF-GREY").await["backordered"],
        14,
        "12 promised before, 2 now"
    );

    // Coming back later, the shopper sees the reservation rather than a new form.
    browser.goto(&site.url("/")).await;
    let returning = browser
        .wait_text(SCARF, ".confirmation", |text| text.contains("Ships by"))
        .await;
    assert!(returning.contains("You can cancel here"), "{returning}");
    browser.check_layout("the returning shopper's view").await;
    browser.scroll_to(SCARF).await;
    browser
        .screenshot(&format!("{}-returning", screen.name()))
        .await;
    browser.close().await;
}

async fn a_double_click_on_submit_stores_one_row(engine: Engine, screen: Screen) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start_at(engine, screen).await;
    browser.goto(&site.url("/")).await;
    browser.status(SCARF).await;
    fill_scarf_form(&browser, "ana@example.com", "1").await;
    browser
        .eval(&format!(
            "const button = document.querySelector({SCARF:?}).shadowRoot.querySelector('button[type=submit]');
             button.click(); button.click(); return true;"
        ))
        .await;
    browser
        .wait_text(SCARF, ".confirmation", |text| text.contains("reserved"))
        .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(site.rows().len(), 1);
    browser.close().await;
}

async fn an_invalid_email_shows_a_field_error_and_stores_nothing(engine: Engine, screen: Screen) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start_at(engine, screen).await;
    browser.goto(&site.url("/")).await;
    browser.status(SCARF).await;
    fill_scarf_form(&browser, "ana@example", "1").await;
    browser.click(SCARF, "button[type=submit]").await;
    let error = browser
        .wait_text(SCARF, "#email-error", |text| !text.is_empty())
        .await;
    assert_eq!(error, "Enter an email address such as name@example.com.");
    browser.check_layout("a field error").await;
    browser.scroll_to(SCARF).await;
    browser
        .screenshot(&format!("{}-field-error", screen.name()))
        .await;
    let invalid = browser
        .eval(&format!("return document.querySelector({SCARF:?}).shadowRoot.querySelector('#email').getAttribute('aria-invalid');"))
        .await;
    assert_eq!(invalid, "true");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(site.rows().is_empty(), "nothing stored");
    browser.close().await;
}

async fn cancelling_frees_the_units_and_moves_the_queue_up(engine: Engine, screen: Screen) {
    let site = Site::start(|_| {}).await;
    // Someone else reserved first, through the API.
    let earlier: Value = reqwest::Client::new()
        .post(site.url("/api/backorders"))
        .header("Idempotency-Key", "earlier-shopper-0001")
        .json(&serde_json::json!({
            "kind": "backorder", "sku": "SCARF-GREY", "quantity": 1, "email": "ben@example.com",
            "consent": {"text": "Email me about this reservation.", "given": true}
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(earlier["queue_position"], 1, "{earlier}");

    let browser = Browser::start_at(engine, screen).await;
    browser.goto(&site.url("/")).await;
    browser.status(SCARF).await;
    fill_scarf_form(&browser, "ana@example.com", "3").await;
    browser.click(SCARF, "button[type=submit]").await;
    let confirmation = browser
        .wait_text(SCARF, ".confirmation", |text| text.contains("reserved"))
        .await;
    assert!(
        confirmation.starts_with("3 units reserved.13 units are reserved ahead of you."),
        "{confirmation}"
    );
    assert_eq!(availability(&site, "SCARF-GREY").await["backordered"], 16);

    // The earlier shopper cancels with their token: Ana moves up.
    assert_eq!(site.cancel_as_shopper(&earlier).await, 200);
    let ana = admin_list(&site)
        .await
        .into_iter()
        .find(|row| row["email"] == "ana@example.com")
        .unwrap();
    assert_eq!(ana["queue_position"], 1, "{ana}");

    // Ana cancels from the widget, confirming with a second click: her units go back.
    browser.click(SCARF, "button[part=cancel]").await;
    browser
        .wait_text(SCARF, "button[part=cancel]", |text| {
            text == "Yes, cancel it"
        })
        .await;
    browser.check_layout("the cancel asking for a yes").await;
    browser.click(SCARF, "button[part=cancel]").await;
    browser
        .wait_text(SCARF, ".notice", |text| {
            text == "Your reservation is cancelled."
        })
        .await;
    assert_eq!(availability(&site, "SCARF-GREY").await["backordered"], 12);
    assert!(
        site.rows().iter().all(|row| row.cancelled),
        "{:?}",
        site.rows()
    );
    browser
        .wait_text(SCARF, "form", |text| text.contains("Reserve"))
        .await;
    browser.close().await;
}

async fn a_collection_page_of_badges_asks_for_availability_once(engine: Engine, screen: Screen) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start_at(engine, screen).await;
    browser.goto(&site.url("/collection.html")).await;
    let badges = browser
        .eval("return document.querySelectorAll('backorder-status').length;")
        .await
        .as_u64()
        .unwrap();
    assert!(badges >= 20, "{badges} badges");
    for index in 1..=badges {
        browser
            .status(&format!("li:nth-child({index}) backorder-status"))
            .await;
    }
    let requests = browser
        .eval("return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/availability')).map(e => e.name);")
        .await;
    let requests = requests.as_array().unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let url = requests[0].as_str().unwrap();
    assert_eq!(
        url.matches("sku=").count() as u64,
        badges,
        "every SKU in the one request: {url}"
    );
    let forms = browser.eval("return [...document.querySelectorAll('backorder-status')].filter(e => e.shadowRoot.querySelector('form')).length;").await;
    assert_eq!(forms, 0, "badges show no form");
    assert_eq!(
        wasm_fetched(&browser).await,
        ["backorder_widget_badge_bg.wasm"],
        "a page of badges loads only the badge-only build"
    );

    // A full element appearing later loads the full build once, and a badge that becomes a
    // full element moves to it; the badges stay as they were. (The collection page's script tag
    // names no endpoint, so these elements name theirs.)
    browser
        .eval(
            "const late = document.createElement('backorder-status'); \
             for (const [name, value] of [['id', 'late'], ['sku', 'SCARF-GREY'], ['endpoint', '/api/backorders']]) \
               late.setAttribute(name, value); \
             document.querySelector('main').append(late); \
             const scarf = document.querySelector('li backorder-status[sku=\"SCARF-GREY\"]'); \
             scarf.setAttribute('endpoint', '/api/backorders'); scarf.setAttribute('mode', 'full');",
        )
        .await;
    for host in ["#late", r#"li backorder-status[sku="SCARF-GREY"]"#] {
        browser
            .wait_text(host, "form", |text| text.contains("Reserve"))
            .await;
    }
    assert!(
        !browser
            .status("li:nth-child(1) backorder-status")
            .await
            .is_empty()
    );
    // The element the full build took over still hears its attributes.
    browser
        .eval("document.querySelector('#late').setAttribute('sku', 'TEE-RED-M');")
        .await;
    browser
        .wait_text("#late", ".headline", |text| text.starts_with("In stock"))
        .await;
    assert_eq!(
        wasm_fetched(&browser).await,
        ["backorder_widget_badge_bg.wasm", "backorder_widget_bg.wasm"],
        "the full build is fetched once, when a full element appears"
    );
    browser.close().await;
}

/// The `.wasm` files the page has fetched, by file name, in the order it asked for them.
async fn wasm_fetched(browser: &Browser) -> Vec<String> {
    let names = browser
        .eval("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.wasm')).map(n => n.split('/').pop());")
        .await;
    serde_json::from_value(names).expect("a list of names")
}

in_every_browser_and_screen!(
    a_shopper_reserves_two_units_and_the_row_holds_exactly_what_was_sent,
    a_double_click_on_submit_stores_one_row,
    an_invalid_email_shows_a_field_error_and_stores_nothing,
    cancelling_frees_the_units_and_moves_the_queue_up,
    a_collection_page_of_badges_asks_for_availability_once,
);
