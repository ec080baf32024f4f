//! Any bytes as a request body: parsing, field checks and the offer never panic, and a granted
//! offer never promises more than the stock has en route.
#![no_main]

use backorder_widget::domain::{ShopCalendar, Stock, check_request, offer, parse_iso_date};
use backorder_widget::wire::{BackorderRequest, StockRecord, Tree, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Read as the endpoint reads it: the document whole, then the wire reader.
    let Ok(document) = serde_json::from_slice::<Tree>(data) else { return };
    let Ok(body) = read::<BackorderRequest>(&document) else { return };
    let Ok(checked) = check_request(&body) else { return };
    let record: StockRecord = serde_json::from_str(
        r#"{"sku": "S", "backorders": "allow", "backordered": 3,
            "incoming": [{"quantity": 5, "expected": "2026-12-14"}, {"quantity": 7, "expected": "2027-01-04"}]}"#,
    )
    .expect("a valid record");
    let stock = Stock::from_record(&record).expect("a valid stock");
    let today = parse_iso_date("2026-11-27").expect("a date");
    if offer(&stock, &ShopCalendar::default(), checked.kind, checked.quantity, today).is_ok() && checked.kind.reserves_units() {
        assert!(checked.quantity <= 12 - 3, "promised {} of 9 free units", checked.quantity);
    }
});
