//! Stock on the wire: the stock record, the shop's calendar, and the availability response that
//! carries them (SPEC "Stock record", "The availability response").

use serde::{Deserialize, Serialize};

/// A stock record exactly as it arrives on the wire (SPEC "Stock record").
///
/// Counts are signed and dates are text here on purpose: a wrong value must reach
/// `Stock::from_record` and become a clear `RecordError`, not vanish in a type error. Absent
/// fields are left out when written: an absent optional field means the same to every reader.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StockRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_hand: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backorders: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backordered: Option<i64>,
    pub incoming: Vec<IncomingRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backorder_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    pub discontinued: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low_stock_threshold: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handling_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_per_order: Option<i64>,
}

/// One batch en route, as it arrives on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncomingRecord {
    /// The purchase order or transfer reference receipts and reschedules name the batch by.
    /// Stored stock needs one (`Stock::from_stored_record`); a page's inline stock need not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub quantity: i64,
    pub expected: String,
}

/// The optional `shop` object of the availability response, as it arrives on the wire.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShopConfig {
    /// Three-letter English day names, `["mon", "tue", "wed", "thu", "fri"]` by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_days: Option<Vec<String>>,
    pub holidays: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_wait_days: Option<i64>,
    /// `"at_order"` or `"at_shipment"`: when the shopper pays for a backorder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<String>,
    /// The shop's IANA time zone (`"Europe/Berlin"`): its date is *today*, not the shopper's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// `"HH:MM"` in the shop's time zone: orders after it start handling the next working day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<String>,
    /// What an open-ended pre-order may promise in all (default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preorder_limit: Option<i64>,
    /// The most units one request (and one shopper) may hold of an item whose record sets no
    /// `max_per_order` of its own; absent, no cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_per_order: Option<i64>,
    /// `"ftc"` (default: US 16 CFR 435) or `"none"`: how late deliveries are handled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_rule: Option<String>,
}

/// `{"shop": {…}, "items": [records]}`: the availability response, and the stock upload's and
/// catalog file's shape. The browser reads a response record by record instead (one broken
/// record only breaks its own SKU); this is the document read or written whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop: Option<ShopConfig>,
    pub items: Vec<StockRecord>,
}

/// Just the SKU of a record, read leniently: what a record that does not read is reported under.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SkuOf {
    #[serde(default, deserialize_with = "super::read::lenient")]
    pub sku: Option<String>,
}
