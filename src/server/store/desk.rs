//! What the merchant's page reads and the two batch actions it has beside the stock API: one
//! product's line with each request's history, the deadlines that need the team, the notices
//! given and due, and moving or cancelling one batch in a single transaction.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::events::history_mark;
use super::line::{line_of, review, status_at};
use super::read::history_of;
use super::records::HistoryRow;
use super::stock::{batch_position, calendar_of, mark_changed, record_of, write_record};
use super::{IN_LINE, Store, StoreError, WAITING_SIGN_UP, date};
use crate::domain::{LineChange, Standing, Stock, line_change, mail_for};
use crate::server::clock;

/// Requests of one line the page shows at most; the export has every one.
const LINE_ROWS: i64 = 500;

/// Notices and emails the page lists at most, newest first.
const NOTICE_ROWS: i64 = 200;

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
            let mut statement = connection.prepare_cached(&format!(
                "SELECT id, kind, status, quantity, allocated, email, name, expected_date,
                     ships_by, awaiting_consent, consent_by
                 FROM requests WHERE sku = ?1 AND {IN_LINE} ORDER BY seq LIMIT ?2"
            ))?;
            let rows = statement
                .query_map(params![sku, LINE_ROWS], |row| {
                    Ok(LineEntry {
                        id: row.get(0)?,
                        kind: row.get(1)?,
                        status: row.get(2)?,
                        quantity: row.get(3)?,
                        allocated: row.get(4)?,
                        email: row.get(5)?,
                        name: row.get(6)?,
                        stated_date: row.get(7)?,
                        current_date: row.get(8)?,
                        needs_consent: row.get(9)?,
                        consent_by: row.get(10)?,
                        history: Vec::new(),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut line = Vec::with_capacity(rows.len());
            for mut entry in rows {
                entry.history = history_of(connection, &entry.id)?;
                line.push(entry);
            }
            let sign_ups: u32 = connection.query_row(
                &format!("SELECT COUNT(*) FROM requests WHERE sku = ?1 AND {WAITING_SIGN_UP}"),
                [&sku],
                |row| row.get(0),
            )?;
            Ok((line, sign_ups))
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
            Ok(Attention {
                awaiting_consent: deadlines(
                    connection,
                    &format!("WHERE awaiting_consent = 1 AND {IN_LINE} ORDER BY consent_by, seq"),
                    "consent_by",
                    [],
                )?,
                refunds_due: deadlines(
                    connection,
                    "WHERE refund_due IS NOT NULL AND refund_due >= ?1 ORDER BY refund_due, seq",
                    "refund_due",
                    [crate::domain::format_iso_date(refunds_since)],
                )?,
                ready: deadlines(
                    connection,
                    "WHERE status = 'ready' ORDER BY seq",
                    "NULL",
                    [],
                )?,
                failing_mails: connection.query_row(
                    "SELECT COUNT(*) FROM mails WHERE delivered_at IS NULL AND attempts > 0",
                    [],
                    |row| row.get(0),
                )?,
            })
        })
        .await
    }

    /// The notices the rule made due, newest first, each with its email if one was written.
    pub async fn notices(&self) -> Result<Vec<Notice>, StoreError> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT h.request_id, r.sku, r.email, h.what, h.notice, h.new_date, h.due, h.at
                 FROM history h JOIN requests r ON r.id = h.request_id
                 WHERE h.notice IS NOT NULL ORDER BY h.seq DESC LIMIT ?1",
            )?;
            let rows = statement
                .query_map([NOTICE_ROWS], |row| {
                    Ok((
                        row.get::<_, String>(3)?,
                        Notice {
                            request_id: row.get(0)?,
                            sku: row.get(1)?,
                            email: row.get(2)?,
                            notice: row.get(4)?,
                            new_date: date(row.get(5)?),
                            due: date(row.get(6)?),
                            at: row.get(7)?,
                            mail: None,
                        },
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut notices = Vec::with_capacity(rows.len());
            for (what, mut notice) in rows {
                // The email this step wrote: the first of its kind for the request since.
                if let Some(kind) = mail_for(&what) {
                    notice.mail = mails(
                        connection,
                        "WHERE request_id = ?1 AND kind = ?2 AND created_at >= ?3
                         ORDER BY seq LIMIT 1",
                        params![notice.request_id, kind.as_str(), notice.at],
                    )?
                    .pop();
                }
                notices.push(notice);
            }
            Ok(notices)
        })
        .await
    }

    /// The emails written, newest first.
    pub async fn mails(&self) -> Result<Vec<MailState>, StoreError> {
        self.read(|connection| mails(connection, "ORDER BY seq DESC LIMIT ?1", [NOTICE_ROWS]))
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
        let mut connection = self.lock();
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mark = history_mark(&transaction)?;
        let Some(before) = record_of(&transaction, sku)? else {
            return Ok(Err(BatchRefusal::UnknownSku));
        };
        let mut after = before.clone();
        let Some(position) = batch_position(&after, batch) else {
            return Ok(Err(BatchRefusal::UnknownBatch));
        };
        match change {
            BatchChange::Move(date) => {
                after.incoming[position].expected = crate::domain::format_iso_date(date);
            }
            BatchChange::Cancel => {
                after.incoming.remove(position);
            }
        }
        if let Err(error) = Stock::from_stored_record(&after) {
            return Ok(Err(BatchRefusal::Invalid(error.message())));
        }
        let standing_before = standings(&transaction, sku)?;
        mark_changed(&transaction)?;
        write_record(&transaction, sku, &after, now)?;
        review(&transaction, sku, 0, now)?;
        self.wave_after_change(&transaction, sku, Some(&before), &after, now)?;
        let ids: Vec<&str> = standing_before.iter().map(|s| s.id.as_str()).collect();
        let standing_after = standings_of(&transaction, &ids)?;
        self.commit(transaction, mark, now)?;
        Ok(Ok(line_change(&standing_before, &standing_after)))
    }
}

/// The requests `tail` (a `WHERE … ORDER BY` clause) selects, each with its date in column
/// `date_column`.
fn deadlines(
    connection: &Connection,
    tail: &str,
    date_column: &str,
    values: impl rusqlite::Params,
) -> Result<Vec<Deadline>, StoreError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT id, sku, email, {date_column} FROM requests {tail}"
    ))?;
    let rows = statement.query_map(values, |row| {
        Ok(Deadline {
            request_id: row.get(0)?,
            sku: row.get(1)?,
            email: row.get(2)?,
            date: date(row.get(3)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Where each request in the line of `sku` stands.
fn standings(connection: &Connection, sku: &str) -> Result<Vec<Standing>, StoreError> {
    Ok(line_of(connection, sku)?
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
fn standings_of(connection: &Connection, ids: &[&str]) -> Result<Vec<Standing>, StoreError> {
    let mut statement = connection
        .prepare_cached("SELECT id, status, allocated, ships_by FROM requests WHERE id = ?1")?;
    let mut standings = Vec::with_capacity(ids.len());
    for id in ids {
        let found = statement
            .query_row([id], |row| {
                Ok(Standing {
                    id: row.get(0)?,
                    status: status_at(row, 1)?,
                    allocated: row.get(2)?,
                    date: date(row.get(3)?),
                })
            })
            .optional()?;
        standings.extend(found);
    }
    Ok(standings)
}

/// The emails `tail` (a `WHERE`/`ORDER BY` clause) selects.
fn mails(
    connection: &Connection,
    tail: &str,
    values: impl rusqlite::Params,
) -> Result<Vec<MailState>, StoreError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT kind, to_address, request_id, created_at, delivered_at, attempts, last_error,
             gave_up_at
         FROM mails {tail}"
    ))?;
    let rows = statement.query_map(values, |row| {
        Ok(MailState {
            kind: row.get(0)?,
            to: row.get(1)?,
            request_id: row.get(2)?,
            created_at: row.get(3)?,
            delivered_at: row.get(4)?,
            attempts: row.get(5)?,
            last_error: row.get(6)?,
            gave_up_at: row.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
