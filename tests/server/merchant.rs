//! The log-in and its cookie's attributes, the forms' tokens, the lock-out, the log-out, and
//! escaping.

use serde_json::Value;

use serde_json::json;

use crate::support::{ADMIN_TOKEN, TestServer, backorder, in_days, start};

/// A browser's cookie jar, kept by hand: name and value of each cookie set so far.
#[derive(Default)]
struct Jar {
    cookies: Vec<(String, String)>,
}

impl Jar {
    fn header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, response: &reqwest::Response) {
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap_or_default();
            let pair = set.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            self.cookies.retain(|(kept, _)| kept != name);
            if !value.is_empty() && !set.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }
}

/// What a page answered: its status, where it sends the browser, its cookies, its text.
struct Page {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    text: String,
}

async fn visit(
    server: &TestServer,
    jar: &mut Jar,
    host: Option<&str>,
    path: &str,
    form: Option<&str>,
) -> Page {
    visit_with(server, jar, host, path, form, &[]).await
}

/// [`visit`] with more request headers (`Accept-Language`, say).
async fn visit_with(
    server: &TestServer,
    jar: &mut Jar,
    host: Option<&str>,
    path: &str,
    form: Option<&str>,
    headers: &[(&str, &str)],
) -> Page {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a plain client builds");
    let mut request = match form {
        Some(body) => client
            .post(server.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned()),
        None => client.get(server.url(path)),
    };
    if let Some(host) = host {
        request = request.header("host", host);
    }
    if !jar.cookies.is_empty() {
        request = request.header("cookie", jar.header());
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the server answers");
    jar.keep(&response);
    Page {
        status: response.status().as_u16(),
        location: response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        set_cookies: response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .map(str::to_owned)
            .collect(),
        text: response.text().await.expect("a body"),
    }
}

/// The value of the hidden field `name` in `html`.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the field is on the page") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Logs in with `token` through the form; returns the answer to the log-in.
async fn log_in(server: &TestServer, jar: &mut Jar, host: Option<&str>, token: &str) -> Page {
    let form = visit(server, jar, host, "/admin/login", None).await;
    let form_token = hidden(&form.text, "form_token");
    let body = format!("form_token={form_token}&token={token}");
    visit(server, jar, host, "/admin/login", Some(&body)).await
}

fn session_cookie(page: &Page) -> &str {
    page.set_cookies
        .iter()
        .find(|cookie| cookie.starts_with("backorder_admin="))
        .expect("a session cookie is set")
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_secure_off_this_machine() {
    let server = start(|_| {}).await;
    for (host, secure) in [(Some("shop.example"), true), (None, false)] {
        let mut jar = Jar::default();
        let page = log_in(&server, &mut jar, host, ADMIN_TOKEN).await;
        assert_eq!(page.status, 303, "{}", page.text);
        assert_eq!(page.location.as_deref(), Some("/admin"));
        let cookie = session_cookie(&page);
        for attribute in [
            "HttpOnly",
            "SameSite=Strict",
            "Path=/admin",
            "Max-Age=43200",
        ] {
            assert!(cookie.contains(attribute), "{attribute} in {cookie}");
        }
        assert_eq!(cookie.contains("Secure"), secure, "{host:?}: {cookie}");
        let overview = visit(&server, &mut jar, host, "/admin", None).await;
        assert_eq!(overview.status, 200);
        assert!(overview.text.contains("Needs attention"));
    }
}

#[tokio::test]
async fn a_log_in_needs_its_forms_cookie_and_the_right_token() {
    let server = start(|_| {}).await;
    let mut jar = Jar::default();
    let refused = log_in(
        &server,
        &mut jar,
        None,
        "a-wrong-token-of-the-right-length-0",
    )
    .await;
    assert_eq!(refused.status, 401);
    assert!(refused.text.contains("That is not the admin token"));
    assert!(
        !refused
            .set_cookies
            .iter()
            .any(|c| c.starts_with("backorder_admin="))
    );

    // A form posted from another site carries no log-in cookie: refused, even with the token.
    let form = visit(&server, &mut jar, None, "/admin/login", None).await;
    let body = format!(
        "form_token={}&token={ADMIN_TOKEN}",
        hidden(&form.text, "form_token")
    );
    let forged = visit(
        &server,
        &mut Jar::default(),
        None,
        "/admin/login",
        Some(&body),
    )
    .await;
    assert_eq!(forged.status, 403);
    assert!(
        forged
            .set_cookies
            .iter()
            .all(|c| !c.starts_with("backorder_admin="))
    );

    // Without a session, every page sends the browser to the log-in.
    for path in [
        "/admin",
        "/admin/sku/CAP-10",
        "/admin/notices",
        "/admin/export.csv",
    ] {
        let page = visit(&server, &mut Jar::default(), None, path, None).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location.as_deref(), Some("/admin/login"), "{path}");
    }
}

#[tokio::test]
async fn wrong_tokens_lock_the_log_in_out_like_the_apis() {
    let server = start(|_| {}).await;
    let mut jar = Jar::default();
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let page = log_in(
            &server,
            &mut jar,
            None,
            "a-wrong-token-of-the-right-length-0",
        )
        .await;
        statuses.push(page.status);
    }
    assert_eq!(statuses[..10], [401; 10]);
    assert_eq!(statuses[10], 429);
    // Locked out: the right token is refused too, and so is the API's.
    assert_eq!(
        log_in(&server, &mut jar, None, ADMIN_TOKEN).await.status,
        429
    );
    assert_eq!(server.admin("/api/stock", ADMIN_TOKEN).await.status, 429);
}

#[tokio::test]
async fn forms_need_the_sessions_token_and_a_log_out_ends_the_session() {
    let server = start(|_| {}).await;
    assert_eq!(
        server
            .post("key-merchant-0001", &backorder("CAP-10", 2))
            .await
            .status,
        201
    );
    let mut jar = Jar::default();
    log_in(&server, &mut jar, None, ADMIN_TOKEN).await;
    let product = visit(&server, &mut jar, None, "/admin/sku/CAP-10", None).await;
    assert_eq!(product.status, 200);
    let csrf = hidden(&product.text, "csrf");
    let shelf = || async {
        let stock = server.admin("/api/stock", ADMIN_TOKEN).await.json();
        let items = stock["items"].as_array().cloned().unwrap_or_default();
        items
            .into_iter()
            .find(|item| item["sku"] == "CAP-10")
            .map(|item| (item["on_hand"].clone(), item["line"].clone()))
            .unwrap_or((Value::Null, Value::Null))
    };
    let before = shelf().await;
    for body in ["quantity=5", "csrf=not-this-sessions-token&quantity=5"] {
        let page = visit(
            &server,
            &mut jar,
            None,
            "/admin/sku/CAP-10/receive",
            Some(body),
        )
        .await;
        assert_eq!(page.status, 403, "{body}");
        assert!(page.text.contains("nothing was changed"), "{}", page.text);
    }
    assert_eq!(shelf().await, before, "nothing was received");

    let body = format!("csrf={csrf}&quantity=5");
    let done = visit(
        &server,
        &mut jar,
        None,
        "/admin/sku/CAP-10/receive",
        Some(&body),
    )
    .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location.as_deref(), Some("/admin/sku/CAP-10"));
    let shown = visit(&server, &mut jar, None, "/admin/sku/CAP-10", None).await;
    assert!(
        shown
            .text
            .contains("Received 5 units from elsewhere for CAP-10"),
        "{}",
        shown.text
    );
    // The message shows once.
    let again = visit(&server, &mut jar, None, "/admin/sku/CAP-10", None).await;
    assert!(!again.text.contains("Received 5 units"));
    assert_ne!(shelf().await, before, "the receipt went through the store");

    let kept = Jar {
        cookies: jar.cookies.clone(),
    };
    let out = visit(
        &server,
        &mut jar,
        None,
        "/admin/logout",
        Some(&format!("csrf={csrf}")),
    )
    .await;
    assert_eq!(out.status, 303);
    // The cookie the browser had is worth nothing now, wherever it was copied.
    let mut copied = kept;
    let page = visit(&server, &mut copied, None, "/admin", None).await;
    assert_eq!(page.location.as_deref(), Some("/admin/login"));
}

#[tokio::test]
async fn what_shoppers_typed_is_escaped_on_the_page() {
    let server = start(|_| {}).await;
    let mut request = backorder("CAP-10", 1);
    request["name"] = "<img src=x onerror=alert(1)>".into();
    assert_eq!(server.post("key-merchant-0002", &request).await.status, 201);
    let mut jar = Jar::default();
    log_in(&server, &mut jar, None, ADMIN_TOKEN).await;
    let page = visit(&server, &mut jar, None, "/admin/sku/CAP-10", None).await;
    assert!(page.text.contains("&#60;img src=x") || page.text.contains("&lt;img src=x"));
    assert!(!page.text.contains("<img src=x"), "{}", page.text);
    let headers = reqwest::get(server.url("/admin/login"))
        .await
        .expect("an answer");
    let policy = headers
        .headers()
        .get("content-security-policy")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("default-src 'none'"), "{policy}");
}

#[tokio::test]
async fn a_long_move_a_cancel_and_the_rules_deadline_show_in_what_needs_attention() {
    let server = start(|config| config.sweep_route = true).await;
    let first = server
        .post("key-merchant-0101", &backorder("CAP-10", 2))
        .await
        .json();
    let second = server
        .post("key-merchant-0102", &backorder("CAP-10", 1))
        .await
        .json();
    let (first_id, second_id) = (
        first["id"].as_str().unwrap_or_default(),
        second["id"].as_str().unwrap_or_default(),
    );
    let mut jar = Jar::default();
    log_in(&server, &mut jar, None, ADMIN_TOKEN).await;
    let product = visit(&server, &mut jar, None, "/admin/sku/CAP-10", None).await;
    let csrf = hidden(&product.text, "csrf");

    // PO-1 comes 45 days later: past what silence may keep, so a yes is needed.
    let body = format!("csrf={csrf}&batch=PO-1&expected={}", in_days(65));
    let moved = visit(
        &server,
        &mut jar,
        None,
        "/admin/sku/CAP-10/move",
        Some(&body),
    )
    .await;
    assert_eq!(moved.status, 303);
    let shown = visit(&server, &mut jar, None, "/admin/sku/CAP-10", None).await;
    assert!(shown.text.contains("Now delayed"), "{}", shown.text);
    assert!(
        shown.text.contains("without a yes"),
        "the deadline is in the line"
    );
    let consent_by = server.status_of(&first).await.json()["consent_by"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!consent_by.is_empty(), "a yes is needed by a date");

    // The merchant's language writes the dates: German here.
    let overview = visit_with(
        &server,
        &mut jar,
        None,
        "/admin",
        None,
        &[("accept-language", "de-DE,de;q=0.9")],
    )
    .await;
    assert!(
        overview.text.contains("Waiting for a yes"),
        "{}",
        overview.text
    );
    assert!(overview.text.contains(first_id));
    let months = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    assert!(
        months.iter().any(|month| overview.text.contains(month)),
        "{}",
        overview.text
    );

    // Cancelled for the second shopper, from the page.
    let body = format!("csrf={csrf}&request={second_id}");
    assert_eq!(
        visit(
            &server,
            &mut jar,
            None,
            "/admin/sku/CAP-10/cancel",
            Some(&body)
        )
        .await
        .status,
        303
    );
    assert_eq!(
        server.status_of(&second).await.json()["cancelled_by"],
        "merchant"
    );
    let shown = visit(&server, &mut jar, None, "/admin/sku/CAP-10", None).await;
    assert!(
        shown
            .text
            .contains(&format!("Request {second_id} is cancelled for the shopper")),
        "{}",
        shown.text
    );

    // No yes by the deadline: the rule cancels, and the refund is due.
    let day_after = chrono::NaiveDate::parse_from_str(&consent_by, "%Y-%m-%d")
        .map(|day| day + chrono::TimeDelta::days(1))
        .unwrap_or_default();
    let swept = server
        .send(
            server
                .client
                .post(server.url("/api/sweep"))
                .bearer_auth(ADMIN_TOKEN)
                .json(&json!({"today": day_after.to_string()})),
        )
        .await;
    assert_eq!(swept.status, 200, "{swept:?}");
    assert_eq!(
        server.status_of(&first).await.json()["cancelled_by"],
        "no_consent"
    );
    let overview = visit(&server, &mut jar, None, "/admin", None).await;
    assert!(overview.text.contains("Refund due"), "{}", overview.text);
    assert!(overview.text.contains(first_id));

    // And the batch itself is cancelled from the page: nobody is left in line to change.
    let body = format!("csrf={csrf}&batch=PO-1");
    assert_eq!(
        visit(
            &server,
            &mut jar,
            None,
            "/admin/sku/CAP-10/cancel-batch",
            Some(&body)
        )
        .await
        .status,
        303
    );
    let shown = visit(&server, &mut jar, None, "/admin/sku/CAP-10", None).await;
    assert!(
        shown.text.contains(
            "Batch PO-1 is cancelled: it is no longer coming. No request in line changed."
        ),
        "{}",
        shown.text
    );
    assert!(
        !shown.text.contains("Receive batch PO-1"),
        "the batch is gone from the page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_say_what_was_sent_when_the_endpoint_emails_through_a_real_smtp_server() {
    let maildev = crate::support::outside::MailDev::start().await;
    let server = start(|config| config.mail = Some(crate::mail::mail_to(&maildev))).await;
    assert_eq!(
        server
            .post("key-merchant-0201", &backorder("CAP-10", 2))
            .await
            .status,
        201
    );
    let mut jar = Jar::default();
    log_in(&server, &mut jar, None, ADMIN_TOKEN).await;
    let product = visit(&server, &mut jar, None, "/admin/sku/CAP-10", None).await;
    let csrf = hidden(&product.text, "csrf");
    // Ten days later: a delay notice, which this endpoint emails itself.
    let body = format!("csrf={csrf}&batch=PO-1&expected={}", in_days(30));
    assert_eq!(
        visit(
            &server,
            &mut jar,
            None,
            "/admin/sku/CAP-10/move",
            Some(&body)
        )
        .await
        .status,
        303
    );
    maildev.wait_for(2).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let notices = loop {
        let page = visit(&server, &mut jar, None, "/admin/notices", None).await;
        if page.text.matches("Sent ").count() >= 3 {
            break page;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the emails were never marked sent: {}",
            page.text
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        notices
            .text
            .contains("This endpoint emails the shoppers itself")
    );
    assert!(notices.text.contains("Delay notice"), "{}", notices.text);
    assert!(notices.text.contains("Confirmation"), "{}", notices.text);
    // Sent by the endpoint: nothing for the shop to give itself.
    let overview = visit(&server, &mut jar, None, "/admin", None).await;
    assert!(
        !overview.text.contains("Tell the shopper"),
        "{}",
        overview.text
    );
}

/// Waits (up to 15 s) until the overview's text satisfies `check`.
async fn overview_until(
    server: &TestServer,
    jar: &mut Jar,
    check: impl Fn(&str) -> bool,
) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let page = visit(server, jar, None, "/admin", None).await;
        if check(&page.text) {
            return page.text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the overview never got there: {}",
            page.text
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_receiver_that_is_down_shows_as_failing_until_it_is_back() {
    let mut receiver = crate::support::outside::Receiver::start().await;
    receiver.down().await;
    let url = receiver.url();
    let server = start(|config| config.webhook = Some(crate::webhooks::fast(url))).await;
    assert_eq!(
        server
            .post("key-merchant-0301", &backorder("CAP-10", 1))
            .await
            .status,
        201
    );
    let mut jar = Jar::default();
    log_in(&server, &mut jar, None, ADMIN_TOKEN).await;
    let failing = overview_until(&server, &mut jar, |text| {
        text.contains("failing to reach the shop")
    })
    .await;
    assert!(failing.contains("1 webhook event is failing"), "{failing}");
    receiver.up().await;
    overview_until(&server, &mut jar, |text| !text.contains("failing to reach")).await;
    assert_eq!(
        receiver.acknowledged().len(),
        1,
        "the event arrived once it could"
    );
}
