//! Headless Chromium (ChromeDriver), headless Firefox (geckodriver), and WebKit's MiniBrowser on a
//! virtual X display (WebKitWebDriver under Xvfb). With the few helpers the tests need to reach
//! inside the widget's shadow root the way WebDriver does (no page-side test hooks).

/// The commands ChromeDriver adds to WebDriver: network emulation, and the DevTools protocol.
mod chromedriver;
/// Starting and stopping each engine's WebDriver server and what it needs beside it.
mod launch;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::process::Child;

use chromedriver::{Cdp, NetworkConditions};
use launch::{Folder, Launch, launch_chromium, launch_firefox, launch_webkit, stop_group};

/// The three engines shoppers' browsers are built on: Chrome and Edge (Chromium), Firefox
/// (Gecko), and every browser on an iPhone (WebKit, Safari's engine).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
    WebKit,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Self::Chromium => "chromium",
            Self::Firefox => "firefox",
            Self::WebKit => "webkit",
        }
    }
}

/// The two screens the shopping tests run at: a laptop, and a phone (an iPhone 12 to 15's
/// 390 × 844 CSS pixels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Desktop,
    Phone,
}

impl Screen {
    pub fn size(self) -> (u32, u32) {
        match self {
            Self::Desktop => (1280, 1800),
            Self::Phone => (390, 844),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Desktop => "desktop",
            Self::Phone => "phone",
        }
    }
}

/// A browser for one test, through its engine's WebDriver server. Dropping it, also when a test
/// fails, stops the driver's process group (the browser with it), WebKit's X display, and
/// removes Firefox's profile.
pub struct Browser {
    pub client: Client,
    pub engine: Engine,
    driver: Child,
    display: Option<Child>,
    _profile: Option<Folder>,
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap()
}

impl Browser {
    /// Chromium, for the tests that need what only ChromeDriver offers (network emulation and
    /// the DevTools protocol).
    pub async fn chromium() -> Self {
        Self::start(Engine::Chromium).await
    }

    pub async fn start(engine: Engine) -> Self {
        let port = free_port();
        let Launch {
            driver,
            capabilities,
            display,
            profile,
        } = match engine {
            Engine::Chromium => launch_chromium(port),
            Engine::Firefox => launch_firefox(port),
            Engine::WebKit => launch_webkit(port).await,
        };
        let Value::Object(capabilities) = capabilities else {
            unreachable!("capabilities are an object")
        };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let mut builder = ClientBuilder::new(HttpConnector::new());
            builder.capabilities(capabilities.clone());
            match builder.connect(&url).await {
                Ok(client) => break client,
                Err(error) if Instant::now() > deadline => {
                    panic!("no {} WebDriver session: {error}", engine.name())
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        let browser = Self {
            client,
            engine,
            driver,
            display,
            _profile: profile,
        };
        if engine != Engine::Chromium {
            browser.set_viewport(1280, 1800).await;
        }
        browser
    }

    /// Starts `engine` and lays its pages out at `screen`'s size.
    pub async fn start_at(engine: Engine, screen: Screen) -> Self {
        let browser = Self::start(engine).await;
        if screen != Screen::Desktop {
            let (width, height) = screen.size();
            browser.set_viewport(width, height).await;
        }
        browser
    }

    /// Lays the page out as a screen `width` × `height` CSS pixels would (a phone at 390).
    /// Chromium emulates the device, as DevTools' device mode does, with the page's
    /// `<meta name="viewport">` honoured; Firefox and WebKit size the window, whose inside is
    /// the viewport in both (Firefox with its toolbars hidden, MiniBrowser full screen).
    pub async fn set_viewport(&self, width: u32, height: u32) {
        if self.engine == Engine::Chromium {
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
            return;
        }
        // The window's new size reaches the page a moment later (in WebKit, once GTK has
        // resized the window): wait until the page has exactly the size asked for.
        self.client.set_window_size(width, height).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let inner = self
                .eval("return [window.innerWidth, window.innerHeight];")
                .await;
            if inner == json!([width, height]) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} never laid pages out at {width} × {height}: {inner}",
                self.engine.name()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Saves a picture of the viewport as `target/screenshots/<engine>-<name>.png`, to look at.
    pub async fn screenshot(&self, name: &str) {
        let folder =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&folder).unwrap();
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(
            folder.join(format!("{}-{name}.png", self.engine.name())),
            png,
        )
        .unwrap();
    }

    /// Checks the page's boxes as laid out, with `getBoundingClientRect`: the page never scrolls
    /// sideways; every widget stays inside its container and the screen; everything inside a
    /// widget stays inside the widget; and every control a shopper touches is at least 44 × 44
    /// CSS pixels (a checkbox together with its label, which toggles it too). Fails naming each
    /// box that does not fit.
    pub async fn check_layout(&self, what: &str) {
        let failures = self.eval(LAYOUT).await;
        assert_eq!(
            failures,
            Value::Array(Vec::new()),
            "{what} in {}",
            self.engine.name()
        );
    }

    fn only_chromium(&self, what: &str) {
        assert_eq!(
            self.engine,
            Engine::Chromium,
            "{what} goes through ChromeDriver; run this test in Chromium only"
        );
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

    /// Waits until every widget on the page shows a status other than "Checking availability…".
    pub async fn every_status(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        let script = "return [...document.querySelectorAll('backorder-status')].filter((host) => {
              const headline = host.shadowRoot && host.shadowRoot.querySelector('.headline');
              return !headline || !headline.textContent || headline.textContent.startsWith('Checking');
            }).map((host) => host.getAttribute('sku') || host.id);";
        loop {
            let waiting = self.eval(script).await;
            if waiting == json!([]) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "these widgets never showed a status: {waiting}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Presses and releases each key of `keys` in turn on whatever has the focus, as a
    /// keyboard does (WebDriver's actions, which need no element to send them to).
    pub async fn press(&self, keys: &str) {
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client.perform_actions(actions).await.unwrap();
    }

    /// Types into a field inside a widget, as a shopper would.
    pub async fn type_into(&self, host: &str, selector: &str, text: &str) {
        let field = self.inside(host, selector).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Scrolls the page so `host` starts at the top of the screen, for a screenshot of it.
    pub async fn scroll_to(&self, host: &str) {
        self.eval(&format!(
            "document.querySelector({host:?}).scrollIntoView({{block: 'start'}}); return true;"
        ))
        .await;
    }

    pub async fn click(&self, host: &str, selector: &str) {
        self.inside(host, selector).await.click().await.unwrap();
    }

    /// Takes the browser off the network (or back on), as DevTools' "Offline" does: requests
    /// fail, `navigator.onLine` changes and the page hears `offline` / `online`.
    pub async fn set_offline(&self, offline: bool) {
        self.only_chromium("network emulation");
        self.client
            .issue_cmd(NetworkConditions { offline })
            .await
            .unwrap();
    }

    /// Emulates the system's light or dark setting (`prefers-color-scheme`), as DevTools'
    /// rendering panel does, through the Chrome DevTools Protocol.
    pub async fn set_system_dark(&self, dark: bool) {
        let value = if dark { "dark" } else { "light" };
        self.set_media(&[("prefers-color-scheme", value)]).await;
    }

    /// Emulates the system's media features, such as `("prefers-reduced-motion", "reduce")`,
    /// through the Chrome DevTools Protocol; the ones not named go back to the real system's.
    pub async fn set_media(&self, features: &[(&str, &str)]) {
        self.only_chromium("media emulation");
        let features: Vec<Value> = features
            .iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect();
        self.client
            .issue_cmd(Cdp {
                command: "Emulation.setEmulatedMedia",
                params: json!({ "features": features }),
            })
            .await
            .unwrap();
    }

    /// Saves what the pages download into `folder`.
    pub async fn allow_downloads(&self, folder: &std::path::Path) {
        self.only_chromium("download behaviour");
        self.client
            .issue_cmd(Cdp {
                command: "Browser.setDownloadBehavior",
                params: json!({"behavior": "allow", "downloadPath": folder}),
            })
            .await
            .unwrap();
    }

    /// Ends the WebDriver session, so the browser quits on its own, then stops the rest.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// Also when a test fails halfway: the driver's process group (the browser with it) and the
/// display are stopped, then the Firefox profile is removed (the fields drop after this).
impl Drop for Browser {
    fn drop(&mut self) {
        stop_group(&mut self.driver);
        if let Some(display) = &mut self.display {
            stop_group(display);
        }
    }
}

const LAYOUT: &str = "
  const failures = [];
  const page = document.scrollingElement;
  if (page.scrollWidth > page.clientWidth + 1) failures.push(`the page scrolls sideways: ${page.scrollWidth} > ${page.clientWidth}`);
  const screen = document.documentElement.clientWidth;
  const outside = (inner, outer) => inner.right > outer.right + 1 || inner.left < outer.left - 1;
  const union = (a, b) => ({left: Math.min(a.left, b.left), right: Math.max(a.right, b.right),
                            top: Math.min(a.top, b.top), bottom: Math.max(a.bottom, b.bottom)});
  for (const host of document.querySelectorAll('backorder-status')) {
    const name = host.getAttribute('sku') || host.id;
    const box = host.getBoundingClientRect();
    if (host.getClientRects().length === 0) continue;
    if (outside(box, host.parentElement.getBoundingClientRect())) failures.push(`${name} is wider than its container`);
    if (outside(box, {left: 0, right: screen})) failures.push(`${name} leaves the screen: ${box.left}-${box.right} of ${screen}`);
    for (const element of host.shadowRoot.querySelectorAll('*')) {
      if (element.closest('.trap') || element.getClientRects().length === 0) continue;
      const inner = element.getBoundingClientRect();
      const label = `${name} <${element.tagName.toLowerCase()} ${element.getAttribute('name') || element.className}>`;
      if (outside(inner, box)) failures.push(`${label}: ${inner.left}-${inner.right} outside ${box.left}-${box.right}`);
      if (!element.matches('button, input, select, textarea')) continue;
      let target = inner;
      for (const text of element.labels || []) if (element.matches('[type=checkbox], [type=radio]')) target = union(target, text.getBoundingClientRect());
      const width = target.right - target.left, height = target.bottom - target.top;
      if (width < 43.5 || height < 43.5) failures.push(`${label} is ${width.toFixed(1)} x ${height.toFixed(1)}, under 44 x 44`);
    }
  }
  return failures;";
