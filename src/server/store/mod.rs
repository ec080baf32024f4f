//! Every change runs in one transaction: a submission's idempotency lookup, the read of its
//! product's row, the domain's decision and the insert happen as one step, so two shoppers
//! racing for the last unit can never both get it, whichever replica each one reaches. The
//! change is written once, here, against `sql::Tx`; `sqlite` and `postgres` carry it out,
//! each with its own SQL (SQLite serialises whole changes; PostgreSQL locks the products'
//! rows in SKU order). Reads (availability, a shopper's status, the admin listings) run on
//! connections of their own and never queue behind a change.
//!
//! The store keeps what the rules decide and decides nothing itself: after every change to a
//! product it asks `domain::review_line` what follows for its line, and writes that down.
//!
//! Writes block; async code calls them through `AppState::with_store`. Reads are async.

/// What the merchant's page reads, and its two batch actions beside the stock API.
pub mod desk;
/// The event outbox: what the shop's tools are told, written in the change's transaction.
pub mod events;
/// A product's line: its requests in queue order, reviewed by the domain after every change.
mod line;
/// The email outbox: what the shopper is told by email, written in the change's transaction.
pub mod mails;
/// `sql::Tx` on PostgreSQL, for replicas sharing one database.
mod postgres;
/// What the shopper and the shop's team read back, on the pool beside the writer.
pub mod read;
/// What goes into the store and what comes out of it.
pub mod records;
/// Requests: capture, the shopper's cancel and consent, the merchant's "shipped".
pub mod requests;
/// SQLite's schema, as numbered migrations applied at start-up.
mod schema;
/// The merchant's page's log-ins, kept in the database.
pub mod sessions;
/// The boundary between the store's rules and a database: `Tx`, one transaction's work.
mod sql;
/// `sql::Tx` on SQLite: one file, one writer connection behind a mutex, readers from a pool.
mod sqlite;
/// Stock in the database: the calendar, and each product's record beside its line's counters.
mod stock;
/// Back-in-stock waves as the store carries them out.
mod waves;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use deadpool_sqlite::{Config as PoolConfig, Pool, Runtime};
use rusqlite::Connection;

use super::config::Durability;
use super::secrets::{self, TokenKey};
use sql::Tx;
use sqlite::SqliteTx;

use records::StoreError;

/// How long a connection waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Read connections: enough for the two cores of a small server and a few slow clients.
const READERS: usize = 4;

/// Where the store keeps its data.
enum Backend {
    /// One file: one writer connection behind a mutex, and a pool of readers.
    Sqlite {
        writer: Mutex<Connection>,
        readers: Pool,
    },
    /// A database replicas share.
    Postgres(postgres::Postgres),
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite { .. } => f.write_str("SQLite"),
            Self::Postgres(postgres) => postgres.fmt(f),
        }
    }
}

/// The store.
#[derive(Debug)]
pub struct Store {
    backend: Backend,
    /// Derives each request's cancel token; the database keeps only the token's hash.
    tokens: TokenKey,
    /// Whether changes write webhook events (only when the shop has a webhook to send them to).
    events: bool,
    /// How many sign-ups a back-in-stock wave tells per unit (`domain::wave_size`).
    wave_factor: u32,
    /// Whether changes write the shopper's emails (only with an SMTP server to send them).
    mails: bool,
    /// Whether only sign-ups confirmed from their email hear that an item is back.
    double_opt_in: bool,
}

impl Store {
    /// [`Store::open_with`] as the server's default runs it: every answered change survives a
    /// power cut.
    #[cfg(test)]
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, Durability::Full)
    }

    /// Opens (or creates) the database file and its folder, and brings its schema up to date.
    /// A database written by a newer version of this server is refused, never set back.
    /// `durability` says what an answered change survives (SQLite's `synchronous`).
    ///
    /// Only the server's user can read what it keeps: a folder it creates is 0700, and the
    /// database, its WAL files and the cancel-token key ([`token_key_path`]) are 0600, tightened
    /// if an older version left them readable.
    #[cfg(test)]
    pub fn open_with(path: &Path, durability: Durability) -> Result<Self, StoreError> {
        Self::open_sqlite(path, durability, &token_key_path(path))
    }

    /// [`Store::open_with`], with the cancel-token key in `key_path`.
    pub fn open_sqlite(
        path: &Path,
        durability: Durability,
        key_path: &Path,
    ) -> Result<Self, StoreError> {
        let at = |path: &Path| {
            let path = path.to_owned();
            move |error| StoreError::File { path, error }
        };
        if let Some(folder) = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty() && !folder.exists())
        {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(folder).map_err(at(folder))?;
        }
        if path.exists() {
            // Read before anything is written: a database from a newer server stays as it was.
            let found: i64 =
                Connection::open(path)?.query_row("PRAGMA user_version", [], |row| row.get(0))?;
            let known = schema::VERSION;
            if found > known {
                return Err(StoreError::TooNew { found, known });
            }
        } else {
            secrets::write_private(path, b"", true).map_err(at(path))?;
        }
        for file in [
            path.to_owned(),
            sibling(path, "-wal"),
            sibling(path, "-shm"),
            key_path.to_owned(),
        ] {
            if file.exists() {
                secrets::make_private(&file).map_err(at(&file))?;
            }
        }
        let tokens = TokenKey::load_or_create(key_path).map_err(at(key_path))?;
        let mut writer = Connection::open(path)?;
        // Deleted content (a plain-text token a migration replaced) is overwritten, not left in
        // free pages.
        writer.pragma_update(None, "secure_delete", "ON")?;
        // WAL lets readers (the pool, a backup, an admin's sqlite3 shell) work while the server
        // writes.
        writer.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        writer.pragma_update(None, "synchronous", durability.pragma())?;
        writer.busy_timeout(BUSY_TIMEOUT)?;
        schema::migrations()
            .to_latest(&mut writer)
            .map_err(StoreError::Migration)?;
        // What a migration rewrote goes from the WAL into the database file now, over the pages
        // it replaced.
        writer.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let mut config = PoolConfig::new(path);
        config.pool = Some(deadpool_sqlite::PoolConfig::new(READERS));
        let readers = config
            .create_pool(Runtime::Tokio1)
            .map_err(|error| StoreError::Pool(error.to_string()))?;
        let backend = Backend::Sqlite {
            writer: Mutex::new(writer),
            readers,
        };
        Ok(Self::with_backend(backend, tokens))
    }

    /// Connects to the PostgreSQL database at `url` and brings its schema up to date; cancel
    /// tokens are derived from the key in `token_key` (created when missing), which every
    /// replica of the shop must share.
    pub async fn open_postgres(url: &str, token_key: &Path) -> Result<Self, StoreError> {
        let at = |path: &Path| {
            let path = path.to_owned();
            move |error| StoreError::File { path, error }
        };
        if token_key.exists() {
            secrets::make_private(token_key).map_err(at(token_key))?;
        }
        let tokens = TokenKey::load_or_create(token_key).map_err(at(token_key))?;
        let backend = Backend::Postgres(postgres::Postgres::open(url).await?);
        Ok(Self::with_backend(backend, tokens))
    }

    /// A store on `backend` that writes no events or emails until told to.
    fn with_backend(backend: Backend, tokens: TokenKey) -> Self {
        Self {
            backend,
            tokens,
            events: false,
            wave_factor: crate::domain::waves::DEFAULT_WAVE_FACTOR,
            mails: false,
            double_opt_in: false,
        }
    }

    /// Changes from now on write the webhook events they cause (SPEC "People are told").
    pub fn with_events(mut self) -> Self {
        self.events = true;
        self
    }

    /// The SQLite writer connection (tests read its settings).
    #[cfg(test)]
    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        match &self.backend {
            Backend::Sqlite { writer, .. } => writer.lock().unwrap_or_else(PoisonError::into_inner),
            Backend::Postgres(_) => panic!("a SQLite store"),
        }
    }

    /// Runs `work` as one transaction and commits what it wrote; an error rolls all of it
    /// back. `work` may run again when the database says a concurrent change got in first.
    fn change<T>(
        &self,
        mut work: impl FnMut(&mut dyn Tx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &self.backend {
            Backend::Sqlite { writer, .. } => {
                // A panic while the lock was held rolled its transaction back (below, or when
                // the connection next begins), so the connection is still usable.
                let connection = writer.lock().unwrap_or_else(PoisonError::into_inner);
                if !connection.is_autocommit() {
                    connection.execute_batch("ROLLBACK")?;
                }
                connection.execute_batch("BEGIN IMMEDIATE")?;
                match work(&mut SqliteTx::new(&connection)) {
                    Ok(done) => {
                        connection.execute_batch("COMMIT")?;
                        Ok(done)
                    }
                    Err(error) => {
                        connection.execute_batch("ROLLBACK")?;
                        Err(error)
                    }
                }
            }
            Backend::Postgres(postgres) => postgres.change(&mut work),
        }
    }

    /// Runs `read` on a connection of its own, beside the changes.
    async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        match &self.backend {
            Backend::Sqlite { readers, .. } => {
                let connection = readers
                    .get()
                    .await
                    .map_err(|error| StoreError::Pool(error.to_string()))?;
                connection
                    .interact(move |connection| {
                        connection.busy_timeout(BUSY_TIMEOUT)?;
                        read(&mut SqliteTx::new(connection))
                    })
                    .await
                    .map_err(|error| StoreError::Pool(error.to_string()))?
            }
            Backend::Postgres(postgres) => postgres.read(read).await,
        }
    }
}

/// `path` with `suffix` added to its file name: `backorders.sqlite3-wal`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Where the key that derives cancel tokens is kept: beside the database, never inside it.
pub fn token_key_path(database: &Path) -> PathBuf {
    sibling(database, ".token-key")
}

/// A stored date, or `None` (an absent or unreadable one is no date, never a guess).
fn date(text: Option<String>) -> Option<chrono::NaiveDate> {
    text.as_deref()
        .and_then(crate::domain::date::parse_iso_date)
}

fn text(date: Option<chrono::NaiveDate>) -> Option<String> {
    date.map(crate::domain::date::format_iso_date)
}

/// The store on real SQLite files.
#[cfg(test)]
mod tests;
