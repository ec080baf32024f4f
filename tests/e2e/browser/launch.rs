//! Firefox needs its profile and WebKit its X display; everything is stopped again whole process
//! groups at a time.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A folder of the test's own, removed when it is dropped.
pub(super) struct Folder(std::path::PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh Firefox profile. Its user style sheet hides the toolbars, which headless Firefox
/// still lays out: they would keep the window at least 500 px wide, too wide for a phone, and
/// take 86 px of height from the page.
fn firefox_profile() -> Folder {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let folder = std::env::temp_dir().join(format!(
        "backorder-firefox-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(folder.join("chrome")).unwrap();
    let prefs = [
        r#""toolkit.legacyUserProfileCustomizations.stylesheets", true"#,
        r#""intl.accept_languages", "en-US""#,
        r#""intl.locale.requested", "en-US""#,
        r#""browser.shell.checkDefaultBrowser", false"#,
        r#""app.update.auto", false"#,
        r#""datareporting.policy.dataSubmissionEnabled", false"#,
        r#""toolkit.telemetry.reportingpolicy.firstRun", false"#,
    ];
    let user_js: String = prefs
        .iter()
        .map(|pref| format!("user_pref({pref});\n"))
        .collect();
    std::fs::write(folder.join("user.js"), user_js).unwrap();
    std::fs::write(
        folder.join("chrome/userChrome.css"),
        "#navigator-toolbox { display: none !important; }\n\
         :root, #main-window, #browser { min-width: 0 !important; }\n",
    )
    .unwrap();
    Folder(folder)
}

/// Starts `program` as the leader of a process group of its own, so that stopping the group
/// stops what it started too (the browser a WebDriver server launches).
fn spawn(program: &str, args: &[String], env: &[(&str, String)]) -> Child {
    Command::new(program)
        .args(args)
        .envs(env.iter().map(|(key, value)| (*key, value)))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("{program} starts (make test installs it): {error}"))
}

/// Stops `child`'s process group: `SIGTERM` first, so Xvfb removes its lock file and a
/// browser its profile's locks, then `SIGKILL` for whatever is left after a second.
pub(super) fn stop_group(child: &mut Child) {
    let Some(id) = child.id() else { return };
    let signal = |name: &str| {
        let _ = std::process::Command::new("kill")
            .args([name, "--", &format!("-{id}")])
            .stderr(Stdio::null())
            .status();
    };
    signal("-TERM");
    let deadline = Instant::now() + Duration::from_secs(1);
    while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    signal("-KILL");
}

fn setting(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// An X display for WebKit's MiniBrowser, which has no headless mode: a virtual screen from
/// Xvfb, which picks a display number nobody holds and writes it to its standard output.
async fn virtual_display() -> (Child, String) {
    let mut child = Command::new(setting("XVFB", "Xvfb"))
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x1800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("Xvfb starts (make test installs it): {error}"));
    let mut number = String::new();
    let stdout = child.stdout.take().unwrap();
    tokio::time::timeout(
        Duration::from_secs(10),
        BufReader::new(stdout).read_line(&mut number),
    )
    .await
    .expect("Xvfb names its display within 10 s")
    .unwrap();
    (child, format!(":{}", number.trim()))
}

/// A WebDriver server started for one engine, with what it needs kept alive beside it, and
/// the capabilities that ask it for a browser.
pub(super) struct Launch {
    pub(super) driver: Child,
    pub(super) capabilities: Value,
    pub(super) display: Option<Child>,
    pub(super) profile: Option<Folder>,
}

pub(super) fn launch_chromium(port: u16) -> Launch {
    let driver = spawn(
        &setting("CHROMEDRIVER", "/usr/bin/chromedriver"),
        &[format!("--port={port}")],
        &[],
    );
    let args = [
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
    ];
    Launch {
        driver,
        capabilities: json!({"goog:chromeOptions": {
            "binary": setting("CHROME_BINARY", "/usr/bin/chromium"),
            "args": args,
        }}),
        display: None,
        profile: None,
    }
}

pub(super) fn launch_firefox(port: u16) -> Launch {
    let driver = spawn(
        &setting("GECKODRIVER", "geckodriver"),
        &[format!("--port={port}")],
        &[],
    );
    let profile = firefox_profile();
    Launch {
        driver,
        capabilities: json!({"moz:firefoxOptions": {
            "binary": setting("FIREFOX_BINARY", "/usr/bin/firefox-esr"),
            "args": ["-headless", "-profile", profile.0],
        }}),
        display: None,
        profile: Some(profile),
    }
}

pub(super) async fn launch_webkit(port: u16) -> Launch {
    let (display, name) = virtual_display().await;
    let driver = spawn(
        &setting("WEBKITWEBDRIVER", "WebKitWebDriver"),
        &[format!("--port={port}")],
        &[("DISPLAY", name), ("LANG", "en_US.UTF-8".to_owned())],
    );
    // Full screen hides MiniBrowser's toolbar, which would otherwise keep the window at least
    // 447 px wide and take height from the page: the window is the viewport.
    Launch {
        driver,
        capabilities: json!({"webkitgtk:browserOptions": {
            "binary": std::env::var("MINIBROWSER").unwrap_or_else(|_| minibrowser()),
            "args": ["--automation", "--full-screen"],
        }}),
        display: Some(display),
        profile: None,
    }
}

/// Where Debian's WebKitGTK keeps MiniBrowser: under the machine's multiarch library folder
/// (`x86_64-linux-gnu`, `aarch64-linux-gnu`, …).
fn minibrowser() -> String {
    std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("webkit2gtk-4.1/MiniBrowser"))
        .find(|path| path.exists())
        .map(|path| path.display().to_string())
        .expect("MiniBrowser is installed (make test installs webkit2gtk-driver)")
}
