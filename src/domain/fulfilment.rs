//! Each request in line has a current date that follows the batches still en route.
//!
//! Pure like the rest of the domain: the endpoint stores what these functions return.

use chrono::NaiveDate;

use super::calendar::{ShopCalendar, ShopDay};
use super::stock::Stock;

/// One request in line, as far as the rules need it: what it asked for and what is set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InLine {
    pub quantity: u32,
    pub allocated: u32,
}

impl InLine {
    /// Units it still waits for.
    pub fn waiting(self) -> u32 {
        self.quantity.saturating_sub(self.allocated)
    }
}

/// Where units that arrived went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handout {
    /// To orders promised through other channels (the record's `backordered`): they were first
    /// in line, so they are served first.
    pub to_other_channels: u32,
    /// Units set aside for each request in line, in the order given.
    pub to_requests: Vec<u32>,
    /// What nobody waits for goes to the shelf, for new shoppers.
    pub to_shelf: u32,
}

impl Handout {
    /// Requests this handout completes: set aside in full, ready to ship.
    pub fn completes(&self, line: &[InLine]) -> usize {
        line.iter()
            .zip(&self.to_requests)
            .filter(|&(entry, &units)| units > 0 && units == entry.waiting())
            .count()
    }

    /// Requests it fills in part: some units set aside, some still awaited.
    pub fn part_fills(&self, line: &[InLine]) -> usize {
        line.iter()
            .zip(&self.to_requests)
            .filter(|&(entry, &units)| units > 0 && units < entry.waiting())
            .count()
    }
}

/// Hands `units` out, first in, first out: to what other channels are owed, then to each
/// request in line unit by unit (a request may be filled in part), then to the shelf.
pub fn hand_out(units: u32, other_channels: u32, line: &[InLine]) -> Handout {
    let to_other_channels = units.min(other_channels);
    let mut left = units - to_other_channels;
    let mut to_requests = Vec::with_capacity(line.len());
    for entry in line {
        let given = left.min(entry.waiting());
        left -= given;
        to_requests.push(given);
    }
    Handout {
        to_other_channels,
        to_requests,
        to_shelf: left,
    }
}

/// Before its release, what is on the shelf is the pre-orders' first shipment: the units of it
/// the line may take on `today`, after what other channels are owed (`already_promised`, they
/// were first). None once the product is released: the shelf is for everyone then.
pub fn shelf_for_preorders(stock: &Stock, today: NaiveDate) -> u32 {
    match stock.release_date {
        Some(release) if release > today => stock.on_hand.saturating_sub(stock.already_promised),
        _ => 0,
    }
}

/// The date each request in line ships now, or `None` when nothing en route covers it (it is
/// late, or waits for a delivery nobody has announced). `stock` is the record as stored:
/// `already_promised` counts only what other channels are owed, and the line's own units follow
/// them, first in, first out, through the batches not yet late. A request set aside in full has
/// no date here: it is ready.
///
/// Before the release date a pre-order ships on the first working day from the release, or
/// when the batch covering it arrives, whichever is later; with no batch announced at all the
/// release date is the merchant's promise.
pub fn current_dates(
    stock: &Stock,
    calendar: &ShopCalendar,
    line: &[InLine],
    today: ShopDay,
) -> Vec<Option<NaiveDate>> {
    let mut batches: Vec<(u32, NaiveDate)> = Vec::with_capacity(stock.incoming.len());
    for batch in stock
        .incoming
        .iter()
        .filter(|batch| batch.expected_arrival >= today.date)
    {
        let handled_from = batch.expected_arrival.max(today.handling_from);
        if let Some(ship_date) = calendar.ship_date(handled_from, stock.handling_days) {
            batches.push((batch.quantity, ship_date));
        }
    }
    let release_ship = stock
        .release_date
        .filter(|&release| release > today.date)
        .map(|release| {
            calendar
                .ship_date(release.max(today.handling_from), 0)
                .unwrap_or(release)
        });
    let open_ended = release_ship.is_some() && stock.incoming.is_empty();
    let mut ahead = u64::from(stock.already_promised);
    let mut dates = Vec::with_capacity(line.len());
    for entry in line {
        let waiting = u64::from(entry.waiting());
        if waiting == 0 {
            dates.push(None);
            continue;
        }
        let last_unit = ahead + waiting;
        ahead = last_unit;
        let date = if open_ended {
            release_ship
        } else {
            covering(&batches, last_unit)
                .map(|date| release_ship.map_or(date, |release| date.max(release)))
        };
        dates.push(date);
    }
    dates
}

/// The ship date of the batch that holds the `unit`-th unit en route, counting from the first.
fn covering(batches: &[(u32, NaiveDate)], unit: u64) -> Option<NaiveDate> {
    let mut covered = 0u64;
    for &(quantity, ship_date) in batches {
        covered += u64::from(quantity);
        if covered >= unit {
            return Some(ship_date);
        }
    }
    None
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

    fn line(entries: &[(u32, u32)]) -> Vec<InLine> {
        entries
            .iter()
            .map(|&(quantity, allocated)| InLine {
                quantity,
                allocated,
            })
            .collect()
    }

    #[test]
    fn units_go_to_other_channels_then_the_line_then_the_shelf() {
        // (units, owed to other channels, line as (quantity, allocated)) → handout
        for (units, others, entries, expected) in [
            (5, 0, &[(2, 0), (2, 0), (2, 0)][..], (0, &[2, 2, 1][..], 0)),
            (10, 0, &[(2, 0), (2, 0), (2, 0)], (0, &[2, 2, 2], 4)),
            (20, 12, &[(2, 0)], (12, &[2], 6)),
            (8, 12, &[(2, 0)], (8, &[0], 0)),
            // A request filled in part waits only for the rest.
            (3, 0, &[(4, 3), (2, 0)], (0, &[1, 2], 0)),
            (0, 5, &[(1, 0)], (0, &[0], 0)),
            (4, 0, &[], (0, &[], 4)),
        ] {
            let handout = hand_out(units, others, &line(entries));
            assert_eq!(
                (
                    handout.to_other_channels,
                    handout.to_requests.as_slice(),
                    handout.to_shelf
                ),
                expected,
                "{units} units, {others} owed, line {entries:?}"
            );
        }
    }

    #[test]
    fn a_handout_says_what_it_completed() {
        let entries = line(&[(2, 0), (2, 0), (2, 0)]);
        let handout = hand_out(5, 0, &entries);
        assert_eq!(handout.completes(&entries), 2);
        assert_eq!(handout.part_fills(&entries), 1);
    }

    fn dates(json: &str, entries: &[(u32, u32)], today: &str) -> Vec<Option<String>> {
        let today = day(today);
        current_dates(
            &stock(json),
            &ShopCalendar::default(),
            &line(entries),
            today.into(),
        )
        .into_iter()
        .map(|date| date.map(|date| date.to_string()))
        .collect()
    }

    fn some(dates: &[&str]) -> Vec<Option<String>> {
        dates
            .iter()
            .map(|date| (!date.is_empty()).then(|| (*date).to_owned()))
            .collect()
    }

    #[test]
    fn each_request_ships_with_the_batch_that_covers_its_last_unit() {
        let two_batches = r#"{"backorders": "allow", "backordered": 2,
            "incoming": [{"quantity": 5, "expected": "2026-12-14"}, {"quantity": 10, "expected": "2026-12-21"}]}"#;
        // 2 owed to other channels, then 2 + 1 in batch one, then the rest in batch two.
        assert_eq!(
            dates(two_batches, &[(2, 0), (1, 0), (2, 0), (8, 0)], "2026-11-27"),
            some(&["2026-12-15", "2026-12-15", "2026-12-22", "2026-12-22"])
        );
        // Past what is en route: no date.
        assert_eq!(
            dates(two_batches, &[(13, 0), (1, 0)], "2026-11-27"),
            some(&["2026-12-22", ""])
        );
        // Set aside in full: ready, no date; filled in part: the rest decides.
        assert_eq!(
            dates(two_batches, &[(2, 2), (4, 1)], "2026-11-27"),
            some(&["", "2026-12-15"])
        );
    }

    #[test]
    fn a_late_batch_gives_no_date_to_those_it_covered() {
        let first_late = r#"{"backorders": "allow",
            "incoming": [{"quantity": 2, "expected": "2026-12-14"}, {"quantity": 2, "expected": "2026-12-21"}]}"#;
        // On Dec 15 the first batch is a day late: the line moves to the second.
        assert_eq!(
            dates(first_late, &[(2, 0), (2, 0)], "2026-12-15"),
            some(&["2026-12-22", ""])
        );
    }

    #[test]
    fn a_pre_order_ships_from_its_release() {
        let open = r#"{"release_date": "2027-01-16"}"#;
        assert_eq!(
            dates(open, &[(3, 0), (200, 0)], "2026-11-27"),
            some(&["2027-01-18", "2027-01-18"]),
            "no batch announced: the release date is the promise (a Saturday: Monday)"
        );
        let batch = r#"{"release_date": "2027-01-15", "incoming": [{"quantity": 4, "expected": "2027-01-20"}]}"#;
        assert_eq!(
            dates(batch, &[(3, 0), (2, 0)], "2026-11-27"),
            some(&["2027-01-21", ""])
        );
    }
}
