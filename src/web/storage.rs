//! Where the outbox lives: `localStorage` in the page (with a copy in memory for when the
//! browser refuses storage), memory only in tests.

use std::cell::{Cell, RefCell};

use super::js::{from_json, list, read_value};
use super::platform;
use crate::outbox::Outbox;
use crate::text::concat;
use crate::wire::write;
use crate::wire::{StoredOutbox, StoredPending, StoredReservation, WireError};

/// Loads and saves the whole outbox. It is small (a few requests), so whole-value writes keep
/// it consistent without a schema.
pub trait OutboxStore {
    fn load(&self) -> Outbox;
    fn save(&self, outbox: &Outbox);
}

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
        let outbox = match text.as_deref().map(from_json) {
            None => Outbox::default(),
            Some(Some(value)) => {
                let (outbox, dropped) = stored_outbox(&value);
                if dropped {
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

/// The outbox read back entry by entry: one that does not read (a kind this version does not
/// know, a cancel without its request) is dropped with a warning, and the others are kept.
/// Whether any was dropped comes with it.
fn stored_outbox(value: &wasm_bindgen::JsValue) -> (Outbox, bool) {
    let mut outbox = Outbox::default();
    let mut dropped = false;
    let mut drop = |error: WireError| {
        dropped = true;
        platform::console_warn(&concat(&[
            "a saved request could not be read and was dropped: ",
            &error.message(),
        ]));
    };
    for entry in list(value, "pending") {
        match read_value::<StoredPending>(entry).and_then(StoredPending::pending) {
            Ok(pending) => outbox.pending.push(pending),
            Err(error) => drop(error),
        }
    }
    for entry in list(value, "reservations") {
        match read_value::<StoredReservation>(entry) {
            Ok(reservation) => outbox.reservations.push(reservation.reservation()),
            Err(error) => drop(error),
        }
    }
    (outbox, dropped)
}

/// An outbox in memory only.
#[derive(Debug, Default)]
pub struct MemoryStore {
    outbox: RefCell<Outbox>,
}

impl OutboxStore for MemoryStore {
    fn load(&self) -> Outbox {
        self.outbox.borrow().clone()
    }

    fn save(&self, outbox: &Outbox) {
        *self.outbox.borrow_mut() = outbox.clone();
    }
}
