//! It also finds one request by its id and token (`read` shows it to its shopper).

use chrono::{DateTime, NaiveDate, Utc};

use super::line::{Counters, append, review};
use super::records::{Cancellation, Granted, NewRequest, Shipment, Submission};
use super::sql::{Keyed, NewRow, Tx};
use super::stock::{calendar_of, for_shoppers, record_of, write_record};
use super::{Store, StoreError, text};
use crate::domain::calendar::{ShopCalendar, ShopDay};
use crate::domain::date::format_iso_date;
use crate::domain::delay::{self, Answer, Promise};
use crate::domain::fulfilment::shelf_for_preorders;
use crate::domain::history::{CancelledBy, Event};
use crate::domain::lifecycle::Status;
use crate::domain::request::RequestKind;
use crate::domain::stock::Stock;
use crate::server::{clock, secrets};
use crate::wire::Accepted;

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
        decide: impl Fn(Offered) -> Result<Granted, R>,
    ) -> Result<Submission<R>, StoreError> {
        self.change(|transaction| self.submit_in(transaction, request, now, &decide))
    }

    fn submit_in<R>(
        &self,
        transaction: &mut dyn Tx,
        request: &NewRequest,
        now: DateTime<Utc>,
        decide: &impl Fn(Offered) -> Result<Granted, R>,
    ) -> Result<Submission<R>, StoreError> {
        let sku = &request.checked.sku;
        let email = &request.checked.email;
        // The product's row first: every change to its line waits for the one before, so the
        // key, the cap and the place in line below are read after it.
        transaction.lock_products(&[sku])?;
        if let Some(Keyed {
            request_hash,
            response,
            status,
            token_hash,
        }) = transaction.by_key(&request.checked.idempotency_key)?
        {
            return Ok(if request_hash != request.request_hash {
                Submission::KeyReused
            } else if status == Status::Cancelled.as_str() {
                Submission::Cancelled
            } else {
                Submission::Replayed(self.with_token(&response, &token_hash)?)
            });
        }
        // One notify sign-up per email and item: a repeat answers as the first did, without its
        // cancel token, which only the first answer's holder has.
        if request.checked.kind == RequestKind::Notify
            && let Some(response) = transaction.signed_up(sku, email)?
        {
            return Ok(Submission::AlreadySignedUp(response));
        }
        let held_by_shopper = transaction.held_by(sku, email)?;
        let calendar = calendar_of(transaction)?;
        let today = clock::shop_day(&calendar, now);
        let row = transaction.stock_row(sku)?;
        let in_line = row.as_ref().map_or(0, |row| row.in_line);
        // The product as a new shopper's page sees it: what the line waits for is promised.
        let offered = match &row {
            Some(row) => Some(
                Stock::from_record(&for_shoppers(&row.json, row.waiting)?)
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
        let token_hash = secrets::sha256_hex(&cancel_token);
        transaction.insert_request(&NewRow {
            id: &accepted.id,
            sku,
            kind: kind.as_str(),
            holds_units,
            quantity: request.checked.quantity,
            email: &request.checked.email,
            name: request.checked.name.as_deref(),
            consent_text: &request.checked.consent_text,
            consent_given: request.consent_given,
            expected_date: expected_date.as_deref(),
            shown_expected_date: request.shown_expected_date.as_deref(),
            locale: request.locale.as_deref(),
            page: request.page.as_deref(),
            idempotency_key: &request.checked.idempotency_key,
            request_hash: &request.request_hash,
            response: &response,
            token_hash: &token_hash,
            created_at: request.created_at.as_deref(),
            received_at: &request.received_at,
            status: status.as_str(),
            allocated,
            ships_by: expected_date.as_deref().filter(|_| status != Status::Ready),
            units_ahead: accepted.units_ahead,
        })?;
        let at = clock::stamp(now);
        append(
            transaction,
            &accepted.id,
            Event::Created {
                stated: granted.expected_date,
            },
            &at,
        )?;
        if allocated > 0 {
            if let (Some(mut record), Some(stock)) = (record_of(transaction, sku)?, &offered) {
                record.on_hand = Some(i64::from(stock.on_hand - allocated));
                write_record(transaction, sku, &record, now)?;
            }
            let set_aside = Event::SetAside {
                units: allocated,
                total: allocated,
            };
            append(transaction, &accepted.id, set_aside, &at)?;
            if status == Status::Ready {
                append(transaction, &accepted.id, Event::Ready, &at)?;
            }
        }
        if holds_units {
            let quantity = i64::from(request.checked.quantity);
            let set_aside = i64::from(allocated);
            Counters::shift(transaction, sku, set_aside, quantity - set_aside, 1)?;
        }
        self.tell(transaction, now)?;
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
        self.change(|transaction| {
            let Some(found) = find_locked(transaction, id, token)? else {
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
                    transaction.set_cancelled(id, &at, by.as_str())?;
                    append(transaction, id, Event::Cancelled { by }, &at)?;
                    if found.holds_units {
                        // Whatever it held is freed for the next in line; the dates of those
                        // behind it may move up.
                        review(transaction, &found.sku, found.allocated, now)?;
                    }
                    Cancellation::Cancelled { cancelled_at: at }
                }
            };
            self.tell(transaction, now)?;
            Ok(outcome)
        })
    }

    /// The merchant handed request `id` to the carrier: only a request set aside in full can
    /// ship; its units leave the warehouse.
    pub fn ship(&self, id: &str, now: DateTime<Utc>) -> Result<Shipment, StoreError> {
        self.change(|transaction| {
            let Some(found) = find_locked(transaction, id, None)? else {
                return Ok(Shipment::NotFound);
            };
            if found.status != Status::Ready {
                return Ok(Shipment::NotReady {
                    status: found.status.as_str().to_owned(),
                });
            }
            let at = clock::stamp(now);
            transaction.set_shipped(id, &at)?;
            append(transaction, id, Event::Shipped, &at)?;
            // A ready request holds all its units; they leave with it.
            Counters::shift(transaction, &found.sku, -i64::from(found.allocated), 0, -1)?;
            self.tell(transaction, now)?;
            Ok(Shipment::Shipped { shipped_at: at })
        })
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
        self.change(|transaction| {
            let Some(found) = find_locked(transaction, id, Some(token))? else {
                return Ok(None);
            };
            if !found.status.is_active() {
                // Shipped or cancelled: there is nothing left to keep.
                return Ok(Some(found.status));
            }
            let calendar = calendar_of(transaction)?;
            let today = clock::shop_day(&calendar, now).date;
            let at = clock::stamp(now);
            let status = match delay::keep(found.promise, today) {
                Answer::Kept(kept) => {
                    transaction.set_kept(id, text(kept.in_force).as_deref())?;
                    let consented = Event::Consented {
                        date: kept.in_force,
                    };
                    append(transaction, id, consented, &at)?;
                    found.status
                }
                // An explicit yes to a delay silence already kept is recorded (when, and to which
                // date): the shop can show it was given.
                Answer::Recorded if found.status == Status::Delayed => {
                    let consented = Event::Consented {
                        date: found.promise.in_force,
                    };
                    append(transaction, id, consented, &at)?;
                    found.status
                }
                Answer::Recorded => found.status,
                // After the deadline the rule has already cancelled it, whether or not a review
                // has run since: this one does, and the shopper learns the truth.
                Answer::TooLate => {
                    let (reviewed, line) = review(transaction, &found.sku, 0, now)?;
                    line.iter()
                        .zip(&reviewed.decisions)
                        .find(|(row, _)| row.id == id)
                        .map_or(found.status, |(_, decision)| decision.status)
                }
            };
            self.tell(transaction, now)?;
            Ok(Some(status))
        })
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
    connection: &mut dyn Tx,
    id: &str,
    token: Option<&str>,
) -> Result<Option<Found>, StoreError> {
    let Some((stored_hash, found)) = connection.find(id)? else {
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

/// [`find`] for a change to the request: its product's row is locked first, and the request
/// read again after, as the change before left it.
pub(super) fn find_locked(
    transaction: &mut dyn Tx,
    id: &str,
    token: Option<&str>,
) -> Result<Option<Found>, StoreError> {
    let Some(found) = find(transaction, id, token)? else {
        return Ok(None);
    };
    transaction.lock_products(&[&found.sku])?;
    transaction.lock_request(id)?;
    find(transaction, id, token)
}

/// What a token is compared with when no request has the id asked for.
const UNKNOWN_ID_TOKEN: &str = "no request has this id";
