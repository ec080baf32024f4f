use crate::domain::availability::Evaluation;
use crate::domain::date::format_iso_date;
use crate::domain::stock::Stock;
use crate::text::concat;
use crate::view::status::StatusView;

/// What `backorder:status` tells the host page about the state a shopper now sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDetail {
    pub sku: String,
    pub state: &'static str,
    pub quantity: u32,
    pub max_quantity: u32,
    pub expected_date: Option<String>,
    /// A pre-order's release date; `None` in every other state.
    pub release_date: Option<String>,
    /// The full schema.org availability URL.
    pub schema_org: String,
    pub availability_starts: Option<String>,
    pub google_availability: &'static str,
    /// What the shopper reads, as one line: "Backordered: ships by …. Only 3 left".
    pub text: String,
}

/// The event's detail for `evaluation` of `stock`, shown as `view`.
pub fn status_detail(stock: &Stock, evaluation: &Evaluation, view: &StatusView) -> StatusDetail {
    let mut text = view.headline.clone();
    for detail in &view.details {
        text.push_str(". ");
        text.push_str(detail);
    }
    let availability = &evaluation.availability;
    StatusDetail {
        sku: stock.sku.clone(),
        state: availability.state_name(),
        quantity: evaluation.quantity,
        max_quantity: evaluation.max_quantity,
        expected_date: availability.expected_ship_date().map(format_iso_date),
        release_date: stock
            .release_date
            .filter(|_| view.state == "preorder")
            .map(format_iso_date),
        schema_org: concat(&["https://schema.org/", availability.schema_org()]),
        availability_starts: availability.availability_starts().map(format_iso_date),
        google_availability: availability.google_feed(),
        text,
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
    use crate::domain::availability::evaluate;
    use crate::domain::calendar::{ShopCalendar, ShopDay};
    use crate::domain::date::parse_iso_date;
    use crate::view::messages::{Messages, PlainFormat};
    use crate::view::status::status_view;

    fn stock(json: &str) -> Stock {
        let record: crate::wire::StockRecord = serde_json::from_str(json).expect("record");
        Stock::from_record(&record).expect("stock")
    }

    #[test]
    fn the_event_says_what_the_shopper_reads_and_what_feeds_need() {
        let today = ShopDay::from(parse_iso_date("2026-11-27").expect("date"));
        let calendar = ShopCalendar::default();
        // (record, quantity, state, expected, release, schema.org, Google, text starts with)
        let table = [
            (
                r#"{"sku": "IN", "on_hand": 10}"#,
                1,
                "in_stock",
                None,
                None,
                "InStock",
                "in_stock",
                "In stock",
            ),
            (
                r#"{"sku": "BACK", "backorders": "allow", "incoming": [{"quantity": 5, "expected": "2026-12-14"}]}"#,
                2,
                "backordered",
                Some("2026-12-15"),
                None,
                "BackOrder",
                "backorder",
                "Backordered",
            ),
            (
                r#"{"sku": "PRE", "release_date": "2027-01-15"}"#,
                1,
                "preorder",
                Some("2027-01-15"),
                Some("2027-01-15"),
                "PreOrder",
                "preorder",
                "Pre-order",
            ),
            (
                r#"{"sku": "GONE", "discontinued": true, "release_date": "2027-01-15"}"#,
                1,
                "discontinued",
                None,
                None,
                "Discontinued",
                "out_of_stock",
                "No longer available",
            ),
        ];
        let messages = Messages::for_locale("en");
        for (record, quantity, state, expected, release, schema, google, text) in table {
            let stock = stock(record);
            let evaluation = evaluate(&stock, &calendar, quantity, today);
            let view = status_view(&evaluation, &messages, &PlainFormat);
            let detail = status_detail(&stock, &evaluation, &view);
            assert_eq!(detail.sku, stock.sku);
            assert_eq!(detail.state, state, "{record}");
            assert_eq!(detail.quantity, evaluation.quantity, "{record}");
            assert_eq!(detail.expected_date.as_deref(), expected, "{record}");
            assert_eq!(detail.release_date.as_deref(), release, "{record}");
            assert_eq!(detail.schema_org, format!("https://schema.org/{schema}"));
            assert_eq!(detail.google_availability, google, "{record}");
            assert!(detail.text.starts_with(text), "{record}: {}", detail.text);
            assert_eq!(
                detail.text.matches(". ").count(),
                view.details.len(),
                "the headline and each detail, one line: {}",
                detail.text
            );
        }
    }
}
