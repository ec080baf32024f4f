//! [`Tx`] holds one transaction's reads and writes, each a method with a meaning ("the line of
//! this SKU", "set this request aside").
//!
//! The rules (what a submission, a receipt, a sweep does; which events and emails follow) are
//! written once, in the store's other modules, against this trait. Each backend implements it
//! with its own SQL in its own dialect: `sqlite` on rusqlite, `postgres` on tokio-postgres. No
//! SQL text is shared between them, and no rule lives in either.
//!
//! Values cross the boundary as the rules use them: counts as `u32`, dates and instants as the
//! ISO texts both backends store, statuses and kinds as their words.

use chrono::{DateTime, Utc};

use super::StoreError;
use super::desk::{Deadline, LineEntry, MailState};
use super::events::{Attempt, DueEvent, FailingEvent};
use super::line::{Counters, LineRow};
use super::mails::DueMail;
use super::records::{RequestRow, StockItem};
use super::requests::Found;
use crate::domain::history::HistoryEntry;
use crate::domain::lifecycle::Decision;
use crate::wire::HistoryRow;

/// What one change (or one read) may ask of the database, inside one transaction.
///
/// A write transaction serialises with every other change to the same products: SQLite by its
/// one writer (`BEGIN IMMEDIATE`), PostgreSQL by the locks [`Tx::lock_products`] and
/// [`Tx::lock_every_product`] take, always in SKU order so two replicas never deadlock.
pub(super) trait Tx {
    // Locks and the change's own history.

    /// Locks the products `skus` for the rest of the transaction, in SKU order, whether or not
    /// each has a stock row: every change to a product's line takes its lock first.
    fn lock_products(&mut self, skus: &[&str]) -> Result<(), StoreError>;
    /// Locks request `id`'s row, after its product's: what a change to it reads next is what
    /// the change before it left.
    fn lock_request(&mut self, id: &str) -> Result<(), StoreError>;
    /// Locks the whole shop, every product with it: a change that reviews every line (a sweep,
    /// a new calendar, an import).
    fn lock_every_product(&mut self) -> Result<(), StoreError>;
    /// Takes the shop-wide sweep claim for this transaction; `false` when another replica holds
    /// it (its sweep is under way and applies the same changes).
    fn claim_sweep(&mut self) -> Result<bool, StoreError>;
    /// Waits until no capture is under way, for the rest of the transaction: a listing page read
    /// after it misses no request below the highest `seq` it reads.
    fn settle_captures(&mut self) -> Result<(), StoreError>;
    /// The history rows this transaction appended, in order, taken out of it.
    fn take_appended(&mut self) -> Vec<Appended>;

    // The shop and its stock.

    /// The shop's configuration as stored (JSON), if any.
    fn shop_json(&mut self) -> Result<Option<String>, StoreError>;
    /// Where the stock came from (`Origin::as_str`), if the shop's row exists.
    fn origin(&mut self) -> Result<Option<String>, StoreError>;
    fn put_shop(&mut self, json: &str, origin: &str) -> Result<(), StoreError>;
    /// The stock API changed the stock: the origin becomes `api` (`default_json` is the
    /// configuration to store if the shop has no row yet).
    fn mark_changed(&mut self, default_json: &str) -> Result<(), StoreError>;
    fn stock_count(&mut self) -> Result<u32, StoreError>;
    fn stock_skus(&mut self) -> Result<Vec<String>, StoreError>;
    fn delete_stock(&mut self, sku: &str) -> Result<(), StoreError>;
    /// Replaces `sku`'s record (its counters stay), or adds it as the last product.
    fn put_record(&mut self, sku: &str, json: &str, at: &str) -> Result<(), StoreError>;
    /// Rewrites the record of a product that exists.
    fn write_record(&mut self, sku: &str, json: &str, at: &str) -> Result<(), StoreError>;
    fn record_json(&mut self, sku: &str) -> Result<Option<String>, StoreError>;
    fn stock_row(&mut self, sku: &str) -> Result<Option<StockRow>, StoreError>;
    /// Every product's row in the merchant's order.
    fn stock_rows(&mut self) -> Result<Vec<StockRow>, StoreError>;
    /// Every product as stored, in the merchant's order (`sku`: only that one).
    fn stock_items(&mut self, sku: Option<&str>) -> Result<Vec<StockItem>, StoreError>;
    fn set_counters(&mut self, sku: &str, counters: Counters) -> Result<(), StoreError>;
    fn shift_counters(
        &mut self,
        sku: &str,
        set_aside: i64,
        waiting: i64,
        in_line: i64,
    ) -> Result<(), StoreError>;
    /// Counts every product's counters afresh from its requests.
    fn recount_all(&mut self) -> Result<(), StoreError>;

    // Requests.

    /// The request stored under an idempotency key.
    fn by_key(&mut self, key: &str) -> Result<Option<Keyed>, StoreError>;
    /// The answer of `email`'s waiting notify sign-up for `sku` (emails compared without case).
    fn signed_up(&mut self, sku: &str, email: &str) -> Result<Option<String>, StoreError>;
    /// Units `email` holds of `sku` in requests in line.
    fn held_by(&mut self, sku: &str, email: &str) -> Result<u32, StoreError>;
    /// Units set aside across every line.
    fn held_total(&mut self) -> Result<u32, StoreError>;
    /// Stores a new request; [`StoreError::KeyTaken`] when its idempotency key was stored by a
    /// change this one could not see (another replica's, committed meanwhile).
    fn insert_request(&mut self, row: &NewRow<'_>) -> Result<(), StoreError>;
    /// Request `id` with its cancel token's hash.
    fn find(&mut self, id: &str) -> Result<Option<(String, Found)>, StoreError>;
    fn set_cancelled(&mut self, id: &str, at: &str, by: &str) -> Result<(), StoreError>;
    fn set_shipped(&mut self, id: &str, at: &str) -> Result<(), StoreError>;
    /// The shopper kept the request at `in_force`: no answer is awaited any more.
    fn set_kept(&mut self, id: &str, in_force: Option<&str>) -> Result<(), StoreError>;
    /// A notify sign-up was confirmed from its email (the first time counts).
    fn set_confirmed(&mut self, id: &str, at: &str) -> Result<(), StoreError>;
    fn set_notified(&mut self, id: &str, at: &str) -> Result<(), StoreError>;
    /// The line of `sku`, first in line first.
    fn line_of(&mut self, sku: &str) -> Result<Vec<LineRow>, StoreError>;
    /// Writes what the review decided for one request in line (`cancelled_at`: when the rule
    /// cancelled it, with `refund_due`).
    fn store_decision(
        &mut self,
        id: &str,
        decision: &Decision,
        cancelled: Option<(&str, String)>,
    ) -> Result<(), StoreError>;
    /// Appends one entry to request `id`'s history (kept for [`Tx::take_appended`] too).
    fn append(&mut self, id: &str, entry: &HistoryEntry, at: &str) -> Result<(), StoreError>;
    /// The SKUs with requests in line, in SKU order.
    fn skus_in_line(&mut self) -> Result<Vec<String>, StoreError>;
    /// The next `limit` waiting sign-ups for `sku` in sign-up order (only confirmed ones when
    /// `confirmed_only`).
    fn sign_ups_to_tell(
        &mut self,
        sku: &str,
        limit: u32,
        confirmed_only: bool,
    ) -> Result<Vec<String>, StoreError>;
    /// A request as the shop's tools hear of it (the webhook's `data`), as JSON.
    fn request_data(&mut self, id: &str) -> Result<Option<RequestData>, StoreError>;
    /// Where request `id` stands now.
    fn standing(
        &mut self,
        id: &str,
    ) -> Result<Option<crate::domain::attention::Standing>, StoreError>;

    // What the shopper and the team read.

    /// Requests in line for `sku` ahead of `seq`, and the units they still wait for.
    fn ahead_of(&mut self, sku: &str, seq: i64) -> Result<(u32, u32), StoreError>;
    fn history_of(&mut self, id: &str) -> Result<Vec<HistoryRow>, StoreError>;
    /// Up to `limit` requests after `after_seq`, oldest first.
    fn requests_after(&mut self, after_seq: i64, limit: u32) -> Result<Vec<ListedRow>, StoreError>;
    /// The first `limit` requests in the line of `sku` (their history left empty).
    fn line_entries(&mut self, sku: &str, limit: u32) -> Result<Vec<LineEntry>, StoreError>;
    fn sign_up_count(&mut self, sku: &str) -> Result<u32, StoreError>;
    fn deadlines(&mut self, which: Deadlines<'_>) -> Result<Vec<Deadline>, StoreError>;
    /// Emails not delivered after at least one attempt.
    fn failing_mail_count(&mut self) -> Result<u32, StoreError>;
    /// The newest `limit` history rows that gave a notice, newest first.
    fn notice_rows(&mut self, limit: u32) -> Result<Vec<NoticeRow>, StoreError>;
    /// The first email of `kind` written for `request_id` at or after `at`.
    fn mail_since(
        &mut self,
        request_id: &str,
        kind: &str,
        at: &str,
    ) -> Result<Option<MailState>, StoreError>;
    /// The newest `limit` emails, newest first.
    fn newest_mails(&mut self, limit: u32) -> Result<Vec<MailState>, StoreError>;

    // The outboxes.

    fn insert_event(&mut self, event: &NewEvent<'_>) -> Result<(), StoreError>;
    fn insert_mail(&mut self, mail: &NewMail<'_>) -> Result<(), StoreError>;
    /// Claims up to `limit` events due at `now`, oldest first: on PostgreSQL each is due again
    /// only at `lease_until`, so no other replica's worker takes it meanwhile. SQLite has one
    /// process and one worker per outbox, so there it is a plain read.
    fn claim_events(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueEvent>, StoreError>;
    fn claim_mails(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueMail>, StoreError>;
    /// Hands back what this replica claimed and has not sent: due again at `now`, for any
    /// worker (a replica stopping).
    fn release_claims(&mut self, now: DateTime<Utc>) -> Result<(), StoreError>;
    fn record_attempt(
        &mut self,
        outbox: Outbox,
        id: &str,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Events pending, delivered, given up; and the first 100 failing.
    fn outbox_counts(&mut self) -> Result<(i64, i64, i64, Vec<FailingEvent>), StoreError>;

    // The merchant's sessions.

    fn delete_sessions_until(&mut self, at: &str) -> Result<(), StoreError>;
    fn insert_session(
        &mut self,
        id_hash: &str,
        csrf: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError>;
    fn session_csrf(&mut self, id_hash: &str, now: &str) -> Result<Option<String>, StoreError>;
    fn delete_session(&mut self, id_hash: &str) -> Result<(), StoreError>;
    fn set_flash(&mut self, id_hash: &str, flash: Option<&str>) -> Result<(), StoreError>;
    fn flash(&mut self, id_hash: &str) -> Result<Option<String>, StoreError>;
}

/// The two outboxes, kept alike: the shop's tools' events and the shopper's emails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outbox {
    Events,
    Mails,
}

/// A history row a change appended: what its events and emails are made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Appended {
    pub request_id: String,
    pub at: String,
    pub what: String,
    pub old_date: Option<String>,
    pub new_date: Option<String>,
    pub notice: Option<String>,
    pub due: Option<String>,
}

impl Appended {
    pub fn new(request_id: &str, entry: &HistoryEntry, at: &str) -> Self {
        Self {
            request_id: request_id.to_owned(),
            at: at.to_owned(),
            what: entry.what.to_owned(),
            old_date: super::text(entry.old_date),
            new_date: super::text(entry.new_date),
            notice: entry.notice.map(str::to_owned),
            due: super::text(entry.due),
        }
    }
}

/// A product's stock row: its record and the counters the cap and availability read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StockRow {
    pub json: String,
    pub waiting: u32,
    pub in_line: u32,
}

/// What an idempotency key was stored with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Keyed {
    pub request_hash: String,
    pub response: String,
    pub status: String,
    pub token_hash: String,
}

/// A request as captured, every column its insert writes.
#[derive(Debug)]
pub(super) struct NewRow<'a> {
    pub id: &'a str,
    pub sku: &'a str,
    pub kind: &'a str,
    pub holds_units: bool,
    pub quantity: u32,
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub consent_text: &'a str,
    pub consent_given: bool,
    pub expected_date: Option<&'a str>,
    pub shown_expected_date: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub page: Option<&'a str>,
    pub idempotency_key: &'a str,
    pub request_hash: &'a str,
    pub response: &'a str,
    pub token_hash: &'a str,
    pub created_at: Option<&'a str>,
    pub received_at: &'a str,
    pub status: &'a str,
    pub allocated: u32,
    pub ships_by: Option<&'a str>,
    pub units_ahead: Option<u32>,
}

/// The columns of a request the webhook's `data` tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RequestData {
    pub kind: String,
    pub sku: String,
    pub quantity: u32,
    pub allocated: u32,
    pub status: String,
    pub email: String,
    pub name: Option<String>,
    pub locale: Option<String>,
    pub expected_date: Option<String>,
    pub ships_by: Option<String>,
    pub consent_by: Option<String>,
    pub awaiting_consent: bool,
    pub cancelled_by: Option<String>,
    pub refund_due: Option<String>,
    pub received_at: String,
    pub shipped_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub page: Option<String>,
}

/// One request of the admin listing as stored, before its place in line is counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ListedRow {
    pub seq: i64,
    pub in_line: bool,
    pub awaiting_consent: bool,
    /// Every field but `queue_position` and `needs_consent`, which the listing works out.
    pub row: RequestRow,
}

/// Which requests the team's page lists with a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Deadlines<'a> {
    /// Awaiting the shopper's yes, by `consent_by`, soonest first.
    AwaitingConsent,
    /// Cancelled by the rule with a refund due on or after this date, soonest first.
    RefundsFrom(&'a str),
    /// Ready to ship, oldest first (no date).
    Ready,
}

/// A history row that gave a notice, with its request's SKU and email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NoticeRow {
    pub request_id: String,
    pub sku: String,
    pub email: String,
    pub what: String,
    pub notice: String,
    pub new_date: Option<String>,
    pub due: Option<String>,
    pub at: String,
}

/// An event as written.
#[derive(Debug)]
pub(super) struct NewEvent<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub request_id: Option<&'a str>,
    pub body: &'a str,
    pub at: &'a str,
}

/// An email's facts as written.
#[derive(Debug)]
pub(super) struct NewMail<'a> {
    pub id: &'a str,
    pub request_id: &'a str,
    pub kind: &'a str,
    pub to: &'a str,
    pub data: &'a str,
    pub at: &'a str,
}

/// The `SET` an attempt's outcome writes, as both backends need it: when, the answer's status
/// and the error.
pub(super) fn attempt_parts(
    attempt: &Attempt,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, Option<u16>, Option<&str>) {
    match attempt {
        Attempt::Delivered => (now, None, None),
        Attempt::Retry {
            next,
            status,
            error,
        } => (*next, *status, Some(error.as_str())),
        Attempt::GaveUp { status, error } => (now, *status, Some(error.as_str())),
    }
}
