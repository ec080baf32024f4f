//! After a merchant's stock change, the next sign-ups in order are marked told and their history
//! says so, which the outbox turns into `notify.back_in_stock`. How many is `domain::waves`'
//! decision.

use chrono::{DateTime, Utc};

use super::line::append;
use super::sql::Tx;
use super::stock::{calendar_of, for_shoppers};
use super::{Store, StoreError};
use crate::domain::history::Event;
use crate::domain::stock::Stock;
use crate::domain::waves::{units_brought, units_for_new_shoppers, wave_size};
use crate::server::clock;
use crate::wire::StockRecord;

impl Store {
    /// Only sign-ups confirmed from their email (`Store::confirm`) hear an item is back.
    pub fn with_double_opt_in(mut self) -> Self {
        self.double_opt_in = true;
        self
    }

    /// Confirms notify sign-up `id` if `token` is its cancel token: its shopper followed the
    /// email's link and pressed the button. `None`: no such sign-up.
    pub fn confirm(
        &self,
        id: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<()>, StoreError> {
        self.change(|transaction| {
            let Some(found) = super::requests::find(transaction, id, Some(token))? else {
                return Ok(None);
            };
            if found.kind != "notify" {
                return Ok(None);
            }
            transaction.set_confirmed(id, &clock::stamp(now))?;
            Ok(Some(()))
        })
    }

    /// Each wave tells up to the units that arrived, and can be had, times `factor`.
    pub fn with_wave_factor(mut self, factor: u32) -> Self {
        self.wave_factor = factor;
        self
    }

    /// After `sku`'s record changed from `before`, tells the next sign-ups it is back if the
    /// change brought units. Returns how many were told.
    pub(super) fn wave_after_change(
        &self,
        transaction: &mut dyn Tx,
        sku: &str,
        before: Option<&StockRecord>,
        after: &StockRecord,
        now: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let checked = |record: &StockRecord| Stock::from_record(record).ok();
        let Some(after) = checked(after) else {
            return Ok(0);
        };
        let arrived = units_brought(before.and_then(checked).as_ref(), &after);
        self.wave(transaction, sku, arrived, now)
    }

    /// Tells the next sign-ups for `sku`, in sign-up order, that it is back, after a change
    /// that brought `arrived` units. Returns how many were told.
    pub(super) fn wave(
        &self,
        transaction: &mut dyn Tx,
        sku: &str,
        arrived: u32,
        now: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        if arrived == 0 {
            return Ok(0);
        }
        let Some(row) = transaction.stock_row(sku)? else {
            return Ok(0);
        };
        let stock = Stock::from_record(&for_shoppers(&row.json, row.waiting)?)
            .map_err(|error| StoreError::Corrupt(format!("{sku}: {error}")))?;
        let calendar = calendar_of(transaction)?;
        let today = clock::shop_day(&calendar, now);
        let size = wave_size(
            arrived,
            units_for_new_shoppers(&stock, &calendar, today),
            self.wave_factor,
        );
        if size == 0 {
            return Ok(0);
        }
        // With double opt-in, only sign-ups confirmed from their email are told.
        let told = transaction.sign_ups_to_tell(sku, size, self.double_opt_in)?;
        let at = clock::stamp(now);
        for id in &told {
            transaction.set_notified(id, &at)?;
            append(transaction, id, Event::Notified, &at)?;
        }
        Ok(u32::try_from(told.len()).unwrap_or(u32::MAX))
    }
}
