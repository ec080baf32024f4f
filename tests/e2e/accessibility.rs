//! axe-core (from npm, installed by `make test`) in the real browser, on the demo pages in every
//! state, with field errors and a confirmation shown, in the default theme and both demo themes.
//! Any violation fails.

use serde_json::Value;

use crate::chrome::Chrome;
use crate::site::Site;

const SCARF: &str = r#"backorder-status[sku="SCARF-GREY"]"#;

/// Runs axe on the current page and returns one line per violation.
pub async fn violations(chrome: &Chrome) -> Vec<String> {
    let axe = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/tools/node_modules/axe-core/axe.min.js");
    let source =
        std::fs::read_to_string(&axe).expect("axe-core is installed by `make test` (.ci/tools.sh)");
    chrome
        .eval(&format!("{source}\n;return typeof window.axe;"))
        .await;
    let result = chrome
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']})
               .then((result) => done(result.violations.map((violation) =>
                 violation.id + ': ' + violation.help + ' at ' +
                 violation.nodes.map((node) => JSON.stringify(node.target)).join(', '))))
               .catch((error) => done(['axe failed: ' + error]));",
            Vec::new(),
        )
        .await
        .unwrap();
    result
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

async fn check(chrome: &Chrome, what: &str) {
    let found = violations(chrome).await;
    assert!(found.is_empty(), "{what}: {found:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_pages_have_no_accessibility_violations() {
    let site = Site::start(|_| {}).await;
    let chrome = Chrome::start().await;

    chrome.goto(&site.url("/")).await;
    chrome.status(SCARF).await;
    check(&chrome, "every state").await;
    for theme in ["theme-boutique", "theme-terminal"] {
        chrome
            .eval(&format!(
                "document.body.className = '{theme}'; return true;"
            ))
            .await;
        check(&chrome, theme).await;
    }
    chrome
        .eval("document.body.className = ''; return true;")
        .await;

    // Field errors shown and tied to their fields.
    chrome
        .type_into(SCARF, "input[name=email]", "not-an-email")
        .await;
    chrome.click(SCARF, "button[type=submit]").await;
    chrome
        .wait_text(SCARF, "#email-error", |text| !text.is_empty())
        .await;
    check(&chrome, "field errors").await;

    // A confirmation with its cancel button.
    chrome
        .type_into(SCARF, "input[name=email]", "ana@example.com")
        .await;
    chrome.click(SCARF, "input[name=consent]").await;
    chrome.click(SCARF, "button[type=submit]").await;
    chrome
        .wait_text(SCARF, ".confirmation", |text| text.contains("reserved"))
        .await;
    check(&chrome, "confirmation").await;

    chrome.goto(&site.url("/product.html")).await;
    chrome.status("#tee-stock").await;
    check(&chrome, "product page").await;

    chrome.goto(&site.url("/collection.html")).await;
    chrome.status("li:last-child backorder-status").await;
    check(&chrome, "collection of badges").await;

    chrome.goto(&site.url("/?backorder-preview")).await;
    chrome
        .wait_text(SCARF, ".preview", |text| !text.is_empty())
        .await;
    check(&chrome, "merchant preview").await;
    chrome.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_works_with_the_keyboard_alone() {
    let site = Site::start(|_| {}).await;
    let chrome = Chrome::start().await;
    chrome.goto(&site.url("/")).await;
    chrome.status(SCARF).await;
    // Focus the scarf's email field, then only keys: type, Tab through, Space to tick, Enter to send.
    let email = chrome.inside(SCARF, "input[name=email]").await;
    email.click().await.unwrap();
    email.send_keys("ana@example.com").await.unwrap();
    let client = &chrome.client;
    let keys = |text: &'static str| async move {
        client
            .active_element()
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    };
    keys("\u{E004}").await; // Tab to the name
    keys("Ana").await;
    keys("\u{E004}").await; // Tab to the quantity
    keys("\u{E004}").await; // Tab to the consent checkbox
    keys(" ").await; // Space ticks it
    keys("\u{E007}").await; // Enter submits the form
    chrome
        .wait_text(SCARF, ".confirmation", |text| text.contains("reserved"))
        .await;
    assert_eq!(site.rows().len(), 1);
    assert_eq!(site.rows()[0].name.as_deref(), Some("Ana"));
    chrome.close().await;
}
