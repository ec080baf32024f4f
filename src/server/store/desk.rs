//! One product's line with each request's history, the deadlines that need the team, the notices
//! given and due, and moving or cancelling one batch in a single transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::line::review;
use super::sql::{Deadlines, Tx};
use super::stock::{batch_position, calendar_of, mark_changed, record_of, write_record};
use super::{Store, StoreError, date};
use crate::domain::attention::{LineChange, Standing, line_change};
use crate::domain::history::mail_for;
use crate::domain::stock::Stock;
use crate::server::clock;
use crate::wire::HistoryRow;

/// Requests of one line the page shows at most; the export has every one.
const LINE_ROWS: u32 = 500;

/// Notices and emails the page lists at most, newest first.
const NOTICE_ROWS: u32 = 200;

/// One request in a product's line, with its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineEntry {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub quantity: u32,
    pub allocated: u32,
    pub email: String,
    pub name: Option<String>,
    pub stated_date: Option<String>,
    pub current_date: Option<String>,
    pub needs_consent: bool,
    pub consent_by: Option<String>,
    pub history: Vec<HistoryRow>,
}

/// A request and the day something about it is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub request_id: String,
    pub sku: String,
    pub email: String,
    pub date: Option<NaiveDate>,
}

/// What needs the team, across every product.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attention {
    /// Delayed beyond what silence may keep: cancelled by the rule at the date unless the
    /// shopper says yes. Soonest first.
    pub awaiting_consent: Vec<Deadline>,
    /// Cancelled by the rule: the shop owes a refund by the date. Soonest first.
    pub refunds_due: Vec<Deadline>,
    /// Set aside in full: ready to ship. Oldest first; the date is none.
    pub ready: Vec<Deadline>,
    /// Emails not delivered yet after at least one attempt, given-up ones included.
    pub failing_mails: u32,
}

/// A notice the rule made due, and what became of its email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub request_id: String,
    pub sku: String,
    pub email: String,
    /// `delay`, `consent` or `cancelled`.
    pub notice: String,
    /// The request's new date, if the notice is about one.
    pub new_date: Option<NaiveDate>,
    /// The last day the notice may be given.
    pub due: Option<NaiveDate>,
    /// When the rule made it due.
    pub at: String,
    /// Its email, when the endpoint sends them; `None` when it does not, or it was not written.
    pub mail: Option<MailState>,
}

/// Where one email stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailState {
    pub kind: String,
    pub to: String,
    pub request_id: String,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub gave_up_at: Option<String>,
}

/// What a batch action is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchChange {
    /// A reschedule: the batch is now expected on this date.
    Move(NaiveDate),
    /// A cancelled delivery: the batch is no longer coming.
    Cancel,
}

/// Why a batch action changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchRefusal {
    UnknownSku,
    UnknownBatch,
    /// The record would break a rule (the message says which).
    Invalid(String),
}

impl Store {
    /// The line of `sku` in order (the first [`LINE_ROWS`]), each request with its history,
    /// and how many notify sign-ups wait for the item.
    pub async fn line(&self, sku: String) -> Result<(Vec<LineEntry>, u32), StoreError> {
        self.read(move |connection| {
            let mut line = connection.line_entries(&sku, LINE_ROWS)?;
            for entry in &mut line {
                entry.history = connection.history_of(&entry.id)?;
            }
            Ok((line, connection.sign_up_count(&sku)?))
        })
        .await
    }

    /// The shop's own date at `now`, in its time zone.
    pub async fn today(&self, now: DateTime<Utc>) -> Result<NaiveDate, StoreError> {
        self.read(move |connection| Ok(clock::shop_day(&calendar_of(connection)?, now).date))
            .await
    }

    /// What needs the team: answers awaited, refunds due from `refunds_since` on, requests
    /// ready to ship, failing emails.
    pub async fn attention(&self, refunds_since: NaiveDate) -> Result<Attention, StoreError> {
        self.read(move |connection| {
            let since = crate::domain::date::format_iso_date(refunds_since);
            Ok(Attention {
                awaiting_consent: connection.deadlines(Deadlines::AwaitingConsent)?,
                refunds_due: connection.deadlines(Deadlines::RefundsFrom(&since))?,
                ready: connection.deadlines(Deadlines::Ready)?,
                failing_mails: connection.failing_mail_count()?,
            })
        })
        .await
    }

    /// The notices the rule made due, newest first, each with its email if one was written.
    pub async fn notices(&self) -> Result<Vec<Notice>, StoreError> {
        self.read(|connection| {
            let rows = connection.notice_rows(NOTICE_ROWS)?;
            let mut notices = Vec::with_capacity(rows.len());
            for row in rows {
                // The email this step wrote: the first of its kind for the request since.
                let mail = match mail_for(&row.what) {
                    Some(kind) => connection.mail_since(&row.request_id, kind.as_str(), &row.at)?,
                    None => None,
                };
                notices.push(Notice {
                    request_id: row.request_id,
                    sku: row.sku,
                    email: row.email,
                    notice: row.notice,
                    new_date: date(row.new_date),
                    due: date(row.due),
                    at: row.at,
                    mail,
                });
            }
            Ok(notices)
        })
        .await
    }

    /// The emails written, newest first.
    pub async fn mails(&self) -> Result<Vec<MailState>, StoreError> {
        self.read(|connection| connection.newest_mails(NOTICE_ROWS))
            .await
    }

    /// Moves or cancels batch `batch` of `sku` (the API's `PUT /api/stock/{sku}` with that one
    /// change), and says what it did to the line. One transaction: a delivery recorded at the
    /// same moment is never undone by it.
    pub fn change_batch(
        &self,
        sku: &str,
        batch: &str,
        change: BatchChange,
        now: DateTime<Utc>,
    ) -> Result<Result<LineChange, BatchRefusal>, StoreError> {
        self.change(|transaction| {
            transaction.lock_products(&[sku])?;
            let Some(before) = record_of(transaction, sku)? else {
                return Ok(Err(BatchRefusal::UnknownSku));
            };
            let mut after = before.clone();
            let Some(position) = batch_position(&after, batch) else {
                return Ok(Err(BatchRefusal::UnknownBatch));
            };
            match change {
                BatchChange::Move(date) => {
                    after.incoming[position].expected = crate::domain::date::format_iso_date(date);
                }
                BatchChange::Cancel => {
                    after.incoming.remove(position);
                }
            }
            if let Err(error) = Stock::from_stored_record(&after) {
                return Ok(Err(BatchRefusal::Invalid(error.message())));
            }
            let standing_before = standings(transaction, sku)?;
            mark_changed(transaction)?;
            write_record(transaction, sku, &after, now)?;
            review(transaction, sku, 0, now)?;
            self.wave_after_change(transaction, sku, Some(&before), &after, now)?;
            let ids: Vec<&str> = standing_before.iter().map(|s| s.id.as_str()).collect();
            let standing_after = standings_of(transaction, &ids)?;
            self.tell(transaction, now)?;
            Ok(Ok(line_change(&standing_before, &standing_after)))
        })
    }
}

/// Where each request in the line of `sku` stands.
fn standings(connection: &mut dyn Tx, sku: &str) -> Result<Vec<Standing>, StoreError> {
    Ok(connection
        .line_of(sku)?
        .into_iter()
        .map(|row| Standing {
            id: row.id,
            status: row.status,
            allocated: row.tracked.line.allocated,
            date: row.tracked.current,
        })
        .collect())
}

/// Where the requests `ids` stand, whatever their status now.
fn standings_of(connection: &mut dyn Tx, ids: &[&str]) -> Result<Vec<Standing>, StoreError> {
    let mut standings = Vec::with_capacity(ids.len());
    for id in ids {
        standings.extend(connection.standing(id)?);
    }
    Ok(standings)
}
