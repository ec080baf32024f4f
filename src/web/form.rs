//! What the endpoint's answer to a request means.

use super::js::{Fields, from_json};
use super::transport::HttpResponse;
use super::wire;
use crate::domain::FieldError;
use crate::text::decimal;

/// The endpoint's `201`/`200` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Endpoints may number their requests or name them; either is kept as text.
    pub id: String,
    pub queue_position: Option<u32>,
    pub units_ahead: Option<u32>,
    pub expected_date: Option<String>,
    pub cancel_token: Option<String>,
    /// Whether the endpoint emails the shopper itself; only then does the widget promise email.
    pub notifies: bool,
}

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

    /// A `2xx` whose body could not be read: the request is stored, its details unknown.
    pub fn unknown() -> Self {
        Self {
            id: String::new(),
            queue_position: None,
            units_ahead: None,
            expected_date: None,
            cancel_token: None,
            notifies: false,
        }
    }
}

/// What a final answer means for the shopper. Answers worth retrying (`408`, `425`, `429`,
/// `5xx`) never get here: the courier keeps those requests and tries again
/// (`outbox::disposition`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted(Accepted),
    /// `422`: fix these fields.
    Invalid(Vec<FieldError>),
    /// `409`: only `remaining` units can still be promised.
    Exceeds {
        remaining: u32,
    },
    /// A `2xx` whose body we cannot read.
    Unreadable,
    /// Any other status: this request will never succeed as it is.
    Rejected {
        status: u16,
        message: Option<String>,
    },
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
