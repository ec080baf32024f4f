//! Requests: capture, the shopper's cancel and consent, the merchant's "shipped", and what the
//! shopper and the shop's team read back.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::line::{Counters, PROMISE_COLUMNS, append, promise_at, review, status_at};
use super::records::{
    Accepted, Cancellation, Granted, HistoryRow, NewRequest, RequestRow, RequestStatus, Shipment,
    Submission,
};
use super::stock::{calendar_of, for_shoppers, record_of, write_record};
use super::{IN_LINE, Store, StoreError, date, text};
use crate::domain::delay::{self, Answer, Promise};
use crate::domain::{
    CancelledBy, Event, MAX_QUANTITY, RequestKind, ShopCalendar, ShopDay, Status, Stock,
    format_iso_date, shelf_for_preorders,
};
use crate::server::{clock, secrets};

/// What the decision sees: the product as a new shopper's page evaluates it (units the line
/// waits for counted as promised), its calendar and the shop's day. `None` for an unknown SKU.
pub struct Offered<'a> {
    pub stock: Option<&'a Stock>,
    pub calendar: &'a ShopCalendar,
    pub today: ShopDay,
}

impl Store {
    /// Stores `request` if `decide` grants it. A known idempotency key answers from what was
    /// stored and never calls `decide`. Reads one row for the product, whatever the history.
    pub fn submit<R>(
        &self,
        request: &NewRequest,
        now: DateTime<Utc>,
        decide: impl FnOnce(Offered) -> Result<Granted, R>,
    ) -> Result<Submission<R>, StoreError> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let known: Option<(String, String, String)> = transaction
            .query_row(
                "SELECT request_hash, response_json, status FROM requests WHERE idempotency_key = ?1",
                [&request.checked.idempotency_key],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        if let Some((hash, response, status)) = known {
            return Ok(if hash != request.request_hash {
                Submission::KeyReused
            } else if status == Status::Cancelled.as_str() {
                Submission::Cancelled
            } else {
                Submission::Replayed(response)
            });
        }
        let calendar = calendar_of(&transaction)?;
        let today = clock::shop_day(&calendar, now);
        let sku = &request.checked.sku;
        let row: Option<(String, u32, u32)> = transaction
            .query_row(
                "SELECT record_json, waiting, in_line FROM stock WHERE sku = ?1",
                [sku],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let in_line = row.as_ref().map_or(0, |(_, _, in_line)| *in_line);
        // The product as a new shopper's page sees it: what the line waits for is promised.
        let offered = match &row {
            Some((json, waiting, _)) => Some(
                Stock::from_record(&for_shoppers(json, *waiting)?)
                    .map_err(|error| StoreError::Corrupt(format!("{sku}: {error}")))?,
            ),
            None => None,
        };
        let granted = match decide(Offered {
            stock: offered.as_ref(),
            calendar: &calendar,
            today,
        }) {
            Ok(granted) => granted,
            Err(refusal) => return Ok(Submission::Refused(refusal)),
        };
        let kind = request.checked.kind;
        let holds_units = kind.reserves_units();
        let expected_date = granted.expected_date.map(format_iso_date);
        // The new row has the highest `seq`, so its place is right behind the whole line.
        let accepted = Accepted {
            id: secrets::request_id(),
            queue_position: holds_units.then_some(in_line + 1),
            expected_date: expected_date.clone(),
            units_ahead: holds_units.then_some(granted.units_ahead),
            cancel_token: secrets::random_token(32),
            notifies: false,
        };
        // Before its release, a pre-order takes what is free on the shelf: its first shipment,
        // by the rule `domain::review_line` applies to those already in line.
        let allocated = match (kind, &offered) {
            (RequestKind::Preorder, Some(stock)) => {
                shelf_for_preorders(stock, today.date).min(request.checked.quantity)
            }
            _ => 0,
        };
        let status = if holds_units && allocated == request.checked.quantity {
            Status::Ready
        } else {
            Status::Waiting
        };
        let response = serde_json::to_string(&accepted)?;
        transaction.execute(
            "INSERT INTO requests (id, sku, kind, holds_units, quantity, email, name, consent_text,
                 consent_given, expected_date, shown_expected_date, locale, page, idempotency_key,
                 request_hash, response_json, cancel_token, created_at, received_at, status,
                 allocated, ships_by, promise_date, units_ahead)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?10, ?23)",
            params![
                accepted.id,
                sku,
                kind.as_str(),
                holds_units,
                request.checked.quantity,
                request.checked.email,
                request.checked.name,
                request.checked.consent_text,
                request.consent_given,
                expected_date,
                request.shown_expected_date,
                request.locale,
                request.page,
                request.checked.idempotency_key,
                request.request_hash,
                response,
                accepted.cancel_token,
                request.created_at,
                request.received_at,
                status.as_str(),
                allocated,
                (status != Status::Ready)
                    .then_some(expected_date.clone())
                    .flatten(),
                accepted.units_ahead,
            ],
        )?;
        let at = clock::stamp(now);
        append(
            &transaction,
            &accepted.id,
            Event::Created {
                stated: granted.expected_date,
            },
            &at,
        )?;
        if allocated > 0 {
            if let (Some(mut record), Some(stock)) = (record_of(&transaction, sku)?, &offered) {
                record.on_hand = Some(i64::from(stock.on_hand - allocated));
                write_record(&transaction, sku, &record, now)?;
            }
            let set_aside = Event::SetAside {
                units: allocated,
                total: allocated,
            };
            append(&transaction, &accepted.id, set_aside, &at)?;
            if status == Status::Ready {
                append(&transaction, &accepted.id, Event::Ready, &at)?;
            }
        }
        if holds_units {
            let quantity = i64::from(request.checked.quantity);
            let set_aside = i64::from(allocated);
            Counters::shift(&transaction, sku, set_aside, quantity - set_aside, 1)?;
        }
        transaction.commit()?;
        Ok(Submission::Created(accepted))
    }

    /// Cancels request `id` if `token` is its cancel token (`by` the shopper), or for the
    /// merchant (`token: None`, after the admin token was checked). What it held goes to the
    /// next in line.
    pub fn cancel(
        &self,
        id: &str,
        token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Cancellation, StoreError> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(found) = find(&transaction, id, token)? else {
            return Ok(Cancellation::NotFound);
        };
        let outcome = match found.status {
            Status::Cancelled => Cancellation::AlreadyCancelled {
                cancelled_at: found.cancelled_at.unwrap_or_default(),
            },
            Status::Shipped => Cancellation::Shipped,
            _ => {
                let at = clock::stamp(now);
                let by = match token {
                    Some(_) => CancelledBy::Shopper,
                    None => CancelledBy::Merchant,
                };
                transaction.execute(
                    "UPDATE requests SET status = 'cancelled', cancelled_at = ?2, cancelled_by = ?3
                     WHERE id = ?1",
                    params![id, at, by.as_str()],
                )?;
                append(&transaction, id, Event::Cancelled { by }, &at)?;
                if found.holds_units {
                    // Whatever it held is freed for the next in line; the dates of those
                    // behind it may move up.
                    review(&transaction, &found.sku, found.allocated, now)?;
                }
                Cancellation::Cancelled { cancelled_at: at }
            }
        };
        transaction.commit()?;
        Ok(outcome)
    }

    /// The merchant handed request `id` to the carrier: only a request set aside in full can
    /// ship; its units leave the warehouse.
    pub fn ship(&self, id: &str, now: DateTime<Utc>) -> Result<Shipment, StoreError> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(found) = find(&transaction, id, None)? else {
            return Ok(Shipment::NotFound);
        };
        if found.status != Status::Ready {
            return Ok(Shipment::NotReady {
                status: found.status.as_str().to_owned(),
            });
        }
        let at = clock::stamp(now);
        transaction.execute(
            "UPDATE requests SET status = 'shipped', shipped_at = ?2 WHERE id = ?1",
            params![id, at],
        )?;
        append(&transaction, id, Event::Shipped, &at)?;
        // A ready request holds all its units; they leave with it.
        Counters::shift(&transaction, &found.sku, -i64::from(found.allocated), 0, -1)?;
        transaction.commit()?;
        Ok(Shipment::Shipped { shipped_at: at })
    }

    /// The shopper's yes to a delay (`POST /api/backorders/{id}/consent`), as
    /// `domain::delay::keep` decides it; returns the status the request has after it. `None`
    /// for a wrong id or token, as for every token-checked route.
    pub fn consent(
        &self,
        id: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Status>, StoreError> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(found) = find(&transaction, id, Some(token))? else {
            return Ok(None);
        };
        if !found.status.is_active() {
            // Shipped or cancelled: there is nothing left to keep.
            return Ok(Some(found.status));
        }
        let calendar = calendar_of(&transaction)?;
        let today = clock::shop_day(&calendar, now).date;
        let at = clock::stamp(now);
        let status = match delay::keep(found.promise, today) {
            Answer::Kept(kept) => {
                transaction.execute(
                    "UPDATE requests SET promise_date = ?2, awaiting_consent = 0,
                         offered_date = NULL, consent_by = NULL
                     WHERE id = ?1",
                    params![id, text(kept.in_force)],
                )?;
                let consented = Event::Consented {
                    date: kept.in_force,
                };
                append(&transaction, id, consented, &at)?;
                found.status
            }
            // An explicit yes to a delay silence already kept is recorded (when, and to which
            // date): the shop can show it was given.
            Answer::Recorded if found.status == Status::Delayed => {
                let consented = Event::Consented {
                    date: found.promise.in_force,
                };
                append(&transaction, id, consented, &at)?;
                found.status
            }
            Answer::Recorded => found.status,
            // After the deadline the rule has already cancelled it, whether or not a review
            // has run since: this one does, and the shopper learns the truth.
            Answer::TooLate => {
                let (reviewed, line) = review(&transaction, &found.sku, 0, now)?;
                line.iter()
                    .zip(&reviewed.decisions)
                    .find(|(row, _)| row.id == id)
                    .map_or(found.status, |(_, decision)| decision.status)
            }
        };
        transaction.commit()?;
        Ok(Some(status))
    }

    /// What the shopper holding `token` sees of request `id` (`None`: no such id, or another
    /// token).
    pub async fn status(
        &self,
        id: String,
        token: String,
    ) -> Result<Option<RequestStatus>, StoreError> {
        self.read(move |connection| {
            let Some(found) = find(connection, &id, Some(&token))? else {
                return Ok(None);
            };
            // Units ahead: what other channels are owed and what earlier requests still wait
            // for, as at capture (units already set aside are no longer ahead of anyone).
            let (queue_position, units_ahead) = match found.holds_units && found.status.is_active()
            {
                true => {
                    let (ahead_requests, ahead_units): (u32, u32) = connection.query_row(
                        &format!(
                            "SELECT COUNT(*), COALESCE(SUM(quantity - allocated), 0) FROM requests
                             WHERE sku = ?1 AND seq < ?2 AND {IN_LINE}"
                        ),
                        params![found.sku, found.seq],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )?;
                    let owed = record_of(connection, &found.sku)?
                        .and_then(|record| record.backordered)
                        .unwrap_or(0)
                        .clamp(0, i64::from(MAX_QUANTITY)) as u32;
                    (Some(ahead_requests + 1), Some(ahead_units + owed))
                }
                false => (None, None),
            };
            Ok(Some(RequestStatus {
                id: found.id.clone(),
                kind: found.kind.clone(),
                sku: found.sku.clone(),
                status: found.status.as_str().to_owned(),
                quantity: found.quantity,
                allocated: found.allocated,
                queue_position,
                units_ahead,
                stated_date: text(found.promise.stated),
                current_date: text(found.current),
                needs_consent: found.promise.needs_consent() && found.status.is_active(),
                consent_by: text(found.promise.awaiting.map(|awaiting| awaiting.deadline)),
                cancelled_by: found.cancelled_by.clone(),
                refund_due: found.refund_due.clone(),
                history: history_of(connection, &id)?,
            }))
        })
        .await
    }

    /// Every request, oldest first, with its current place in line.
    pub async fn list(&self) -> Result<Vec<RequestRow>, StoreError> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(&format!(
                "SELECT id, status, sku, kind, quantity, allocated,
                     CASE WHEN {IN_LINE} THEN ROW_NUMBER() OVER (
                         PARTITION BY sku, ({IN_LINE}) ORDER BY seq) END,
                     expected_date, shown_expected_date, ships_by, awaiting_consent, consent_by,
                     email, name, consent_given, consent_text, locale, page, idempotency_key,
                     created_at, received_at, shipped_at, cancelled_at, cancelled_by, refund_due,
                     units_ahead
                 FROM requests ORDER BY seq"
            ))?;
            let rows = statement.query_map([], |row| {
                let awaiting: bool = row.get(10)?;
                let status: String = row.get(1)?;
                Ok(RequestRow {
                    id: row.get(0)?,
                    needs_consent: awaiting
                        && Status::parse(&status).is_some_and(Status::is_active),
                    status,
                    sku: row.get(2)?,
                    kind: row.get(3)?,
                    quantity: row.get(4)?,
                    allocated: row.get(5)?,
                    queue_position: row.get(6)?,
                    expected_date: row.get(7)?,
                    shown_expected_date: row.get(8)?,
                    current_date: row.get(9)?,
                    consent_by: row.get(11)?,
                    email: row.get(12)?,
                    name: row.get(13)?,
                    consent_given: row.get(14)?,
                    consent_text: row.get(15)?,
                    locale: row.get(16)?,
                    page: row.get(17)?,
                    idempotency_key: row.get(18)?,
                    created_at: row.get(19)?,
                    received_at: row.get(20)?,
                    shipped_at: row.get(21)?,
                    cancelled_at: row.get(22)?,
                    cancelled_by: row.get(23)?,
                    refund_due: row.get(24)?,
                    units_ahead: row.get(25)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }
}

/// A stored request, as the routes that find one by id need it.
struct Found {
    id: String,
    seq: i64,
    sku: String,
    kind: String,
    holds_units: bool,
    quantity: u32,
    allocated: u32,
    status: Status,
    promise: Promise,
    current: Option<NaiveDate>,
    cancelled_at: Option<String>,
    cancelled_by: Option<String>,
    refund_due: Option<String>,
}

/// Request `id`, if `token` (when given) is its cancel token. The comparison takes the same
/// time whatever matches, and an unknown id costs one too: the answer's timing tells nothing.
fn find(
    connection: &Connection,
    id: &str,
    token: Option<&str>,
) -> Result<Option<Found>, StoreError> {
    let row = connection
        .query_row(
            &format!(
                "SELECT cancel_token, seq, sku, kind, holds_units, quantity, allocated, status,
                     ships_by, cancelled_at, cancelled_by, refund_due, {PROMISE_COLUMNS}
                 FROM requests WHERE id = ?1"
            ),
            [id],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    Found {
                        id: id.to_owned(),
                        seq: row.get(1)?,
                        sku: row.get(2)?,
                        kind: row.get(3)?,
                        holds_units: row.get(4)?,
                        quantity: row.get(5)?,
                        allocated: row.get(6)?,
                        status: status_at(row, 7)?,
                        current: date(row.get(8)?),
                        cancelled_at: row.get(9)?,
                        cancelled_by: row.get(10)?,
                        refund_due: row.get(11)?,
                        promise: promise_at(row, 12)?,
                    },
                ))
            },
        )
        .optional()?;
    let Some((stored_token, found)) = row else {
        if let Some(token) = token {
            secrets::secrets_match(token, UNKNOWN_ID_TOKEN);
        }
        return Ok(None);
    };
    match token {
        Some(token) if !secrets::secrets_match(token, &stored_token) => Ok(None),
        _ => Ok(Some(found)),
    }
}

/// What a token is compared with when no request has the id asked for.
const UNKNOWN_ID_TOKEN: &str = "no request has this id";

fn history_of(connection: &Connection, id: &str) -> Result<Vec<HistoryRow>, StoreError> {
    let mut statement = connection.prepare_cached(
        "SELECT at, what, old_date, new_date, notice, due, units FROM history
         WHERE request_id = ?1 ORDER BY seq",
    )?;
    let rows = statement.query_map([id], |row| {
        Ok(HistoryRow {
            at: row.get(0)?,
            what: row.get(1)?,
            old_date: row.get(2)?,
            new_date: row.get(3)?,
            notice: row.get(4)?,
            due: row.get(5)?,
            units: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
