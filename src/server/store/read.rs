//! One request as its shopper sees it now, and every request with its place in line.

use std::collections::HashMap;

use super::line::kind_of;
use super::records::RequestRow;
use super::requests::find;
use super::stock::record_of;
use super::{Store, StoreError, text};
use crate::domain::MAX_QUANTITY;
use crate::domain::lifecycle::Status;
use crate::wire::RequestStatus;

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
                    let (ahead_requests, ahead_units) =
                        connection.ahead_of(&found.sku, found.seq)?;
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
                kind: kind_of(&found.kind)?,
                sku: found.sku.clone(),
                status: found.status,
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
                history: connection.history_of(&id)?,
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
            let limit = u32::try_from(limit).unwrap_or(u32::MAX);
            // A capture still under way may hold a `seq` below one already committed: the page
            // waits for it, so the next page's `seq > cursor` never passes over it.
            connection.settle_captures()?;
            let mut rows = Vec::new();
            for listed in connection.requests_after(cursor.after_seq, limit)? {
                // Places in line count the requests in line for the same SKU, in order.
                let queue_position = listed.in_line.then(|| {
                    let place = cursor.in_line.entry(listed.row.sku.clone()).or_insert(0);
                    *place += 1;
                    *place
                });
                cursor.after_seq = listed.seq;
                rows.push(RequestRow {
                    queue_position,
                    needs_consent: listed.awaiting_consent
                        && Status::parse(&listed.row.status).is_some_and(Status::is_active),
                    ..listed.row
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
