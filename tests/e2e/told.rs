//! A shopper reserves in the real browser, the merchant moves the batch 45 days, the question
//! arrives by email (a real MailDev), the shopper follows its link in the browser and keeps the
//! reservation; the database's history and the webhook's log (a real receiver) both say so.

use std::time::{Duration, Instant};

use backorder_widget::server::mail::MailConfig;
use backorder_widget::server::webhooks::WebhookConfig;
use serde_json::json;

use crate::browser::{Browser, Engine};
use crate::outside::{MailDev, Receiver, SECRET, find, page_link, text};
use crate::promise::{put_scarf, reserve, scarf};
use crate::site::Site;

async fn the_delay_email_link_keeps_the_reservation_in_the_browser(engine: Engine) {
    let maildev = MailDev::start().await;
    let receiver = Receiver::start().await;
    let mut site = Site::start(|config| {
        let mut webhook = WebhookConfig::new(receiver.url(), SECRET.to_owned());
        webhook.poll = Duration::from_millis(50);
        config.webhook = Some(webhook);
    })
    .await;
    // The emails' links lead to this server: its address is known once it listens.
    let mut mail = MailConfig::new(
        format!("smtp://127.0.0.1:{}", maildev.smtp),
        "Demo Shop <shop@demo.invalid>".to_owned(),
        site.url(""),
    );
    mail.poll = Duration::from_millis(50);
    site.config.mail = Some(mail);
    site.config.listen = site.addr;
    site.stop().await;
    site.restart().await;

    let browser = Browser::start(engine).await;
    browser.goto(&site.url("/")).await;
    let confirmation = reserve(&browser, "ana@example.com", "2").await;
    assert!(
        confirmation.contains("email"),
        "the endpoint emails now: {confirmation}"
    );
    maildev.wait_for(1).await;

    // The merchant moves every batch of the scarf 45 days: a yes is needed.
    let mut record = scarf(&site).await;
    for batch in record["incoming"].as_array_mut().unwrap() {
        let expected =
            chrono::NaiveDate::parse_from_str(batch["expected"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap();
        batch["expected"] = json!((expected + chrono::TimeDelta::days(45)).to_string());
    }
    put_scarf(&site, &record).await;

    let emails = maildev.wait_for(2).await;
    let question = find(&emails, "ana@example.com", "Please confirm");
    assert!(text(question).contains("confirm by"), "{}", text(question));
    let link = page_link(question);
    assert!(link.starts_with(&site.url("/reservations/")), "{link}");

    // The shopper follows the link in the browser and presses Keep.
    browser.goto(&link).await;
    let page = browser.eval("return document.body.textContent").await;
    assert!(
        page.as_str().unwrap().contains("Keep my reservation"),
        "{page}"
    );
    let lifecycle = site.lifecycle();
    let id = lifecycle[0].id.clone();
    assert_eq!(
        site.history(&id).last().map(String::as_str),
        Some("consent_needed"),
        "opening the link kept nothing"
    );
    browser
        .eval(r#"document.querySelector('form[action$="/keep"] button').click(); return true"#)
        .await;
    let started = Instant::now();
    loop {
        let text = browser.eval("return document.body.textContent").await;
        if text
            .as_str()
            .unwrap_or_default()
            .contains("your reservation is kept")
        {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        site.history(&id),
        ["created", "date_changed", "consent_needed", "consented"],
        "reserved, moved, asked, kept"
    );

    // The shop's tool heard every step, signed.
    let started = Instant::now();
    let types = loop {
        let types: Vec<String> = receiver
            .acknowledged()
            .iter()
            .filter(|received| received.body["data"]["request_id"] == id.as_str())
            .map(|received| received.body["type"].as_str().unwrap().to_owned())
            .collect();
        if types.len() >= 3 || started.elapsed() > Duration::from_secs(10) {
            break types;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        types,
        [
            "backorder.created",
            "backorder.consent_needed",
            "backorder.consented"
        ]
    );
    browser.close().await;
}

in_every_browser!(the_delay_email_link_keeps_the_reservation_in_the_browser,);
