//! The wire types read from and written to JavaScript values, field by field (see `js.rs`).

use wasm_bindgen::JsValue;

use super::js::{Builder, Fields, array};
use crate::domain::{BackorderRequest, FieldError, IncomingRecord, ShopConfig, StockRecord};
use crate::outbox::{Outbox, Pending, Reservation};

/// A stock record (SPEC "Stock record").
pub fn stock_record(value: &JsValue) -> Result<StockRecord, String> {
    let fields = Fields(value);
    if !fields.is_object() {
        return Err("a stock record must be an object".to_owned());
    }
    let incoming = fields
        .array("incoming")?
        .iter()
        .map(|batch| {
            let batch = Fields(batch);
            Ok(IncomingRecord {
                quantity: batch
                    .integer("quantity")?
                    .ok_or("every incoming batch needs a `quantity`")?,
                expected: batch
                    .string("expected")?
                    .ok_or("every incoming batch needs an `expected` date")?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(StockRecord {
        sku: fields.string("sku")?,
        name: fields.string("name")?,
        on_hand: fields.integer("on_hand")?,
        backorders: fields.string("backorders")?,
        backordered: fields.integer("backordered")?,
        incoming,
        backorder_limit: fields.integer("backorder_limit")?,
        release_date: fields.string("release_date")?,
        discontinued: fields.boolean("discontinued")?.unwrap_or(false),
        low_stock_threshold: fields.integer("low_stock_threshold")?,
        handling_days: fields.integer("handling_days")?,
        max_per_order: fields.integer("max_per_order")?,
    })
}

/// The `shop` object of the availability response.
pub fn shop_config(value: &JsValue) -> Result<ShopConfig, String> {
    let fields = Fields(value);
    Ok(ShopConfig {
        working_days: fields.strings("working_days")?,
        holidays: fields.strings("holidays")?.unwrap_or_default(),
        max_wait_days: fields.integer("max_wait_days")?,
        payment: fields.string("payment")?,
    })
}

/// The request body, as JSON text.
pub fn request_json(request: &BackorderRequest) -> String {
    let consent = request.consent.as_ref().map(|consent| {
        Builder::new()
            .set("text", consent.text.as_str())
            .set("given", consent.given)
            .build()
    });
    Builder::new()
        .maybe("kind", request.kind.as_deref())
        .maybe("sku", request.sku.as_deref())
        .maybe("quantity", request.quantity.map(|quantity| quantity as f64))
        .maybe("email", request.email.as_deref())
        .maybe("name", request.name.as_deref())
        .maybe("consent", consent)
        .maybe("expected_date", request.expected_date.as_deref())
        .maybe("locale", request.locale.as_deref())
        .maybe("page", request.page.as_deref())
        .maybe("idempotency_key", request.idempotency_key.as_deref())
        .maybe("created_at", request.created_at.as_deref())
        .json()
}

/// The `errors` list of a `422` body; entries that are not field errors are skipped.
pub fn field_errors(value: &JsValue) -> Vec<FieldError> {
    Fields(value)
        .array("errors")
        .unwrap_or_default()
        .iter()
        .filter_map(|error| {
            let error = Fields(error);
            Some(FieldError {
                field: error.string("field").ok()??,
                code: error.string("code").ok()?.unwrap_or_default(),
                message: error.string("message").ok()?.unwrap_or_default(),
            })
        })
        .collect()
}

/// The outbox, as JSON text for `localStorage`.
pub fn outbox_json(outbox: &Outbox) -> String {
    let pending = outbox.pending.iter().map(|pending| {
        Builder::new()
            .set("key", pending.key.as_str())
            .set("endpoint", pending.endpoint.as_str())
            .set("sku", pending.sku.as_str())
            .set("kind", pending.kind.as_str())
            .set("quantity", pending.quantity)
            .set("body", pending.body.as_str())
            .set("created_ms", pending.created_ms as f64)
            .set("attempts", pending.attempts)
            .set("next_attempt_ms", pending.next_attempt_ms as f64)
            .build()
    });
    let reservations = outbox.reservations.iter().map(|reservation| {
        Builder::new()
            .set("sku", reservation.sku.as_str())
            .set("kind", reservation.kind.as_str())
            .set("id", reservation.id.as_str())
            .set("quantity", reservation.quantity)
            .maybe("queue_position", reservation.queue_position)
            .maybe("expected_date", reservation.expected_date.as_deref())
            .maybe("cancel_token", reservation.cancel_token.as_deref())
            .set("endpoint", reservation.endpoint.as_str())
            .set("confirmed_ms", reservation.confirmed_ms as f64)
            .build()
    });
    Builder::new()
        .set("pending", array(pending))
        .set("reservations", array(reservations))
        .json()
}

/// The outbox read back from `localStorage`; entries that do not read are dropped.
pub fn outbox(value: &JsValue) -> Outbox {
    let fields = Fields(value);
    let count = |fields: &Fields, key: &str| {
        fields
            .integer(key)
            .ok()
            .flatten()
            .and_then(|n| u64::try_from(n).ok())
    };
    let pending = fields
        .array("pending")
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| {
            let entry = Fields(entry);
            Some(Pending {
                key: entry.string("key").ok()??,
                endpoint: entry.string("endpoint").ok()??,
                sku: entry.string("sku").ok()??,
                kind: entry.string("kind").ok()??,
                quantity: u32::try_from(count(&entry, "quantity")?).ok()?,
                body: entry.string("body").ok()??,
                created_ms: count(&entry, "created_ms")?,
                attempts: u32::try_from(count(&entry, "attempts")?).ok()?,
                next_attempt_ms: count(&entry, "next_attempt_ms")?,
            })
        })
        .collect();
    let reservations = fields
        .array("reservations")
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| {
            let entry = Fields(entry);
            Some(Reservation {
                sku: entry.string("sku").ok()??,
                kind: entry.string("kind").ok()??,
                id: entry.string("id").ok()??,
                quantity: u32::try_from(count(&entry, "quantity")?).ok()?,
                queue_position: count(&entry, "queue_position").and_then(|n| u32::try_from(n).ok()),
                expected_date: entry.string("expected_date").ok()?,
                cancel_token: entry.string("cancel_token").ok()?,
                endpoint: entry.string("endpoint").ok()??,
                confirmed_ms: count(&entry, "confirmed_ms")?,
            })
        })
        .collect();
    Outbox {
        pending,
        reservations,
    }
}
