//! A session lives in the database, so a log-out ends it everywhere at once and a restart keeps
//! the team logged in. Only the hash of its cookie is stored: reading the table opens no session.

use chrono::{DateTime, Utc};

use super::Store;
use super::records::StoreError;
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
        let id_hash = secrets::sha256_hex(&opened.id);
        self.change(|transaction| {
            transaction.delete_sessions_until(&clock::stamp(now))?;
            transaction.insert_session(
                &id_hash,
                &opened.csrf,
                &clock::stamp(now),
                &clock::stamp(expires_at),
            )
        })?;
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
                .session_csrf(&secrets::sha256_hex(&id), &clock::stamp(now))?
                .map(|csrf| Session { id, csrf }))
        })
        .await
    }

    /// Ends the session of cookie `id` (a log-out); ending one that is gone is no error.
    pub fn close_session(&self, id: &str) -> Result<(), StoreError> {
        let id_hash = secrets::sha256_hex(id);
        self.change(|transaction| transaction.delete_session(&id_hash))
    }

    /// Keeps `message` for the session's next page.
    pub fn set_flash(&self, id: &str, message: &str) -> Result<(), StoreError> {
        let id_hash = secrets::sha256_hex(id);
        self.change(|transaction| transaction.set_flash(&id_hash, Some(message)))
    }

    /// The message kept for this page, once: it is gone after.
    pub fn take_flash(&self, id: &str) -> Result<Option<String>, StoreError> {
        let id_hash = secrets::sha256_hex(id);
        // One transaction: two pages loading at once show the message once.
        self.change(|transaction| {
            let flash = transaction.flash(&id_hash)?;
            if flash.is_some() {
                transaction.set_flash(&id_hash, None)?;
            }
            Ok(flash)
        })
    }
}
