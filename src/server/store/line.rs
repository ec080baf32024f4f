//! What the review decided is written down: requests, history, the stock row and counters.

use chrono::{DateTime, Utc};

use super::sql::Tx;
use super::stock::{calendar_of, record_of, write_record};
use super::{StoreError, date};
use crate::domain::MAX_QUANTITY;
use crate::domain::delay::{Awaiting, Promise};
use crate::domain::history::Event;
use crate::domain::lifecycle::{Decision, LineReview, Status, Tracked, review_line};
use crate::domain::request::RequestKind;
use crate::domain::stock::Stock;
use crate::server::clock;
use crate::wire::StockRecord;

/// One request in line, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LineRow {
    pub id: String,
    pub tracked: Tracked,
    pub status: Status,
}

/// A request's place under the delay rule, as its columns store it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PromiseColumns {
    /// `expected_date`: the date stated at capture.
    pub stated: Option<String>,
    /// `promise_date`: the date in force.
    pub in_force: Option<String>,
    pub notices: u32,
    /// `awaiting_consent`, with `offered_date` and `consent_by`.
    pub awaiting: bool,
    pub offered: Option<String>,
    pub deadline: Option<String>,
}

impl PromiseColumns {
    /// The promise these columns hold; an answer awaited without a deadline is none awaited.
    pub fn promise(self) -> Promise {
        let deadline = date(self.deadline);
        Promise {
            stated: date(self.stated),
            in_force: date(self.in_force),
            notices: self.notices,
            awaiting: match (self.awaiting, deadline) {
                (true, Some(deadline)) => Some(Awaiting {
                    offered: date(self.offered),
                    deadline,
                }),
                _ => None,
            },
        }
    }
}

/// A stored status; a word this version does not know is an error, never a guess.
pub(super) fn status_of(status: &str) -> Result<Status, StoreError> {
    Status::parse(status)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown request status {status:?}")))
}

/// A stored kind; one this version does not know is an error, never taken for a backorder.
pub(super) fn kind_of(kind: &str) -> Result<RequestKind, StoreError> {
    RequestKind::parse(kind)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown request kind {kind:?}")))
}

/// Reviews the line of `sku` at `now` (`freed` units just came to it: a delivery, or what a
/// cancelled request held) and stores what the domain decided, with the product's counters
/// counted from the line it reviewed. Returns the review with the line it was made for. A SKU
/// whose stock record is gone is reviewed against an empty one: nothing is on its way for it.
pub(super) fn review(
    transaction: &mut dyn Tx,
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
    let line = transaction.line_of(sku)?;
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
    transaction.set_counters(sku, counters)?;
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

    /// Adds a change to the counters there are (a request joining or leaving the line), in the
    /// transaction that makes it: no line is read.
    pub(super) fn shift(
        transaction: &mut dyn Tx,
        sku: &str,
        set_aside: i64,
        waiting: i64,
        in_line: i64,
    ) -> Result<(), StoreError> {
        transaction.shift_counters(sku, set_aside, waiting, in_line)
    }
}

fn store_decision(
    transaction: &mut dyn Tx,
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
    let cancelled = decision
        .cancelled
        .map(|(_, refund_due)| (at, crate::domain::date::format_iso_date(refund_due)));
    transaction.store_decision(&row.id, decision, cancelled)?;
    for event in &decision.events {
        append(transaction, &row.id, *event, at)?;
    }
    Ok(())
}

/// Appends one entry to a request's history.
pub(super) fn append(
    transaction: &mut dyn Tx,
    id: &str,
    event: Event,
    at: &str,
) -> Result<(), StoreError> {
    transaction.append(id, &event.entry(), at)
}
