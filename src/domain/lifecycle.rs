//! A review hands the units a cancellation freed to the next in line, gives pre-orders the shelf
//! before their release, moves every date with the batches, and applies the delay rule.
//!
//! The endpoint reads the line, calls [`review_line`] with *today*, and stores what it returns.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar::{ShopCalendar, ShopDay};
use super::delay::{self, Change, Promise};
use super::fulfilment::{InLine, current_dates, hand_out, shelf_for_preorders};
use super::history::Event;
use super::stock::Stock;

/// Where a request stands.
/// On the wire, its name in lower case (`"waiting"`), as [`Status::as_str`] writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The promise holds; its units are on their way.
    Waiting,
    /// Every unit is set aside: it can ship.
    Ready,
    /// The shop handed it to the carrier.
    Shipped,
    /// Its current date is later than the date stated when it was taken, or there is none.
    Delayed,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Ready => "ready",
            Self::Shipped => "shipped",
            Self::Delayed => "delayed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Waiting,
            Self::Ready,
            Self::Shipped,
            Self::Delayed,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }

    /// Whether it still holds or waits for units (not shipped, not cancelled).
    pub fn is_active(self) -> bool {
        !matches!(self, Self::Shipped | Self::Cancelled)
    }

    /// The status of a request in line.
    pub fn of(line: InLine, stated: Option<NaiveDate>, current: Option<NaiveDate>) -> Self {
        if line.waiting() == 0 {
            return Self::Ready;
        }
        match (stated, current) {
            (Some(stated), Some(current)) if current <= stated => Self::Waiting,
            // Nothing was promised (a notify request): nothing can be late.
            (None, _) => Self::Waiting,
            _ => Self::Delayed,
        }
    }
}

/// A request in line as stored, before a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tracked {
    pub line: InLine,
    pub promise: Promise,
    pub current: Option<NaiveDate>,
}

/// What a review decides for one request in line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allocated: u32,
    pub current: Option<NaiveDate>,
    pub promise: Promise,
    pub status: Status,
    /// Set when the delay rule cancelled it: the day, and when its refund is due.
    pub cancelled: Option<(NaiveDate, NaiveDate)>,
    pub events: Vec<Event>,
}

/// A review of one product's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineReview {
    /// One per request given, in the same order.
    pub decisions: Vec<Decision>,
    /// Freed units given to orders from other channels (lower the record's `backordered`).
    pub to_other_channels: u32,
    /// Units the shelf gains (what nobody waited for) or loses (taken by pre-orders).
    pub shelf_change: i64,
}

/// Reviews `line` (the product's active requests in queue order) on `today`. `freed` units come
/// from a request just cancelled or shipped short; they go to the next in line. `stock` is the
/// record as stored: `on_hand` is the free shelf and `already_promised` what other channels are
/// owed. Idempotent: reviewing its own result on the same day decides nothing new.
pub fn review_line(
    stock: &Stock,
    calendar: &ShopCalendar,
    line: &[Tracked],
    freed: u32,
    today: ShopDay,
) -> LineReview {
    let mut decisions: Vec<Decision> = line
        .iter()
        .map(|tracked| Decision {
            allocated: tracked.line.allocated,
            current: tracked.current,
            promise: tracked.promise,
            status: Status::of(tracked.line, tracked.promise.stated, tracked.current),
            cancelled: None,
            events: Vec::new(),
        })
        .collect();
    // No yes by the deadline: cancelled, and what it held is freed for the next in line.
    let mut freed = freed;
    for (tracked, decision) in line.iter().zip(&mut decisions) {
        let (_, change) = delay::review(tracked.promise, tracked.current, today.date, calendar);
        if let Some(
            change @ Change::Cancelled {
                cancelled_on,
                refund_due,
            },
        ) = change
        {
            freed = freed.saturating_add(tracked.line.allocated);
            decision.status = Status::Cancelled;
            decision.cancelled = Some((cancelled_on, refund_due));
            decision.events.push(Event::Rule(change));
        }
    }
    let open: Vec<usize> = (0..line.len())
        .filter(|&index| decisions[index].status != Status::Cancelled)
        .collect();
    let in_line = |decisions: &[Decision]| -> Vec<InLine> {
        open.iter()
            .map(|&index| InLine {
                quantity: line[index].line.quantity,
                allocated: decisions[index].allocated,
            })
            .collect()
    };
    let give = |decisions: &mut [Decision], units: u32, other_channels: u32| {
        let handout = hand_out(units, other_channels, &in_line(decisions));
        for (&index, &units) in open.iter().zip(&handout.to_requests) {
            if units > 0 {
                let decision = &mut decisions[index];
                decision.allocated += units;
                decision.events.push(Event::SetAside {
                    units,
                    total: decision.allocated,
                });
            }
        }
        handout
    };
    let from_freed = give(&mut decisions, freed, stock.already_promised);
    let mut shelf_change = i64::from(from_freed.to_shelf);
    let owed = Stock {
        on_hand: stock.on_hand.saturating_add(from_freed.to_shelf),
        already_promised: stock.already_promised - from_freed.to_other_channels,
        ..stock.clone()
    };
    let shelf = shelf_for_preorders(&owed, today.date);
    if shelf > 0 {
        let from_shelf = give(&mut decisions, shelf, 0);
        shelf_change -= i64::from(shelf - from_shelf.to_shelf);
    }
    // Before the release the shelf serves other channels first (`shelf_for_preorders`): only
    // what it cannot cover of theirs is ahead of the line in the batches.
    let before_release = stock
        .release_date
        .is_some_and(|release| release > today.date);
    let in_batches = Stock {
        already_promised: match before_release {
            true => owed.already_promised.saturating_sub(owed.on_hand),
            false => owed.already_promised,
        },
        ..owed
    };
    // The cutoff moves a new order's handling to the next day, not a request already in line:
    // its date must not depend on the hour of the review.
    let dates = current_dates(
        &in_batches,
        calendar,
        &in_line(&decisions),
        today.date.into(),
    );
    for (&index, date) in open.iter().zip(dates) {
        let decision = &mut decisions[index];
        let tracked = &line[index];
        let entry = InLine {
            quantity: tracked.line.quantity,
            allocated: decision.allocated,
        };
        if entry.waiting() == 0 {
            if decision.status != Status::Ready {
                decision.events.push(Event::Ready);
            }
            // An open question stays open: the rule asks for the goods to be shipped, not set
            // aside, by the deadline (R6, R8). The merchant sees it must ship by then.
            decision.current = None;
            decision.status = Status::Ready;
            continue;
        }
        if date != tracked.current {
            decision.events.push(Event::DateChanged {
                from: tracked.current,
                to: date,
            });
        }
        decision.current = date;
        let (promise, change) = delay::review(tracked.promise, date, today.date, calendar);
        decision.promise = promise;
        decision.events.extend(change.map(Event::Rule));
        decision.status = Status::of(entry, promise.stated, date);
    }
    LineReview {
        decisions,
        to_other_channels: from_freed.to_other_channels,
        shelf_change,
    }
}

// Native only: the test records are read with serde_json.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use super::*;
    use crate::domain::test_records::{day, stock};

    fn taken(quantity: u32, stated: &str) -> Tracked {
        Tracked {
            line: InLine {
                quantity,
                allocated: 0,
            },
            promise: Promise::stated(Some(day(stated))),
            current: Some(day(stated)),
        }
    }

    /// Three shoppers want 2 each; one batch of 5 has arrived (5 units freed for the line).
    #[test]
    fn a_short_delivery_fills_the_line_in_order_and_the_rest_waits() {
        let stock = stock(
            r#"{"backorders": "allow", "incoming": [{"quantity": 10, "expected": "2026-12-21"}]}"#,
        );
        let line = [
            taken(2, "2026-12-15"),
            taken(2, "2026-12-15"),
            taken(2, "2026-12-15"),
        ];
        let review = review_line(
            &stock,
            &ShopCalendar::default(),
            &line,
            5,
            day("2026-12-14").into(),
        );
        let summary: Vec<(Status, u32, Option<NaiveDate>)> = review
            .decisions
            .iter()
            .map(|decision| (decision.status, decision.allocated, decision.current))
            .collect();
        // The third has 1 set aside and waits for the next batch: a week later than promised.
        assert_eq!(
            summary,
            [
                (Status::Ready, 2, None),
                (Status::Ready, 2, None),
                (Status::Delayed, 1, Some(day("2026-12-22"))),
            ]
        );
        assert_eq!(review.shelf_change, 0);
        assert!(
            review.decisions[2]
                .events
                .contains(&Event::Rule(Change::Delayed {
                    revised: day("2026-12-22"),
                    due_by: day("2026-12-15"),
                }))
        );
        // Reviewed again the same day: nothing new.
        let stored: Vec<Tracked> = line
            .iter()
            .zip(&review.decisions)
            .map(|(tracked, decision)| Tracked {
                line: InLine {
                    quantity: tracked.line.quantity,
                    allocated: decision.allocated,
                },
                promise: decision.promise,
                current: decision.current,
            })
            .collect();
        let again = review_line(
            &stock,
            &ShopCalendar::default(),
            &stored,
            0,
            day("2026-12-14").into(),
        );
        assert!(
            again
                .decisions
                .iter()
                .all(|decision| decision.events.is_empty())
        );
    }

    #[test]
    fn a_cancelled_requests_units_go_to_the_next_in_line_not_the_shelf() {
        let stock = stock(r#"{"backorders": "allow"}"#);
        // The first shopper (2 set aside) cancelled: their 2 units are freed.
        let line = [Tracked {
            line: InLine {
                quantity: 2,
                allocated: 1,
            },
            promise: Promise::stated(Some(day("2026-12-15"))),
            current: None,
        }];
        let review = review_line(
            &stock,
            &ShopCalendar::default(),
            &line,
            2,
            day("2026-12-14").into(),
        );
        assert_eq!(review.decisions[0].status, Status::Ready);
        assert_eq!(review.decisions[0].allocated, 2);
        assert_eq!(review.shelf_change, 1, "the unit nobody waits for");
    }

    #[test]
    fn no_yes_by_the_deadline_cancels_and_frees_the_units() {
        let stock = stock(r#"{"backorders": "allow"}"#);
        let mut asked = taken(3, "2026-12-15");
        asked.line.allocated = 1;
        asked.current = None;
        asked.promise = Promise {
            notices: 1,
            awaiting: Some(delay::Awaiting {
                offered: None,
                deadline: day("2027-01-14"),
            }),
            ..asked.promise
        };
        let next = taken(1, "2026-12-22");
        let review = review_line(
            &stock,
            &ShopCalendar::default(),
            &[asked, next],
            0,
            day("2027-01-15").into(),
        );
        assert_eq!(review.decisions[0].status, Status::Cancelled);
        assert_eq!(
            review.decisions[0].cancelled,
            Some((day("2027-01-15"), day("2027-01-26")))
        );
        assert_eq!(review.decisions[1].allocated, 1, "the freed unit goes on");
        assert_eq!(review.decisions[1].status, Status::Ready);
    }

    #[test]
    fn before_the_release_pre_orders_take_the_shelf_first() {
        let stock = stock(r#"{"release_date": "2027-01-15", "on_hand": 3}"#);
        let line = [taken(2, "2027-01-15"), taken(2, "2027-01-15")];
        let review = review_line(
            &stock,
            &ShopCalendar::default(),
            &line,
            0,
            day("2026-12-01").into(),
        );
        assert_eq!(review.shelf_change, -3);
        assert_eq!(review.decisions[0].status, Status::Ready);
        assert_eq!(
            (review.decisions[1].allocated, review.decisions[1].status),
            (1, Status::Waiting)
        );
        assert_eq!(review.decisions[1].current, Some(day("2027-01-15")));
    }

    #[test]
    fn freed_units_serve_other_channels_first() {
        let stock = stock(r#"{"backorders": "allow", "backordered": 1}"#);
        let review = review_line(
            &stock,
            &ShopCalendar::default(),
            &[taken(2, "2026-12-15")],
            2,
            day("2026-12-01").into(),
        );
        assert_eq!(review.to_other_channels, 1);
        assert_eq!(review.decisions[0].allocated, 1);
    }

    #[test]
    fn a_ready_request_awaiting_a_yes_must_still_ship_by_the_deadline() {
        let stock = stock(r#"{"backorders": "allow"}"#);
        let mut asked = taken(2, "2026-12-15");
        asked.current = None;
        asked.promise = Promise {
            notices: 1,
            awaiting: Some(delay::Awaiting {
                offered: None,
                deadline: day("2027-01-14"),
            }),
            ..asked.promise
        };
        let review = review_line(
            &stock,
            &ShopCalendar::default(),
            &[asked],
            2,
            day("2026-12-20").into(),
        );
        let decision = &review.decisions[0];
        assert_eq!(decision.status, Status::Ready);
        assert!(
            decision.promise.needs_consent(),
            "set aside is not shipped: the question stays"
        );
        // Not shipped and no yes by the deadline: cancelled, and its units go back.
        let ready = Tracked {
            line: InLine {
                quantity: 2,
                allocated: 2,
            },
            promise: decision.promise,
            current: None,
        };
        let later = review_line(
            &stock,
            &ShopCalendar::default(),
            &[ready],
            0,
            day("2027-01-15").into(),
        );
        assert_eq!(later.decisions[0].status, Status::Cancelled);
        assert_eq!(later.shelf_change, 2);
    }

    #[test]
    fn before_the_release_other_channels_keep_their_share_of_the_shelf() {
        let stock = stock(
            r#"{"release_date": "2027-01-15", "on_hand": 3, "backordered": 2,
                "incoming": [{"quantity": 3, "expected": "2027-01-11"}]}"#,
        );
        let review = review_line(
            &stock,
            &ShopCalendar::default(),
            &[taken(3, "2027-01-15")],
            0,
            day("2026-12-01").into(),
        );
        assert_eq!(review.shelf_change, -1);
        let decision = &review.decisions[0];
        assert_eq!(decision.allocated, 1);
        // The other channels' 2 are on the shelf: the batch covers this request's other 2.
        assert_eq!(
            (decision.status, decision.current),
            (Status::Waiting, Some(day("2027-01-15")))
        );
        assert_eq!(decision.events, [Event::SetAside { units: 1, total: 1 }]);
        assert_eq!(
            shelf_for_preorders(&stock, day("2027-01-15")),
            0,
            "released"
        );
    }

    #[test]
    fn the_hour_of_a_review_does_not_move_the_line() {
        // The batch arrives today; after the cutoff a new order's handling starts tomorrow,
        // but those in line keep the date they have.
        let stock = stock(
            r#"{"backorders": "allow", "incoming": [{"quantity": 5, "expected": "2026-12-14"}]}"#,
        );
        let evening = ShopDay {
            date: day("2026-12-14"),
            handling_from: day("2026-12-15"),
        };
        let review = review_line(
            &stock,
            &ShopCalendar::default(),
            &[taken(1, "2026-12-15")],
            0,
            evening,
        );
        assert_eq!(review.decisions[0].current, Some(day("2026-12-15")));
        assert!(review.decisions[0].events.is_empty());
    }

    #[test]
    fn statuses() {
        let line = |quantity, allocated| InLine {
            quantity,
            allocated,
        };
        let t = Some(day("2026-12-15"));
        for (entry, current, expected) in [
            (line(2, 0), t, Status::Waiting),
            (line(2, 0), Some(day("2026-12-10")), Status::Waiting),
            (line(2, 0), Some(day("2026-12-16")), Status::Delayed),
            (line(2, 0), None, Status::Delayed),
            (line(2, 1), None, Status::Delayed),
            (line(2, 2), None, Status::Ready),
        ] {
            assert_eq!(
                Status::of(entry, t, current),
                expected,
                "{entry:?} {current:?}"
            );
        }
        assert_eq!(Status::parse("ready"), Some(Status::Ready));
        assert_eq!(Status::parse("later"), None);
    }
}
