//! The README's "PostgreSQL and replicas" says what each backend guarantees.
//!
//! Changes run in `READ COMMITTED` transactions that lock what they change first: a product
//! (a transaction-level advisory lock keyed by its SKU, several always in SKU order, so two
//! replicas never wait on each other in a circle, under a shop-wide lock held shared), or the
//! whole shop for a change that reviews every line (the shop-wide lock alone). Whatever a change
//! reads after its lock is what the change before it committed. An idempotency key is
//! unique in the table; a key stored by a change this one could not see yet makes the change
//! run again, and then answer from the stored row. The outboxes are claimed with `FOR UPDATE
//! SKIP LOCKED`, so two workers never take one row.
//!
//! The rules call the store synchronously, on the blocking thread a change runs on; each
//! statement is awaited there on the runtime's handle (`Handle::block_on`), with a connection
//! from deadpool's pool.

use chrono::{DateTime, Utc};
use deadpool_postgres::{Client, Pool};
use tokio::runtime::Handle;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

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

mod embedded {
    refinery::embed_migrations!("src/server/store/postgres/migrations");
}

/// Requests in line: they hold or wait for units (in step with `Status::is_active`).
const IN_LINE: &str = "holds_units AND status IN ('waiting', 'ready', 'delayed')";

/// Notify sign-ups still waiting to hear their item is back.
const WAITING_SIGN_UP: &str = "kind = 'notify' AND status = 'waiting' AND notified_at IS NULL";

/// The columns [`promise_at`] reads, in its order.
const PROMISE_COLUMNS: &str =
    "expected_date, promise_date, notices, awaiting_consent, offered_date, consent_by";

/// The advisory lock a replica holds while it brings the schema up to date: a second replica
/// starting at the same moment waits, then finds nothing left to do.
const MIGRATION_LOCK: i64 = 0x6261_636b_6f72_6401;

/// The shop-wide advisory lock: a change to every product (an import, a new calendar, a sweep)
/// holds it alone; a change to some products holds it shared, under their own locks.
const SHOP_LOCK: i64 = 0x6261_636b_6f72_6403;

/// Held shared by every capture until it commits, and alone by a listing page for a moment:
/// the page then sees every request whose `seq` is below the highest it reads (identity values
/// are handed out at insert and may commit out of order).
const CAPTURE_LOCK: i64 = 0x6261_636b_6f72_6404;

/// The advisory lock of the sweep: one replica sweeps at a time, the others skip their turn.
const SWEEP_LOCK: i64 = 0x6261_636b_6f72_6402;

/// Connections per replica: enough for the blocking threads that change the store at once on
/// a small server, and its readers.
const CONNECTIONS: usize = 16;

/// How many times a change runs when the database says a concurrent one got in first.
const ATTEMPTS: u32 = 5;

/// The store's PostgreSQL database.
pub(super) struct Postgres {
    pool: Pool,
    handle: Handle,
    /// This replica's name on the outbox rows it claims, so it can hand back its own.
    instance: String,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PostgreSQL")
    }
}

impl Postgres {
    /// Connects to `url` and brings its schema up to date. A database migrated by a newer
    /// server (a migration this one does not know) is refused and left as it is.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(|error| {
            StoreError::Postgres(format!("{url:?} is no database URL: {error}"))
        })?;
        let manager = deadpool_postgres::Manager::from_config(
            config,
            NoTls,
            deadpool_postgres::ManagerConfig {
                recycling_method: deadpool_postgres::RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(CONNECTIONS)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|error| StoreError::Postgres(error.to_string()))?;
        let mut client = pool.get().await.map_err(pool_error)?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(pg)?;
        let migrated = embedded::migrations::runner()
            .set_abort_missing(true)
            .set_abort_divergent(true)
            .run_async(&mut **client)
            .await;
        client
            .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(pg)?;
        migrated.map_err(|error| {
            StoreError::Postgres(format!("cannot bring the database up to date: {error}"))
        })?;
        Ok(Self {
            pool,
            handle: Handle::current(),
            instance: crate::server::secrets::random_token(16),
        })
    }

    /// Runs `work` in one transaction, again when a concurrent change got in first. Called on
    /// a blocking thread, never on the runtime's own.
    pub fn change<T>(
        &self,
        work: &mut dyn FnMut(&mut dyn Tx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let client = self.handle.block_on(self.pool.get()).map_err(pool_error)?;
        let mut attempt = 1;
        loop {
            let mut tx = PgTx::new(&client, &self.handle, &self.instance);
            tx.batch("BEGIN")?;
            // A panic part way must not hand the pool a connection inside a transaction.
            let worked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut tx)));
            let worked = match worked {
                Ok(worked) => worked,
                Err(panic) => {
                    let _ = tx.batch("ROLLBACK");
                    std::panic::resume_unwind(panic);
                }
            };
            let done = worked.and_then(|done| tx.batch("COMMIT").map(|()| done));
            match done {
                Ok(done) => return Ok(done),
                Err(error) => {
                    // After a failed COMMIT the transaction is already over; ROLLBACK then only
                    // warns. A failed ROLLBACK leaves the error that matters as it is.
                    let _ = tx.batch("ROLLBACK");
                    if !(error.is_conflict() && attempt < ATTEMPTS) {
                        return Err(error);
                    }
                    attempt += 1;
                }
            }
        }
    }

    /// Runs `read` on a pooled connection, on a blocking thread.
    pub async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let pool = self.pool.clone();
        let handle = self.handle.clone();
        let instance = self.instance.clone();
        tokio::task::spawn_blocking(move || {
            let client = handle.block_on(pool.get()).map_err(pool_error)?;
            let mut tx = PgTx::new(&client, &handle, &instance);
            // One read-only transaction: the locks a read takes hold until it is done.
            tx.batch("BEGIN READ ONLY")?;
            let read = read(&mut tx);
            let _ = tx.batch(match read {
                Ok(_) => "COMMIT",
                Err(_) => "ROLLBACK",
            });
            read
        })
        .await
        .map_err(|error| StoreError::Pool(error.to_string()))?
    }
}

fn pool_error(error: deadpool_postgres::PoolError) -> StoreError {
    StoreError::Pool(error.to_string())
}

/// A PostgreSQL error as the store tells it: a concurrent change that got in first (a key
/// stored meanwhile, a deadlock, a serialisation failure) is a conflict the change is run
/// again for.
fn pg(error: tokio_postgres::Error) -> StoreError {
    match error.code() {
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => {
            let constraint = error
                .as_db_error()
                .and_then(|db| db.constraint())
                .unwrap_or_default();
            match constraint.contains("idempotency_key") {
                true => StoreError::KeyTaken,
                false => StoreError::Postgres(error.to_string()),
            }
        }
        Some(code)
            if *code == SqlState::T_R_DEADLOCK_DETECTED
                || *code == SqlState::T_R_SERIALIZATION_FAILURE =>
        {
            StoreError::Conflict(error.to_string())
        }
        _ => StoreError::Postgres(error.to_string()),
    }
}

/// A count or a number of units, as the rules count them.
fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// One transaction (or one run of reads) on a pooled connection.
struct PgTx<'a> {
    client: &'a Client,
    handle: &'a Handle,
    instance: &'a str,
    appended: Vec<Appended>,
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<'a> PgTx<'a> {
    fn new(client: &'a Client, handle: &'a Handle, instance: &'a str) -> Self {
        Self {
            client,
            handle,
            instance,
            appended: Vec::new(),
        }
    }

    fn batch(&self, sql: &str) -> Result<(), StoreError> {
        self.handle
            .block_on(self.client.batch_execute(sql))
            .map_err(pg)
    }

    fn query(&self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, StoreError> {
        self.handle.block_on(async {
            let statement = self.client.prepare_cached(sql).await.map_err(pg)?;
            self.client.query(&statement, params).await.map_err(pg)
        })
    }

    fn query_opt(&self, sql: &str, params: Params<'_>) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    fn query_one(&self, sql: &str, params: Params<'_>) -> Result<Row, StoreError> {
        self.query_opt(sql, params)?
            .ok_or_else(|| StoreError::Postgres(format!("no row for {sql}")))
    }

    fn execute(&self, sql: &str, params: Params<'_>) -> Result<u64, StoreError> {
        self.handle.block_on(async {
            let statement = self.client.prepare_cached(sql).await.map_err(pg)?;
            self.client.execute(&statement, params).await.map_err(pg)
        })
    }

    /// Claims the rows of `outbox` due at `now`: each is due again at `lease_until`.
    fn claim(
        &self,
        outbox: Outbox,
        columns: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Row>, StoreError> {
        let table = table(outbox);
        let mut rows = self.query(
            &format!(
                "UPDATE {table} SET next_attempt_at = $3, claimed_by = $4
                 WHERE seq IN (SELECT seq FROM {table}
                     WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $1
                     ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
                 RETURNING seq, {columns}"
            ),
            &[
                &clock::stamp(now),
                &i64::from(limit),
                &clock::stamp(lease_until),
                &self.instance,
            ],
        )?;
        // `RETURNING` keeps no order: oldest first.
        rows.sort_by_key(|row| row.get::<_, i64>(0));
        Ok(rows)
    }
}

fn table(outbox: Outbox) -> &'static str {
    match outbox {
        Outbox::Events => "events",
        Outbox::Mails => "mails",
    }
}

/// Reads a column, or says which one did not read.
fn get<'r, T: tokio_postgres::types::FromSql<'r>>(
    row: &'r Row,
    index: usize,
) -> Result<T, StoreError> {
    row.try_get(index)
        .map_err(|error| StoreError::Postgres(format!("column {index}: {error}")))
}

fn get_count(row: &Row, index: usize) -> Result<u32, StoreError> {
    get::<i64>(row, index).map(count)
}

fn get_counts(row: &Row, index: usize) -> Result<Option<u32>, StoreError> {
    Ok(get::<Option<i64>>(row, index)?.map(count))
}

/// The promise stored in the [`PROMISE_COLUMNS`] that start at column `first` of `row`.
fn promise_at(row: &Row, first: usize) -> Result<PromiseColumns, StoreError> {
    Ok(PromiseColumns {
        stated: get(row, first)?,
        in_force: get(row, first + 1)?,
        notices: get_count(row, first + 2)?,
        awaiting: get(row, first + 3)?,
        offered: get(row, first + 4)?,
        deadline: get(row, first + 5)?,
    })
}

const MAIL_STATE_COLUMNS: &str =
    "kind, to_address, request_id, created_at, delivered_at, attempts, last_error, gave_up_at";

fn mail_state(row: &Row) -> Result<MailState, StoreError> {
    Ok(MailState {
        kind: get(row, 0)?,
        to: get(row, 1)?,
        request_id: get(row, 2)?,
        created_at: get(row, 3)?,
        delivered_at: get(row, 4)?,
        attempts: get_count(row, 5)?,
        last_error: get(row, 6)?,
        gave_up_at: get(row, 7)?,
    })
}

fn stock_row(row: &Row) -> Result<StockRow, StoreError> {
    Ok(StockRow {
        json: get(row, 0)?,
        waiting: get_count(row, 1)?,
        in_line: get_count(row, 2)?,
    })
}

fn strings(rows: Vec<Row>) -> Result<Vec<String>, StoreError> {
    rows.iter().map(|row| get(row, 0)).collect()
}

impl Tx for PgTx<'_> {
    fn lock_products(&mut self, skus: &[&str]) -> Result<(), StoreError> {
        // Advisory locks, keyed by the SKU's hash: they exist whether or not its stock row does
        // (a product just added, or one a catalog removed while requests for it remain). Taken
        // in SKU order as Rust sorts it, the same on every replica whatever the collation.
        self.query("SELECT pg_advisory_xact_lock_shared($1)", &[&SHOP_LOCK])?;
        let mut skus: Vec<&str> = skus.to_vec();
        skus.sort_unstable();
        skus.dedup();
        for sku in skus {
            self.query(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                &[&sku],
            )?;
        }
        Ok(())
    }

    fn lock_request(&mut self, id: &str) -> Result<(), StoreError> {
        self.query("SELECT 1 FROM requests WHERE id = $1 FOR UPDATE", &[&id])?;
        Ok(())
    }

    fn lock_every_product(&mut self) -> Result<(), StoreError> {
        // Alone: every change to some products holds it shared first.
        self.query("SELECT pg_advisory_xact_lock($1)", &[&SHOP_LOCK])?;
        Ok(())
    }

    fn settle_captures(&mut self) -> Result<(), StoreError> {
        self.query("SELECT pg_advisory_xact_lock($1)", &[&CAPTURE_LOCK])?;
        Ok(())
    }

    fn claim_sweep(&mut self) -> Result<bool, StoreError> {
        let row = self.query_one("SELECT pg_try_advisory_xact_lock($1)", &[&SWEEP_LOCK])?;
        get(&row, 0)
    }

    fn take_appended(&mut self) -> Vec<Appended> {
        std::mem::take(&mut self.appended)
    }

    fn shop_json(&mut self) -> Result<Option<String>, StoreError> {
        self.query_opt("SELECT config_json FROM shop WHERE id = 1", &[])?
            .map(|row| get(&row, 0))
            .transpose()
    }

    fn origin(&mut self) -> Result<Option<String>, StoreError> {
        self.query_opt("SELECT origin FROM shop WHERE id = 1", &[])?
            .map(|row| get(&row, 0))
            .transpose()
    }

    fn put_shop(&mut self, json: &str, origin: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO shop (id, config_json, origin) VALUES (1, $1, $2)
             ON CONFLICT (id) DO UPDATE SET config_json = excluded.config_json,
                 origin = excluded.origin",
            &[&json, &origin],
        )?;
        Ok(())
    }

    fn mark_changed(&mut self, default_json: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO shop (id, config_json, origin) VALUES (1, $1, 'api')
             ON CONFLICT (id) DO UPDATE SET origin = 'api'",
            &[&default_json],
        )?;
        Ok(())
    }

    fn stock_count(&mut self) -> Result<u32, StoreError> {
        get_count(&self.query_one("SELECT COUNT(*) FROM stock", &[])?, 0)
    }

    fn stock_skus(&mut self) -> Result<Vec<String>, StoreError> {
        strings(self.query("SELECT sku FROM stock", &[])?)
    }

    fn delete_stock(&mut self, sku: &str) -> Result<(), StoreError> {
        self.execute("DELETE FROM stock WHERE sku = $1", &[&sku])?;
        Ok(())
    }

    fn put_record(&mut self, sku: &str, json: &str, at: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO stock (sku, position, record_json, updated_at)
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM stock), $2, $3)
             ON CONFLICT (sku) DO UPDATE SET record_json = excluded.record_json,
                 updated_at = excluded.updated_at",
            &[&sku, &json, &at],
        )?;
        Ok(())
    }

    fn write_record(&mut self, sku: &str, json: &str, at: &str) -> Result<(), StoreError> {
        self.execute(
            "UPDATE stock SET record_json = $2, updated_at = $3 WHERE sku = $1",
            &[&sku, &json, &at],
        )?;
        Ok(())
    }

    fn record_json(&mut self, sku: &str) -> Result<Option<String>, StoreError> {
        self.query_opt("SELECT record_json FROM stock WHERE sku = $1", &[&sku])?
            .map(|row| get(&row, 0))
            .transpose()
    }

    fn stock_row(&mut self, sku: &str) -> Result<Option<StockRow>, StoreError> {
        self.query_opt(
            "SELECT record_json, waiting, in_line FROM stock WHERE sku = $1",
            &[&sku],
        )?
        .map(|row| stock_row(&row))
        .transpose()
    }

    fn stock_rows(&mut self) -> Result<Vec<StockRow>, StoreError> {
        self.query(
            "SELECT record_json, waiting, in_line FROM stock ORDER BY position, sku",
            &[],
        )?
        .iter()
        .map(stock_row)
        .collect()
    }

    fn stock_items(&mut self, sku: Option<&str>) -> Result<Vec<StockItem>, StoreError> {
        let rows = self.query(
            "SELECT record_json, set_aside, waiting, in_line FROM stock
             WHERE $1::TEXT IS NULL OR sku = $1 ORDER BY position, sku",
            &[&sku],
        )?;
        rows.iter()
            .map(|row| {
                Ok(StockItem {
                    record: serde_json::from_str(&get::<String>(row, 0)?)?,
                    set_aside: get_count(row, 1)?,
                    waiting: get_count(row, 2)?,
                    in_line: get_count(row, 3)?,
                })
            })
            .collect()
    }

    fn set_counters(&mut self, sku: &str, counters: Counters) -> Result<(), StoreError> {
        self.execute(
            "UPDATE stock SET set_aside = $2, waiting = $3, in_line = $4 WHERE sku = $1",
            &[
                &sku,
                &i64::from(counters.set_aside),
                &i64::from(counters.waiting),
                &i64::from(counters.in_line),
            ],
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
        self.execute(
            "UPDATE stock SET set_aside = set_aside + $2, waiting = waiting + $3,
                 in_line = in_line + $4
             WHERE sku = $1",
            &[&sku, &set_aside, &waiting, &in_line],
        )?;
        Ok(())
    }

    fn recount_all(&mut self) -> Result<(), StoreError> {
        self.batch(&format!(
            "UPDATE stock SET
                 set_aside = (SELECT COALESCE(SUM(allocated), 0) FROM requests
                              WHERE requests.sku = stock.sku AND {IN_LINE}),
                 waiting = (SELECT COALESCE(SUM(quantity - allocated), 0) FROM requests
                            WHERE requests.sku = stock.sku AND {IN_LINE}),
                 in_line = (SELECT COUNT(*) FROM requests
                            WHERE requests.sku = stock.sku AND {IN_LINE});"
        ))
    }

    fn by_key(&mut self, key: &str) -> Result<Option<Keyed>, StoreError> {
        self.query_opt(
            "SELECT request_hash, response_json, status, cancel_token_hash FROM requests
             WHERE idempotency_key = $1",
            &[&key],
        )?
        .map(|row| {
            Ok(Keyed {
                request_hash: get(&row, 0)?,
                response: get(&row, 1)?,
                status: get(&row, 2)?,
                token_hash: get(&row, 3)?,
            })
        })
        .transpose()
    }

    fn signed_up(&mut self, sku: &str, email: &str) -> Result<Option<String>, StoreError> {
        self.query_opt(
            &format!(
                "SELECT response_json FROM requests
                 WHERE sku = $1 AND lower(email) = lower($2::TEXT COLLATE \"C\") AND {WAITING_SIGN_UP}
                 ORDER BY seq LIMIT 1"
            ),
            &[&sku, &email],
        )?
        .map(|row| get(&row, 0))
        .transpose()
    }

    fn held_by(&mut self, sku: &str, email: &str) -> Result<u32, StoreError> {
        let row = self.query_one(
            &format!(
                "SELECT COALESCE(SUM(quantity), 0)::BIGINT FROM requests
                 WHERE sku = $1 AND lower(email) = lower($2::TEXT COLLATE \"C\") AND {IN_LINE}"
            ),
            &[&sku, &email],
        )?;
        get_count(&row, 0)
    }

    fn held_total(&mut self) -> Result<u32, StoreError> {
        let row = self.query_one(
            &format!("SELECT COALESCE(SUM(allocated), 0)::BIGINT FROM requests WHERE {IN_LINE}"),
            &[],
        )?;
        get_count(&row, 0)
    }

    fn insert_request(&mut self, row: &NewRow<'_>) -> Result<(), StoreError> {
        self.query("SELECT pg_advisory_xact_lock_shared($1)", &[&CAPTURE_LOCK])?;
        self.execute(
            "INSERT INTO requests (id, sku, kind, holds_units, quantity, email, name, consent_text,
                 consent_given, expected_date, shown_expected_date, locale, page, idempotency_key,
                 request_hash, response_json, cancel_token_hash, created_at, received_at, status,
                 allocated, ships_by, promise_date, units_ahead)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, $19, $20, $21, $22, $10, $23)",
            &[
                &row.id,
                &row.sku,
                &row.kind,
                &row.holds_units,
                &i64::from(row.quantity),
                &row.email,
                &row.name,
                &row.consent_text,
                &row.consent_given,
                &row.expected_date,
                &row.shown_expected_date,
                &row.locale,
                &row.page,
                &row.idempotency_key,
                &row.request_hash,
                &row.response,
                &row.token_hash,
                &row.created_at,
                &row.received_at,
                &row.status,
                &i64::from(row.allocated),
                &row.ships_by,
                &row.units_ahead.map(i64::from),
            ],
        )?;
        Ok(())
    }

    fn find(&mut self, id: &str) -> Result<Option<(String, Found)>, StoreError> {
        let Some(row) = self.query_opt(
            &format!(
                "SELECT cancel_token_hash, seq, sku, kind, holds_units, quantity, allocated,
                     status, ships_by, cancelled_at, cancelled_by, refund_due, {PROMISE_COLUMNS}
                 FROM requests WHERE id = $1"
            ),
            &[&id],
        )?
        else {
            return Ok(None);
        };
        Ok(Some((
            get(&row, 0)?,
            Found {
                id: id.to_owned(),
                seq: get(&row, 1)?,
                sku: get(&row, 2)?,
                kind: get(&row, 3)?,
                holds_units: get(&row, 4)?,
                quantity: get_count(&row, 5)?,
                allocated: get_count(&row, 6)?,
                status: status_of(&get::<String>(&row, 7)?)?,
                current: date(get(&row, 8)?),
                cancelled_at: get(&row, 9)?,
                cancelled_by: get(&row, 10)?,
                refund_due: get(&row, 11)?,
                promise: promise_at(&row, 12)?.promise(),
            },
        )))
    }

    fn set_cancelled(&mut self, id: &str, at: &str, by: &str) -> Result<(), StoreError> {
        self.execute(
            "UPDATE requests SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3
             WHERE id = $1",
            &[&id, &at, &by],
        )?;
        Ok(())
    }

    fn set_shipped(&mut self, id: &str, at: &str) -> Result<(), StoreError> {
        self.execute(
            "UPDATE requests SET status = 'shipped', shipped_at = $2 WHERE id = $1",
            &[&id, &at],
        )?;
        Ok(())
    }

    fn set_kept(&mut self, id: &str, in_force: Option<&str>) -> Result<(), StoreError> {
        self.execute(
            "UPDATE requests SET promise_date = $2, awaiting_consent = FALSE,
                 offered_date = NULL, consent_by = NULL
             WHERE id = $1",
            &[&id, &in_force],
        )?;
        Ok(())
    }

    fn set_confirmed(&mut self, id: &str, at: &str) -> Result<(), StoreError> {
        self.execute(
            "UPDATE requests SET confirmed_at = COALESCE(confirmed_at, $2) WHERE id = $1",
            &[&id, &at],
        )?;
        Ok(())
    }

    fn set_notified(&mut self, id: &str, at: &str) -> Result<(), StoreError> {
        self.execute(
            "UPDATE requests SET notified_at = $2 WHERE id = $1",
            &[&id, &at],
        )?;
        Ok(())
    }

    fn line_of(&mut self, sku: &str) -> Result<Vec<LineRow>, StoreError> {
        let rows = self.query(
            &format!(
                "SELECT id, quantity, allocated, ships_by, status, {PROMISE_COLUMNS}
                 FROM requests WHERE sku = $1 AND {IN_LINE} ORDER BY seq"
            ),
            &[&sku],
        )?;
        rows.iter()
            .map(|row| {
                Ok(LineRow {
                    id: get(row, 0)?,
                    tracked: Tracked {
                        line: InLine {
                            quantity: get_count(row, 1)?,
                            allocated: get_count(row, 2)?,
                        },
                        current: date(get(row, 3)?),
                        promise: promise_at(row, 5)?.promise(),
                    },
                    status: status_of(&get::<String>(row, 4)?)?,
                })
            })
            .collect()
    }

    fn store_decision(
        &mut self,
        id: &str,
        decision: &Decision,
        cancelled: Option<(&str, String)>,
    ) -> Result<(), StoreError> {
        let awaiting = decision.promise.awaiting;
        let (cancelled_at, refund_due) = cancelled.unzip();
        self.execute(
            "UPDATE requests SET allocated = $2, ships_by = $3, promise_date = $4, notices = $5,
                 awaiting_consent = $6, offered_date = $7, consent_by = $8, status = $9,
                 cancelled_at = COALESCE($10, cancelled_at),
                 cancelled_by = CASE WHEN $10::TEXT IS NULL THEN cancelled_by
                     ELSE 'no_consent' END,
                 refund_due = COALESCE($11, refund_due)
             WHERE id = $1",
            &[
                &id,
                &i64::from(decision.allocated),
                &super::text(decision.current),
                &super::text(decision.promise.in_force),
                &i64::from(decision.promise.notices),
                &awaiting.is_some(),
                &super::text(awaiting.and_then(|awaiting| awaiting.offered)),
                &super::text(awaiting.map(|awaiting| awaiting.deadline)),
                &decision.status.as_str(),
                &cancelled_at,
                &refund_due,
            ],
        )?;
        Ok(())
    }

    fn append(&mut self, id: &str, entry: &HistoryEntry, at: &str) -> Result<(), StoreError> {
        let appended = Appended::new(id, entry, at);
        self.execute(
            "INSERT INTO history (request_id, at, what, old_date, new_date, notice, due, units)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &id,
                &at,
                &appended.what,
                &appended.old_date,
                &appended.new_date,
                &appended.notice,
                &appended.due,
                &entry.units.map(i64::from),
            ],
        )?;
        self.appended.push(appended);
        Ok(())
    }

    fn skus_in_line(&mut self) -> Result<Vec<String>, StoreError> {
        strings(self.query(
            &format!("SELECT DISTINCT sku FROM requests WHERE {IN_LINE} ORDER BY sku"),
            &[],
        )?)
    }

    fn sign_ups_to_tell(
        &mut self,
        sku: &str,
        limit: u32,
        confirmed_only: bool,
    ) -> Result<Vec<String>, StoreError> {
        strings(self.query(
            &format!(
                "SELECT id FROM requests
                 WHERE sku = $1 AND {WAITING_SIGN_UP} AND (NOT $3 OR confirmed_at IS NOT NULL)
                 ORDER BY seq LIMIT $2"
            ),
            &[&sku, &i64::from(limit), &confirmed_only],
        )?)
    }

    fn request_data(&mut self, id: &str) -> Result<Option<RequestData>, StoreError> {
        let Some(row) = self.query_opt(
            "SELECT kind, sku, quantity, allocated, status, email, name, locale, expected_date,
                 ships_by, consent_by, awaiting_consent, cancelled_by, refund_due, received_at,
                 shipped_at, cancelled_at, page
             FROM requests WHERE id = $1",
            &[&id],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(RequestData {
            kind: get(&row, 0)?,
            sku: get(&row, 1)?,
            quantity: get_count(&row, 2)?,
            allocated: get_count(&row, 3)?,
            status: get(&row, 4)?,
            email: get(&row, 5)?,
            name: get(&row, 6)?,
            locale: get(&row, 7)?,
            expected_date: get(&row, 8)?,
            ships_by: get(&row, 9)?,
            consent_by: get(&row, 10)?,
            awaiting_consent: get(&row, 11)?,
            cancelled_by: get(&row, 12)?,
            refund_due: get(&row, 13)?,
            received_at: get(&row, 14)?,
            shipped_at: get(&row, 15)?,
            cancelled_at: get(&row, 16)?,
            page: get(&row, 17)?,
        }))
    }

    fn standing(&mut self, id: &str) -> Result<Option<Standing>, StoreError> {
        self.query_opt(
            "SELECT status, allocated, ships_by FROM requests WHERE id = $1",
            &[&id],
        )?
        .map(|row| {
            Ok(Standing {
                id: id.to_owned(),
                status: status_of(&get::<String>(&row, 0)?)?,
                allocated: get_count(&row, 1)?,
                date: date(get(&row, 2)?),
            })
        })
        .transpose()
    }

    fn ahead_of(&mut self, sku: &str, seq: i64) -> Result<(u32, u32), StoreError> {
        let row = self.query_one(
            &format!(
                "SELECT COUNT(*), COALESCE(SUM(quantity - allocated), 0)::BIGINT FROM requests
                 WHERE sku = $1 AND seq < $2 AND {IN_LINE}"
            ),
            &[&sku, &seq],
        )?;
        Ok((get_count(&row, 0)?, get_count(&row, 1)?))
    }

    fn history_of(&mut self, id: &str) -> Result<Vec<HistoryRow>, StoreError> {
        self.query(
            "SELECT at, what, old_date, new_date, notice, due, units FROM history
             WHERE request_id = $1 ORDER BY seq",
            &[&id],
        )?
        .iter()
        .map(|row| {
            Ok(HistoryRow {
                at: get(row, 0)?,
                what: get(row, 1)?,
                old_date: get(row, 2)?,
                new_date: get(row, 3)?,
                notice: get(row, 4)?,
                due: get(row, 5)?,
                units: get_counts(row, 6)?,
            })
        })
        .collect()
    }

    fn requests_after(&mut self, after_seq: i64, limit: u32) -> Result<Vec<ListedRow>, StoreError> {
        let rows = self.query(
            &format!(
                "SELECT id, status, sku, kind, quantity, allocated, {IN_LINE},
                     expected_date, shown_expected_date, ships_by, awaiting_consent, consent_by,
                     email, name, consent_given, consent_text, locale, page, idempotency_key,
                     created_at, received_at, shipped_at, cancelled_at, cancelled_by, refund_due,
                     units_ahead, seq
                 FROM requests WHERE seq > $1 ORDER BY seq LIMIT $2"
            ),
            &[&after_seq, &i64::from(limit)],
        )?;
        rows.iter()
            .map(|row| {
                Ok(ListedRow {
                    seq: get(row, 26)?,
                    in_line: get(row, 6)?,
                    awaiting_consent: get(row, 10)?,
                    row: RequestRow {
                        id: get(row, 0)?,
                        status: get(row, 1)?,
                        sku: get(row, 2)?,
                        kind: get(row, 3)?,
                        quantity: get_count(row, 4)?,
                        allocated: get_count(row, 5)?,
                        queue_position: None,
                        expected_date: get(row, 7)?,
                        shown_expected_date: get(row, 8)?,
                        current_date: get(row, 9)?,
                        needs_consent: false,
                        consent_by: get(row, 11)?,
                        email: get(row, 12)?,
                        name: get(row, 13)?,
                        consent_given: get(row, 14)?,
                        consent_text: get(row, 15)?,
                        locale: get(row, 16)?,
                        page: get(row, 17)?,
                        idempotency_key: get(row, 18)?,
                        created_at: get(row, 19)?,
                        received_at: get(row, 20)?,
                        shipped_at: get(row, 21)?,
                        cancelled_at: get(row, 22)?,
                        cancelled_by: get(row, 23)?,
                        refund_due: get(row, 24)?,
                        units_ahead: get_counts(row, 25)?,
                    },
                })
            })
            .collect()
    }

    fn line_entries(&mut self, sku: &str, limit: u32) -> Result<Vec<LineEntry>, StoreError> {
        let rows = self.query(
            &format!(
                "SELECT id, kind, status, quantity, allocated, email, name, expected_date,
                     ships_by, awaiting_consent, consent_by
                 FROM requests WHERE sku = $1 AND {IN_LINE} ORDER BY seq LIMIT $2"
            ),
            &[&sku, &i64::from(limit)],
        )?;
        rows.iter()
            .map(|row| {
                Ok(LineEntry {
                    id: get(row, 0)?,
                    kind: get(row, 1)?,
                    status: get(row, 2)?,
                    quantity: get_count(row, 3)?,
                    allocated: get_count(row, 4)?,
                    email: get(row, 5)?,
                    name: get(row, 6)?,
                    stated_date: get(row, 7)?,
                    current_date: get(row, 8)?,
                    needs_consent: get(row, 9)?,
                    consent_by: get(row, 10)?,
                    history: Vec::new(),
                })
            })
            .collect()
    }

    fn sign_up_count(&mut self, sku: &str) -> Result<u32, StoreError> {
        let row = self.query_one(
            &format!("SELECT COUNT(*) FROM requests WHERE sku = $1 AND {WAITING_SIGN_UP}"),
            &[&sku],
        )?;
        get_count(&row, 0)
    }

    fn deadlines(&mut self, which: Deadlines<'_>) -> Result<Vec<Deadline>, StoreError> {
        let rows = match which {
            Deadlines::AwaitingConsent => self.query(
                &format!(
                    "SELECT id, sku, email, consent_by FROM requests
                     WHERE awaiting_consent AND {IN_LINE} ORDER BY consent_by, seq"
                ),
                &[],
            )?,
            Deadlines::RefundsFrom(since) => self.query(
                "SELECT id, sku, email, refund_due FROM requests
                 WHERE refund_due IS NOT NULL AND refund_due >= $1 ORDER BY refund_due, seq",
                &[&since],
            )?,
            Deadlines::Ready => self.query(
                "SELECT id, sku, email, NULL::TEXT FROM requests
                 WHERE status = 'ready' ORDER BY seq",
                &[],
            )?,
        };
        rows.iter()
            .map(|row| {
                Ok(Deadline {
                    request_id: get(row, 0)?,
                    sku: get(row, 1)?,
                    email: get(row, 2)?,
                    date: date(get(row, 3)?),
                })
            })
            .collect()
    }

    fn failing_mail_count(&mut self) -> Result<u32, StoreError> {
        let row = self.query_one(
            "SELECT COUNT(*) FROM mails WHERE delivered_at IS NULL AND attempts > 0",
            &[],
        )?;
        get_count(&row, 0)
    }

    fn notice_rows(&mut self, limit: u32) -> Result<Vec<NoticeRow>, StoreError> {
        self.query(
            "SELECT h.request_id, r.sku, r.email, h.what, h.notice, h.new_date, h.due, h.at
             FROM history h JOIN requests r ON r.id = h.request_id
             WHERE h.notice IS NOT NULL ORDER BY h.seq DESC LIMIT $1",
            &[&i64::from(limit)],
        )?
        .iter()
        .map(|row| {
            Ok(NoticeRow {
                request_id: get(row, 0)?,
                sku: get(row, 1)?,
                email: get(row, 2)?,
                what: get(row, 3)?,
                notice: get(row, 4)?,
                new_date: get(row, 5)?,
                due: get(row, 6)?,
                at: get(row, 7)?,
            })
        })
        .collect()
    }

    fn mail_since(
        &mut self,
        request_id: &str,
        kind: &str,
        at: &str,
    ) -> Result<Option<MailState>, StoreError> {
        self.query_opt(
            &format!(
                "SELECT {MAIL_STATE_COLUMNS} FROM mails
                 WHERE request_id = $1 AND kind = $2 AND created_at >= $3 ORDER BY seq LIMIT 1"
            ),
            &[&request_id, &kind, &at],
        )?
        .map(|row| mail_state(&row))
        .transpose()
    }

    fn newest_mails(&mut self, limit: u32) -> Result<Vec<MailState>, StoreError> {
        self.query(
            &format!("SELECT {MAIL_STATE_COLUMNS} FROM mails ORDER BY seq DESC LIMIT $1"),
            &[&i64::from(limit)],
        )?
        .iter()
        .map(mail_state)
        .collect()
    }

    fn insert_event(&mut self, event: &NewEvent<'_>) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO events (id, type, request_id, body, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
            &[
                &event.id,
                &event.kind,
                &event.request_id,
                &event.body,
                &event.at,
            ],
        )?;
        Ok(())
    }

    fn insert_mail(&mut self, mail: &NewMail<'_>) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO mails (id, request_id, kind, to_address, data, created_at,
                 next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
            &[
                &mail.id,
                &mail.request_id,
                &mail.kind,
                &mail.to,
                &mail.data,
                &mail.at,
            ],
        )?;
        Ok(())
    }

    fn claim_events(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueEvent>, StoreError> {
        self.claim(
            Outbox::Events,
            "id, body, attempts, created_at",
            now,
            lease_until,
            limit,
        )?
        .iter()
        .map(|row| {
            Ok(DueEvent {
                id: get(row, 1)?,
                body: get(row, 2)?,
                attempts: get_count(row, 3)?,
                created_at: created_at(&get::<String>(row, 4)?),
            })
        })
        .collect()
    }

    fn claim_mails(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueMail>, StoreError> {
        self.claim(
            Outbox::Mails,
            "id, request_id, kind, to_address, data, attempts, created_at",
            now,
            lease_until,
            limit,
        )?
        .iter()
        .map(|row| {
            Ok(DueMail {
                id: get(row, 1)?,
                request_id: get(row, 2)?,
                kind: get(row, 3)?,
                to: get(row, 4)?,
                data: serde_json::from_str(&get::<String>(row, 5)?)
                    .unwrap_or(serde_json::Value::Null),
                attempts: get_count(row, 6)?,
                created_at: created_at(&get::<String>(row, 7)?),
            })
        })
        .collect()
    }

    fn record_attempt(
        &mut self,
        outbox: Outbox,
        id: &str,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let table = table(outbox);
        let (when, status, error) = attempt_parts(attempt, now);
        let at = clock::stamp(when);
        let status = status.map(i64::from);
        match attempt {
            Attempt::Delivered => self.execute(
                &format!(
                    "UPDATE {table} SET attempts = attempts + 1, delivered_at = $2,
                         last_status = NULL, last_error = NULL, claimed_by = NULL
                     WHERE id = $1"
                ),
                &[&id, &at],
            )?,
            Attempt::Retry { .. } => self.execute(
                &format!(
                    "UPDATE {table} SET attempts = attempts + 1, next_attempt_at = $2,
                         last_status = $3, last_error = $4, claimed_by = NULL
                     WHERE id = $1"
                ),
                &[&id, &at, &status, &error],
            )?,
            Attempt::GaveUp { .. } => self.execute(
                &format!(
                    "UPDATE {table} SET attempts = attempts + 1, gave_up_at = $2,
                         last_status = $3, last_error = $4, claimed_by = NULL
                     WHERE id = $1"
                ),
                &[&id, &at, &status, &error],
            )?,
        };
        Ok(())
    }

    fn release_claims(&mut self, now: DateTime<Utc>) -> Result<(), StoreError> {
        for outbox in [Outbox::Events, Outbox::Mails] {
            self.execute(
                &format!(
                    "UPDATE {} SET next_attempt_at = $2, claimed_by = NULL
                     WHERE claimed_by = $1 AND delivered_at IS NULL AND gave_up_at IS NULL",
                    table(outbox)
                ),
                &[&self.instance, &clock::stamp(now)],
            )?;
        }
        Ok(())
    }

    fn outbox_counts(&mut self) -> Result<(i64, i64, i64, Vec<FailingEvent>), StoreError> {
        let counts = self.query_one(
            "SELECT COUNT(*) FILTER (WHERE delivered_at IS NULL AND gave_up_at IS NULL),
                 COUNT(*) FILTER (WHERE delivered_at IS NOT NULL),
                 COUNT(*) FILTER (WHERE gave_up_at IS NOT NULL)
             FROM events",
            &[],
        )?;
        let failing = self
            .query(
                "SELECT id, type, request_id, created_at, attempts, last_status, last_error,
                     next_attempt_at, gave_up_at
                 FROM events WHERE delivered_at IS NULL AND attempts > 0 ORDER BY seq LIMIT 100",
                &[],
            )?
            .iter()
            .map(|row| {
                let gave_up_at: Option<String> = get(row, 8)?;
                Ok(FailingEvent {
                    id: get(row, 0)?,
                    kind: get(row, 1)?,
                    request_id: get(row, 2)?,
                    created_at: get(row, 3)?,
                    attempts: get_count(row, 4)?,
                    last_status: get::<Option<i64>>(row, 5)?
                        .and_then(|status| u16::try_from(status).ok()),
                    last_error: get(row, 6)?,
                    next_attempt_at: match gave_up_at {
                        Some(_) => None,
                        None => get(row, 7)?,
                    },
                    gave_up_at,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((
            get(&counts, 0)?,
            get(&counts, 1)?,
            get(&counts, 2)?,
            failing,
        ))
    }

    fn delete_sessions_until(&mut self, at: &str) -> Result<(), StoreError> {
        self.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&at])?;
        Ok(())
    }

    fn insert_session(
        &mut self,
        id_hash: &str,
        csrf: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO sessions (id_hash, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[&id_hash, &csrf, &created_at, &expires_at],
        )?;
        Ok(())
    }

    fn session_csrf(&mut self, id_hash: &str, now: &str) -> Result<Option<String>, StoreError> {
        self.query_opt(
            "SELECT csrf FROM sessions WHERE id_hash = $1 AND expires_at > $2",
            &[&id_hash, &now],
        )?
        .map(|row| get(&row, 0))
        .transpose()
    }

    fn delete_session(&mut self, id_hash: &str) -> Result<(), StoreError> {
        self.execute("DELETE FROM sessions WHERE id_hash = $1", &[&id_hash])?;
        Ok(())
    }

    fn set_flash(&mut self, id_hash: &str, flash: Option<&str>) -> Result<(), StoreError> {
        self.execute(
            "UPDATE sessions SET flash = $2 WHERE id_hash = $1",
            &[&id_hash, &flash],
        )?;
        Ok(())
    }

    fn flash(&mut self, id_hash: &str) -> Result<Option<String>, StoreError> {
        // Locked: two pages loading at once take the message once.
        Ok(self
            .query_opt(
                "SELECT flash FROM sessions WHERE id_hash = $1 FOR UPDATE",
                &[&id_hash],
            )?
            .map(|row| get::<Option<String>>(&row, 0))
            .transpose()?
            .flatten())
    }
}
