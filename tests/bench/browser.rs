//! Against the real server: time to first status on a product page (stock inline, and stock from
//! the server), and a collection page of 200 badges.
//!
//! Times come from the page's own Performance timeline, so WebDriver's round trips are not in
//! them: from `backorder-widget:start` (the loader module starts; it and the glue are already
//! loaded) to `backorder-widget:first-status` (the widget's first `backorder:status`), or to
//! `bench:all-statuses` (set by `probe.js` when every element on the page has reported one).
//!
//! Each page gets a fresh browser. Its first load is reported on its own as the cold load (empty
//! HTTP cache: the `.wasm` is downloaded and compiled); the loads after it are the warm loads a
//! shopper browsing the shop gets.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use crate::catalog;
use crate::site::Site;
use crate::stats::{Spread, round};
use crate::webdriver;

/// Warm loads per product page (the issue asks for at least 20).
const PRODUCT_LOADS: usize = 25;
/// Warm loads of the collection page.
const COLLECTION_LOADS: usize = 10;
/// Badges on the collection page.
const BADGES: usize = 200;
/// The product pages show this SKU: backordered, so the full widget renders its request form.
const PRODUCT_SKU: &str = "BENCH-003";
/// Set by the widget at its first `backorder:status`.
const FIRST_STATUS: &str = "backorder-widget:first-status";
/// Set by `probe.js` once every element on the page has reported a status.
const ALL_STATUSES: &str = "bench:all-statuses";
/// How long one page may take to report before the bench gives up on it.
const PAGE_TIMEOUT_MS: u64 = 20_000;

#[derive(Debug, Clone, Serialize)]
pub struct Browser {
    /// Time to first status with the stock inline in the page.
    pub first_status_inline: PageLoads,
    /// Time to first status with the stock from `GET /api/availability`.
    pub first_status_from_server: PageLoads,
    pub collection: Collection,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLoads {
    /// The first load in a fresh browser.
    pub cold_ms: f64,
    pub warm_ms: Spread,
}

#[derive(Debug, Clone, Serialize)]
pub struct Collection {
    pub badges: usize,
    /// `GET /api/availability` requests, per load (cold first).
    pub availability_requests: Vec<u64>,
    /// How many SKUs each of those requests asked for, per load (cold first).
    pub skus_per_request: Vec<Vec<u64>>,
    /// Until every badge has reported a status.
    pub all_statuses: PageLoads,
}

/// What one page load reported.
struct Load {
    ms: f64,
    /// The SKUs each `GET /api/availability` asked for.
    skus_per_request: Vec<u64>,
}

/// Loads the pages with the widget built in `www` (the repository's, or another commit's).
pub async fn measure(www: &Path) -> Result<Browser, String> {
    let mut site = Site::start(|_| {}).await;
    let today = catalog::today();
    let catalog_path = site.scratch("catalog").join("catalog.json");
    catalog::write(&catalog_path, &catalog::collection(today, BADGES))?;
    let pages = site.scratch("www");
    link_widget(&pages, www);
    site.config.catalog = Some(catalog_path);
    // A catalog file seeds an empty database only: the bench's own stock gets a fresh one.
    site.config.database = site.scratch("bench-db").join("backorders.sqlite3");
    site.config.www = pages.clone();
    site.stop().await;
    site.restart().await;
    write_pages(&site, &pages).await?;

    let inline = loads(&site, "inline.html", FIRST_STATUS, PRODUCT_LOADS).await?;
    let server = loads(&site, "server.html", FIRST_STATUS, PRODUCT_LOADS).await?;
    let collection = loads(&site, "collection.html", ALL_STATUSES, COLLECTION_LOADS).await?;
    site.stop().await;
    Ok(Browser {
        first_status_inline: summarise(&inline)?,
        first_status_from_server: summarise(&server)?,
        collection: Collection {
            badges: BADGES,
            availability_requests: collection
                .iter()
                .map(|load| load.skus_per_request.len() as u64)
                .collect(),
            skus_per_request: collection
                .iter()
                .map(|load| load.skus_per_request.clone())
                .collect(),
            all_statuses: summarise(&collection)?,
        },
    })
}

/// Serves the widget built in `www` from the bench's own page folder.
fn link_widget(pages: &Path, www: &Path) {
    for name in ["backorder-widget.js", "pkg", "wording", "demo.css"] {
        let target = pages.join(name);
        if !target.exists() {
            std::os::unix::fs::symlink(www.join(name), target).expect("a link to the widget");
        }
    }
}

fn summarise(loads: &[Load]) -> Result<PageLoads, String> {
    let (cold, warm) = loads.split_first().ok_or("no page loads")?;
    let warm: Vec<f64> = warm.iter().map(|load| load.ms).collect();
    Ok(PageLoads {
        cold_ms: round(cold.ms, 1),
        warm_ms: Spread::of(&warm, 1).ok_or("no warm page loads")?,
    })
}

/// One cold load and `warm` warm loads of `page` in a fresh browser.
async fn loads(site: &Site, page: &str, end_mark: &str, warm: usize) -> Result<Vec<Load>, String> {
    let chrome = webdriver::Browser::chromium().await;
    let mut loads = Vec::with_capacity(warm + 1);
    for index in 0..=warm {
        // A new query string each time: a new document, never one restored from the back-forward
        // cache. The widget's files keep their URLs, so they come from the HTTP cache.
        chrome
            .goto(&site.url(&format!("/{page}?load={index}")))
            .await;
        match load(&chrome, end_mark).await {
            Ok(load) => loads.push(load),
            Err(error) => {
                chrome.close().await;
                return Err(format!("{page}, load {index}: {error}"));
            }
        }
    }
    chrome.close().await;
    Ok(loads)
}

/// Waits for `end_mark`, then reads the measure and the availability requests.
async fn load(chrome: &webdriver::Browser, end_mark: &str) -> Result<Load, String> {
    // A `PerformanceObserver` on buffered marks answers as soon as the mark exists (or at once if
    // it already does) without polling the page while it works.
    let script = r"
        const [endMark, timeoutMs, done] = arguments;
        let finished = false;
        const finish = (result) => {
          if (finished) return;
          finished = true;
          observer.disconnect();
          clearTimeout(timer);
          done(result);
        };
        const check = () => {
          if (window.__bench.errors.length > 0) {
            finish({error: 'the widget reported ' + window.__bench.errors.join('; ')});
          } else if (performance.getEntriesByName(endMark).length > 0) {
            const measure = performance.measure('bench', 'backorder-widget:start', endMark);
            const requests = performance.getEntriesByType('resource')
              .filter((entry) => entry.name.includes('/api/availability'))
              .map((entry) => new URL(entry.name).searchParams.getAll('sku').length);
            finish({ms: measure.duration, requests});
          }
        };
        const observer = new PerformanceObserver(check);
        const timer = setTimeout(() => finish({error: 'no ' + endMark + ' within ' + timeoutMs + ' ms'}), timeoutMs);
        observer.observe({type: 'mark', buffered: true});
        document.addEventListener('backorder:error', check);
        check();";
    let result = chrome
        .client
        .execute_async(script, vec![json!(end_mark), json!(PAGE_TIMEOUT_MS)])
        .await
        .map_err(|error| format!("WebDriver: {error}"))?;
    if let Some(error) = result.get("error").and_then(Value::as_str) {
        return Err(error.to_owned());
    }
    let ms = result
        .get("ms")
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("the page answered {result}"))?;
    if end_mark == ALL_STATUSES {
        // The events said every element has a status; the shadow roots must agree, or the
        // time measured is not the time until every badge shows one.
        let shown = shown_statuses(chrome).await;
        let elements = chrome
            .eval("return document.querySelectorAll('backorder-status').length;")
            .await
            .as_u64()
            .unwrap_or_default();
        if shown != elements {
            return Err(format!(
                "{shown} of {elements} elements show a status after every one reported it"
            ));
        }
    }
    let skus_per_request = result
        .get("requests")
        .and_then(Value::as_array)
        .map(|requests| requests.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    Ok(Load {
        ms,
        skus_per_request,
    })
}

/// Elements whose headline shows a status (not empty, not "Checking availability…").
async fn shown_statuses(chrome: &webdriver::Browser) -> u64 {
    chrome
        .eval(
            "return [...document.querySelectorAll('backorder-status')].filter((element) => {
               const headline = element.shadowRoot && element.shadowRoot.querySelector('.headline');
               return headline && headline.textContent && !headline.textContent.startsWith('Checking');
             }).length;",
        )
        .await
        .as_u64()
        .unwrap_or_default()
}

/// The product page twice (stock inline, stock from the server), the collection page, and the
/// probe they all load first. Everything is a file: the server's CSP allows no inline script.
async fn write_pages(site: &Site, pages: &Path) -> Result<(), String> {
    let write = |name: &str, content: &str| {
        std::fs::write(pages.join(name), content)
            .map_err(|error| format!("cannot write {name}: {error}"))
    };
    write("probe.js", PROBE)?;
    // The inline page carries exactly what the server would answer, so the two product pages
    // differ only in where the stock comes from.
    let stock = server_stock(site).await?;
    let product = |script: &str, extra: &str| {
        page(
            script,
            &format!(
                r#"<h1>Bench item 3</h1>
<backorder-status sku="{PRODUCT_SKU}"></backorder-status>{extra}"#
            ),
        )
    };
    write(
        "inline.html",
        &product(
            r##"data-endpoint="/api/backorders" data-stock="#stock""##,
            &format!(
                r#"
<script type="application/json" id="stock">{}</script>"#,
                stock.to_string().replace('<', "\\u003c")
            ),
        ),
    )?;
    write(
        "server.html",
        &product(
            r#"data-endpoint="/api/backorders" data-availability-url="/api/availability""#,
            "",
        ),
    )?;
    let badges: String = (0..BADGES)
        .map(|index| {
            let sku = catalog::collection_sku(index);
            format!(
                "<li>Item {} <backorder-status mode=\"badge\" sku=\"{sku}\"></backorder-status></li>\n",
                index + 1
            )
        })
        .collect();
    write(
        "collection.html",
        &page(
            r#"data-availability-url="/api/availability""#,
            &format!("<h1>Collection</h1>\n<ul>\n{badges}</ul>"),
        ),
    )
}

/// `GET /api/availability?sku=PRODUCT_SKU`, as the server answers it.
async fn server_stock(site: &Site) -> Result<Value, String> {
    let url = site.url(&format!("/api/availability?sku={PRODUCT_SKU}"));
    let answer = async {
        reqwest::get(&url)
            .await?
            .error_for_status()?
            .json::<Value>()
            .await
    };
    let stock = tokio::time::timeout(Duration::from_secs(10), answer)
        .await
        .map_err(|_| format!("{url} did not answer"))?
        .map_err(|error| format!("{url}: {error}"))?;
    if stock["items"].as_array().is_none_or(Vec::is_empty) {
        return Err(format!("{url} has no item: {stock}"));
    }
    Ok(stock)
}

fn page(script_settings: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bench</title>
<script src="/probe.js"></script>
<script type="module" src="/backorder-widget.js" {script_settings}></script>
</head><body>
{body}
</body></html>
"#
    )
}

/// Loaded before the widget on every bench page: marks the moment every `<backorder-status>` has
/// reported a status, and keeps the widget's errors so the bench can stop with them.
/// The mark it sets is [`ALL_STATUSES`].
const PROBE: &str = "(() => {
  window.__bench = { errors: [] };
  // 200 badges and their files must all fit in the timeline, whatever its default size.
  performance.setResourceTimingBufferSize(1000);
  const reported = new Set();
  document.addEventListener('backorder:status', (event) => {
    reported.add(event.target);
    const all = document.querySelectorAll('backorder-status').length;
    if (reported.size === all && performance.getEntriesByName('bench:all-statuses').length === 0) {
      performance.mark('bench:all-statuses');
    }
  });
  document.addEventListener('backorder:error', (event) => {
    window.__bench.errors.push(`${event.detail.code}: ${event.detail.message}`);
  });
})();
";
