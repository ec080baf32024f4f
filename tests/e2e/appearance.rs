//! In the real browser against the real server: contrast computed from the rendered colours with
//! the system light or dark, on light and dark shops; one date for the form's quantity from the
//! page to the database; a form that fits a narrow column; a preview that fits a phone; no 404
//! for a favicon.

use std::path::PathBuf;

use serde_json::Value;

use crate::accessibility::violations;
use crate::browser::{Browser, Engine, Screen};
use crate::site::{Site, link_widget};

const SCARF: &str = r#"backorder-status[sku="SCARF-GREY"]"#;

/// Products in every state that shows words: a form of each kind, the partial note, a badge.
const WIDGETS: &str = r#"
  <backorder-status sku="SCARF-GREY"></backorder-status>
  <backorder-status sku="BAG-OLIVE" quantity="3"></backorder-status>
  <backorder-status sku="SHOE-TR2-42"></backorder-status>
  <backorder-status sku="LAMP-BRASS"></backorder-status>
  <backorder-status sku="MUG-SAND"></backorder-status>
  <backorder-status sku="SHIRT-LINEN-19"></backorder-status>
  <backorder-status sku="TEE-BLUE-S" mode="badge"></backorder-status>"#;

/// A page of the widget's own, served by the real server: `stylesheet` is a file, as the CSP
/// allows no inline style.
fn page(head: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="module" src="/backorder-widget.js" data-endpoint="/api/backorders"
        data-availability-url="/api/availability"></script>{head}</head>
<body><main class="column">{body}</main></body></html>"#
    )
}

/// Serves a folder of test pages beside the widget, on the same server and database.
async fn serve_pages(site: &mut Site, files: &[(&str, String)]) -> PathBuf {
    let pages = site.scratch("www");
    link_widget(&pages);
    for (name, text) in files {
        std::fs::write(pages.join(name), text).unwrap();
    }
    site.config.www = pages.clone();
    site.stop().await;
    site.restart().await;
    pages
}

/// Waits (up to 5 s) until every widget on the page has taken the `scheme` palette.
async fn wait_for_scheme(browser: &Browser, scheme: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let script = format!(
        "return [...document.querySelectorAll('backorder-status')].every((e) => \
         e.shadowRoot.querySelector('.widget').dataset.scheme === '{scheme}');"
    );
    while browser.eval(&script).await != Value::Bool(true) {
        assert!(
            std::time::Instant::now() < deadline,
            "the widgets never took the {scheme} palette"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Runs the contrast check; fails with every text or border below its ratio.
async fn check_contrast(browser: &Browser, what: &str) {
    let result = browser.eval(include_str!("contrast.js")).await;
    let failures: Vec<&str> = result["failures"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(failures.is_empty(), "{what}: {failures:#?}");
    assert!(
        result["texts"].as_u64().unwrap() >= 20 && result["fields"].as_u64().unwrap() >= 6,
        "{what}: too little was checked: {result}"
    );
}

/// Submits the scarf's empty form, so field errors show too.
async fn show_field_errors(browser: &Browser) {
    browser.click(SCARF, "button[type=submit]").await;
    browser
        .wait_text(SCARF, "#email-error", |text| !text.is_empty())
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_text_is_readable_on_light_and_dark_shops_with_the_system_light_or_dark() {
    let mut site = Site::start(|_| {}).await;
    // Most shops: no colours and no `color-scheme` of their own.
    let light = page("", WIDGETS);
    // A dark shop says so, and paints itself dark.
    let dark = page(r#"<link rel="stylesheet" href="dark.css">"#, WIDGETS);
    let dark_css = "html { color-scheme: dark; background: #0d1117; color: #e6edf3; }".to_owned();
    serve_pages(
        &mut site,
        &[
            ("light.html", light),
            ("dark.html", dark),
            ("dark.css", dark_css),
        ],
    )
    .await;
    let browser = Browser::chromium().await;
    for system_dark in [false, true] {
        browser.set_system_dark(system_dark).await;
        for (shop, scheme) in [("light", "light"), ("dark", "dark")] {
            let what = format!(
                "a {shop} shop, the system {}",
                if system_dark { "dark" } else { "light" }
            );
            browser.goto(&site.url(&format!("/{shop}.html"))).await;
            browser.every_status().await;
            show_field_errors(&browser).await;
            let schemes = browser
                .eval("return [...document.querySelectorAll('backorder-status')].map((e) => e.shadowRoot.querySelector('.widget').dataset.scheme);")
                .await;
            assert!(
                schemes
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|found| found == scheme),
                "{what}: {schemes}"
            );
            check_contrast(&browser, &what).await;
        }
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_themes_are_readable_and_pass_axe_with_the_system_dark() {
    let site = Site::start(|_| {}).await;
    let browser = Browser::chromium().await;
    browser.set_system_dark(true).await;
    browser.goto(&site.url("/")).await;
    browser.status(SCARF).await;
    show_field_errors(&browser).await;
    for (theme, scheme) in [
        ("", "dark"),
        ("theme-boutique", "light"),
        ("theme-terminal", "dark"),
    ] {
        browser
            .eval(&format!(
                "document.body.className = '{theme}'; return true;"
            ))
            .await;
        // The widgets hear the theme change and look again.
        wait_for_scheme(&browser, scheme).await;
        let what = format!("the demo, theme {theme:?}, the system dark");
        check_contrast(&browser, &what).await;
        let found = violations(&browser).await;
        assert!(found.is_empty(), "{what}: {found:#?}");
    }
    browser.close().await;
}

/// The Wool Scarf with 10 in the form: 12 units are promised already and the first batch has 8
/// left, so 10 need the second batch. The headline, the request, the confirmation and the
/// stored row all carry that one date.
async fn the_forms_quantity_sets_the_one_date_shown_sent_confirmed_and_stored(engine: Engine) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    let before = browser.status(SCARF).await;
    browser
        .eval(
            "window.__dates = [];
             document.addEventListener('backorder:status', (event) => {
               if (event.detail.sku === 'SCARF-GREY') window.__dates.push(event.detail.expected_date);
             });
             return true;",
        )
        .await;
    browser
        .type_into(SCARF, "input[name=email]", "ana@example.com")
        .await;
    browser.type_into(SCARF, "input[name=quantity]", "10").await;
    let after = browser
        .wait_text(SCARF, ".headline", |text| text != before)
        .await;
    assert!(after.starts_with("Backordered: ships by "), "{after}");
    let shown_date = after
        .trim_start_matches("Backordered: ships by ")
        .to_owned();
    let dates = browser.eval("return window.__dates;").await;
    let shown_iso = dates
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    browser.click(SCARF, "input[name=consent]").await;
    browser.click(SCARF, "button[type=submit]").await;
    let confirmation = browser
        .wait_text(SCARF, ".confirmation", |text| text.contains("reserved"))
        .await;
    assert!(
        confirmation.contains(&format!("Ships by {shown_date}.")),
        "the confirmation shows the date the headline showed ({shown_date}): {confirmation}"
    );
    let rows = site.rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].quantity, 10);
    assert_eq!(
        rows[0].shown_expected_date.as_deref(),
        Some(shown_iso.as_str())
    );
    assert_eq!(rows[0].expected_date.as_deref(), Some(shown_iso.as_str()));
    browser.close().await;
}

/// Every element of every widget inside its host's box, and nothing scrolling sideways.
const FITS: &str = "
  const failures = [];
  const page = document.scrollingElement;
  if (page.scrollWidth > page.clientWidth + 1) failures.push(`the page scrolls sideways: ${page.scrollWidth} > ${page.clientWidth}`);
  for (const host of document.querySelectorAll('backorder-status')) {
    const box = host.getBoundingClientRect();
    const container = host.parentElement.getBoundingClientRect();
    if (box.right > container.right + 1 || box.left < container.left - 1) failures.push(`${host.getAttribute('sku')} is wider than its column`);
    for (const element of host.shadowRoot.querySelectorAll('*')) {
      if (element.closest('.trap') || element.getClientRects().length === 0) continue;
      const inner = element.getBoundingClientRect();
      if (inner.right > box.right + 1 || inner.left < box.left - 1) {
        failures.push(`${host.getAttribute('sku')} ${element.tagName.toLowerCase()}.${element.className}: ${inner.left}-${inner.right} outside ${box.left}-${box.right}`);
      }
    }
  }
  return failures;";

async fn check_fits(browser: &Browser, what: &str) {
    let failures = browser.eval(FITS).await;
    assert_eq!(failures, Value::Array(Vec::new()), "{what}");
}

async fn the_form_fits_a_200_px_column_and_the_preview_fits_a_phone(engine: Engine) {
    let mut site = Site::start(|_| {}).await;
    let narrow = page(r#"<link rel="stylesheet" href="narrow.css">"#, WIDGETS);
    serve_pages(
        &mut site,
        &[
            ("narrow.html", narrow),
            ("narrow.css", ".column { width: 200px; }".to_owned()),
        ],
    )
    .await;
    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/narrow.html")).await;
    browser.every_status().await;
    show_field_errors(&browser).await;
    check_fits(&browser, "a 200 px column").await;
    let form_width = browser
        .eval(&format!(
            "return document.querySelector({SCARF:?}).shadowRoot.querySelector('form').getBoundingClientRect().width;"
        ))
        .await;
    assert!(form_width.as_f64().unwrap() <= 200.5, "{form_width}");

    // The demo's own pages, on a phone.
    let demo = Site::start(|_| {}).await;
    browser.set_viewport(390, 844).await;
    browser.goto(&demo.url("/?backorder-preview")).await;
    browser
        .wait_text(SCARF, ".preview", |text| !text.is_empty())
        .await;
    check_fits(&browser, "the preview on a phone").await;
    browser
        .goto(&demo.url("/collection.html?backorder-preview"))
        .await;
    browser
        .wait_text("li:last-child backorder-status", ".preview", |text| {
            !text.is_empty()
        })
        .await;
    check_fits(&browser, "the collection's preview on a phone").await;
    let forms = browser
        .eval("return [...document.querySelectorAll('backorder-status')].filter((e) => e.shadowRoot.querySelector('form')).length;")
        .await;
    assert_eq!(forms, 0, "badges preview no forms");
    browser.close().await;
}

async fn every_demo_page_names_a_favicon_that_is_served(engine: Engine) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start(engine).await;
    for path in ["/", "/product.html", "/collection.html"] {
        browser.goto(&site.url(path)).await;
        let icon = browser
            .eval("const link = document.querySelector('link[rel=icon]'); return link ? link.href : null;")
            .await;
        let icon = icon.as_str().unwrap_or_else(|| {
            panic!("{path} names no icon, so the browser asks for /favicon.ico")
        });
        let status = reqwest::get(icon).await.unwrap().status();
        assert_eq!(status, 200, "{path}: {icon}");
    }
    browser.close().await;
}

in_every_browser!(
    the_forms_quantity_sets_the_one_date_shown_sent_confirmed_and_stored,
    every_demo_page_names_a_favicon_that_is_served,
    the_form_fits_a_200_px_column_and_the_preview_fits_a_phone,
);

/// What the widget's own defaults compute to on the demo page: its accent (the scarf's button),
/// the in-stock dot, its palette, and how long the button's transition lasts.
const DEFAULTS: &str = "
  const root = (sku) => document.querySelector(`backorder-status[sku=${sku}]`).shadowRoot;
  const button = root('SCARF-GREY').querySelector('button[type=submit]');
  const dot = getComputedStyle(root('TEE-RED-M').querySelector('.headline'), '::before');
  return {
    scheme: root('SCARF-GREY').querySelector('.widget').dataset.scheme,
    accent: getComputedStyle(button).backgroundColor,
    in_stock: dot.color,
    transition: getComputedStyle(button).transitionDuration,
  };";

/// The system's dark setting gives the widget its dark default palette, and reduced motion
/// stops its one transition: read back from computed styles, with both emulated in Chromium.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_systems_dark_and_reduced_motion_reach_the_widgets_own_defaults() {
    let site = Site::start(|_| {}).await;
    let browser = Browser::chromium().await;
    browser.set_system_dark(false).await;
    browser.goto(&site.url("/")).await;
    browser.every_status().await;
    wait_for_scheme(&browser, "light").await;
    assert_eq!(
        browser.eval(DEFAULTS).await,
        serde_json::json!({
            "scheme": "light", "accent": "rgb(7, 87, 186)", "in_stock": "rgb(26, 127, 55)",
            "transition": "0.15s"
        })
    );
    let dark = serde_json::json!({
        "scheme": "dark", "accent": "rgb(88, 166, 255)", "in_stock": "rgb(63, 185, 80)",
        "transition": "0.15s"
    });
    browser.set_system_dark(true).await;
    wait_for_scheme(&browser, "dark").await;
    assert_eq!(browser.eval(DEFAULTS).await, dark, "the dark defaults");
    browser
        .set_media(&[
            ("prefers-color-scheme", "dark"),
            ("prefers-reduced-motion", "reduce"),
        ])
        .await;
    let mut still = dark;
    still["transition"] = "0s".into();
    assert_eq!(
        browser.eval(DEFAULTS).await,
        still,
        "reduced motion stops the transition and changes nothing else"
    );
    browser.close().await;
}

/// Every element of the demo page on the screen, sideways, and the demo's own controls (its
/// links, theme picker and quantity, and each variant radio's label, which is what a thumb
/// touches) at least 44 px tall.
const DEMO_FITS: &str = "
  const failures = [];
  const screen = document.documentElement.clientWidth;
  for (const element of document.body.querySelectorAll('*')) {
    if (element.getClientRects().length === 0) continue;
    const box = element.getBoundingClientRect();
    const name = `<${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''} ${element.className}>`;
    if (box.right > screen + 1 || box.left < -1) failures.push(`${name} is at ${box.left}-${box.right} of ${screen}`);
    if (element.matches('a, select, input:not([type=radio]), fieldset label') && box.height < 43.5) failures.push(`${name} ${element.textContent.trim()} is ${box.height} px tall`);
  }
  return failures;";

/// The demo storefront's three pages, as a newcomer first sees them, fit a desktop and a phone.
async fn the_demo_pages_fit_the_screen(engine: Engine, screen: Screen) {
    let site = Site::start(|_| {}).await;
    let browser = Browser::start_at(engine, screen).await;
    for (path, name) in [
        ("/", "index"),
        ("/product.html", "product"),
        ("/collection.html", "collection"),
    ] {
        browser.goto(&site.url(path)).await;
        browser.every_status().await;
        let what = format!("{path} at {}", screen.name());
        browser.check_layout(&what).await;
        let failures = browser.eval(DEMO_FITS).await;
        assert_eq!(failures, Value::Array(Vec::new()), "{what}");
        browser
            .screenshot(&format!("{}-demo-{name}", screen.name()))
            .await;
    }
    browser.close().await;
}

in_every_browser_and_screen!(the_demo_pages_fit_the_screen);
