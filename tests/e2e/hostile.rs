//! The demo works under its strict Content-Security-Policy.

use std::path::PathBuf;

use serde_json::Value;

use crate::browser::{Browser, Engine};
use crate::site::{Site, link_widget};

/// A page folder with the widget linked in and a probe script that records what the page sees
/// (errors thrown into it, and the widget's events). The probe is a file, as the CSP requires.
fn pages(site: &Site) -> PathBuf {
    let pages = site.scratch("www");
    link_widget(&pages);
    std::fs::write(
        pages.join("probe.js"),
        "window.__probe = {errors: [], events: []};
         window.addEventListener('error', (event) => window.__probe.errors.push(String(event.message)));
         window.addEventListener('unhandledrejection', (event) => window.__probe.errors.push(String(event.reason)));
         for (const name of ['backorder:status', 'backorder:error']) {
           document.addEventListener(name, (event) => window.__probe.events.push([name, event.detail.code || event.detail.state]));
         }",
    )
    .unwrap();
    pages
}

fn page(head: &str, body: &str) -> String {
    page_in("en", head, body)
}

fn page_in(lang: &str, head: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Test</title>
<script src="/probe.js"></script>{head}</head><body>{body}</body></html>"#
    )
}

async fn serve(pages: PathBuf, site: &mut Site) {
    site.config.www = pages;
    site.stop().await;
    site.restart().await;
}

async fn probe(browser: &Browser) -> Value {
    browser.eval("return window.__probe;").await
}

async fn the_demo_page_is_served_with_a_strict_csp_and_works(engine: Engine) {
    let site = Site::start(|_| {}).await;
    let response = reqwest::get(site.url("/")).await.unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        csp,
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
    );
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    for sku in [
        "TEE-RED-M",
        "MUG-SAND",
        "BAG-OLIVE",
        "SCARF-GREY",
        "SHOE-TR2-42",
        "LAMP-BRASS",
        "SHIRT-LINEN-19",
    ] {
        let status = browser
            .status(&format!(r#"backorder-status[sku="{sku}"]"#))
            .await;
        assert_ne!(status, "Availability could not be loaded", "{sku}");
    }
    let states = browser
        .eval("return [...document.querySelectorAll('backorder-status')].map(e => e.shadowRoot.querySelector('.widget').dataset.state);")
        .await;
    let mut states: Vec<&str> = states
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    states.sort_unstable();
    states.dedup();
    assert_eq!(
        states,
        [
            "backordered",
            "discontinued",
            "in_stock",
            "out_of_stock",
            "partial",
            "preorder"
        ],
        "every state on the demo page"
    );
    browser.close().await;
}

async fn markup_in_names_messages_and_attributes_is_shown_as_text_and_never_runs(engine: Engine) {
    let mut site = Site::start(|_| {}).await;
    let pages = pages(&site);
    let evil = r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>"#;
    let stock = serde_json::json!({"items": [
        {"sku": "A", "name": evil, "on_hand": 3},
        {"sku": evil, "name": evil, "on_hand": 3}
    ]});
    let messages = serde_json::json!({"in_stock": evil});
    std::fs::write(
        pages.join("index.html"),
        page(
            r##"<script type="module" src="/backorder-widget.js" data-stock="#stock" data-messages="#messages" data-structured-data="on"></script>"##,
            &format!(
                r#"<backorder-status id="one" sku="A"></backorder-status>
<backorder-status id="two" sku="{}" locale="{}" mode="{}"></backorder-status>
<script type="application/json" id="stock">{}</script>
<script type="application/json" id="messages">{}</script>"#,
                evil.replace('"', "&quot;"),
                evil.replace('"', "&quot;"),
                evil.replace('"', "&quot;"),
                stock.to_string().replace('<', "\\u003c"),
                messages.to_string().replace('<', "\\u003c"),
            ),
        ),
    )
    .unwrap();
    serve(pages, &mut site).await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    assert_eq!(
        browser.status("#one").await,
        evil,
        "the merchant's wording, as text"
    );
    assert_eq!(browser.status("#two").await, evil);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let pwned = browser.eval("return window.__pwned === undefined && document.querySelectorAll('backorder-status').length === 2 && [...document.querySelectorAll('backorder-status')].every(e => !e.shadowRoot.querySelector('img, script'));").await;
    assert_eq!(pwned, true, "nothing ran, nothing was parsed as markup");
    let offer = browser.eval("return JSON.parse(document.querySelector('script[data-backorder-offer]').textContent).itemOffered.name;").await;
    assert_eq!(offer, evil, "names travel as JSON data");
    assert_eq!(probe(&browser).await["errors"], serde_json::json!([]));
    browser.close().await;
}

async fn broken_stock_data_gives_the_fallback_and_an_error_event_never_an_exception(
    engine: Engine,
) {
    let mut site = Site::start(|_| {}).await;
    let pages = pages(&site);
    let huge = format!(
        r#"{{"items": [{{"sku": "A", "name": "{}"}}]}}"#,
        "x".repeat(5 * 1024 * 1024)
    );
    std::fs::write(pages.join("huge.json"), huge).unwrap();
    std::fs::write(pages.join("types.json"), r#"{"items": [{"sku": "A", "on_hand": "ten"}, {"sku": "B", "on_hand": 1e300}, {"sku": "C", "incoming": {"quantity": 1}}]}"#).unwrap();
    std::fs::write(pages.join("shape.json"), r#"[1, 2, 3]"#).unwrap();
    std::fs::write(
        pages.join("state.json"),
        r#"{"items": [{"sku": "A", "backorders": "sometimes"}]}"#,
    )
    .unwrap();
    std::fs::write(pages.join("notjson.json"), "<html>oops</html>").unwrap();
    let body = r#"
<backorder-status id="huge" sku="A" availability-url="/huge.json"></backorder-status>
<backorder-status id="types-a" sku="A" availability-url="/types.json"></backorder-status>
<backorder-status id="types-b" sku="B" availability-url="/types.json"></backorder-status>
<backorder-status id="types-c" sku="C" availability-url="/types.json"></backorder-status>
<backorder-status id="shape" sku="A" availability-url="/shape.json"></backorder-status>
<backorder-status id="state" sku="A" availability-url="/state.json"></backorder-status>
<backorder-status id="notjson" sku="A" availability-url="/notjson.json"></backorder-status>
<backorder-status id="missing" sku="NOPE" availability-url="/types.json"></backorder-status>
<backorder-status id="nosku"></backorder-status>
<backorder-status id="quantity" sku="A" quantity="lots" availability-url="/types.json"></backorder-status>"#;
    std::fs::write(
        pages.join("index.html"),
        page(
            r#"<script type="module" src="/backorder-widget.js"></script>"#,
            body,
        ),
    )
    .unwrap();
    serve(pages, &mut site).await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    for id in [
        "huge", "types-a", "types-b", "types-c", "shape", "state", "notjson", "missing", "nosku",
        "quantity",
    ] {
        assert_eq!(
            browser.status(&format!("#{id}")).await,
            "Availability could not be loaded",
            "#{id}"
        );
    }
    let probe = probe(&browser).await;
    assert_eq!(
        probe["errors"],
        serde_json::json!([]),
        "nothing thrown into the page"
    );
    let codes: Vec<String> = probe["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event[0] == "backorder:error")
        .map(|event| event[1].as_str().unwrap_or_default().to_owned())
        .collect();
    for code in [
        "stock_unavailable",
        "bad_stock_data",
        "unknown_sku",
        "config",
    ] {
        assert!(
            codes.iter().any(|candidate| candidate == code),
            "a backorder:error with code {code}: {codes:?}"
        );
    }
    browser.close().await;
}

async fn an_http_endpoint_on_a_page_that_is_not_localhost_is_refused(engine: Engine) {
    // 127.0.0.2 is this machine too, but not a name the widget lets send in clear text: the
    // same page from a shop's real address, with no DNS trick any one browser would need.
    let mut site = Site::start(|config| config.listen = "127.0.0.2:0".parse().unwrap()).await;
    let pages = pages(&site);
    std::fs::write(
        pages.join("index.html"),
        page(
            r##"<script type="module" src="/backorder-widget.js" data-endpoint="/api/backorders" data-stock="#stock"></script>"##,
            r#"<backorder-status id="w" sku="A"></backorder-status>
<script type="application/json" id="stock">{"items": [{"sku": "A", "release_date": "2099-01-01"}]}</script>"#,
        ),
    )
    .unwrap();
    serve(pages, &mut site).await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    assert!(browser.status("#w").await.starts_with("Pre-order"));
    let form = browser
        .eval("return !!document.querySelector('#w').shadowRoot.querySelector('form');")
        .await;
    assert_eq!(
        form, false,
        "no form that would send an email in clear text"
    );
    let probe = probe(&browser).await;
    let refused = probe["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|event| event[0] == "backorder:error" && event[1] == "config");
    assert!(refused, "{probe}");
    browser.close().await;
}

async fn a_stock_source_slower_than_ten_seconds_gives_the_fallback(engine: Engine) {
    let mut site = Site::start(|_| {}).await;
    let pages = pages(&site);
    std::fs::write(
        pages.join("index.html"),
        page(
            r#"<script type="module" src="/backorder-widget.js"></script>"#,
            r#"<backorder-status id="slow" sku="A" availability-url="/slow/availability"></backorder-status>"#,
        ),
    )
    .unwrap();
    serve(pages, &mut site).await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    // The widget starts a moment after the page: wait for it to say it is checking.
    browser
        .wait_text("#slow", ".headline", |text| {
            text == "Checking availability…"
        })
        .await;
    assert_eq!(
        browser.status("#slow").await,
        "Availability could not be loaded"
    );
    let probe = probe(&browser).await;
    assert_eq!(probe["errors"], serde_json::json!([]));
    assert!(
        probe["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|event| event[0] == "backorder:error" && event[1] == "stock_unavailable"),
        "{probe}"
    );
    browser.close().await;
}

async fn a_german_page_fetches_its_wording_once_and_an_english_page_never(engine: Engine) {
    let mut site = Site::start(|_| {}).await;
    let pages = pages(&site);
    let head = r#"<script type="module" src="/backorder-widget.js" data-endpoint="/api/backorders" data-availability-url="/api/availability"></script>"#;
    let body = r#"<backorder-status sku="SCARF-GREY"></backorder-status>
<backorder-status sku="TEE-RED-M" mode="badge"></backorder-status>
<backorder-status sku="MUG-SAND" mode="badge"></backorder-status>"#;
    std::fs::write(pages.join("de.html"), page_in("de", head, body)).unwrap();
    std::fs::write(pages.join("en.html"), page_in("en", head, body)).unwrap();
    serve(pages, &mut site).await;
    let browser = Browser::start(engine).await;
    let wording_loads = "return performance.getEntriesByType('resource')\
        .filter((entry) => entry.name.includes('/wording/')).map((entry) => entry.name);";

    browser.goto(&site.url("/de.html")).await;
    for sku in ["TEE-RED-M", "MUG-SAND"] {
        let host = format!(r#"backorder-status[sku="{sku}"]"#);
        // "Auf Lager", or "Nur noch 2 Stück auf Lager" as the demo's stock runs low.
        browser
            .wait_text(&host, ".headline", |text| text.ends_with("uf Lager"))
            .await;
    }
    let scarf = r#"backorder-status[sku="SCARF-GREY"]"#;
    browser
        .wait_text(scarf, ".headline", |text| text.starts_with("Nachbestellt"))
        .await;
    browser
        .wait_text(scarf, "label", |text| text == "E-Mail")
        .await;
    assert_eq!(
        browser.eval(wording_loads).await,
        serde_json::json!([site.url("/wording/de.json")]),
        "one file for three widgets"
    );
    let probe = probe(&browser).await;
    assert_eq!(probe["errors"], serde_json::json!([]), "{probe}");
    assert!(
        !probe["events"].to_string().contains("backorder:error"),
        "{probe}"
    );

    browser.goto(&site.url("/en.html")).await;
    browser
        .wait_text(
            r#"backorder-status[sku="TEE-RED-M"]"#,
            ".headline",
            |text| text == "In stock",
        )
        .await;
    assert_eq!(browser.eval(wording_loads).await, serde_json::json!([]));
    browser.close().await;
}

in_every_browser!(
    the_demo_page_is_served_with_a_strict_csp_and_works,
    markup_in_names_messages_and_attributes_is_shown_as_text_and_never_runs,
    broken_stock_data_gives_the_fallback_and_an_error_event_never_an_exception,
    an_http_endpoint_on_a_page_that_is_not_localhost_is_refused,
    a_stock_source_slower_than_ten_seconds_gives_the_fallback,
    a_german_page_fetches_its_wording_once_and_an_english_page_never,
);
