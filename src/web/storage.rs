//! Where the outbox lives: `localStorage` in the page (with a copy in memory for when the
//! browser refuses storage), memory only in tests.

use std::cell::{Cell, RefCell};

use super::js::json_tree;
use super::platform;
use crate::outbox::queue::Outbox;
use crate::outbox::store::OutboxStore;
use crate::text::concat;
use crate::wire::{StoredOutbox, write};

/// The outbox in `localStorage`, under one key shared by every widget of the origin, with a copy
/// in memory: when the browser refuses storage (blocked, full, some private modes) the page
/// still delivers and remembers for as long as it is open.
#[derive(Debug)]
pub struct LocalStorage {
    key: String,
    mirror: RefCell<Outbox>,
    /// Set once storage refused a write: from then on the copy in memory is the truth.
    degraded: Cell<bool>,
}

impl Default for LocalStorage {
    fn default() -> Self {
        Self {
            key: "backorder-widget:outbox:v1".to_owned(),
            mirror: RefCell::default(),
            degraded: Cell::new(false),
        }
    }
}

impl LocalStorage {
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    fn degrade(&self) {
        if !self.degraded.replace(true) {
            platform::console_warn(
                "localStorage is not available; an undelivered request will not survive a reload",
            );
        }
    }
}

impl OutboxStore for LocalStorage {
    fn load(&self) -> Outbox {
        if self.degraded.get() {
            return self.mirror.borrow().clone();
        }
        let stored = Self::storage().map(|storage| storage.get_item(&self.key));
        let text = match stored {
            Some(Ok(text)) => text,
            // Storage refused: what this page saved is in memory.
            _ => return self.mirror.borrow().clone(),
        };
        let outbox = match text.as_deref().map(json_tree) {
            None => Outbox::default(),
            Some(Some(document)) => {
                let (outbox, dropped) = StoredOutbox::read_entries(&document);
                for error in &dropped {
                    platform::console_warn(&concat(&[
                        "a saved request could not be read and was dropped: ",
                        &error.message(),
                    ]));
                }
                if !dropped.is_empty() {
                    // Said once: what is left is saved without the entries that did not read.
                    self.save(&outbox);
                }
                outbox
            }
            Some(None) => {
                platform::console_warn("the saved outbox was unreadable and has been reset");
                Outbox::default()
            }
        };
        *self.mirror.borrow_mut() = outbox.clone();
        outbox
    }

    fn save(&self, outbox: &Outbox) {
        *self.mirror.borrow_mut() = outbox.clone();
        if self.degraded.get() {
            // Writing what this tab alone knows could erase another tab's requests.
            return;
        }
        let Some(storage) = Self::storage() else {
            return self.degrade();
        };
        let saved = if outbox.pending.is_empty() && outbox.reservations.is_empty() {
            storage.remove_item(&self.key)
        } else {
            storage.set_item(&self.key, &write(&StoredOutbox::of(outbox)))
        };
        if saved.is_err() {
            // Full or refused: the copy in memory is kept, and read from now on.
            self.degrade();
        }
    }
}
