//! Answers that several widgets of a page wait for (a SKU's stock, a language's wording): the
//! first to ask starts the work, later ones join it, and every one is called back with the
//! answer once it is in. Callbacks run after the map is released, so they may ask again.

use std::cell::RefCell;
use std::fmt;

use super::small_map::SmallMap;

type Callback<R> = Box<dyn FnOnce(R)>;

enum Slot<R> {
    Waiting(Vec<Callback<R>>),
    Ready(R),
}

pub struct Waiters<K, R> {
    slots: RefCell<SmallMap<K, Slot<R>>>,
}

impl<K, R> Default for Waiters<K, R> {
    fn default() -> Self {
        Self {
            slots: RefCell::default(),
        }
    }
}

impl<K: PartialEq, R> fmt::Debug for Waiters<K, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiters")
            .field("keys", &self.slots.borrow().len())
            .finish_non_exhaustive()
    }
}

impl<K: PartialEq, R: Clone> Waiters<K, R> {
    /// Calls `done` at once with a kept answer, or has it wait for `key`'s. Returns true for the
    /// first to ask, who must start the work that ends in [`Waiters::settle`].
    pub fn join(&self, key: K, done: Callback<R>) -> bool {
        let mut slots = self.slots.borrow_mut();
        match slots.get_mut(&key) {
            Some(Slot::Ready(answer)) => {
                let answer = answer.clone();
                drop(slots);
                done(answer);
                false
            }
            Some(Slot::Waiting(callbacks)) => {
                callbacks.push(done);
                false
            }
            None => {
                slots.insert(key, Slot::Waiting(vec![done]));
                true
            }
        }
    }

    /// Gives `key`'s answer to everyone waiting for it. A kept answer also serves later askers;
    /// otherwise the next to ask starts the work again.
    pub fn settle(&self, key: K, answer: R, keep: bool) {
        let previous = if keep {
            self.slots
                .borrow_mut()
                .insert(key, Slot::Ready(answer.clone()))
        } else {
            self.slots.borrow_mut().remove(&key)
        };
        if let Some(Slot::Waiting(callbacks)) = previous {
            for callback in callbacks {
                callback(answer.clone());
            }
        }
    }

    /// Drops the kept answers whose key matches, so they are asked for again; work under way
    /// is left to finish.
    pub fn forget(&self, mut matches: impl FnMut(&K) -> bool) {
        self.slots
            .borrow_mut()
            .retain(|key, slot| matches!(slot, Slot::Waiting(_)) || !matches(key));
    }
}
