//! Where the outbox lives: `localStorage` in the page, memory in tests (and as the fallback
//! when a browser refuses storage, as some private modes do).

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use super::platform;
use crate::outbox::Outbox;

/// Loads and saves the whole outbox. It is small (a few requests), so whole-value writes keep
/// it consistent without a schema.
pub trait OutboxStore {
    fn load(&self) -> Outbox;
    fn save(&self, outbox: &Outbox);
}

/// The outbox in `localStorage`, under one key shared by every widget of the origin.
#[derive(Debug, Clone)]
pub struct LocalStorage {
    key: String,
}

impl Default for LocalStorage {
    fn default() -> Self {
        Self {
            key: "backorder-widget:outbox:v1".to_owned(),
        }
    }
}

impl LocalStorage {
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }
}

impl OutboxStore for LocalStorage {
    fn load(&self) -> Outbox {
        let Some(text) =
            Self::storage().and_then(|storage| storage.get_item(&self.key).ok().flatten())
        else {
            return Outbox::default();
        };
        match super::js::from_json(&text) {
            Some(value) => super::wire::outbox(&value),
            None => {
                platform::console_warn("the saved outbox was unreadable and has been reset");
                Outbox::default()
            }
        }
    }

    fn save(&self, outbox: &Outbox) {
        let text = Some(super::wire::outbox_json(outbox));
        let saved = match (Self::storage(), text) {
            (Some(storage), Some(text))
                if outbox.pending.is_empty() && outbox.reservations.is_empty() =>
            {
                storage.remove_item(&self.key).map(|()| text)
            }
            (Some(storage), Some(text)) => storage.set_item(&self.key, &text).map(|()| text),
            _ => Err(JsValue::NULL),
        };
        if saved.is_err() {
            platform::console_warn(
                "localStorage is not available; an undelivered request will not survive a reload",
            );
        }
    }
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
