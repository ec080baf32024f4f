//! The JSON shapes that cross the wire (SPEC): the stock record and the availability response,
//! the request body, the endpoint's answers, and the outbox the browser stores. One set of
//! serde derives: the endpoint reads and writes them with serde_json, the browser with
//! serde-wasm-bindgen. Either source first makes the document a [`Tree`]; every wire type is then
//! read from the tree by [`read`], one reader, which gives the same value or the same
//! [`WireError`] for the same document whichever source it came from (`tests/browser/wire.rs`
//! feeds both).
//!
//! Pure like the domain: no browser, no server, and no `core::fmt` formatting of what it reads.

mod answer;
mod error;
mod outbox;
mod read;
mod request;
mod stock;
mod tree;

pub use answer::{Accepted, ErrorBody, HistoryRow, RequestStatus};
pub use error::{Problem, WireError};
pub use outbox::{ActionName, StoredOutbox, StoredPending, StoredReservation};
pub use read::{MAX_SAFE_INTEGER, read};
pub use request::{BackorderRequest, Consent};
pub use stock::{Availability, IncomingRecord, ShopConfig, SkuOf, StockRecord};
pub use tree::{Number, Tree};

/// Reads JSON text as a document; `None` when it is not JSON. The browser's is `JSON.parse`
/// (smaller in the WebAssembly than serde_json's reader); the endpoint and native tests use
/// [`parse_json`].
pub type ReadJson = fn(&str) -> Option<Tree>;

/// JSON text as a document, by serde_json.
pub fn parse_json(text: &str) -> Option<Tree> {
    serde_json::from_str(text).ok()
}

/// A flat object of texts (`{"key": "text", …}`), as wording comes: the merchant's overrides
/// and the language files. Kept in order.
pub fn texts(document: &Tree) -> Result<Vec<(String, String)>, String> {
    let Tree::Object(fields) = document else {
        return Err("not a JSON object of texts".to_owned());
    };
    let mut entries = Vec::new();
    for (key, value) in fields {
        let Tree::Text(value) = value else {
            return Err(crate::text::concat(&["`", key, "` must be text"]));
        };
        entries.push((key.clone(), value.clone()));
    }
    Ok(entries)
}

/// A wire type as JSON text, written by serde_json as on the server: 1.6 KB gzipped smaller
/// than serde-wasm-bindgen's JavaScript value passed to `JSON.stringify`. Empty for a value that
/// cannot be written, which no wire type is.
pub fn write<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
