//! Dates and statuses in words, what is pressing first. The templates only lay these out.

use axum::http::{HeaderMap, header};
use chrono::{DateTime, NaiveDate};

pub use crate::domain::attention::shown_from;
use crate::domain::attention::{Urgency, urgency};
use crate::domain::date::parse_iso_date;
use crate::domain::history::Mail;
use crate::domain::lifecycle::Status;
use crate::server::catalog::RecordProblem;
use crate::server::mail::wording::Lang;
use crate::server::stock::Upload;
use crate::server::store;
use crate::server::store::desk::{LineEntry, MailState, Notice};
use crate::server::store::events::OutboxListing;
use crate::server::store::records::StockItem;
use crate::wire::HistoryRow;

/// What every page's frame shows.
#[derive(Debug)]
pub struct Layout {
    pub title: String,
    /// Which item of the menu this page is (`overview`, `notices`, `stock`, `product`).
    pub here: &'static str,
    pub signed_in: bool,
    /// The session's form token, for the log-out button.
    pub csrf: String,
    pub flash: Option<Flash>,
    pub dates: Dates,
}

impl Layout {
    pub fn signed_out(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            here: "",
            signed_in: false,
            csrf: String::new(),
            flash: None,
            dates: Dates { lang: Lang::En },
        }
    }
}

/// The one message a page shows after an action: what it changed, or why it changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
}

impl Flash {
    pub fn ok(text: String) -> Self {
        Self { text, error: false }
    }

    pub fn error(text: String) -> Self {
        Self { text, error: true }
    }

    /// As the session keeps it: `ok:` or `error:`, then the text.
    pub fn write(&self) -> String {
        let kind = if self.error { "error" } else { "ok" };
        format!("{kind}:{}", self.text)
    }

    pub fn read(kept: &str) -> Self {
        match kept.split_once(':') {
            Some(("error", text)) => Self::error(text.to_owned()),
            Some((_, text)) => Self::ok(text.to_owned()),
            None => Self::ok(kept.to_owned()),
        }
    }
}

/// Dates in words in the merchant's language: the first of the browser's languages that the
/// shopper's emails are written in too, else English.
#[derive(Debug, Clone, Copy)]
pub struct Dates {
    pub lang: Lang,
}

/// A date as the page writes it: in words, with its ISO form for machines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub iso: String,
    pub words: String,
    pub lang: &'static str,
}

impl Dates {
    pub fn of(headers: &HeaderMap) -> Self {
        let languages = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        // In the browser's order (a `q` weight is taken as given by that order).
        let lang = languages
            .split(',')
            .map(|tag| tag.split(';').next().unwrap_or_default().trim())
            .map(|tag| (tag, Lang::of(Some(tag))))
            .find(|(tag, lang)| *lang != Lang::En || tag.to_ascii_lowercase().starts_with("en"))
            .map_or(Lang::En, |(_, lang)| lang);
        Self { lang }
    }

    pub fn day(&self, date: NaiveDate) -> Day {
        Day {
            iso: crate::domain::date::format_iso_date(date),
            words: self.lang.date(date),
            lang: self.lang.code(),
        }
    }

    /// A stored date; one that does not read is no date.
    pub fn stored(&self, text: Option<&str>) -> Option<Day> {
        text.and_then(parse_iso_date).map(|date| self.day(date))
    }

    /// A stored instant, in words and UTC: "December 2, 2026 14:05 UTC".
    pub fn instant(&self, stamp: &str) -> String {
        match DateTime::parse_from_rfc3339(stamp) {
            Ok(at) => self.lang.date_time(at.to_utc(), chrono_tz::UTC),
            Err(_) => stamp.to_owned(),
        }
    }
}

/// A product's stock and line.
#[derive(Debug)]
pub struct Product {
    pub sku: String,
    pub name: Option<String>,
    pub path: String,
    pub on_hand: i64,
    pub set_aside: u32,
    pub waiting: u32,
    pub in_line: u32,
    pub batches: Vec<Batch>,
    pub next: Option<Day>,
}

#[derive(Debug)]
pub struct Batch {
    pub id: String,
    pub quantity: i64,
    pub expected: Option<Day>,
    /// The expected date as stored, for the date field.
    pub expected_iso: String,
}

impl Product {
    pub fn new(dates: &Dates, item: &StockItem) -> Self {
        let sku = item.record.sku.clone().unwrap_or_default();
        let batches: Vec<Batch> = item
            .record
            .incoming
            .iter()
            .map(|incoming| Batch {
                id: incoming.id.clone().unwrap_or_default(),
                quantity: incoming.quantity,
                expected: dates.stored(Some(&incoming.expected)),
                expected_iso: incoming.expected.clone(),
            })
            .collect();
        let next = item
            .record
            .incoming
            .iter()
            .filter_map(|incoming| parse_iso_date(&incoming.expected))
            .min()
            .map(|date| dates.day(date));
        Self {
            path: product_path(&sku),
            name: item.record.name.clone(),
            on_hand: item.record.on_hand.unwrap_or(0),
            set_aside: item.set_aside,
            waiting: item.waiting,
            in_line: item.in_line,
            batches,
            next,
            sku,
        }
    }
}

/// One request in a product's line.
#[derive(Debug)]
pub struct InLine {
    pub place: usize,
    pub id: String,
    pub kind: &'static str,
    pub status: String,
    pub status_words: &'static str,
    pub quantity: u32,
    pub allocated: u32,
    pub email: String,
    pub name: Option<String>,
    pub stated: Option<Day>,
    pub current: Option<Day>,
    /// Cancelled on this date unless the shopper says yes.
    pub consent_by: Option<Day>,
    /// The latest notice the rule made due, in words, with its last day.
    pub notice: Option<(String, Option<Day>)>,
    pub history: Vec<Step>,
    pub can_cancel: bool,
    pub can_ship: bool,
}

/// One step of a request's history.
#[derive(Debug)]
pub struct Step {
    pub at: String,
    pub what: String,
}

impl InLine {
    pub fn new(dates: &Dates, place: usize, entry: &LineEntry) -> Self {
        let status = Status::parse(&entry.status);
        let notice = entry
            .history
            .iter()
            .rev()
            .find(|step| step.notice.is_some())
            .map(|step| {
                (
                    notice_words(step.notice.as_deref().unwrap_or_default()).to_owned(),
                    dates.stored(step.due.as_deref()),
                )
            });
        Self {
            place,
            id: entry.id.clone(),
            kind: kind_words(&entry.kind),
            status: entry.status.clone(),
            status_words: status_words(&entry.status),
            quantity: entry.quantity,
            allocated: entry.allocated,
            email: entry.email.clone(),
            name: entry.name.clone(),
            stated: dates.stored(entry.stated_date.as_deref()),
            current: dates.stored(entry.current_date.as_deref()),
            consent_by: entry
                .needs_consent
                .then(|| dates.stored(entry.consent_by.as_deref()))
                .flatten(),
            notice,
            history: entry
                .history
                .iter()
                .map(|step| Step {
                    at: dates.instant(&step.at),
                    what: step_words(dates, step),
                })
                .collect(),
            can_cancel: status.is_some_and(Status::is_active),
            can_ship: status == Some(Status::Ready),
        }
    }
}

/// A request that needs the team, and by when.
#[derive(Debug)]
pub struct Item {
    pub request_id: String,
    pub sku: String,
    pub path: String,
    pub email: String,
    pub date: Option<Day>,
    /// `overdue`, `today`, `soon` or `later`: the class that colours it.
    pub urgency: &'static str,
    /// The same in words ("Overdue"; nothing when later), so colour is never all that says it.
    pub urgency_words: &'static str,
    /// For a notice to give, which notice.
    pub notice: &'static str,
}

impl Item {
    fn new(dates: &Dates, today: NaiveDate, deadline: &store::desk::Deadline) -> Self {
        let (urgency, urgency_words) = pressing(today, deadline.date);
        Self {
            request_id: deadline.request_id.clone(),
            path: product_path(&deadline.sku),
            sku: deadline.sku.clone(),
            email: deadline.email.clone(),
            date: deadline.date.map(|date| dates.day(date)),
            urgency,
            urgency_words,
            notice: "",
        }
    }
}

/// How pressing a day is on `today`: its class and its words (none when it is not soon).
fn pressing(today: NaiveDate, day: Option<NaiveDate>) -> (&'static str, &'static str) {
    match day.map(|day| urgency(today, day)) {
        Some(Urgency::Overdue) => ("overdue", "Overdue"),
        Some(Urgency::Today) => ("today", "Today"),
        Some(Urgency::Soon) => ("soon", "Soon"),
        _ => ("later", ""),
    }
}

/// What this endpoint sends itself.
#[derive(Debug, Clone, Copy)]
pub struct Sending {
    pub webhook: bool,
    pub mails: bool,
}

/// What needs the team first, on the overview.
#[derive(Debug)]
pub struct Attention {
    /// Notices no email of this endpoint gives: the shop must tell these shoppers itself.
    pub notices_due: Vec<Item>,
    pub awaiting_consent: Vec<Item>,
    pub refunds_due: Vec<Item>,
    pub ready: Vec<Item>,
    /// Deliveries to the shop's tools and to shoppers that keep failing, in a sentence each.
    pub failing: Vec<String>,
}

impl Attention {
    pub fn new(
        dates: &Dates,
        today: NaiveDate,
        attention: &store::desk::Attention,
        notices: &[Notice],
        outbox: &OutboxListing,
        sending: Sending,
    ) -> Self {
        let from = shown_from(today);
        let items = |deadlines: &[store::desk::Deadline]| {
            deadlines
                .iter()
                .map(|deadline| Item::new(dates, today, deadline))
                .collect::<Vec<_>>()
        };
        let notices_due = notices
            .iter()
            .filter(|notice| {
                notice
                    .due
                    .or_else(|| day_of(&notice.at))
                    .is_some_and(|day| day >= from)
            })
            .filter(|notice| needs_telling(notice, sending.mails))
            .map(|notice| {
                let mut item = Item::new(
                    dates,
                    today,
                    &store::desk::Deadline {
                        request_id: notice.request_id.clone(),
                        sku: notice.sku.clone(),
                        email: notice.email.clone(),
                        date: notice.due,
                    },
                );
                item.notice = notice_words(&notice.notice);
                item
            })
            .collect();
        let mut failing = Vec::new();
        if sending.webhook && !outbox.failing.is_empty() {
            // The listing names at most 100 failing events.
            let count = match outbox.failing.len() {
                100 => "100 or more webhook events are".to_owned(),
                1 => "1 webhook event is".to_owned(),
                count => format!("{count} webhook events are"),
            };
            failing.push(format!(
                "{count} failing to reach the shop's tools ({} given up); GET /api/webhooks \
                 lists each with its last error.",
                outbox.failed
            ));
        }
        if attention.failing_mails > 0 {
            failing.push(match attention.failing_mails {
                1 => "1 email to a shopper is failing; see Notices.".to_owned(),
                count => format!("{count} emails to shoppers are failing; see Notices."),
            });
        }
        Self {
            notices_due,
            awaiting_consent: items(&attention.awaiting_consent),
            refunds_due: items(&attention.refunds_due),
            ready: items(&attention.ready),
            failing,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.notices_due.is_empty()
            && self.awaiting_consent.is_empty()
            && self.refunds_due.is_empty()
            && self.ready.is_empty()
            && self.failing.is_empty()
    }
}

/// Whether the shop must give `notice` itself: this endpoint sends no email (`mails_sent_here`
/// false), or its email was given up on. With emails sent here, a notice without one was made
/// moot by a later step of the same change.
fn needs_telling(notice: &Notice, mails_sent_here: bool) -> bool {
    match &notice.mail {
        None => !mails_sent_here,
        Some(mail) => mail.delivered_at.is_none() && mail.gave_up_at.is_some(),
    }
}

/// The date of a stored instant.
fn day_of(stamp: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(stamp)
        .ok()
        .map(|at| at.date_naive())
}

/// A notice on the notices page.
#[derive(Debug)]
pub struct NoticeRow {
    pub request_id: String,
    pub sku: String,
    pub path: String,
    pub email: String,
    pub notice: &'static str,
    pub about: Option<Day>,
    pub due: Option<Day>,
    /// How pressing it is while the shop still has to give it (see [`Item`]).
    pub urgency: &'static str,
    pub urgency_words: &'static str,
    pub state: String,
}

impl NoticeRow {
    pub fn new(dates: &Dates, today: NaiveDate, notice: &Notice, sent_here: bool) -> Self {
        let state = match &notice.mail {
            Some(mail) => mail_state(dates, mail),
            None if sent_here => "No email: a later change made it moot".to_owned(),
            None => "Not sent by this endpoint: tell the shopper yourself".to_owned(),
        };
        let (urgency, urgency_words) = match needs_telling(notice, sent_here) {
            true => pressing(today, notice.due),
            false => pressing(today, None),
        };
        Self {
            request_id: notice.request_id.clone(),
            path: product_path(&notice.sku),
            sku: notice.sku.clone(),
            email: notice.email.clone(),
            notice: notice_words(&notice.notice),
            about: notice.new_date.map(|date| dates.day(date)),
            due: notice.due.map(|date| dates.day(date)),
            urgency,
            urgency_words,
            state,
        }
    }
}

/// An email on the notices page.
#[derive(Debug)]
pub struct MailRow {
    pub kind: &'static str,
    pub to: String,
    pub request_id: String,
    pub written: String,
    pub state: String,
}

impl MailRow {
    pub fn new(dates: &Dates, mail: &MailState) -> Self {
        Self {
            kind: mail_words(&mail.kind),
            to: mail.to.clone(),
            request_id: mail.request_id.clone(),
            written: dates.instant(&mail.created_at),
            state: mail_state(dates, mail),
        }
    }
}

fn mail_state(dates: &Dates, mail: &MailState) -> String {
    let error = mail.last_error.as_deref().unwrap_or("no answer");
    match (&mail.delivered_at, &mail.gave_up_at) {
        (Some(at), _) => format!("Sent {}", dates.instant(at)),
        (None, Some(at)) => format!(
            "Given up {} after {} tries: {error}",
            dates.instant(at),
            mail.attempts
        ),
        (None, None) if mail.attempts > 0 => {
            format!(
                "Failing after {} tries, still trying: {error}",
                mail.attempts
            )
        }
        (None, None) => "Waiting to be sent".to_owned(),
    }
}

/// One problem of a stock upload, for its table.
#[derive(Debug)]
pub struct Problem {
    pub record: usize,
    pub sku: String,
    pub field: String,
    pub message: String,
}

impl From<RecordProblem> for Problem {
    fn from(problem: RecordProblem) -> Self {
        Self {
            record: problem.record,
            sku: problem.sku.unwrap_or_default(),
            field: problem.field,
            message: problem.message,
        }
    }
}

/// How an uploaded file is read: by its name's ending, else by its first character.
pub fn format_of(file_name: &str, body: &[u8]) -> Upload {
    let name = file_name.to_ascii_lowercase();
    if name.ends_with(".json") {
        return Upload::Json;
    }
    if name.ends_with(".csv") {
        return Upload::Csv;
    }
    match body.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'{') => Upload::Json,
        _ => Upload::Csv,
    }
}

/// Where a product's page is.
pub fn product_path(sku: &str) -> String {
    format!("/admin/sku/{}", path_segment(sku))
}

/// `text` as one percent-encoded path segment (a SKU may hold any character).
pub fn path_segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                encoded.push(char::from(byte));
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

pub fn status_words(status: &str) -> &'static str {
    match Status::parse(status) {
        Some(Status::Waiting) => "Waiting",
        Some(Status::Ready) => "Ready to ship",
        Some(Status::Shipped) => "Shipped",
        Some(Status::Delayed) => "Delayed",
        Some(Status::Cancelled) => "Cancelled",
        None => "Unknown",
    }
}

fn kind_words(kind: &str) -> &'static str {
    match kind {
        "backorder" => "Backorder",
        "preorder" => "Pre-order",
        "notify" => "Notify me",
        _ => "Request",
    }
}

fn notice_words(notice: &str) -> &'static str {
    match notice {
        "delay" => "Delay notice",
        "consent" => "Delay: a yes is needed",
        "cancelled" => "Cancellation notice",
        _ => "Notice",
    }
}

fn mail_words(kind: &str) -> &'static str {
    Mail::parse(kind).map_or("Email", |mail| match mail {
        Mail::Confirmation => "Confirmation",
        Mail::Delayed => "Delay notice",
        Mail::ConsentNeeded => "Delay, asking for a yes",
        Mail::Ready => "Ready",
        Mail::Cancelled => "Cancelled",
        Mail::BackInStock => "Back in stock",
    })
}

/// A history step in words: "Delayed: December 14, 2026 → January 20, 2027".
fn step_words(dates: &Dates, step: &HistoryRow) -> String {
    let what = step.what.replace('_', " ");
    let mut words = match what.split_at_checked(1) {
        Some((first, rest)) => format!("{}{rest}", first.to_uppercase()),
        None => what,
    };
    let old = dates.stored(step.old_date.as_deref());
    let new = dates.stored(step.new_date.as_deref());
    match (old, new) {
        (Some(old), Some(new)) => words.push_str(&format!(": {} → {}", old.words, new.words)),
        (None, Some(new)) => words.push_str(&format!(": {}", new.words)),
        (Some(old), None) => words.push_str(&format!(": {} → no date", old.words)),
        (None, None) => {}
    }
    if let Some(units) = step.units {
        words.push_str(&format!(" ({units} units)"));
    }
    if let (Some(notice), Some(due)) = (&step.notice, dates.stored(step.due.as_deref())) {
        words.push_str(&format!(
            "; {} due by {}",
            notice_words(notice).to_lowercase(),
            due.words
        ));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_keep_only_unreserved_characters() {
        assert_eq!(path_segment("TEE-RED-M"), "TEE-RED-M");
        assert_eq!(path_segment("a/b c?"), "a%2Fb%20c%3F");
        assert_eq!(path_segment("é"), "%C3%A9");
    }

    #[test]
    fn a_file_is_read_by_its_name_then_its_first_character() {
        assert_eq!(format_of("stock.JSON", b"sku"), Upload::Json);
        assert_eq!(format_of("stock.csv", b"{"), Upload::Csv);
        assert_eq!(format_of("", b"  {\"items\": []}"), Upload::Json);
        assert_eq!(format_of("upload", b"sku,on_hand"), Upload::Csv);
    }

    #[test]
    fn what_is_pressing_is_said_in_words_as_well_as_colour() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default();
        let day = |offset: i64| Some(today + chrono::TimeDelta::days(offset));
        assert_eq!(pressing(today, day(-1)), ("overdue", "Overdue"));
        assert_eq!(pressing(today, day(0)), ("today", "Today"));
        assert_eq!(pressing(today, day(2)), ("soon", "Soon"));
        assert_eq!(pressing(today, day(30)), ("later", ""));
        assert_eq!(pressing(today, None), ("later", ""));
    }

    #[test]
    fn a_flash_keeps_its_kind_through_the_session() {
        for flash in [
            Flash::ok("2 requests are ready: a, b".to_owned()),
            Flash::error("Nothing was received: x".to_owned()),
        ] {
            assert_eq!(Flash::read(&flash.write()), flash);
        }
    }

    #[test]
    fn the_merchants_language_is_the_first_the_page_can_write() {
        for (accept, lang) in [
            ("de-DE,de;q=0.9,en;q=0.8", Lang::De),
            ("fr", Lang::Fr),
            ("*", Lang::En),
            ("", Lang::En),
            ("pt-BR,pt;q=0.9", Lang::En),
            ("pt-BR,de;q=0.8", Lang::De),
            ("en-GB,de;q=0.8", Lang::En),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT_LANGUAGE,
                axum::http::HeaderValue::from_static(accept),
            );
            assert_eq!(Dates::of(&headers).lang, lang, "{accept:?}");
        }
    }
}
