//! The confirmation, the delay notice in its two cases, ready, the cancellation's receipt and back
//! in stock, each with a plain-text and a simple HTML part.
//!
//! Emails go through an outbox like the webhook's: each change writes its emails' facts in its
//! own transaction (`store::mails`), and one worker renders and sends what is due, retrying a
//! mail server that is down with the same backoff. The keep and cancel links carry the
//! request's cancel token, derived when the email is rendered, so no token is stored; they open
//! the shopper's page (`reservations`), which acts only on a `POST`, so a mail scanner that
//! follows links changes nothing.

/// What the shopper's emails say, in the languages the widget speaks (en, de, fr, es, ja).
pub mod wording;

use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use chrono::{DateTime, TimeDelta, Utc};
use lettre::message::{Mailbox, MultiPart, header};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use serde_json::Value;
use tokio::task::JoinHandle;

use super::store::events::Attempt;
use super::store::mails::DueMail;
use super::{AppState, clock};
use crate::domain::date::parse_iso_date;
use crate::domain::history::Mail;
use crate::outbox::policy::RetryPolicy;
use wording::{Facts, Lang, Letter, letter};

/// Emails claimed from the outbox at a time: one, so a worker that stops leaves at most one
/// claimed and unsent (`store::events::LEASE`).
const BATCH: usize = 1;

/// Where emails go from, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, for a local relay), `smtp://host?tls=required` (STARTTLS) or
    /// `smtps://user:password@host` (TLS), as lettre reads them.
    pub smtp_url: String,
    /// `Shop <shop@example.com>`.
    pub from: String,
    /// The address shoppers' links start with: `https://shop.example`.
    pub public_url: String,
    pub retry: RetryPolicy,
    pub poll: Duration,
    /// A sign-up's confirmation asks the shopper to confirm it (`--double-opt-in`).
    pub double_opt_in: bool,
    /// Origins whose pages an email may link to (the shop's, from `--allowed-origins`, and
    /// `public_url`'s): the product page a request names is the shopper's word, and a link in the
    /// shop's own email to anywhere else would lend it the shop's name.
    pub link_origins: Vec<String>,
}

impl MailConfig {
    pub fn new(smtp_url: String, from: String, public_url: String) -> Self {
        Self {
            smtp_url,
            from,
            public_url: public_url.trim_end_matches('/').to_owned(),
            retry: RetryPolicy {
                first_delay_ms: 30_000,
                max_delay_ms: 60 * 60_000,
                expiry_ms: 3 * 24 * 60 * 60_000,
            },
            poll: Duration::from_secs(1),
            double_opt_in: false,
            link_origins: Vec::new(),
        }
    }
}

/// The configured SMTP connection.
pub struct Mailer {
    config: MailConfig,
    from: Mailbox,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    pub fn new(config: MailConfig) -> Result<Self, String> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|error| format!("the From address {:?}: {error}", config.from))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|error| format!("the SMTP URL: {error}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Self {
            config,
            from,
            transport,
        })
    }

    pub fn public_url(&self) -> &str {
        &self.config.public_url
    }

    /// Whether `link` is a page of the shop's own: on the public URL's origin or an allowed one.
    fn may_link(&self, link: &str) -> bool {
        let public = origin_of(&self.config.public_url);
        std::iter::once(public)
            .chain(
                self.config
                    .link_origins
                    .iter()
                    .map(|origin| origin_of(origin)),
            )
            .filter(|origin| !origin.is_empty())
            .any(|origin| link == origin || link.starts_with(&format!("{origin}/")))
    }
}

/// `https://shop.example` of `https://shop.example/any/path`.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_link_only_to_the_shops_own_pages() {
        let mut config = MailConfig::new(
            "smtp://127.0.0.1:1025".to_owned(),
            "Shop <shop@example.com>".to_owned(),
            "https://api.shop.example/".to_owned(),
        );
        config.link_origins = vec!["https://shop.example".to_owned()];
        let mailer = Mailer::new(config).expect("a mailer");
        for (link, linked) in [
            ("https://shop.example/products/scarf", true),
            ("https://shop.example", true),
            ("https://api.shop.example/product.html", true),
            ("https://shop.example.evil.example/login", false),
            ("https://evil.example/?https://shop.example/", false),
            ("javascript:alert(1)", false),
            ("http://shop.example/products/scarf", false),
        ] {
            assert_eq!(mailer.may_link(link), linked, "{link}");
        }
    }
}

#[derive(Template)]
#[template(path = "letter.txt", escape = "none")]
struct Text<'a> {
    letter: &'a Letter,
    shop: &'a str,
}

#[derive(Template)]
#[template(path = "letter.html")]
struct Html<'a> {
    letter: &'a Letter,
    shop: &'a str,
    lang: &'a str,
}

/// A stored date, in words.
fn date_in(lang: Lang, data: &Value, field: &str) -> Option<String> {
    data[field]
        .as_str()
        .and_then(parse_iso_date)
        .map(|date| lang.date(date))
}

/// The facts of an email, from what its change stored and the link to the shopper's page.
pub fn facts(mail: Mail, lang: Lang, data: &Value, page: String) -> Facts {
    let change = &data["change"];
    let zone = data["time_zone"]
        .as_str()
        .and_then(|zone| zone.parse::<chrono_tz::Tz>().ok())
        .unwrap_or(chrono_tz::UTC);
    let cancelled = data["cancelled_at"]
        .as_str()
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .map(|at| {
            (
                lang.date_time(at.with_timezone(&Utc), zone),
                data["cancelled_by"]
                    .as_str()
                    .unwrap_or("shopper")
                    .to_owned(),
            )
        });
    let date = match mail {
        Mail::Delayed | Mail::ConsentNeeded => date_in(lang, change, "new_date"),
        Mail::Confirmation => date_in(lang, data, "stated_date"),
        _ => date_in(lang, data, "current_date"),
    };
    Facts {
        name: data["name"].as_str().map(str::to_owned),
        item: data["item"]
            .as_str()
            .or(data["sku"].as_str())
            .unwrap_or_default()
            .to_owned(),
        quantity: u32::try_from(data["quantity"].as_u64().unwrap_or(1)).unwrap_or(1),
        notify: data["kind"] == "notify",
        preorder: data["kind"] == "preorder",
        date,
        previous: date_in(lang, data, "stated_date"),
        deadline: date_in(lang, data, "consent_by").or_else(|| date_in(lang, change, "old_date")),
        cancelled,
        refund_due: date_in(lang, data, "refund_due"),
        page,
        product_page: data["page"].as_str().map(str::to_owned),
        confirm: false,
    }
}

impl Mailer {
    /// The email for `due`, to send now.
    fn message(&self, due: &DueMail, token: &str) -> Result<Message, String> {
        let mail = Mail::parse(&due.kind).ok_or_else(|| format!("unknown email {:?}", due.kind))?;
        let lang = Lang::of(due.data["locale"].as_str());
        let page = format!(
            "{}/reservations/{}?token={token}&lang={}",
            self.config.public_url,
            due.request_id,
            lang.code()
        );
        let mut facts = facts(mail, lang, &due.data, page.clone());
        facts.confirm = self.config.double_opt_in;
        facts.product_page = facts.product_page.filter(|link| self.may_link(link));
        let letter = letter(mail, lang, &facts);
        let shop = self.from.name.as_deref().unwrap_or(&self.config.public_url);
        let text = Text {
            letter: &letter,
            shop,
        }
        .render()
        .map_err(|error| error.to_string())?;
        let html = Html {
            letter: &letter,
            shop,
            lang: lang.code(),
        }
        .render()
        .map_err(|error| error.to_string())?;
        let to: Mailbox = due
            .to
            .parse()
            .map_err(|error| format!("the address {:?}: {error}", due.to))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(letter.subject.clone())
            .message_id(Some(format!("<{}@backorder-server>", due.id)));
        if mail == Mail::BackInStock || (mail == Mail::Confirmation && due.data["kind"] == "notify")
        {
            // One-click unsubscribe (RFC 8058): a POST to the link ends the sign-up.
            let unsubscribe = format!(
                "<{}/reservations/{}/unsubscribe?token={token}>",
                self.config.public_url, due.request_id
            );
            builder = builder
                .header(ListUnsubscribe(unsubscribe))
                .header(ListUnsubscribePost);
        }
        builder
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|error| error.to_string())
    }

    /// One attempt to send `due` at `now`, and what to do next.
    async fn send(&self, due: &DueMail, token: &str, now: DateTime<Utc>) -> Attempt {
        let message = match self.message(due, token) {
            Ok(message) => message,
            // A mail that cannot be written never will be: kept with the reason.
            Err(error) => {
                return Attempt::GaveUp {
                    status: None,
                    error,
                };
            }
        };
        match self.transport.send(message).await {
            Ok(_) => Attempt::Delivered,
            Err(error) if error.is_permanent() => Attempt::GaveUp {
                status: error.status().map(u16::from),
                error: error.to_string(),
            },
            Err(error) => {
                let expires = due.created_at
                    + TimeDelta::milliseconds(
                        i64::try_from(self.config.retry.expiry_ms).unwrap_or(i64::MAX),
                    );
                let delay =
                    self.config
                        .retry
                        .delay_ms(due.attempts + 1, None, rand::random::<f64>());
                let next = now + TimeDelta::milliseconds(i64::try_from(delay).unwrap_or(i64::MAX));
                match next > expires {
                    true => Attempt::GaveUp {
                        status: None,
                        error: format!(
                            "{error}; still failing after {} attempts",
                            due.attempts + 1
                        ),
                    },
                    false => Attempt::Retry {
                        next,
                        status: None,
                        error: error.to_string(),
                    },
                }
            }
        }
    }
}

/// `List-Unsubscribe: <url>`.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl header::Header for ListUnsubscribe {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(text.to_owned()))
    }

    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl header::Header for ListUnsubscribePost {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// Sends the email outbox until the handle is aborted: what is due, oldest first.
pub fn deliver(state: AppState, mailer: Arc<Mailer>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            // A claim, so no other worker (on this replica or another) sends the same ones.
            let due = state
                .with_store(|store| store.due_mails(clock::now(), BATCH))
                .await
                // Logged by `ApiError::internal`; tried again after the pause.
                .unwrap_or_default();
            if due.is_empty() {
                tokio::time::sleep(mailer.config.poll).await;
                continue;
            }
            for mail in due {
                let token = state.store().cancel_token_of(&mail.request_id);
                let attempt = mailer.send(&mail, &token, clock::now()).await;
                let recorded = state
                    .with_store(move |store| store.mail_attempted(&mail.id, &attempt, clock::now()))
                    .await;
                if recorded.is_err() {
                    tokio::time::sleep(mailer.config.poll).await;
                }
            }
        }
    })
}
