//! The wire types read from and written to JavaScript values, field by field (see `js.rs`).

use wasm_bindgen::JsValue;

use super::js::{Builder, Fields, Reader, array, from_json};
use crate::domain::{
    BackorderRequest, FieldError, IncomingRecord, RequestKind, ShopConfig, Status, StockRecord,
    parse_iso_date,
};
use crate::outbox::{Action, Outbox, Pending, Reservation};
use crate::view::Current;

/// A stock record (SPEC "Stock record").
pub fn stock_record(value: &JsValue) -> Result<StockRecord, String> {
    if !Fields(value).is_object() {
        return Err("a stock record must be an object".to_owned());
    }
    let record = Reader::new(value);
    let mut incoming = Vec::new();
    for batch in record.array("incoming") {
        // Checked in the order a reader of the record would: the quantity, then the date.
        let batch = Reader::new(&batch);
        let quantity = batch.integer("quantity");
        if quantity.is_none() {
            batch.problem("every incoming batch needs a `quantity`");
        }
        let expected = batch.string("expected");
        if expected.is_none() {
            batch.problem("every incoming batch needs an `expected` date");
        }
        let id = batch.string("id");
        match (batch.finish(()), quantity, expected) {
            (Ok(()), Some(quantity), Some(expected)) => incoming.push(IncomingRecord {
                id,
                quantity,
                expected,
            }),
            (Err(problem), _, _) => record.problem(&problem),
            _ => {}
        }
    }
    let stock = StockRecord {
        sku: record.string("sku"),
        name: record.string("name"),
        on_hand: record.integer("on_hand"),
        backorders: record.string("backorders"),
        backordered: record.integer("backordered"),
        incoming,
        backorder_limit: record.integer("backorder_limit"),
        release_date: record.string("release_date"),
        discontinued: record.boolean("discontinued").unwrap_or(false),
        low_stock_threshold: record.integer("low_stock_threshold"),
        handling_days: record.integer("handling_days"),
        max_per_order: record.integer("max_per_order"),
    };
    record.finish(stock)
}

/// The `shop` object of the availability response.
pub fn shop_config(value: &JsValue) -> Result<ShopConfig, String> {
    let shop = Reader::new(value);
    let config = ShopConfig {
        working_days: shop.strings("working_days"),
        holidays: shop.strings("holidays").unwrap_or_default(),
        max_wait_days: shop.integer("max_wait_days"),
        payment: shop.string("payment"),
        time_zone: shop.string("time_zone"),
        cutoff: shop.string("cutoff"),
        preorder_limit: shop.integer("preorder_limit"),
        max_per_order: shop.integer("max_per_order"),
        delay_rule: shop.string("delay_rule"),
    };
    shop.finish(config)
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
    let mut errors = Vec::new();
    for error in Fields(value).array("errors").unwrap_or_default() {
        let error = Fields(&error);
        // An entry without a field, or with a field of the wrong type, is left out.
        let (Ok(Some(field)), Ok(code), Ok(message)) = (
            error.string("field"),
            error.string("code"),
            error.string("message"),
        ) else {
            continue;
        };
        errors.push(FieldError {
            field,
            code: code.unwrap_or_default(),
            message: message.unwrap_or_default(),
        });
    }
    errors
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
            .set("action", pending.action.name())
            .maybe("id", action_target(&pending.action).map(|(id, _)| id))
            .maybe(
                "token",
                action_target(&pending.action).map(|(_, token)| token),
            )
            .build()
    });
    let reservations = outbox.reservations.iter().map(|reservation| {
        Builder::new()
            .set("sku", reservation.sku.as_str())
            .set("kind", reservation.kind.as_str())
            .set("id", reservation.id.as_str())
            .set("quantity", reservation.quantity)
            .maybe("queue_position", reservation.queue_position)
            .maybe("units_ahead", reservation.units_ahead)
            .maybe("expected_date", reservation.expected_date.as_deref())
            .maybe("cancel_token", reservation.cancel_token.as_deref())
            .set("notifies", reservation.notifies)
            .set("endpoint", reservation.endpoint.as_str())
            .set("confirmed_ms", reservation.confirmed_ms as f64)
            .build()
    });
    Builder::new()
        .set("pending", array(pending))
        .set("reservations", array(reservations))
        .json()
}

/// A request's current status, `GET {endpoint}/{id}`'s answer; `None` when it does not read
/// (the widget then says it could not check, and shows what it remembered).
pub fn current_status(body: &str) -> Option<Current> {
    let value = from_json(body)?;
    let fields = Fields(&value);
    let date = |key| {
        let text = fields.string(key).ok().flatten()?;
        parse_iso_date(&text)
    };
    Some(Current {
        kind: RequestKind::parse(&fields.string("kind").ok().flatten()?)?,
        status: Status::parse(&fields.string("status").ok().flatten()?)?,
        quantity: lenient_count(&fields, "quantity")?,
        allocated: lenient_count(&fields, "allocated").unwrap_or(0),
        queue_position: lenient_count(&fields, "queue_position"),
        units_ahead: lenient_count(&fields, "units_ahead"),
        stated_date: date("stated_date"),
        current_date: date("current_date"),
        needs_consent: fields.is_true("needs_consent"),
        consent_by: date("consent_by"),
        cancelled_by: fields.string("cancelled_by").ok().flatten(),
        refund_due: date("refund_due"),
    })
}

/// The `error` code of an error answer's JSON body (`{"error": "unknown_request", …}`).
pub fn error_code(body: &str) -> Option<String> {
    let value = from_json(body)?;
    Fields(&value).string("error").ok().flatten()
}

/// The request a cancel or consent is for, and its token.
fn action_target(action: &Action) -> Option<(&str, &str)> {
    match action {
        Action::Submit => None,
        Action::Cancel { id, token } | Action::Consent { id, token } => Some((id, token)),
    }
}

/// A stored message's action; one stored before there were others is a submission.
fn action(entry: &Reader) -> Action {
    let target = || (entry.required_text("id"), entry.required_text("token"));
    match entry.string("action").as_deref() {
        None | Some("submit") => Action::Submit,
        Some("cancel") => {
            let (id, token) = target();
            Action::Cancel { id, token }
        }
        Some("consent") => {
            let (id, token) = target();
            Action::Consent { id, token }
        }
        Some(_) => {
            entry.problem("a stored message has an unknown action");
            Action::Submit
        }
    }
}

/// A whole number of at least 0, or `None` when it is absent or does not read.
pub fn lenient_count(fields: &Fields, key: &str) -> Option<u32> {
    let value = fields.integer(key).ok().flatten()?;
    u32::try_from(value).ok()
}

/// The outbox read back from `localStorage`; entries that do not read are dropped.
pub fn outbox(value: &JsValue) -> Outbox {
    let outbox = Fields(value);
    let pending = outbox
        .array("pending")
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| {
            let entry = Reader::new(entry);
            let pending = Pending {
                key: entry.required_text("key"),
                endpoint: entry.required_text("endpoint"),
                sku: entry.required_text("sku"),
                kind: entry.required_text("kind"),
                quantity: entry.required_number("quantity"),
                body: entry.required_text("body"),
                created_ms: entry.required_number("created_ms"),
                attempts: entry.required_number("attempts"),
                next_attempt_ms: entry.required_number("next_attempt_ms"),
                action: action(&entry),
            };
            entry.finish(pending).ok()
        })
        .collect();
    let reservations = outbox
        .array("reservations")
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| {
            let entry = Reader::new(entry);
            let reservation = Reservation {
                sku: entry.required_text("sku"),
                kind: entry.required_text("kind"),
                id: entry.required_text("id"),
                quantity: entry.required_number("quantity"),
                // A count that does not read is only left out.
                queue_position: lenient_count(&entry.fields(), "queue_position"),
                units_ahead: lenient_count(&entry.fields(), "units_ahead"),
                expected_date: entry.string("expected_date"),
                cancel_token: entry.string("cancel_token"),
                // Stored before the endpoint said whether it emails: it promised none.
                notifies: entry.fields().is_true("notifies"),
                endpoint: entry.required_text("endpoint"),
                confirmed_ms: entry.required_number("confirmed_ms"),
            };
            entry.finish(reservation).ok()
        })
        .collect();
    Outbox {
        pending,
        reservations,
    }
}
