//! The merchant's page's log-ins. A session lives in the database, so a log-out ends it
//! everywhere at once and a restart keeps the team logged in. Only the hash of its cookie is
//! stored: reading the table opens no session.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::server::{clock, secrets};

/// A live session, as a page needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The cookie's value, as the browser sent it (never stored).
    pub id: String,
    /// The token every form of this session carries back (CSRF).
    pub csrf: String,
}

/// A session just opened: the cookie to set, and the first form token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub id: String,
    pub csrf: String,
}

impl Store {
    /// Opens a session that ends at `expires_at`, and forgets those that ended.
    pub fn open_session(
        &self,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<Opened, StoreError> {
        let opened = Opened {
            id: secrets::random_token(32),
            csrf: secrets::random_token(32),
        };
        let connection = self.lock();
        connection.execute(
            "DELETE FROM sessions WHERE expires_at <= ?1",
            [clock::stamp(now)],
        )?;
        connection.execute(
            "INSERT INTO sessions (id_hash, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                secrets::sha256_hex(&opened.id),
                opened.csrf,
                clock::stamp(now),
                clock::stamp(expires_at)
            ],
        )?;
        Ok(opened)
    }

    /// The session of cookie `id`, unless there is none or it ended by `now`.
    pub async fn session(
        &self,
        id: String,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        self.read(move |connection| {
            Ok(connection
                .query_row(
                    "SELECT csrf FROM sessions WHERE id_hash = ?1 AND expires_at > ?2",
                    params![secrets::sha256_hex(&id), clock::stamp(now)],
                    |row| row.get(0),
                )
                .optional()?
                .map(|csrf| Session { id, csrf }))
        })
        .await
    }

    /// Ends the session of cookie `id` (a log-out); ending one that is gone is no error.
    pub fn close_session(&self, id: &str) -> Result<(), StoreError> {
        self.lock().execute(
            "DELETE FROM sessions WHERE id_hash = ?1",
            [secrets::sha256_hex(id)],
        )?;
        Ok(())
    }

    /// Keeps `message` for the session's next page.
    pub fn set_flash(&self, id: &str, message: &str) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE sessions SET flash = ?2 WHERE id_hash = ?1",
            params![secrets::sha256_hex(id), message],
        )?;
        Ok(())
    }

    /// The message kept for this page, once: it is gone after.
    pub fn take_flash(&self, id: &str) -> Result<Option<String>, StoreError> {
        let hash = secrets::sha256_hex(id);
        // The writer's lock makes the read and the clearing one step.
        let connection = self.lock();
        let flash: Option<String> = connection
            .query_row(
                "SELECT flash FROM sessions WHERE id_hash = ?1",
                [&hash],
                |row| row.get(0),
            )
            .optional()?
            .flatten();
        if flash.is_some() {
            connection.execute(
                "UPDATE sessions SET flash = NULL WHERE id_hash = ?1",
                [&hash],
            )?;
        }
        Ok(flash)
    }
}
