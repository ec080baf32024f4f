//! A headless Chromium session through ChromeDriver, with the few helpers the tests need to
//! reach inside the widget's shadow root the way WebDriver does (no page-side test hooks).

use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

use axum::http::Method;
use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::process::{Child, Command};
use url::Url;

/// A browser for one test. Dropping it kills ChromeDriver (and so Chromium).
pub struct Chrome {
    pub client: Client,
    driver: Child,
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap()
}

impl Chrome {
    pub async fn start() -> Self {
        Self::start_with_args(&[]).await
    }

    /// A browser that resolves `host` to this machine, to load pages from a name that is not
    /// `localhost` (nothing leaves the machine).
    pub async fn start_with_host(host: &str) -> Self {
        Self::start_with_args(&[format!("--host-resolver-rules=MAP {host} 127.0.0.1")]).await
    }

    async fn start_with_args(extra: &[String]) -> Self {
        let port = free_port();
        let driver_path =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned());
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts (make test installs it)");
        let url = format!("http://127.0.0.1:{port}");
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--window-size=1280,1800",
            "--lang=en-US",
        ]
        .map(str::to_owned)
        .to_vec();
        args.extend_from_slice(extra);
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": std::env::var("CHROME_BINARY").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()),
                "args": args,
            }),
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let mut builder = ClientBuilder::new(HttpConnector::new());
            builder.capabilities(capabilities.clone());
            match builder.connect(&url).await {
                Ok(client) => break client,
                Err(error) if Instant::now() > deadline => panic!("no WebDriver session: {error}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Self { client, driver }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client.execute(script, Vec::new()).await.unwrap()
    }

    /// An element inside the shadow root of the `<backorder-status>` matching `host`.
    pub async fn inside(&self, host: &str, selector: &str) -> Element {
        let host_element = self
            .client
            .wait()
            .for_element(Locator::Css(host))
            .await
            .unwrap();
        let root = host_element.shadow_root().await.unwrap();
        root.find(Locator::Css(selector)).await.unwrap()
    }

    /// The text of `selector` inside a widget, or "" when it is not there.
    pub async fn text(&self, host: &str, selector: &str) -> String {
        let script = format!(
            "const host = document.querySelector({host:?}); \
             const node = host && host.shadowRoot && host.shadowRoot.querySelector({selector:?}); \
             return node ? node.textContent : '';"
        );
        self.eval(&script)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits (up to 15 s) until `check` holds for the text of `selector` inside a widget.
    pub async fn wait_text(
        &self,
        host: &str,
        selector: &str,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let text = self.text(host, selector).await;
            if check(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{host} {selector} never matched; last text: {text:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until a widget shows a status other than "Checking availability…".
    pub async fn status(&self, host: &str) -> String {
        self.wait_text(host, ".headline", |text| {
            !text.is_empty() && !text.starts_with("Checking")
        })
        .await
    }

    /// Types into a field inside a widget, as a shopper would.
    pub async fn type_into(&self, host: &str, selector: &str, text: &str) {
        let field = self.inside(host, selector).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, host: &str, selector: &str) {
        self.inside(host, selector).await.click().await.unwrap();
    }

    /// Takes the browser off the network (or back on), as DevTools' "Offline" does: requests
    /// fail, `navigator.onLine` changes and the page hears `offline` / `online`.
    pub async fn set_offline(&self, offline: bool) {
        self.client
            .issue_cmd(NetworkConditions { offline })
            .await
            .unwrap();
    }

    /// Emulates the system's light or dark setting (`prefers-color-scheme`), as DevTools'
    /// rendering panel does, through the Chrome DevTools Protocol.
    pub async fn set_system_dark(&self, dark: bool) {
        let value = if dark { "dark" } else { "light" };
        self.client
            .issue_cmd(Cdp {
                command: "Emulation.setEmulatedMedia",
                params: json!({"features": [{"name": "prefers-color-scheme", "value": value}]}),
            })
            .await
            .unwrap();
    }

    /// Lays the page out as a screen `width` × `height` CSS pixels wide would (a phone at 390),
    /// as DevTools' device mode does.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        self.client
            .issue_cmd(Cdp {
                command: "Emulation.setDeviceMetricsOverride",
                params: json!({
                    "width": width, "height": height, "deviceScaleFactor": 1,
                    "mobile": width < 600
                }),
            })
            .await
            .unwrap();
    }

    /// Saves what the pages download into `folder`.
    pub async fn allow_downloads(&self, folder: &std::path::Path) {
        self.client
            .issue_cmd(Cdp {
                command: "Browser.setDownloadBehavior",
                params: json!({"behavior": "allow", "downloadPath": folder}),
            })
            .await
            .unwrap();
    }

    pub async fn close(self) {
        let Self { client, mut driver } = self;
        let _ = client.close().await;
        let _ = driver.kill().await;
    }
}

/// ChromeDriver's own command for network emulation.
#[derive(Debug)]
struct NetworkConditions {
    offline: bool,
}

impl WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        let conditions = json!({"network_conditions": {
            "offline": self.offline, "latency": 0, "download_throughput": -1, "upload_throughput": -1
        }});
        (Method::POST, Some(conditions.to_string()))
    }
}

/// A Chrome DevTools Protocol command, through ChromeDriver's own endpoint for them.
#[derive(Debug)]
struct Cdp {
    command: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        let body = json!({"cmd": self.command, "params": self.params});
        (Method::POST, Some(body.to_string()))
    }
}
