//! The rule is `../shared/DELAY-RULES.md` (SPEC "Late deliveries follow the law"). *Today* is a
//! parameter; the endpoint stores what [`review`] decides.
//!
//! - The date stated when the request was taken is `T`.
//! - A first delay to a definite date no later than `T + 30` days: the shopper is told, and
//!   silence counts as consent (R5). The revised date is the promise from then on.
//! - A later date, no date, or any further delay: the shopper must say yes (R6, R8). Without a
//!   yes by `T + 30` days (for a further delay: by the revised date in force), the request is
//!   cancelled, and its refund is due 7 working days later (R10).
//! - A notice is due no later than the date it is about (R4). One found later than that is
//!   still sent, marked late, and never counts silence as consent.
//! - A date that moves earlier is no delay. A shopper who agreed to an open-ended delay keeps
//!   the right to cancel until it ships, and is not asked again (R7).
//!
//! [`review`]: crate::domain::delay::review

use chrono::{Days, NaiveDate};

use super::calendar::{DelayRule, ShopCalendar};

/// The delay rule's 30 days (R5, R6).
pub const CONSENT_DAYS: u64 = 30;
/// A refund is due within 7 working days (R10).
pub const REFUND_WORKING_DAYS: u32 = 7;

/// Where one request stands under the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Promise {
    /// `T`: the ship date stated when the request was taken.
    pub stated: Option<NaiveDate>,
    /// The date the shopper holds now: `T`, or the revised date they were told and kept.
    /// `None` once they agreed to wait without a date.
    pub in_force: Option<NaiveDate>,
    /// Delay notices given so far.
    pub notices: u32,
    /// A yes the shopper has been asked for.
    pub awaiting: Option<Awaiting>,
}

/// An open question to the shopper: keep the request at `offered` (no date: wait until it
/// comes)? They must answer by `deadline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Awaiting {
    pub offered: Option<NaiveDate>,
    pub deadline: NaiveDate,
}

impl Promise {
    /// The promise a request is taken with.
    pub fn stated(date: Option<NaiveDate>) -> Self {
        Self {
            stated: date,
            in_force: date,
            notices: 0,
            awaiting: None,
        }
    }

    /// Whether the shopper must say yes to keep it.
    pub fn needs_consent(&self) -> bool {
        self.awaiting.is_some()
    }
}

/// What changed, for the request's history and the shopper's notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The current date is later than promised; silence counts as consent. `due_by` is the
    /// last day the notice could be given; `late` when it was found after that.
    Delayed {
        revised: NaiveDate,
        due_by: NaiveDate,
    },
    /// A yes is needed by `deadline` to keep it at `offered`.
    ConsentNeeded {
        offered: Option<NaiveDate>,
        deadline: NaiveDate,
        due_by: NaiveDate,
        late: bool,
    },
    /// While a yes is awaited, the date offered moved: the shopper is told the new one, with
    /// the same deadline.
    OfferChanged { offered: Option<NaiveDate> },
    /// The date is back within the promise: no yes is needed any more.
    BackOnTime,
    /// No yes by the deadline: the request is cancelled on `cancelled_on` and its refund is due.
    Cancelled {
        cancelled_on: NaiveDate,
        refund_due: NaiveDate,
    },
}

/// Applies the rule to a request whose current date is `current` (`None`: nothing en route
/// covers it), on `today`. Running it again with the same inputs changes nothing.
pub fn review(
    promise: Promise,
    current: Option<NaiveDate>,
    today: NaiveDate,
    calendar: &ShopCalendar,
) -> (Promise, Option<Change>) {
    if calendar.delay_rule == DelayRule::None {
        return (promise, None);
    }
    let within = |in_force: Option<NaiveDate>| match (current, in_force) {
        (Some(current), Some(in_force)) => current <= in_force,
        // Agreed to wait without a date: whatever comes is within it.
        (_, None) => true,
        (None, Some(_)) => false,
    };
    if let Some(awaiting) = promise.awaiting {
        if today > awaiting.deadline {
            let cancelled_on = awaiting.deadline.succ_opt().unwrap_or(awaiting.deadline);
            let refund_due = calendar
                .add_working_days(cancelled_on, REFUND_WORKING_DAYS)
                .unwrap_or(cancelled_on);
            let change = Change::Cancelled {
                cancelled_on,
                refund_due,
            };
            return (promise, Some(change));
        }
        if within(promise.in_force) {
            let back = Promise {
                awaiting: None,
                ..promise
            };
            return (back, Some(Change::BackOnTime));
        }
        if current != awaiting.offered {
            let moved = Promise {
                awaiting: Some(Awaiting {
                    offered: current,
                    ..awaiting
                }),
                ..promise
            };
            return (moved, Some(Change::OfferChanged { offered: current }));
        }
        return (promise, None);
    }
    if promise.stated.is_none() || within(promise.in_force) {
        // Nothing was promised (a notify request), or the promise holds.
        return (promise, None);
    }
    let Some(due_by) = promise.in_force else {
        return (promise, None);
    };
    let late = today > due_by;
    let notices = promise.notices + 1;
    if promise.notices == 0 {
        let limit = due_by
            .checked_add_days(Days::new(CONSENT_DAYS))
            .unwrap_or(due_by);
        if let Some(revised) = current.filter(|&current| current <= limit && !late) {
            let revised_promise = Promise {
                in_force: Some(revised),
                notices,
                ..promise
            };
            return (revised_promise, Some(Change::Delayed { revised, due_by }));
        }
        return ask(promise, notices, current, limit.max(today), due_by, late);
    }
    // A further delay: a renewed option, answered by the revised date in force (R8).
    ask(promise, notices, current, due_by.max(today), due_by, late)
}

fn ask(
    promise: Promise,
    notices: u32,
    offered: Option<NaiveDate>,
    deadline: NaiveDate,
    due_by: NaiveDate,
    late: bool,
) -> (Promise, Option<Change>) {
    let asking = Promise {
        notices,
        awaiting: Some(Awaiting { offered, deadline }),
        ..promise
    };
    let change = Change::ConsentNeeded {
        offered,
        deadline,
        due_by,
        late,
    };
    (asking, Some(change))
}

/// What a shopper's yes does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// It answered the open question: the date offered is the promise now (none: they wait
    /// without a date, keeping the right to cancel until it ships).
    Kept(Promise),
    /// Nobody asked (a first delay silence already kept, or no delay): nothing changes, but
    /// the yes is worth recording.
    Recorded,
    /// It came after the deadline: the request is cancelled, as the rule says (R6).
    TooLate,
}

/// The shopper says yes on `today` to keep the request.
pub fn keep(promise: Promise, today: NaiveDate) -> Answer {
    match promise.awaiting {
        Some(awaiting) if today > awaiting.deadline => Answer::TooLate,
        Some(awaiting) => Answer::Kept(Promise {
            in_force: awaiting.offered,
            awaiting: None,
            ..promise
        }),
        None => Answer::Recorded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso_date;
    use crate::wire::ShopConfig;

    fn day(text: &str) -> NaiveDate {
        parse_iso_date(text).expect("a date")
    }

    fn ftc() -> ShopCalendar {
        ShopCalendar::default()
    }

    /// The shopper's yes on `today`, which must answer an open question in time.
    fn yes(promise: Promise, today: &str) -> Promise {
        match keep(promise, day(today)) {
            Answer::Kept(kept) => kept,
            other => panic!("a yes on {today} gave {other:?}"),
        }
    }

    /// T is Tuesday 2026-12-15 throughout; T + 30 days is Thursday 2027-01-14.
    fn taken() -> Promise {
        Promise::stated(Some(day("2026-12-15")))
    }

    fn check(
        promise: Promise,
        current: Option<&str>,
        today: &str,
        expected: Option<Change>,
    ) -> Promise {
        let (next, change) = review(promise, current.map(day), day(today), &ftc());
        assert_eq!(change, expected, "current {current:?} on {today}");
        // Idempotent: the same day again decides nothing new.
        let (again, repeat) = review(next, current.map(day), day(today), &ftc());
        assert_eq!(again, next, "twice on {today}");
        assert!(
            repeat.is_none() || matches!(repeat, Some(Change::Cancelled { .. })),
            "a second review on {today} found {repeat:?}"
        );
        next
    }

    #[test]
    fn on_time_or_earlier_is_no_delay() {
        check(taken(), Some("2026-12-15"), "2026-12-01", None);
        // A reschedule to an earlier date is good news, not a delay.
        check(taken(), Some("2026-12-08"), "2026-12-01", None);
    }

    #[test]
    fn a_first_delay_of_30_days_is_told_and_silence_keeps_it() {
        let kept = check(
            taken(),
            Some("2027-01-14"),
            "2026-12-01",
            Some(Change::Delayed {
                revised: day("2027-01-14"),
                due_by: day("2026-12-15"),
            }),
        );
        assert!(!kept.needs_consent());
        assert_eq!(kept.in_force, Some(day("2027-01-14")));
        // Slipping back within the revised date is no new delay.
        check(kept, Some("2027-01-10"), "2026-12-20", None);
    }

    #[test]
    fn thirty_one_days_needs_a_yes_by_t_plus_30() {
        let asked = check(
            taken(),
            Some("2027-01-15"),
            "2026-12-01",
            Some(Change::ConsentNeeded {
                offered: Some(day("2027-01-15")),
                deadline: day("2027-01-14"),
                due_by: day("2026-12-15"),
                late: false,
            }),
        );
        assert!(asked.needs_consent());
        // No yes by the deadline: cancelled the day after, refund due 7 working days later.
        check(asked, Some("2027-01-15"), "2027-01-14", None);
        check(
            asked,
            Some("2027-01-15"),
            "2027-01-15",
            Some(Change::Cancelled {
                cancelled_on: day("2027-01-15"),
                refund_due: day("2027-01-26"),
            }),
        );
        // A yes keeps it at the offered date.
        let kept = yes(asked, "2027-01-14");
        assert_eq!(
            (kept.in_force, kept.needs_consent()),
            (Some(day("2027-01-15")), false)
        );
        check(kept, Some("2027-01-15"), "2027-01-20", None);
        // A yes after the deadline is too late: the request is cancelled.
        assert_eq!(keep(asked, day("2027-01-15")), Answer::TooLate);
        // A yes nobody asked for is recorded and changes nothing.
        assert_eq!(keep(taken(), day("2026-12-01")), Answer::Recorded);
    }

    #[test]
    fn a_batch_whose_date_passes_gives_no_date_and_needs_a_yes() {
        // The batch was due Dec 14; on Dec 15 it has not arrived and nothing else covers it.
        let asked = check(
            taken(),
            None,
            "2026-12-15",
            Some(Change::ConsentNeeded {
                offered: None,
                deadline: day("2027-01-14"),
                due_by: day("2026-12-15"),
                late: false,
            }),
        );
        // The shopper agrees to wait without a date: never asked again, may still cancel.
        let waiting = yes(asked, "2026-12-20");
        assert_eq!(waiting.in_force, None);
        check(waiting, Some("2027-03-01"), "2027-02-01", None);
        check(waiting, None, "2027-02-01", None);
    }

    #[test]
    fn a_second_delay_after_a_consent_needs_a_yes_by_the_revised_date() {
        let (kept, _) = review(taken(), Some(day("2027-01-05")), day("2026-12-01"), &ftc());
        assert_eq!(kept.in_force, Some(day("2027-01-05")));
        let asked = check(
            kept,
            Some("2027-01-20"),
            "2026-12-20",
            Some(Change::ConsentNeeded {
                offered: Some(day("2027-01-20")),
                deadline: day("2027-01-05"),
                due_by: day("2027-01-05"),
                late: false,
            }),
        );
        assert_eq!(asked.notices, 2);
        // The same after an explicit yes to a first delay.
        let (first, _) = review(taken(), Some(day("2027-02-01")), day("2026-12-01"), &ftc());
        let kept = yes(first, "2026-12-05");
        check(
            kept,
            Some("2027-02-10"),
            "2027-01-02",
            Some(Change::ConsentNeeded {
                offered: Some(day("2027-02-10")),
                deadline: day("2027-02-01"),
                due_by: day("2027-02-01"),
                late: false,
            }),
        );
    }

    #[test]
    fn a_deadline_on_a_weekend_still_cancels_the_day_after_and_the_refund_counts_working_days() {
        // T Thursday 2026-12-03: T + 30 is Saturday 2027-01-02. Shoppers answer online any
        // day, so the deadline does not move; the refund counts working days from Sunday.
        let t = Promise::stated(Some(day("2026-12-03")));
        let (asked, _) = review(t, None, day("2026-12-04"), &ftc());
        assert_eq!(
            asked.awaiting.map(|awaiting| awaiting.deadline),
            Some(day("2027-01-02"))
        );
        check(
            asked,
            None,
            "2027-01-04",
            Some(Change::Cancelled {
                cancelled_on: day("2027-01-03"),
                refund_due: day("2027-01-12"),
            }),
        );
    }

    #[test]
    fn a_partly_filled_request_whose_remainder_is_late_is_delayed() {
        // The rule sees the date of the units still awaited; a part set aside does not hide it.
        check(
            taken(),
            Some("2026-12-29"),
            "2026-12-10",
            Some(Change::Delayed {
                revised: day("2026-12-29"),
                due_by: day("2026-12-15"),
            }),
        );
    }

    #[test]
    fn a_notice_found_after_its_date_is_late_and_silence_is_not_consent() {
        check(
            taken(),
            Some("2026-12-22"),
            "2026-12-16",
            Some(Change::ConsentNeeded {
                offered: Some(day("2026-12-22")),
                deadline: day("2027-01-14"),
                due_by: day("2026-12-15"),
                late: true,
            }),
        );
    }

    #[test]
    fn while_a_yes_is_awaited_the_offer_follows_the_date_and_a_return_on_time_ends_it() {
        let (asked, _) = review(taken(), None, day("2026-12-15"), &ftc());
        let moved = check(
            asked,
            Some("2027-01-20"),
            "2026-12-20",
            Some(Change::OfferChanged {
                offered: Some(day("2027-01-20")),
            }),
        );
        check(
            moved,
            Some("2026-12-15"),
            "2026-12-21",
            Some(Change::BackOnTime),
        );
    }

    #[test]
    fn a_second_delay_unanswered_is_cancelled_the_day_after_the_revised_date() {
        let (kept, _) = review(taken(), Some(day("2027-01-05")), day("2026-12-01"), &ftc());
        let (asked, _) = review(kept, Some(day("2027-01-20")), day("2026-12-20"), &ftc());
        check(asked, Some("2027-01-20"), "2027-01-05", None);
        check(
            asked,
            Some("2027-01-20"),
            "2027-01-06",
            Some(Change::Cancelled {
                cancelled_on: day("2027-01-06"),
                refund_due: day("2027-01-15"),
            }),
        );
    }

    #[test]
    fn a_second_delay_found_after_the_revised_date_is_late_and_answered_from_today() {
        let (kept, _) = review(taken(), Some(day("2027-01-05")), day("2026-12-01"), &ftc());
        check(
            kept,
            Some("2027-01-20"),
            "2027-01-08",
            Some(Change::ConsentNeeded {
                offered: Some(day("2027-01-20")),
                deadline: day("2027-01-08"),
                due_by: day("2027-01-05"),
                late: true,
            }),
        );
    }

    #[test]
    fn a_refund_skips_the_shops_holidays() {
        let config = ShopConfig {
            holidays: vec!["2027-01-18".to_owned(), "2027-01-19".to_owned()],
            ..ShopConfig::default()
        };
        let calendar = ShopCalendar::from_config(&config).expect("calendar");
        let (asked, _) = review(taken(), None, day("2026-12-15"), &calendar);
        // Cancelled Friday Jan 15; seven working days, without Jan 18 and 19: Thursday Jan 28.
        let (_, change) = review(asked, None, day("2027-01-15"), &calendar);
        assert_eq!(
            change,
            Some(Change::Cancelled {
                cancelled_on: day("2027-01-15"),
                refund_due: day("2027-01-28"),
            })
        );
    }

    #[test]
    fn no_rule_moves_dates_and_nothing_else() {
        let config = ShopConfig {
            delay_rule: Some("none".to_owned()),
            ..ShopConfig::default()
        };
        let none = ShopCalendar::from_config(&config).expect("calendar");
        assert_eq!(
            review(taken(), None, day("2027-03-01"), &none),
            (taken(), None)
        );
    }

    #[test]
    fn notify_requests_promise_nothing() {
        let notify = Promise::stated(None);
        assert_eq!(
            review(notify, None, day("2027-03-01"), &ftc()),
            (notify, None)
        );
    }
}
