//! Nothing in here knows it may run in a browser: no `wasm_bindgen`, `web_sys` or `js_sys`, and no
//! clock. *Today* is always a parameter, so every rule is testable natively with fixed dates.

/// What the merchant's page puts first: how soon a deadline is, what one action changed.
pub mod attention;
/// The rules: what a shopper who wants `quantity` units can be told today, with which date.
pub mod availability;
/// The shop's calendar: which days the warehouse ships, and how far out a promise may go.
pub mod calendar;
/// Calendar dates on the wire are ISO `YYYY-MM-DD`, nothing else.
pub mod date;
/// Late deliveries, as US 16 CFR 435 asks: notices, consent, cancellation and refunds.
pub mod delay;
/// What can be wrong with a stock record, said plainly.
pub mod error;
/// After capture: arriving units go to the people in line, in order, and each one's date.
pub mod fulfilment;
/// What a request's history records: one entry per change, never overwritten.
pub mod history;
/// A request's life after capture: its status, and what one review of its line decides.
pub mod lifecycle;
/// A backorder, pre-order or notify request: the SPEC body, and the rules that accept it.
pub mod request;
/// A variant's stock: the record as merchants send it, and the checked form the rules use.
pub mod stock;
/// Back-in-stock waves: which of the people waiting for an item are told it is back.
pub mod waves;

pub use attention::{
    LineChange, PAST_DAYS_SHOWN, SOON_DAYS, Standing, Urgency, line_change, shown_from, urgency,
};
pub use availability::{Availability, Evaluation, NoDateReason, evaluate, per_order_cap};
pub use calendar::{DEFAULT_PREORDER_LIMIT, DelayRule, LAST_DAY, Payment, ShopCalendar, ShopDay};
pub use date::{format_iso_date, parse_iso_date};
pub use error::RecordError;
pub use fulfilment::{Handout, InLine, current_dates, hand_out, shelf_for_preorders};
pub use history::{CancelledBy, Event, HistoryEntry, Mail, mail_for, webhook_type};
pub use lifecycle::{Decision, LineReview, Status, Tracked, review_line};
pub use request::{
    CheckedRequest, FieldError, Offer, OfferError, RequestKind, check_request, offer,
    validate_email, within_shopper_cap,
};
pub use stock::{IncomingBatch, Stock};
pub use waves::{DEFAULT_WAVE_FACTOR, units_brought, units_for_new_shoppers, wave_size};

/// The largest quantity any record or request may carry. Anything bigger is a typing mistake or an
/// attack, and refusing it keeps every sum comfortably inside `u32`.
pub const MAX_QUANTITY: u32 = 1_000_000;

/// What the rules' native tests build their cases from.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
pub(crate) mod test_records {
    use chrono::NaiveDate;

    use super::{Stock, parse_iso_date};
    use crate::wire::StockRecord;

    pub fn day(text: &str) -> NaiveDate {
        parse_iso_date(text).expect("a date")
    }

    /// A checked record of SKU `A` from the JSON fields given (`{"on_hand": 3, …}`).
    pub fn stock(json: &str) -> Stock {
        let json = format!(r#"{{"sku": "A", {}"#, json.trim_start_matches('{'));
        let record: StockRecord = serde_json::from_str(&json).expect("JSON");
        Stock::from_record(&record).expect("a valid record")
    }
}
