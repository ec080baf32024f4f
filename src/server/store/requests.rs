//! Requests: capture, the shopper's cancel and consent, the merchant's "shipped"; and how one
//! request is found by its id and token (`read` shows it to its shopper).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::events::history_mark;
use super::line::{Counters, PROMISE_COLUMNS, append, promise_at, review, status_at};
use super::records::{Accepted, Cancellation, Granted, NewRequest, Shipment, Submission};
use super::stock::{calendar_of, for_shoppers, record_of, write_record};
use super::{IN_LINE, Store, StoreError, WAITING_SIGN_UP, date, text};
use crate::domain::delay::{self, Answer, Promise};
use crate::domain::{
    CancelledBy, Event, RequestKind, ShopCalendar, ShopDay, Status, Stock, format_iso_date,
    shelf_for_preorders,
};
use crate::server::{clock, secrets};

/// What the decision sees: the product as a new shopper's page evaluates it (units the line
/// waits for counted as promised), its calendar and the shop's day. `None` for an unknown SKU.
pub struct Offered<'a> {
    pub stock: Option<&'a Stock>,
    pub calendar: &'a ShopCalendar,
    pub today: ShopDay,
    /// Units the same email already holds of this item, in requests still in line.
    pub held_by_shopper: u32,
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
        let mark = history_mark(&transaction)?;
        let known: Option<(String, String, String, String)> = transaction
            .query_row(
                "SELECT request_hash, response_json, status, cancel_token_hash FROM requests
                 WHERE idempotency_key = ?1",
                [&request.checked.idempotency_key],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()?;
        if let Some((hash, response, status, token_hash)) = known {
            return Ok(if hash != request.request_hash {
                Submission::KeyReused
            } else if status == Status::Cancelled.as_str() {
                Submission::Cancelled
            } else {
                Submission::Replayed(self.with_token(&response, &token_hash)?)
            });
        }
        let sku = &request.checked.sku;
        let email = &request.checked.email;
        // One notify sign-up per email and item: a repeat answers as the first did, without its
        // cancel token, which only the first answer's holder has.
        if request.checked.kind == RequestKind::Notify {
            let signed_up: Option<String> = transaction
                .query_row(
                    &format!(
                        "SELECT response_json FROM requests
                         WHERE sku = ?1 AND email = ?2 COLLATE NOCASE AND {WAITING_SIGN_UP}"
                    ),
                    [sku, email],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(response) = signed_up {
                return Ok(Submission::AlreadySignedUp(response));
            }
        }
        let held_by_shopper: u32 = transaction.query_row(
            &format!(
                "SELECT COALESCE(SUM(quantity), 0) FROM requests
                 WHERE sku = ?1 AND email = ?2 COLLATE NOCASE AND {IN_LINE}"
            ),
            [sku, email],
            |row| row.get(0),
        )?;
        let calendar = calendar_of(&transaction)?;
        let today = clock::shop_day(&calendar, now);
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
            held_by_shopper,
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
            cancel_token: None,
            // The shopper hears by email when this endpoint sends the emails itself.
            notifies: self.mails,
        };
        let cancel_token = self.tokens.cancel_token(&accepted.id);
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
                 request_hash, response_json, cancel_token_hash, created_at, received_at, status,
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
                secrets::sha256_hex(&cancel_token),
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
        self.commit(transaction, mark, now)?;
        Ok(Submission::Created(Accepted {
            cancel_token: Some(cancel_token),
            ..accepted
        }))
    }

    /// A stored `201` body with its cancel token put back, byte for byte the first answer. A
    /// request stored before tokens were derived (its hash is of a random token) answers
    /// without one: that token exists only where the first answer went.
    fn with_token(&self, response: &str, token_hash: &str) -> Result<String, StoreError> {
        let accepted: Accepted = serde_json::from_str(response)?;
        let token = self.tokens.cancel_token(&accepted.id);
        let derived = secrets::secrets_match(&secrets::sha256_hex(&token), token_hash);
        Ok(serde_json::to_string(&Accepted {
            cancel_token: derived.then_some(token),
            ..accepted
        })?)
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
        let mark = history_mark(&transaction)?;
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
        self.commit(transaction, mark, now)?;
        Ok(outcome)
    }

    /// The merchant handed request `id` to the carrier: only a request set aside in full can
    /// ship; its units leave the warehouse.
    pub fn ship(&self, id: &str, now: DateTime<Utc>) -> Result<Shipment, StoreError> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mark = history_mark(&transaction)?;
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
        self.commit(transaction, mark, now)?;
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
        let mark = history_mark(&transaction)?;
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
        self.commit(transaction, mark, now)?;
        Ok(Some(status))
    }
}

/// A stored request, as the routes that find one by id need it.
pub(super) struct Found {
    pub id: String,
    pub seq: i64,
    pub sku: String,
    pub kind: String,
    pub holds_units: bool,
    pub quantity: u32,
    pub allocated: u32,
    pub status: Status,
    pub promise: Promise,
    pub current: Option<NaiveDate>,
    pub cancelled_at: Option<String>,
    pub cancelled_by: Option<String>,
    pub refund_due: Option<String>,
}

/// Request `id`, if `token` (when given) is its cancel token. The comparison takes the same
/// time whatever matches, and an unknown id costs one too: the answer's timing tells nothing.
pub(super) fn find(
    connection: &Connection,
    id: &str,
    token: Option<&str>,
) -> Result<Option<Found>, StoreError> {
    let row = connection
        .query_row(
            &format!(
                "SELECT cancel_token_hash, seq, sku, kind, holds_units, quantity, allocated, status,
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
    let Some((stored_hash, found)) = row else {
        if let Some(token) = token {
            secrets::secrets_match(&secrets::sha256_hex(token), UNKNOWN_ID_TOKEN);
        }
        return Ok(None);
    };
    match token {
        Some(token) if !secrets::secrets_match(&secrets::sha256_hex(token), &stored_hash) => {
            Ok(None)
        }
        _ => Ok(Some(found)),
    }
}

/// What a token is compared with when no request has the id asked for.
const UNKNOWN_ID_TOKEN: &str = "no request has this id";
