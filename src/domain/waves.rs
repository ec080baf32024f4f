//! The rule SPEC "People are told" sets, as pure code.
//!
//! A wave follows a merchant's stock change that brings units (a receipt beyond what a batch
//! promised, a larger shelf or batch, a new dated batch). It tells the next sign-ups in
//! sign-up order, no more than the units that arrived, and still can be had, times a factor:
//! with 3 units and a factor of 2, six people hear first, so the units are not gone before the
//! first of them clicks, nor promised to a crowd. A sign-up is told once and its wait is over;
//! a later wave goes on down the list only when more units arrive while some remain. Orders and
//! cancellations moving a unit in and out of stock are no stock change, so they send nothing.

use super::availability::{Availability, evaluate};
use super::calendar::{ShopCalendar, ShopDay};
use super::stock::Stock;

/// The factor when the shop names none.
pub const DEFAULT_WAVE_FACTOR: u32 = 2;

/// How many sign-ups a stock change that brought `arrived` units tells, when `available`
/// units can be had by a new shopper after it.
pub fn wave_size(arrived: u32, available: u32, factor: u32) -> u32 {
    arrived.min(available).saturating_mul(factor)
}

/// The units a new shopper could have now: on the shelf, and what can still be backordered or
/// pre-ordered with a date. `stock` is the product as a new shopper's page sees it.
pub fn units_for_new_shoppers(stock: &Stock, calendar: &ShopCalendar, today: ShopDay) -> u32 {
    let evaluation = evaluate(stock, calendar, 1, today);
    let reservable = match evaluation.availability {
        Availability::OutOfStock { .. } | Availability::Discontinued => 0,
        _ => evaluation.reservable,
    };
    stock.on_hand.saturating_add(reservable)
}

/// The units a record's change brought: the rise in what is on the shelf and en route, from
/// `before` to `after` (a product that is new counts from nothing).
pub fn units_brought(before: Option<&Stock>, after: &Stock) -> u32 {
    let supply = |stock: &Stock| {
        stock.incoming.iter().fold(stock.on_hand, |sum, batch| {
            sum.saturating_add(batch.quantity)
        })
    };
    supply(after).saturating_sub(before.map_or(0, supply))
}

// Native only: the test records are read with serde_json.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::domain::test_records::{day, stock};

    #[test]
    fn a_wave_is_the_units_that_can_be_had_times_the_factor() {
        for (arrived, available, factor, expected) in [
            (3, 3, 2, 6),
            (3, 10, 2, 6),
            (10, 2, 2, 4),
            (3, 0, 2, 0),
            (0, 5, 2, 0),
            (3, 3, 1, 3),
            (u32::MAX, u32::MAX, 2, u32::MAX),
        ] {
            assert_eq!(
                wave_size(arrived, available, factor),
                expected,
                "{arrived} arrived, {available} available, x{factor}"
            );
        }
    }

    #[test]
    fn what_a_change_brought_and_what_a_new_shopper_can_have() {
        let today = ShopDay::from(day("2030-01-02"));
        let calendar = ShopCalendar::default();
        let empty = stock(r#"{"on_hand": 0}"#);
        let three = stock(r#"{"on_hand": 3}"#);
        let dated = stock(
            r#"{"on_hand": 0, "backorders": "allow",
                "incoming": [{"id": "PO-1", "quantity": 4, "expected": "2030-01-20"}]}"#,
        );
        let promised = stock(
            r#"{"on_hand": 0, "backorders": "allow", "backordered": 4,
                "incoming": [{"id": "PO-1", "quantity": 4, "expected": "2030-01-20"}]}"#,
        );
        assert_eq!(units_brought(Some(&empty), &three), 3);
        assert_eq!(
            units_brought(Some(&three), &three),
            0,
            "the same update again"
        );
        assert_eq!(units_brought(Some(&three), &empty), 0);
        assert_eq!(units_brought(None, &dated), 4, "a new product");
        assert_eq!(
            units_brought(Some(&empty), &dated),
            4,
            "a dated batch appears"
        );
        assert_eq!(units_for_new_shoppers(&three, &calendar, today), 3);
        assert_eq!(units_for_new_shoppers(&dated, &calendar, today), 4);
        assert_eq!(units_for_new_shoppers(&promised, &calendar, today), 0);
        assert_eq!(units_for_new_shoppers(&empty, &calendar, today), 0);
    }
}
