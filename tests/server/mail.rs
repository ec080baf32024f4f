//! Every email in English and in German, with text and HTML parts, links to the shopper's page that
//! change nothing on a GET, and one-click unsubscribe.

use std::time::Duration;

use backorder_widget::server::mail::MailConfig;
use serde_json::{Value, json};

use crate::support::outside::{MailDev, find, page_link, text};
use crate::support::{ADMIN_TOKEN, TestServer, backorder, in_days, request, start};

async fn put(server: &TestServer, path: &str, body: Value) -> u16 {
    server
        .send(
            server
                .client
                .put(server.url(path))
                .bearer_auth(ADMIN_TOKEN)
                .json(&body),
        )
        .await
        .status
}

/// Emails to `maildev`, from a shop on `https://shop.example`, read from the outbox every 50 ms.
pub(crate) fn mail_to(maildev: &MailDev) -> MailConfig {
    let mut mail = MailConfig::new(
        format!("smtp://127.0.0.1:{}", maildev.smtp),
        "Test Shop <shop@example.com>".to_owned(),
        "https://shop.example/".to_owned(),
    );
    mail.poll = Duration::from_millis(50);
    mail.retry.first_delay_ms = 100;
    mail
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_email_arrives_in_the_shoppers_language_with_links_that_act_only_on_post() {
    let maildev = MailDev::start().await;
    let server = start(|config| config.mail = Some(mail_to(&maildev))).await;
    let ana = server.post("key-mail-0001", &backorder("CAP-10", 2)).await;
    assert_eq!(ana.status, 201);
    assert_eq!(ana.json()["notifies"], true, "the endpoint emails now");
    let mut ben = backorder("PROMISED", 1);
    ben["email"] = json!("ben@example.com");
    ben["name"] = json!("Ben");
    ben["locale"] = json!("de-DE");
    assert_eq!(server.post("key-mail-0002", &ben).await.status, 201);
    let emails = maildev.wait_for(2).await;
    let confirmation = find(&emails, "ana@example.com", "Your reservation");
    assert!(
        text(confirmation).contains("Hello Ana,"),
        "{}",
        text(confirmation)
    );
    assert!(
        text(confirmation).contains("2 × CAP-10"),
        "{}",
        text(confirmation)
    );
    assert!(
        confirmation["html"]
            .as_str()
            .is_some_and(|html| html.contains("<p>Hello Ana,</p>"))
    );
    let bestätigung = find(&emails, "ben@example.com", "Ihre Reservierung");
    assert!(
        text(bestätigung).contains("Hallo Ben,"),
        "{}",
        text(bestätigung)
    );

    // Ten days late: silence counts as consent. Forty-five: a yes is needed by a deadline.
    assert_eq!(
        put(
            &server,
            "/api/stock/CAP-10",
            json!({"sku": "CAP-10", "on_hand": 0, "backorders": "allow",
            "incoming": [{"id": "PO-1", "quantity": 10, "expected": in_days(30)}]})
        )
        .await,
        200
    );
    assert_eq!(
        put(&server, "/api/stock/PROMISED", json!({"sku": "PROMISED", "on_hand": 0, "backorders": "allow",
            "backordered": 5, "incoming": [{"id": "PO-1", "quantity": 40, "expected": in_days(65)}]})).await,
        200
    );
    let emails = maildev.wait_for(4).await;
    let delayed = find(&emails, "ana@example.com", "will ship later");
    assert!(
        text(delayed).contains("there is nothing to do"),
        "{}",
        text(delayed)
    );
    let frage = find(&emails, "ben@example.com", "Bitte bestätigen");
    assert!(
        text(frage).contains("bestätigen Sie bis"),
        "{}",
        text(frage)
    );

    // The link opens the shopper's page; a GET (a mail scanner) changes nothing.
    let link = page_link(frage);
    assert!(
        link.contains("/reservations/bo_") && link.contains("lang=de"),
        "{link}"
    );
    let path = &link[link.find("/reservations").expect("a path")..];
    let page = server.get(path).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Reservierung behalten"), "{}", page.text);
    assert_eq!(server.get(path).await.status, 200);
    let (id, token) = {
        let rest = path.trim_start_matches("/reservations/");
        let (id, query) = rest.split_once('?').expect("a query");
        let token = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("token="))
            .expect("a token");
        (id.to_owned(), token.to_owned())
    };
    let status = server.status_with(&id, &token).await.json();
    assert_eq!(
        status["needs_consent"], true,
        "following the link kept nothing"
    );
    let kept = server
        .send(
            server
                .client
                .post(server.url(&format!("/reservations/{id}/keep")))
                .form(&[("token", token.as_str()), ("lang", "de")]),
        )
        .await;
    assert_eq!(kept.status, 200, "the button's POST, then its page");
    assert!(
        kept.text.contains("Ihre Reservierung bleibt bestehen"),
        "{}",
        kept.text
    );
    // A sign-up's one-click unsubscribe never cancels a reservation, though it has a token.
    let unsubscribe = server
        .send(
            server
                .client
                .post(server.url(&format!("/reservations/{id}/unsubscribe?token={token}")))
                .body("List-Unsubscribe=One-Click"),
        )
        .await;
    assert_eq!(unsubscribe.status, 404, "{unsubscribe:?}");

    // Ready, cancelled (the receipt, with date and time), back in stock.
    let receipt = server
        .send(
            server
                .client
                .post(server.url("/api/stock/CAP-10/receipts"))
                .bearer_auth(ADMIN_TOKEN)
                .json(&json!({"batch": "PO-1", "quantity": 10})),
        )
        .await;
    assert_eq!(receipt.status, 200, "{receipt:?}");
    let ana = ana.json();
    let cancelled = server.cancel_as_shopper(&ana).await;
    assert_eq!(cancelled.status, 200);
    let mut fan = request("notify", "GONE", 1);
    fan["email"] = json!("fan@example.com");
    fan["locale"] = json!("de");
    // The product page is the shopper's word: a page elsewhere is never linked from the shop.
    fan["page"] = json!("https://evil.example/login");
    assert_eq!(server.post("key-mail-0003", &fan).await.status, 201);
    assert_eq!(
        put(
            &server,
            "/api/stock/GONE",
            json!({"sku": "GONE", "on_hand": 3})
        )
        .await,
        200
    );
    let emails = maildev.wait_for(8).await;
    find(&emails, "ana@example.com", "is ready to ship");
    let receipt = find(&emails, "ana@example.com", "Cancelled");
    assert!(
        text(receipt).contains("at your request"),
        "{}",
        text(receipt)
    );
    assert!(
        text(receipt).contains(" UTC"),
        "a time with its zone: {}",
        text(receipt)
    );
    find(&emails, "fan@example.com", "Wir sagen Ihnen Bescheid");
    let back = find(&emails, "fan@example.com", "ist wieder da");
    assert!(!text(back).contains("evil.example"), "{}", text(back));
    let headers = &back["headers"];
    assert!(
        headers["list-unsubscribe"]
            .as_str()
            .is_some_and(|value| value.contains("/unsubscribe?token=")),
        "{headers}"
    );
    assert_eq!(
        headers["list-unsubscribe-post"],
        "List-Unsubscribe=One-Click"
    );
    for email in &emails {
        assert!(
            email["html"]
                .as_str()
                .is_some_and(|html| html.starts_with("<!doctype html>")),
            "{email}"
        );
    }
}

/// With double opt-in, a sign-up counts only once its shopper confirmed it from the email: the
/// back-in-stock wave passes over the one who did not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_double_opt_in_only_confirmed_sign_ups_hear_it_is_back() {
    let maildev = MailDev::start().await;
    let server = start(|config| {
        config.mail = Some(mail_to(&maildev));
        config.double_opt_in = true;
    })
    .await;
    for (n, who) in ["first@example.com", "second@example.com"]
        .iter()
        .enumerate()
    {
        let mut body = request("notify", "GONE", 1);
        body["email"] = json!(who);
        assert_eq!(
            server
                .post(&format!("key-optin-{n:04}"), &body)
                .await
                .status,
            201
        );
    }
    let emails = maildev.wait_for(2).await;
    // The second confirms; the first never does.
    let asked = find(&emails, "second@example.com", "We will tell you");
    assert!(text(asked).contains("Please confirm"), "{}", text(asked));
    let link = page_link(asked);
    let path = &link[link.find("/reservations").expect("a path")..];
    let page = server.get(path).await;
    assert!(page.text.contains("Confirm my sign-up"), "{}", page.text);
    let (id, query) = path
        .trim_start_matches("/reservations/")
        .split_once('?')
        .expect("a query");
    let token = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .expect("a token");
    let confirmed = server
        .send(
            server
                .client
                .post(server.url(&format!("/reservations/{id}/confirm")))
                .form(&[("token", token), ("lang", "en")]),
        )
        .await;
    assert!(
        confirmed.text.contains("you will hear when it is back"),
        "{}",
        confirmed.text
    );
    assert_eq!(
        put(
            &server,
            "/api/stock/GONE",
            json!({"sku": "GONE", "on_hand": 1})
        )
        .await,
        200
    );
    let emails = maildev.wait_for(3).await;
    find(&emails, "second@example.com", "is back");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let emails = maildev.emails().await.unwrap_or_default();
    assert_eq!(emails.len(), 3, "the first, unconfirmed, hears nothing");
}
