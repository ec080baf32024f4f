//! Reading the endpoint's answer to a request (`outbox::answer` says what it means).

use super::js::{Fields, from_json};
use super::transport::HttpResponse;
use super::wire;
use crate::outbox::answer::{Accepted, Outcome};
use crate::text::decimal;

impl Accepted {
    /// Reads a `2xx` body; `None` when it has no usable `id`.
    fn read(body: &str) -> Option<Self> {
        let value = from_json(body)?;
        let fields = Fields(&value);
        let id = match fields.get("id")? {
            id if id.as_string().is_some() => id.as_string()?,
            id => decimal(id.as_f64()? as u64),
        };
        Some(Self {
            id,
            queue_position: wire::lenient_count(&fields, "queue_position"),
            units_ahead: wire::lenient_count(&fields, "units_ahead"),
            expected_date: fields.string("expected_date").ok().flatten(),
            cancel_token: fields.string("cancel_token").ok().flatten(),
            notifies: fields.is_true("notifies"),
        })
    }
}

impl Outcome {
    pub fn from_response(response: &HttpResponse) -> Self {
        if matches!(response.status, 200 | 201) {
            return Accepted::read(&response.body).map_or(Self::Unreadable, Self::Accepted);
        }
        let body = from_json(&response.body).unwrap_or(wasm_bindgen::JsValue::NULL);
        let fields = Fields(&body);
        match response.status {
            422 => Self::Invalid(wire::field_errors(&body)),
            409 => Self::Exceeds {
                remaining: wire::lenient_count(&fields, "remaining").unwrap_or(0),
            },
            status => Self::Rejected {
                status,
                message: fields.string("message").ok().flatten(),
            },
        }
    }
}
