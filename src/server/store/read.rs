//! What the shopper and the shop's team read back: one request as its shopper sees it now, and
//! every request with its place in line. Reads run on the pool, beside the writer.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use super::records::{HistoryRow, RequestRow, RequestStatus};
use super::requests::find;
use super::stock::record_of;
use super::{IN_LINE, Store, StoreError, text};
use crate::domain::{MAX_QUANTITY, Status};

impl Store {
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

    /// Every request, oldest first, with its current place in line (tests read it whole; the
    /// routes stream it with [`Store::list_page`]).
    #[cfg(test)]
    pub async fn list(&self) -> Result<Vec<RequestRow>, StoreError> {
        let mut cursor = Cursor::default();
        let mut rows = Vec::new();
        loop {
            let (page, next) = self.list_page(cursor, 100).await?;
            if page.is_empty() {
                return Ok(rows);
            }
            rows.extend(page);
            cursor = next;
        }
    }

    /// Up to `limit` requests after `cursor`, oldest first, with their places in line, and the
    /// cursor for the next page. Each page is one short read, so a slow export never holds a
    /// connection between pages, and memory stays one page whatever the table holds. A change
    /// between two pages shows in the later page only.
    pub async fn list_page(
        &self,
        mut cursor: Cursor,
        limit: usize,
    ) -> Result<(Vec<RequestRow>, Cursor), StoreError> {
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(&format!(
                "SELECT id, status, sku, kind, quantity, allocated, {IN_LINE},
                     expected_date, shown_expected_date, ships_by, awaiting_consent, consent_by,
                     email, name, consent_given, consent_text, locale, page, idempotency_key,
                     created_at, received_at, shipped_at, cancelled_at, cancelled_by, refund_due,
                     units_ahead, seq
                 FROM requests WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            ))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let mut rows = Vec::new();
            let mut query = statement.query(params![cursor.after_seq, limit])?;
            while let Some(row) = query.next()? {
                let awaiting: bool = row.get(10)?;
                let status: String = row.get(1)?;
                let sku: String = row.get(2)?;
                let in_line: bool = row.get(6)?;
                // Places in line count the requests in line for the same SKU, in order.
                let queue_position = in_line.then(|| {
                    let place = cursor.in_line.entry(sku.clone()).or_insert(0);
                    *place += 1;
                    *place
                });
                cursor.after_seq = row.get(26)?;
                rows.push(RequestRow {
                    id: row.get(0)?,
                    needs_consent: awaiting
                        && Status::parse(&status).is_some_and(Status::is_active),
                    status,
                    sku,
                    kind: row.get(3)?,
                    quantity: row.get(4)?,
                    allocated: row.get(5)?,
                    queue_position,
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
                });
            }
            Ok((rows, cursor))
        })
        .await
    }
}

/// Where a paged listing stands: the last request read, and per SKU the requests in line seen
/// so far (a SKU each, never a row each).
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    after_seq: i64,
    in_line: HashMap<String, u32>,
}

pub(super) fn history_of(connection: &Connection, id: &str) -> Result<Vec<HistoryRow>, StoreError> {
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
