//! axe-core comes from npm, installed by `make test`. The demo pages are checked in every state,
//! with field errors and a confirmation shown, in the default theme and both demo themes.

use fantoccini::key::Key;
use serde_json::Value;

use crate::browser::{Browser, Engine};
use crate::site::Site;

const SCARF: &str = r#"backorder-status[sku="SCARF-GREY"]"#;

/// Runs axe on the current page and returns one line per violation.
pub async fn violations(browser: &Browser) -> Vec<String> {
    let axe = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/tools/node_modules/axe-core/axe.min.js");
    let source =
        std::fs::read_to_string(&axe).expect("axe-core is installed by `make test` (.ci/tools.sh)");
    browser
        .eval(&format!("{source}\n;return typeof window.axe;"))
        .await;
    let result = browser
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

async fn check(browser: &Browser, what: &str) {
    let found = violations(browser).await;
    assert!(found.is_empty(), "{what}: {found:#?}");
}

async fn the_demo_pages_have_no_accessibility_violations(engine: Engine) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start(engine).await;

    browser.goto(&site.url("/")).await;
    browser.status(SCARF).await;
    check(&browser, "every state").await;
    for theme in ["theme-boutique", "theme-terminal"] {
        browser
            .eval(&format!(
                "document.body.className = '{theme}'; return true;"
            ))
            .await;
        check(&browser, theme).await;
    }
    browser
        .eval("document.body.className = ''; return true;")
        .await;

    // Field errors shown and tied to their fields.
    browser
        .type_into(SCARF, "input[name=email]", "not-an-email")
        .await;
    browser.click(SCARF, "button[type=submit]").await;
    browser
        .wait_text(SCARF, "#email-error", |text| !text.is_empty())
        .await;
    check(&browser, "field errors").await;

    // A confirmation with its cancel button.
    browser
        .type_into(SCARF, "input[name=email]", "ana@example.com")
        .await;
    browser.click(SCARF, "input[name=consent]").await;
    browser.click(SCARF, "button[type=submit]").await;
    browser
        .wait_text(SCARF, ".confirmation", |text| text.contains("reserved"))
        .await;
    check(&browser, "confirmation").await;

    browser.goto(&site.url("/product.html")).await;
    browser.status("#tee-stock").await;
    check(&browser, "product page").await;

    browser.goto(&site.url("/collection.html")).await;
    browser.status("li:last-child backorder-status").await;
    check(&browser, "collection of badges").await;

    browser.goto(&site.url("/?backorder-preview")).await;
    browser
        .wait_text(SCARF, ".preview", |text| !text.is_empty())
        .await;
    check(&browser, "merchant preview").await;
    browser.close().await;
}

async fn everything_works_with_the_keyboard_alone(engine: Engine) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    browser.status(SCARF).await;
    // Put the caret in the scarf's email field, then only keys, pressed on whatever has the
    // focus as a keyboard would: type, Tab through, Space to tick, Enter to send.
    browser
        .eval(&format!(
            "document.querySelector({SCARF:?}).shadowRoot.querySelector('input[name=email]').focus(); return true;"
        ))
        .await;
    browser.press("ana@example.com").await;
    browser.press(&Key::Tab.to_string()).await; // to the name
    browser.press("Ana").await;
    browser.press(&Key::Tab.to_string()).await; // to the quantity
    browser.press(&Key::Tab.to_string()).await; // to the consent checkbox
    browser.press(" ").await; // Space ticks it
    browser.press(&Key::Enter.to_string()).await; // Enter submits the form
    browser
        .wait_text(SCARF, ".confirmation", |text| text.contains("reserved"))
        .await;
    assert_eq!(site.rows().len(), 1);
    assert_eq!(site.rows()[0].name.as_deref(), Some("Ana"));
    browser.close().await;
}

/// Starts counting what a screen reader would hear from the product widget's live region: one
/// entry per batch of changes to it (a reader announces a batch once), with its text then,
/// unless the region says it is busy (`aria-busy`), when readers wait for it to finish.
const LISTEN: &str = "
  const status = document.querySelector('#tee-stock').shadowRoot.querySelector('[role=status]');
  window.__heard = [];
  new MutationObserver(() => {
    if (status.getAttribute('aria-busy') !== 'true') window.__heard.push(status.textContent);
  }).observe(status, {subtree: true, childList: true, characterData: true, attributes: true});
  return status.textContent;";

/// Each variant switch on the product page is announced exactly once, with the new variant's
/// status: never "Checking availability…" first (shown while the stock loads, but busy), never
/// twice over, and once even when the new variant is in the same state as the old.
async fn each_state_change_is_announced_once(engine: Engine) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/product.html")).await;
    assert_eq!(browser.status("#tee-stock").await, "In stock");
    browser.eval(LISTEN).await;
    let mut expected: Vec<String> = Vec::new();
    for (variant, headline) in [
        ("TEE-BLUE-S", "Backordered: ships by"),
        ("TEE-BLACK-M", "Out of stock"),
        ("TEE-RED-M", "In stock"),
        ("TEE-RED-S", "In stock"),
    ] {
        browser
            .eval(&format!(
                "document.querySelector('input[value={variant}]').click(); return true;"
            ))
            .await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while browser.eval("return window.__heard.length;").await != expected.len() + 1 {
            assert!(
                std::time::Instant::now() < deadline,
                "switching to {variant} was never announced in {}",
                engine.name()
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let now = browser.text("#tee-stock", "[role=status]").await;
        assert!(now.starts_with(headline), "{variant}: {now}");
        expected.push(now);
        // Long enough for a second, stray announcement to show up.
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let heard = browser.eval("return window.__heard;").await;
        assert_eq!(
            heard,
            serde_json::json!(expected),
            "after switching to {variant} in {}",
            engine.name()
        );
    }
    browser.close().await;
}

in_every_browser!(
    each_state_change_is_announced_once,
    the_demo_pages_have_no_accessibility_violations,
    everything_works_with_the_keyboard_alone,
);
