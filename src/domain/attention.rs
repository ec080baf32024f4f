//! Pure, with *today* a parameter; the page only words it.

use chrono::NaiveDate;

use super::lifecycle::Status;

/// Days before a deadline from which it counts as soon.
pub const SOON_DAYS: i64 = 3;

/// Days a date stays in view after it passed: an overdue notice or refund is the most
/// pressing thing on the page, until the week is out.
pub const PAST_DAYS_SHOWN: i64 = 7;

/// The first date still in view on `today`.
pub fn shown_from(today: NaiveDate) -> NaiveDate {
    today - chrono::TimeDelta::days(PAST_DAYS_SHOWN)
}

/// How pressing a date something must happen by is, on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// The day has passed.
    Overdue,
    Today,
    /// Within [`SOON_DAYS`].
    Soon,
    Later,
}

pub fn urgency(today: NaiveDate, due: NaiveDate) -> Urgency {
    match (due - today).num_days() {
        ..0 => Urgency::Overdue,
        0 => Urgency::Today,
        1..=SOON_DAYS => Urgency::Soon,
        _ => Urgency::Later,
    }
}

/// Where one request of a line stands, as the page compares it before and after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub id: String,
    pub status: Status,
    pub allocated: u32,
    /// When it ships now (`None`: set aside in full, or nothing en route covers it).
    pub date: Option<NaiveDate>,
}

/// What one action did to a line, request by request (ids in line order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineChange {
    /// Set aside in full by it.
    pub ready: Vec<String>,
    /// Given units, still waiting for more (whatever its date did).
    pub partly_filled: Vec<String>,
    /// Later than promised because of it (or with no date left).
    pub delayed: Vec<String>,
    /// Still in line, shipping later than before (already delayed ones included).
    pub later: Vec<String>,
    /// Still in line, shipping sooner than before.
    pub sooner: Vec<String>,
    /// Cancelled by it (a delay beyond what the rule lets a shop keep without a yes).
    pub cancelled: Vec<String>,
}

impl LineChange {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Compares a line `before` and `after` an action. A request missing from `after` left the
/// line some other way (it shipped) and is not counted.
pub fn line_change(before: &[Standing], after: &[Standing]) -> LineChange {
    let mut change = LineChange::default();
    for now in after {
        let Some(was) = before.iter().find(|was| was.id == now.id) else {
            continue;
        };
        let id = || now.id.clone();
        match (was.status, now.status) {
            (Status::Ready, Status::Ready) => {}
            (_, Status::Ready) => change.ready.push(id()),
            (Status::Cancelled, _) => {}
            (_, Status::Cancelled) => change.cancelled.push(id()),
            (Status::Waiting, Status::Delayed) => change.delayed.push(id()),
            _ => {
                if now.allocated > was.allocated {
                    change.partly_filled.push(id());
                    continue;
                }
                match (was.date, now.date) {
                    (Some(was), Some(now)) if now > was => change.later.push(id()),
                    (Some(_), None) => change.later.push(id()),
                    (Some(was), Some(now)) if now < was => change.sooner.push(id()),
                    (None, Some(_)) => change.sooner.push(id()),
                    _ => {}
                }
            }
        }
    }
    change
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::domain::test_records::day;

    #[test]
    fn a_week_of_the_past_stays_in_view() {
        assert_eq!(shown_from(day("2026-12-02")), day("2026-11-25"));
        assert_eq!(shown_from(day("2027-03-03")), day("2027-02-24"));
    }

    #[test]
    fn urgency_counts_days_from_today() {
        let today = day("2026-12-02");
        for (due, expected) in [
            ("2026-11-30", Urgency::Overdue),
            ("2026-12-01", Urgency::Overdue),
            ("2026-12-02", Urgency::Today),
            ("2026-12-03", Urgency::Soon),
            ("2026-12-05", Urgency::Soon),
            ("2026-12-06", Urgency::Later),
            ("2027-03-01", Urgency::Later),
        ] {
            assert_eq!(urgency(today, day(due)), expected, "due {due}");
        }
    }

    fn standing(id: &str, status: Status, allocated: u32, date: Option<&str>) -> Standing {
        Standing {
            id: id.to_owned(),
            status,
            allocated,
            date: date.map(day),
        }
    }

    #[test]
    fn a_line_change_names_each_request_once_for_what_happened_to_it() {
        use Status::{Cancelled, Delayed, Ready, Waiting};
        let d1 = Some("2026-12-14");
        let d2 = Some("2026-12-28");
        type Case = (
            &'static str,
            (Status, u32, Option<&'static str>),
            (Status, u32, Option<&'static str>),
            fn(&LineChange) -> &Vec<String>,
        );
        let cases: [Case; 10] = [
            ("filled", (Waiting, 0, d1), (Ready, 2, None), |c| &c.ready),
            ("topped up", (Delayed, 1, d2), (Ready, 2, None), |c| {
                &c.ready
            }),
            ("partly", (Waiting, 0, d1), (Waiting, 1, d1), |c| {
                &c.partly_filled
            }),
            (
                "partly and sooner",
                (Delayed, 0, d2),
                (Delayed, 1, d1),
                |c| &c.partly_filled,
            ),
            ("delayed", (Waiting, 0, d1), (Delayed, 0, d2), |c| {
                &c.delayed
            }),
            ("no date", (Waiting, 0, d1), (Delayed, 0, None), |c| {
                &c.delayed
            }),
            ("later again", (Delayed, 0, d1), (Delayed, 0, d2), |c| {
                &c.later
            }),
            ("lost its date", (Delayed, 0, d1), (Delayed, 0, None), |c| {
                &c.later
            }),
            ("sooner", (Delayed, 0, d2), (Waiting, 0, d1), |c| &c.sooner),
            ("cancelled", (Delayed, 0, d1), (Cancelled, 0, None), |c| {
                &c.cancelled
            }),
        ];
        for (name, (was, was_units, was_date), (now, now_units, now_date), field) in cases {
            let change = line_change(
                &[standing("r", was, was_units, was_date)],
                &[standing("r", now, now_units, now_date)],
            );
            assert_eq!(field(&change), &vec!["r".to_owned()], "{name}: {change:?}");
            let named: usize = [
                &change.ready,
                &change.partly_filled,
                &change.delayed,
                &change.later,
                &change.sooner,
                &change.cancelled,
            ]
            .iter()
            .map(|ids| ids.len())
            .sum();
            assert_eq!(named, 1, "{name}: named once, {change:?}");
        }
    }

    #[test]
    fn nothing_changed_and_requests_that_left_are_not_counted() {
        let line = [
            standing("a", Status::Ready, 2, None),
            standing("b", Status::Waiting, 0, Some("2026-12-14")),
        ];
        assert!(line_change(&line, &line).is_empty());
        assert!(line_change(&line, &line[1..]).is_empty());
        // A request that joined in between was not there before: nothing to compare.
        let joined = [standing("c", Status::Ready, 1, None)];
        assert!(line_change(&line, &joined).is_empty());
    }
}
