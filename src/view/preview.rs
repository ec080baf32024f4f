//! The merchant preview: one sample of every state, dated from today, to check wording and
//! theme without hunting for a product in each state.

use chrono::{Days, NaiveDate};

use crate::domain::{Availability, Evaluation, NoDateReason};

/// Every state the widget can show, with plausible counts and dates.
pub fn preview_samples(today: NaiveDate) -> Vec<Evaluation> {
    let later = |days| today.checked_add_days(Days::new(days)).unwrap_or(today);
    let sample = |availability, quantity, max_quantity| Evaluation {
        availability,
        quantity,
        limited: false,
        max_quantity,
        reservable: max_quantity,
    };
    vec![
        sample(Availability::InStock { low_stock: None }, 1, 24),
        sample(Availability::InStock { low_stock: Some(2) }, 1, 2),
        sample(
            Availability::Partial {
                ship_now: 2,
                backordered: 3,
                expected_ship_date: later(16),
            },
            5,
            30,
        ),
        sample(
            Availability::Backordered {
                expected_ship_date: later(18),
            },
            1,
            28,
        ),
        sample(
            Availability::Preorder {
                release_date: later(45),
                expected_ship_date: later(45),
            },
            1,
            60,
        ),
        sample(
            Availability::OutOfStock {
                notify: true,
                reason: NoDateReason::Delayed,
            },
            1,
            0,
        ),
        sample(
            Availability::OutOfStock {
                notify: true,
                reason: NoDateReason::NothingIncoming,
            },
            1,
            0,
        ),
        sample(Availability::Discontinued, 1, 0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_iso_date;

    #[test]
    fn every_state_is_sampled_with_future_dates() {
        let today = parse_iso_date("2026-11-27").expect("today");
        let samples = preview_samples(today);
        let mut states: Vec<&str> = samples
            .iter()
            .map(|sample| sample.availability.state_name())
            .collect();
        states.dedup();
        assert_eq!(
            states,
            [
                "in_stock",
                "partial",
                "backordered",
                "preorder",
                "out_of_stock",
                "discontinued"
            ]
        );
        assert!(
            samples
                .iter()
                .filter_map(|sample| sample.availability.expected_ship_date())
                .all(|date| date > today)
        );
    }
}
