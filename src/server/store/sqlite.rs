//! Each change runs in one `BEGIN IMMEDIATE` transaction on the writer, which takes SQLite's
//! write lock before it reads anything, even against another process: changes are serialised
//! whole, so the row locks PostgreSQL needs are no-ops here. Reads use their own connections in
//! WAL mode and never queue behind a writer.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::desk::{Deadline, LineEntry, MailState};
use super::events::{Attempt, DueEvent, FailingEvent, created_at};
use super::line::{Counters, LineRow, PromiseColumns, status_of};
use super::mails::DueMail;
use super::records::{RequestRow, StockItem};
use super::requests::Found;
use super::sql::{
    Appended, Deadlines, Keyed, ListedRow, NewEvent, NewMail, NewRow, NoticeRow, Outbox,
    RequestData, StockRow, Tx, attempt_parts,
};
use super::{StoreError, date};
use crate::domain::attention::Standing;
use crate::domain::fulfilment::InLine;
use crate::domain::history::HistoryEntry;
use crate::domain::lifecycle::{Decision, Tracked};
use crate::server::clock;
use crate::wire::HistoryRow;

/// Requests in line: they hold or wait for units (in step with `Status::is_active`).
const IN_LINE: &str = "holds_units = 1 AND status IN ('waiting', 'ready', 'delayed')";

/// Notify sign-ups still waiting to hear their item is back.
const WAITING_SIGN_UP: &str = "kind = 'notify' AND status = 'waiting' AND notified_at IS NULL";

/// The columns [`promise_at`] reads, in its order.
const PROMISE_COLUMNS: &str =
    "expected_date, promise_date, notices, awaiting_consent, offered_date, consent_by";

/// One transaction (or, on a reader, a run of reads) on a SQLite connection.
pub(super) struct SqliteTx<'a> {
    connection: &'a Connection,
    appended: Vec<Appended>,
}

impl<'a> SqliteTx<'a> {
    pub fn new(connection: &'a Connection) -> Self {
        Self {
            connection,
            appended: Vec::new(),
        }
    }
}

/// The promise stored in the [`PROMISE_COLUMNS`] that start at column `first` of `row`.
fn promise_at(row: &Row, first: usize) -> rusqlite::Result<PromiseColumns> {
    Ok(PromiseColumns {
        stated: row.get(first)?,
        in_force: row.get(first + 1)?,
        notices: row.get(first + 2)?,
        awaiting: row.get(first + 3)?,
        offered: row.get(first + 4)?,
        deadline: row.get(first + 5)?,
    })
}

fn mail_state(row: &Row) -> rusqlite::Result<MailState> {
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
}

const MAIL_STATE_COLUMNS: &str =
    "kind, to_address, request_id, created_at, delivered_at, attempts, last_error, gave_up_at";

fn table(outbox: Outbox) -> &'static str {
    match outbox {
        Outbox::Events => "events",
        Outbox::Mails => "mails",
    }
}

impl SqliteTx<'_> {
    /// The rows of `outbox` due at `now`, oldest first. One process uses the file and it has
    /// one worker per outbox, so nothing else can take them: no claim is needed.
    fn due<T>(
        &mut self,
        outbox: Outbox,
        columns: &str,
        now: DateTime<Utc>,
        limit: u32,
        read: impl FnMut(&Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT seq, {columns} FROM {}
             WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= ?1
             ORDER BY seq LIMIT ?2",
            table(outbox)
        ))?;
        let rows = statement.query_map(params![clock::stamp(now), limit], read)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Tx for SqliteTx<'_> {
    fn lock_products(&mut self, _skus: &[&str]) -> Result<(), StoreError> {
        // `BEGIN IMMEDIATE` already holds the database's one write lock.
        Ok(())
    }

    fn lock_request(&mut self, _id: &str) -> Result<(), StoreError> {
        Ok(())
    }

    fn lock_every_product(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    fn settle_captures(&mut self) -> Result<(), StoreError> {
        // The one writer commits captures in `seq` order.
        Ok(())
    }

    fn claim_sweep(&mut self) -> Result<bool, StoreError> {
        Ok(true)
    }

    fn take_appended(&mut self) -> Vec<Appended> {
        std::mem::take(&mut self.appended)
    }

    fn shop_json(&mut self) -> Result<Option<String>, StoreError> {
        Ok(self
            .connection
            .query_row("SELECT config_json FROM shop WHERE id = 1", [], |row| {
                row.get(0)
            })
            .optional()?)
    }

    fn origin(&mut self) -> Result<Option<String>, StoreError> {
        Ok(self
            .connection
            .query_row("SELECT origin FROM shop WHERE id = 1", [], |row| row.get(0))
            .optional()?)
    }

    fn put_shop(&mut self, json: &str, origin: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO shop (id, config_json, origin) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET config_json = excluded.config_json,
                 origin = excluded.origin",
            params![json, origin],
        )?;
        Ok(())
    }

    fn mark_changed(&mut self, default_json: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO shop (id, config_json, origin) VALUES (1, ?1, 'api')
             ON CONFLICT (id) DO UPDATE SET origin = 'api'",
            [default_json],
        )?;
        Ok(())
    }

    fn stock_count(&mut self) -> Result<u32, StoreError> {
        Ok(self
            .connection
            .query_row("SELECT COUNT(*) FROM stock", [], |row| row.get(0))?)
    }

    fn stock_skus(&mut self) -> Result<Vec<String>, StoreError> {
        let mut statement = self.connection.prepare_cached("SELECT sku FROM stock")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn delete_stock(&mut self, sku: &str) -> Result<(), StoreError> {
        self.connection
            .execute("DELETE FROM stock WHERE sku = ?1", [sku])?;
        Ok(())
    }

    fn put_record(&mut self, sku: &str, json: &str, at: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO stock (sku, position, record_json, updated_at)
             VALUES (?1, (SELECT COALESCE(MAX(position), 0) + 1 FROM stock), ?2, ?3)
             ON CONFLICT (sku) DO UPDATE SET record_json = excluded.record_json,
                 updated_at = excluded.updated_at",
            params![sku, json, at],
        )?;
        Ok(())
    }

    fn write_record(&mut self, sku: &str, json: &str, at: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE stock SET record_json = ?2, updated_at = ?3 WHERE sku = ?1",
            params![sku, json, at],
        )?;
        Ok(())
    }

    fn record_json(&mut self, sku: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .connection
            .query_row(
                "SELECT record_json FROM stock WHERE sku = ?1",
                [sku],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn stock_row(&mut self, sku: &str) -> Result<Option<StockRow>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT record_json, waiting, in_line FROM stock WHERE sku = ?1")?;
        Ok(statement
            .query_row([sku], |row| {
                Ok(StockRow {
                    json: row.get(0)?,
                    waiting: row.get(1)?,
                    in_line: row.get(2)?,
                })
            })
            .optional()?)
    }

    fn stock_rows(&mut self) -> Result<Vec<StockRow>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT record_json, waiting, in_line FROM stock ORDER BY position")?;
        let rows = statement.query_map([], |row| {
            Ok(StockRow {
                json: row.get(0)?,
                waiting: row.get(1)?,
                in_line: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn stock_items(&mut self, sku: Option<&str>) -> Result<Vec<StockItem>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT record_json, set_aside, waiting, in_line FROM stock
             WHERE ?1 IS NULL OR sku = ?1 ORDER BY position",
        )?;
        let rows = statement.query_map([sku], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
            ))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (json, set_aside, waiting, in_line) = row?;
            items.push(StockItem {
                record: serde_json::from_str(&json)?,
                set_aside,
                waiting,
                in_line,
            });
        }
        Ok(items)
    }

    fn set_counters(&mut self, sku: &str, counters: Counters) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE stock SET set_aside = ?2, waiting = ?3, in_line = ?4 WHERE sku = ?1",
            params![sku, counters.set_aside, counters.waiting, counters.in_line],
        )?;
        Ok(())
    }

    fn shift_counters(
        &mut self,
        sku: &str,
        set_aside: i64,
        waiting: i64,
        in_line: i64,
    ) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE stock SET set_aside = set_aside + ?2, waiting = waiting + ?3,
                 in_line = in_line + ?4
             WHERE sku = ?1",
            params![sku, set_aside, waiting, in_line],
        )?;
        Ok(())
    }

    fn recount_all(&mut self) -> Result<(), StoreError> {
        self.connection.execute_batch(&format!(
            "UPDATE stock SET
                 set_aside = (SELECT COALESCE(SUM(allocated), 0) FROM requests
                              WHERE requests.sku = stock.sku AND {IN_LINE}),
                 waiting = (SELECT COALESCE(SUM(quantity - allocated), 0) FROM requests
                            WHERE requests.sku = stock.sku AND {IN_LINE}),
                 in_line = (SELECT COUNT(*) FROM requests
                            WHERE requests.sku = stock.sku AND {IN_LINE});"
        ))?;
        Ok(())
    }

    fn by_key(&mut self, key: &str) -> Result<Option<Keyed>, StoreError> {
        Ok(self
            .connection
            .query_row(
                "SELECT request_hash, response_json, status, cancel_token_hash FROM requests
                 WHERE idempotency_key = ?1",
                [key],
                |row| {
                    Ok(Keyed {
                        request_hash: row.get(0)?,
                        response: row.get(1)?,
                        status: row.get(2)?,
                        token_hash: row.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    fn signed_up(&mut self, sku: &str, email: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .connection
            .query_row(
                &format!(
                    "SELECT response_json FROM requests
                     WHERE sku = ?1 AND email = ?2 COLLATE NOCASE AND {WAITING_SIGN_UP}
                     ORDER BY seq LIMIT 1"
                ),
                [sku, email],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn held_by(&mut self, sku: &str, email: &str) -> Result<u32, StoreError> {
        Ok(self.connection.query_row(
            &format!(
                "SELECT COALESCE(SUM(quantity), 0) FROM requests
                 WHERE sku = ?1 AND email = ?2 COLLATE NOCASE AND {IN_LINE}"
            ),
            [sku, email],
            |row| row.get(0),
        )?)
    }

    fn held_total(&mut self) -> Result<u32, StoreError> {
        Ok(self.connection.query_row(
            &format!("SELECT COALESCE(SUM(allocated), 0) FROM requests WHERE {IN_LINE}"),
            [],
            |row| row.get(0),
        )?)
    }

    fn insert_request(&mut self, row: &NewRow<'_>) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO requests (id, sku, kind, holds_units, quantity, email, name, consent_text,
                 consent_given, expected_date, shown_expected_date, locale, page, idempotency_key,
                 request_hash, response_json, cancel_token_hash, created_at, received_at, status,
                 allocated, ships_by, promise_date, units_ahead)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?10, ?23)",
            params![
                row.id,
                row.sku,
                row.kind,
                row.holds_units,
                row.quantity,
                row.email,
                row.name,
                row.consent_text,
                row.consent_given,
                row.expected_date,
                row.shown_expected_date,
                row.locale,
                row.page,
                row.idempotency_key,
                row.request_hash,
                row.response,
                row.token_hash,
                row.created_at,
                row.received_at,
                row.status,
                row.allocated,
                row.ships_by,
                row.units_ahead,
            ],
        )?;
        Ok(())
    }

    fn find(&mut self, id: &str) -> Result<Option<(String, Found)>, StoreError> {
        type Columns = (String, i64, String, String, bool, u32, u32, String);
        type More = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<(Columns, More, PromiseColumns)> = self
            .connection
            .query_row(
                &format!(
                    "SELECT cancel_token_hash, seq, sku, kind, holds_units, quantity, allocated,
                         status, ships_by, cancelled_at, cancelled_by, refund_due, {PROMISE_COLUMNS}
                     FROM requests WHERE id = ?1"
                ),
                [id],
                |row| {
                    Ok((
                        (
                            row.get(0)?,
                            row.get(1)?,
                            row.get(2)?,
                            row.get(3)?,
                            row.get(4)?,
                            row.get(5)?,
                            row.get(6)?,
                            row.get(7)?,
                        ),
                        (row.get(8)?, row.get(9)?, row.get(10)?, row.get(11)?),
                        promise_at(row, 12)?,
                    ))
                },
            )
            .optional()?;
        let Some((
            (hash, seq, sku, kind, holds_units, quantity, allocated, status),
            (ships_by, cancelled_at, cancelled_by, refund_due),
            promise,
        )) = row
        else {
            return Ok(None);
        };
        Ok(Some((
            hash,
            Found {
                id: id.to_owned(),
                seq,
                sku,
                kind,
                holds_units,
                quantity,
                allocated,
                status: status_of(&status)?,
                promise: promise.promise(),
                current: date(ships_by),
                cancelled_at,
                cancelled_by,
                refund_due,
            },
        )))
    }

    fn set_cancelled(&mut self, id: &str, at: &str, by: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE requests SET status = 'cancelled', cancelled_at = ?2, cancelled_by = ?3
             WHERE id = ?1",
            params![id, at, by],
        )?;
        Ok(())
    }

    fn set_shipped(&mut self, id: &str, at: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE requests SET status = 'shipped', shipped_at = ?2 WHERE id = ?1",
            params![id, at],
        )?;
        Ok(())
    }

    fn set_kept(&mut self, id: &str, in_force: Option<&str>) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE requests SET promise_date = ?2, awaiting_consent = 0,
                 offered_date = NULL, consent_by = NULL
             WHERE id = ?1",
            params![id, in_force],
        )?;
        Ok(())
    }

    fn set_confirmed(&mut self, id: &str, at: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE requests SET confirmed_at = COALESCE(confirmed_at, ?2) WHERE id = ?1",
            params![id, at],
        )?;
        Ok(())
    }

    fn set_notified(&mut self, id: &str, at: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE requests SET notified_at = ?2 WHERE id = ?1",
            params![id, at],
        )?;
        Ok(())
    }

    fn line_of(&mut self, sku: &str) -> Result<Vec<LineRow>, StoreError> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT id, quantity, allocated, ships_by, status, {PROMISE_COLUMNS}
             FROM requests WHERE sku = ?1 AND {IN_LINE} ORDER BY seq"
        ))?;
        let rows = statement.query_map([sku], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, u32>(1)?,
                row.get::<_, u32>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, String>(4)?,
                promise_at(row, 5)?,
            ))
        })?;
        let mut line = Vec::new();
        for row in rows {
            let (id, quantity, allocated, ships_by, status, promise) = row?;
            line.push(LineRow {
                id,
                tracked: Tracked {
                    line: InLine {
                        quantity,
                        allocated,
                    },
                    current: date(ships_by),
                    promise: promise.promise(),
                },
                status: status_of(&status)?,
            });
        }
        Ok(line)
    }

    fn store_decision(
        &mut self,
        id: &str,
        decision: &Decision,
        cancelled: Option<(&str, String)>,
    ) -> Result<(), StoreError> {
        let awaiting = decision.promise.awaiting;
        let (cancelled_at, refund_due) = cancelled.unzip();
        self.connection.execute(
            "UPDATE requests SET allocated = ?2, ships_by = ?3, promise_date = ?4, notices = ?5,
                 awaiting_consent = ?6, offered_date = ?7, consent_by = ?8, status = ?9,
                 cancelled_at = COALESCE(?10, cancelled_at),
                 cancelled_by = CASE WHEN ?10 IS NULL THEN cancelled_by ELSE 'no_consent' END,
                 refund_due = COALESCE(?11, refund_due)
             WHERE id = ?1",
            params![
                id,
                decision.allocated,
                super::text(decision.current),
                super::text(decision.promise.in_force),
                decision.promise.notices,
                awaiting.is_some(),
                super::text(awaiting.and_then(|awaiting| awaiting.offered)),
                super::text(awaiting.map(|awaiting| awaiting.deadline)),
                decision.status.as_str(),
                cancelled_at,
                refund_due,
            ],
        )?;
        Ok(())
    }

    fn append(&mut self, id: &str, entry: &HistoryEntry, at: &str) -> Result<(), StoreError> {
        let appended = Appended::new(id, entry, at);
        self.connection
            .prepare_cached(
                "INSERT INTO history (request_id, at, what, old_date, new_date, notice, due, units)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                at,
                appended.what,
                appended.old_date,
                appended.new_date,
                appended.notice,
                appended.due,
                entry.units,
            ])?;
        self.appended.push(appended);
        Ok(())
    }

    fn skus_in_line(&mut self) -> Result<Vec<String>, StoreError> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT DISTINCT sku FROM requests WHERE {IN_LINE} ORDER BY sku"
        ))?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn sign_ups_to_tell(
        &mut self,
        sku: &str,
        limit: u32,
        confirmed_only: bool,
    ) -> Result<Vec<String>, StoreError> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT id FROM requests
             WHERE sku = ?1 AND {WAITING_SIGN_UP} AND (?3 = 0 OR confirmed_at IS NOT NULL)
             ORDER BY seq LIMIT ?2"
        ))?;
        let rows = statement.query_map(params![sku, limit, confirmed_only], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn request_data(&mut self, id: &str) -> Result<Option<RequestData>, StoreError> {
        Ok(self
            .connection
            .query_row(
                "SELECT kind, sku, quantity, allocated, status, email, name, locale, expected_date,
                     ships_by, consent_by, awaiting_consent, cancelled_by, refund_due, received_at,
                     shipped_at, cancelled_at, page
                 FROM requests WHERE id = ?1",
                [id],
                |row| {
                    Ok(RequestData {
                        kind: row.get(0)?,
                        sku: row.get(1)?,
                        quantity: row.get(2)?,
                        allocated: row.get(3)?,
                        status: row.get(4)?,
                        email: row.get(5)?,
                        name: row.get(6)?,
                        locale: row.get(7)?,
                        expected_date: row.get(8)?,
                        ships_by: row.get(9)?,
                        consent_by: row.get(10)?,
                        awaiting_consent: row.get(11)?,
                        cancelled_by: row.get(12)?,
                        refund_due: row.get(13)?,
                        received_at: row.get(14)?,
                        shipped_at: row.get(15)?,
                        cancelled_at: row.get(16)?,
                        page: row.get(17)?,
                    })
                },
            )
            .optional()?)
    }

    fn standing(&mut self, id: &str) -> Result<Option<Standing>, StoreError> {
        let row: Option<(String, u32, Option<String>)> = self
            .connection
            .prepare_cached("SELECT status, allocated, ships_by FROM requests WHERE id = ?1")?
            .query_row([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .optional()?;
        row.map(|(status, allocated, ships_by)| {
            Ok(Standing {
                id: id.to_owned(),
                status: status_of(&status)?,
                allocated,
                date: date(ships_by),
            })
        })
        .transpose()
    }

    fn ahead_of(&mut self, sku: &str, seq: i64) -> Result<(u32, u32), StoreError> {
        Ok(self.connection.query_row(
            &format!(
                "SELECT COUNT(*), COALESCE(SUM(quantity - allocated), 0) FROM requests
                 WHERE sku = ?1 AND seq < ?2 AND {IN_LINE}"
            ),
            params![sku, seq],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?)
    }

    fn history_of(&mut self, id: &str) -> Result<Vec<HistoryRow>, StoreError> {
        let mut statement = self.connection.prepare_cached(
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

    fn requests_after(&mut self, after_seq: i64, limit: u32) -> Result<Vec<ListedRow>, StoreError> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT id, status, sku, kind, quantity, allocated, {IN_LINE},
                 expected_date, shown_expected_date, ships_by, awaiting_consent, consent_by,
                 email, name, consent_given, consent_text, locale, page, idempotency_key,
                 created_at, received_at, shipped_at, cancelled_at, cancelled_by, refund_due,
                 units_ahead, seq
             FROM requests WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        ))?;
        let rows = statement.query_map(params![after_seq, limit], |row| {
            Ok(ListedRow {
                seq: row.get(26)?,
                in_line: row.get(6)?,
                awaiting_consent: row.get(10)?,
                row: RequestRow {
                    id: row.get(0)?,
                    status: row.get(1)?,
                    sku: row.get(2)?,
                    kind: row.get(3)?,
                    quantity: row.get(4)?,
                    allocated: row.get(5)?,
                    queue_position: None,
                    expected_date: row.get(7)?,
                    shown_expected_date: row.get(8)?,
                    current_date: row.get(9)?,
                    needs_consent: false,
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
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn line_entries(&mut self, sku: &str, limit: u32) -> Result<Vec<LineEntry>, StoreError> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT id, kind, status, quantity, allocated, email, name, expected_date,
                 ships_by, awaiting_consent, consent_by
             FROM requests WHERE sku = ?1 AND {IN_LINE} ORDER BY seq LIMIT ?2"
        ))?;
        let rows = statement.query_map(params![sku, limit], |row| {
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
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn sign_up_count(&mut self, sku: &str) -> Result<u32, StoreError> {
        Ok(self.connection.query_row(
            &format!("SELECT COUNT(*) FROM requests WHERE sku = ?1 AND {WAITING_SIGN_UP}"),
            [sku],
            |row| row.get(0),
        )?)
    }

    fn deadlines(&mut self, which: Deadlines<'_>) -> Result<Vec<Deadline>, StoreError> {
        let (column, tail, since) = match which {
            Deadlines::AwaitingConsent => (
                "consent_by",
                format!("WHERE awaiting_consent = 1 AND {IN_LINE} ORDER BY consent_by, seq"),
                None,
            ),
            Deadlines::RefundsFrom(since) => (
                "refund_due",
                "WHERE refund_due IS NOT NULL AND refund_due >= ?1 ORDER BY refund_due, seq"
                    .to_owned(),
                Some(since),
            ),
            Deadlines::Ready => (
                "NULL",
                "WHERE status = 'ready' ORDER BY seq".to_owned(),
                None,
            ),
        };
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT id, sku, email, {column} FROM requests {tail}"
        ))?;
        let read = |row: &Row| {
            Ok(Deadline {
                request_id: row.get(0)?,
                sku: row.get(1)?,
                email: row.get(2)?,
                date: date(row.get(3)?),
            })
        };
        let rows = match since {
            Some(since) => statement.query_map([since], read)?,
            None => statement.query_map([], read)?,
        };
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn failing_mail_count(&mut self) -> Result<u32, StoreError> {
        Ok(self.connection.query_row(
            "SELECT COUNT(*) FROM mails WHERE delivered_at IS NULL AND attempts > 0",
            [],
            |row| row.get(0),
        )?)
    }

    fn notice_rows(&mut self, limit: u32) -> Result<Vec<NoticeRow>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT h.request_id, r.sku, r.email, h.what, h.notice, h.new_date, h.due, h.at
             FROM history h JOIN requests r ON r.id = h.request_id
             WHERE h.notice IS NOT NULL ORDER BY h.seq DESC LIMIT ?1",
        )?;
        let rows = statement.query_map([limit], |row| {
            Ok(NoticeRow {
                request_id: row.get(0)?,
                sku: row.get(1)?,
                email: row.get(2)?,
                what: row.get(3)?,
                notice: row.get(4)?,
                new_date: row.get(5)?,
                due: row.get(6)?,
                at: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn mail_since(
        &mut self,
        request_id: &str,
        kind: &str,
        at: &str,
    ) -> Result<Option<MailState>, StoreError> {
        Ok(self
            .connection
            .prepare_cached(&format!(
                "SELECT {MAIL_STATE_COLUMNS} FROM mails
                 WHERE request_id = ?1 AND kind = ?2 AND created_at >= ?3 ORDER BY seq LIMIT 1"
            ))?
            .query_row(params![request_id, kind, at], mail_state)
            .optional()?)
    }

    fn newest_mails(&mut self, limit: u32) -> Result<Vec<MailState>, StoreError> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT {MAIL_STATE_COLUMNS} FROM mails ORDER BY seq DESC LIMIT ?1"
        ))?;
        let rows = statement.query_map([limit], mail_state)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn insert_event(&mut self, event: &NewEvent<'_>) -> Result<(), StoreError> {
        self.connection
            .prepare_cached(
                "INSERT INTO events (id, type, request_id, body, created_at, next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )?
            .execute(params![
                event.id,
                event.kind,
                event.request_id,
                event.body,
                event.at
            ])?;
        Ok(())
    }

    fn insert_mail(&mut self, mail: &NewMail<'_>) -> Result<(), StoreError> {
        self.connection
            .prepare_cached(
                "INSERT INTO mails (id, request_id, kind, to_address, data, created_at,
                     next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            )?
            .execute(params![
                mail.id,
                mail.request_id,
                mail.kind,
                mail.to,
                mail.data,
                mail.at
            ])?;
        Ok(())
    }

    fn claim_events(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueEvent>, StoreError> {
        let _ = lease_until;
        self.due(
            Outbox::Events,
            "id, body, attempts, created_at",
            now,
            limit,
            |row| {
                Ok(DueEvent {
                    id: row.get(1)?,
                    body: row.get(2)?,
                    attempts: row.get(3)?,
                    created_at: created_at(&row.get::<_, String>(4)?),
                })
            },
        )
    }

    fn claim_mails(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueMail>, StoreError> {
        let _ = lease_until;
        self.due(
            Outbox::Mails,
            "id, request_id, kind, to_address, data, attempts, created_at",
            now,
            limit,
            |row| {
                Ok(DueMail {
                    id: row.get(1)?,
                    request_id: row.get(2)?,
                    kind: row.get(3)?,
                    to: row.get(4)?,
                    data: serde_json::from_str(&row.get::<_, String>(5)?)
                        .unwrap_or(serde_json::Value::Null),
                    attempts: row.get(6)?,
                    created_at: created_at(&row.get::<_, String>(7)?),
                })
            },
        )
    }

    fn record_attempt(
        &mut self,
        outbox: Outbox,
        id: &str,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let set = match attempt {
            Attempt::Delivered => "delivered_at = ?2, last_status = NULL, last_error = NULL",
            Attempt::Retry { .. } => "next_attempt_at = ?2, last_status = ?3, last_error = ?4",
            Attempt::GaveUp { .. } => "gave_up_at = ?2, last_status = ?3, last_error = ?4",
        };
        let (when, status, error) = attempt_parts(attempt, now);
        let mut statement = self.connection.prepare_cached(&format!(
            "UPDATE {} SET attempts = attempts + 1, {set} WHERE id = ?1",
            table(outbox)
        ))?;
        let at = clock::stamp(when);
        match attempt {
            Attempt::Delivered => statement.execute(params![id, at])?,
            _ => statement.execute(params![id, at, status, error])?,
        };
        Ok(())
    }

    fn release_claims(&mut self, _now: DateTime<Utc>) -> Result<(), StoreError> {
        // Nothing is claimed on SQLite.
        Ok(())
    }

    fn outbox_counts(&mut self) -> Result<(i64, i64, i64, Vec<FailingEvent>), StoreError> {
        let count = |condition: &str| -> Result<i64, StoreError> {
            Ok(self.connection.query_row(
                &format!("SELECT COUNT(*) FROM events WHERE {condition}"),
                [],
                |row| row.get(0),
            )?)
        };
        let counts = (
            count("delivered_at IS NULL AND gave_up_at IS NULL")?,
            count("delivered_at IS NOT NULL")?,
            count("gave_up_at IS NOT NULL")?,
        );
        let mut statement = self.connection.prepare_cached(
            "SELECT id, type, request_id, created_at, attempts, last_status, last_error,
                 next_attempt_at, gave_up_at
             FROM events WHERE delivered_at IS NULL AND attempts > 0 ORDER BY seq LIMIT 100",
        )?;
        let failing = statement
            .query_map([], |row| {
                let gave_up_at: Option<String> = row.get(8)?;
                Ok(FailingEvent {
                    id: row.get(0)?,
                    kind: row.get(1)?,
                    request_id: row.get(2)?,
                    created_at: row.get(3)?,
                    attempts: row.get(4)?,
                    last_status: row.get(5)?,
                    last_error: row.get(6)?,
                    next_attempt_at: match gave_up_at {
                        Some(_) => None,
                        None => row.get(7)?,
                    },
                    gave_up_at,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok((counts.0, counts.1, counts.2, failing))
    }

    fn delete_sessions_until(&mut self, at: &str) -> Result<(), StoreError> {
        self.connection
            .execute("DELETE FROM sessions WHERE expires_at <= ?1", [at])?;
        Ok(())
    }

    fn insert_session(
        &mut self,
        id_hash: &str,
        csrf: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO sessions (id_hash, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![id_hash, csrf, created_at, expires_at],
        )?;
        Ok(())
    }

    fn session_csrf(&mut self, id_hash: &str, now: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .connection
            .query_row(
                "SELECT csrf FROM sessions WHERE id_hash = ?1 AND expires_at > ?2",
                params![id_hash, now],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn delete_session(&mut self, id_hash: &str) -> Result<(), StoreError> {
        self.connection
            .execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])?;
        Ok(())
    }

    fn set_flash(&mut self, id_hash: &str, flash: Option<&str>) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE sessions SET flash = ?2 WHERE id_hash = ?1",
            params![id_hash, flash],
        )?;
        Ok(())
    }

    fn flash(&mut self, id_hash: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .connection
            .query_row(
                "SELECT flash FROM sessions WHERE id_hash = ?1",
                [id_hash],
                |row| row.get(0),
            )
            .optional()?
            .flatten())
    }
}
