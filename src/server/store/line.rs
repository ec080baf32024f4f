//! A product's line: its requests in queue order, reviewed by the domain after every change,
//! and what the review decided written down (requests, history, the stock row and counters).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, Transaction, params};

use super::stock::{calendar_of, record_of, write_record};
use super::{IN_LINE, StoreError, date, text};
use crate::domain::delay::{Awaiting, Promise};
use crate::domain::{
    Decision, Event, InLine, LineReview, MAX_QUANTITY, Status, Stock, StockRecord, Tracked,
    review_line,
};
use crate::server::clock;

/// One request in line, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LineRow {
    pub id: String,
    pub tracked: Tracked,
    pub status: Status,
}

/// The columns a request's place under the delay rule is read from, in [`promise_at`]'s order.
pub(super) const PROMISE_COLUMNS: &str =
    "expected_date, promise_date, notices, awaiting_consent, offered_date, consent_by";

/// The promise stored in the [`PROMISE_COLUMNS`] that start at column `first` of `row`.
pub(super) fn promise_at(row: &Row, first: usize) -> rusqlite::Result<Promise> {
    let awaiting: bool = row.get(first + 3)?;
    let deadline = date(row.get(first + 5)?);
    Ok(Promise {
        stated: date(row.get(first)?),
        in_force: date(row.get(first + 1)?),
        notices: row.get(first + 2)?,
        awaiting: match (awaiting, deadline) {
            (true, Some(deadline)) => Some(Awaiting {
                offered: date(row.get(first + 4)?),
                deadline,
            }),
            _ => None,
        },
    })
}

/// The status in column `index`; a word this version does not know is an error, never a guess.
pub(super) fn status_at(row: &Row, index: usize) -> rusqlite::Result<Status> {
    let status: String = row.get(index)?;
    Status::parse(&status).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            format!("unknown request status {status:?}").into(),
        )
    })
}

/// The line of `sku`, first in line first.
pub(super) fn line_of(connection: &Connection, sku: &str) -> Result<Vec<LineRow>, StoreError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT id, quantity, allocated, ships_by, status, {PROMISE_COLUMNS}
         FROM requests WHERE sku = ?1 AND {IN_LINE} ORDER BY seq"
    ))?;
    let rows = statement.query_map([sku], |row| {
        Ok(LineRow {
            id: row.get(0)?,
            tracked: Tracked {
                line: InLine {
                    quantity: row.get(1)?,
                    allocated: row.get(2)?,
                },
                current: date(row.get(3)?),
                promise: promise_at(row, 5)?,
            },
            status: status_at(row, 4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Reviews the line of `sku` at `now` (`freed` units just came to it: a delivery, or what a
/// cancelled request held) and stores what the domain decided, with the product's counters
/// counted from the line it reviewed. Returns the review with the line it was made for. A SKU
/// whose stock record is gone is reviewed against an empty one: nothing is on its way for it.
pub(super) fn review(
    transaction: &Transaction,
    sku: &str,
    freed: u32,
    now: DateTime<Utc>,
) -> Result<(LineReview, Vec<LineRow>), StoreError> {
    let calendar = calendar_of(transaction)?;
    let stored = record_of(transaction, sku)?;
    let known = stored.is_some();
    let mut record = stored.unwrap_or_else(|| StockRecord {
        sku: Some(sku.to_owned()),
        ..StockRecord::default()
    });
    let stock = Stock::from_record(&record)
        .map_err(|error| StoreError::Corrupt(format!("{sku}: {error}")))?;
    let line = line_of(transaction, sku)?;
    let tracked: Vec<Tracked> = line.iter().map(|row| row.tracked).collect();
    let today = clock::shop_day(&calendar, now);
    let reviewed = review_line(&stock, &calendar, &tracked, freed, today);
    let at = clock::stamp(now);
    let mut counters = Counters::default();
    for ((row, decision), tracked) in line.iter().zip(&reviewed.decisions).zip(&tracked) {
        store_decision(transaction, row, decision, &at)?;
        if decision.status.is_active() {
            counters.add(tracked.line.quantity, decision.allocated);
        }
    }
    if known && (reviewed.to_other_channels > 0 || reviewed.shelf_change != 0) {
        let owed = record.backordered.unwrap_or(0).max(0);
        record.backordered = Some(owed - i64::from(reviewed.to_other_channels));
        let shelf = record.on_hand.unwrap_or(0).max(0) + reviewed.shelf_change;
        record.on_hand = Some(shelf.clamp(0, i64::from(MAX_QUANTITY)));
        write_record(transaction, sku, &record, now)?;
    }
    counters.store(transaction, sku)?;
    Ok((reviewed, line))
}

/// A product's line in numbers, as its stock row keeps them: the cap check and availability
/// read these instead of adding up requests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counters {
    pub set_aside: u32,
    pub waiting: u32,
    pub in_line: u32,
}

impl Counters {
    fn add(&mut self, quantity: u32, allocated: u32) {
        self.set_aside = self.set_aside.saturating_add(allocated);
        self.waiting = self
            .waiting
            .saturating_add(quantity.saturating_sub(allocated));
        self.in_line = self.in_line.saturating_add(1);
    }

    /// Writes the whole line's counters.
    fn store(self, transaction: &Transaction, sku: &str) -> Result<(), StoreError> {
        transaction.execute(
            "UPDATE stock SET set_aside = ?2, waiting = ?3, in_line = ?4 WHERE sku = ?1",
            params![sku, self.set_aside, self.waiting, self.in_line],
        )?;
        Ok(())
    }

    /// Adds a change to the counters there are (a request joining or leaving the line), in the
    /// transaction that makes it: no line is read.
    pub(super) fn shift(
        transaction: &Transaction,
        sku: &str,
        set_aside: i64,
        waiting: i64,
        in_line: i64,
    ) -> Result<(), StoreError> {
        transaction.execute(
            "UPDATE stock SET set_aside = set_aside + ?2, waiting = waiting + ?3,
                 in_line = in_line + ?4
             WHERE sku = ?1",
            params![sku, set_aside, waiting, in_line],
        )?;
        Ok(())
    }
}

fn store_decision(
    transaction: &Transaction,
    row: &LineRow,
    decision: &Decision,
    at: &str,
) -> Result<(), StoreError> {
    let unchanged = decision.allocated == row.tracked.line.allocated
        && decision.current == row.tracked.current
        && decision.promise == row.tracked.promise
        && decision.status == row.status
        && decision.events.is_empty();
    if unchanged {
        return Ok(());
    }
    let awaiting = decision.promise.awaiting;
    let (cancelled_at, refund_due) = match decision.cancelled {
        Some((_, refund_due)) => (Some(at.to_owned()), text(Some(refund_due))),
        None => (None, None),
    };
    transaction.execute(
        "UPDATE requests SET allocated = ?2, ships_by = ?3, promise_date = ?4, notices = ?5,
             awaiting_consent = ?6, offered_date = ?7, consent_by = ?8, status = ?9,
             cancelled_at = COALESCE(?10, cancelled_at),
             cancelled_by = CASE WHEN ?10 IS NULL THEN cancelled_by ELSE 'no_consent' END,
             refund_due = COALESCE(?11, refund_due)
         WHERE id = ?1",
        params![
            row.id,
            decision.allocated,
            text(decision.current),
            text(decision.promise.in_force),
            decision.promise.notices,
            awaiting.is_some(),
            text(awaiting.and_then(|awaiting| awaiting.offered)),
            text(awaiting.map(|awaiting| awaiting.deadline)),
            decision.status.as_str(),
            cancelled_at,
            refund_due,
        ],
    )?;
    for event in &decision.events {
        append(transaction, &row.id, *event, at)?;
    }
    Ok(())
}

/// Appends one entry to a request's history.
pub(super) fn append(
    transaction: &Transaction,
    id: &str,
    event: Event,
    at: &str,
) -> Result<(), StoreError> {
    let entry = event.entry();
    transaction.execute(
        "INSERT INTO history (request_id, at, what, old_date, new_date, notice, due, units)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            at,
            entry.what,
            text(entry.old_date),
            text(entry.new_date),
            entry.notice,
            text(entry.due),
            entry.units,
        ],
    )?;
    Ok(())
}
