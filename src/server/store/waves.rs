//! Back-in-stock waves as the store carries them out: after a merchant's stock change, the
//! next sign-ups in order are marked told and their history says so, which the outbox turns
//! into `notify.back_in_stock`. How many is `domain::waves`' decision.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::line::append;
use super::stock::{calendar_of, for_shoppers};
use super::{Store, StoreError, WAITING_SIGN_UP};
use crate::domain::{Event, Stock, StockRecord, units_brought, units_for_new_shoppers, wave_size};
use crate::server::clock;

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
        let connection = self.lock();
        let Some(found) = super::requests::find(&connection, id, Some(token))? else {
            return Ok(None);
        };
        if found.kind != "notify" {
            return Ok(None);
        }
        connection.execute(
            "UPDATE requests SET confirmed_at = COALESCE(confirmed_at, ?2) WHERE id = ?1",
            params![id, clock::stamp(now)],
        )?;
        Ok(Some(()))
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
        transaction: &Transaction,
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
        transaction: &Transaction,
        sku: &str,
        arrived: u32,
        now: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        if arrived == 0 {
            return Ok(0);
        }
        let row: Option<(String, u32)> = transaction
            .query_row(
                "SELECT record_json, waiting FROM stock WHERE sku = ?1",
                [sku],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((json, waiting)) = row else {
            return Ok(0);
        };
        let stock = Stock::from_record(&for_shoppers(&json, waiting)?)
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
        let told: Vec<String> = transaction
            .prepare_cached(&format!(
                "SELECT id FROM requests
                 WHERE sku = ?1 AND {WAITING_SIGN_UP} AND (?3 = 0 OR confirmed_at IS NOT NULL)
                 ORDER BY seq LIMIT ?2"
            ))?
            .query_map(params![sku, size, self.double_opt_in], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let at = clock::stamp(now);
        for id in &told {
            transaction.execute(
                "UPDATE requests SET notified_at = ?2 WHERE id = ?1",
                params![id, at],
            )?;
            append(transaction, id, Event::Notified, &at)?;
        }
        Ok(u32::try_from(told.len()).unwrap_or(u32::MAX))
    }
}
