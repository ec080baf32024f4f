//! Where the outbox is kept, as the courier sees it: loaded and saved whole.

use std::cell::RefCell;

use super::queue::Outbox;

/// Loads and saves the whole outbox. It is small (a few requests), so whole-value writes keep
/// it consistent without a schema.
pub trait OutboxStore {
    fn load(&self) -> Outbox;
    fn save(&self, outbox: &Outbox);
}

/// An outbox in memory only (tests, and a page whose storage refuses).
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
