//! Test doubles for the page's agents, native: a clock advanced by hand, whose timers fire when
//! it passes them, and a transport that records each request and answers when a test says.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use chrono::NaiveDate;

use super::clock::{Clock, Timer};
use super::http::{Answered, HttpRequest, HttpResponse, Transport, TransportError};

type Due = (u64, u64, Box<dyn FnOnce()>);

/// Time that moves only when [`ManualClock::advance`] moves it. Its wall clock stays on one
/// shop day (27 November 2026, 10:00): the agents tested with it read milliseconds only.
#[derive(Default)]
pub struct ManualClock {
    now: Cell<u64>,
    next_id: Cell<u64>,
    timers: Rc<RefCell<Vec<Due>>>,
}

/// Cancels its timer when dropped.
struct Entry(u64, std::rc::Weak<RefCell<Vec<Due>>>);

impl Drop for Entry {
    fn drop(&mut self) {
        if let Some(timers) = self.1.upgrade()
            && let Ok(mut timers) = timers.try_borrow_mut()
        {
            timers.retain(|(_, id, _)| *id != self.0);
        }
    }
}

impl std::fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualClock")
            .field("now", &self.now)
            .finish()
    }
}

impl ManualClock {
    pub fn at(now_ms: u64) -> Rc<Self> {
        let clock = Self::default();
        clock.now.set(now_ms);
        Rc::new(clock)
    }

    /// Moves time on by `millis`, firing every timer due by then, earliest first.
    pub fn advance(&self, millis: u64) {
        let until = self.now.get() + millis;
        loop {
            let next = {
                let mut timers = self.timers.borrow_mut();
                timers.sort_by_key(|(due, id, _)| (*due, *id));
                match timers.first() {
                    Some((due, _, _)) if *due <= until => Some(timers.remove(0)),
                    _ => None,
                }
            };
            let Some((due, _, callback)) = next else {
                break;
            };
            self.now.set(due.max(self.now.get()));
            callback();
        }
        self.now.set(until);
    }
}

impl Clock for ManualClock {
    fn wall(&self, _time_zone: Option<&str>) -> (NaiveDate, u32) {
        (NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date"), 600)
    }

    fn now_ms(&self) -> u64 {
        self.now.get()
    }

    fn after(&self, millis: u32, callback: Box<dyn FnOnce()>) -> Timer {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let due = self.now.get() + u64::from(millis);
        self.timers.borrow_mut().push((due, id, callback));
        Timer::new(Entry(id, Rc::downgrade(&self.timers)))
    }
}

/// An answer with `status` and `body`, and no `Retry-After`.
pub fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        retry_after: None,
        body: body.to_owned(),
    }
}

/// Records requests; a test answers them in the order they were sent.
#[derive(Default)]
pub struct Recorder {
    pub sent: RefCell<Vec<HttpRequest>>,
    waiting: RefCell<Vec<Answered>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("sent", &self.sent)
            .finish()
    }
}

impl Recorder {
    /// Answers the earliest request not answered yet.
    pub fn answer(&self, answer: Result<HttpResponse, TransportError>) {
        let answered = self.waiting.borrow_mut().remove(0);
        answered(answer);
    }

    /// Answers it with `status` and `body`.
    pub fn reply(&self, status: u16, body: &str) {
        self.answer(Ok(response(status, body)));
    }

    /// The URL of every request sent, in order.
    pub fn urls(&self) -> Vec<String> {
        self.sent
            .borrow()
            .iter()
            .map(|request| request.url.clone())
            .collect()
    }

    pub fn unanswered(&self) -> usize {
        self.waiting.borrow().len()
    }
}

impl Transport for Recorder {
    fn send(&self, request: HttpRequest, answered: Answered) {
        self.sent.borrow_mut().push(request);
        self.waiting.borrow_mut().push(answered);
    }
}
