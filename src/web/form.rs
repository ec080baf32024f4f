//! The request a form describes, and what the endpoint's answer means.

use serde::Deserialize;
use wasm_bindgen::JsValue;

use super::transport::HttpResponse;
use crate::domain::FieldError;

/// The endpoint's `201`/`200` body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Accepted {
    pub id: IdValue,
    #[serde(default)]
    pub queue_position: Option<u32>,
    #[serde(default)]
    pub expected_date: Option<String>,
    #[serde(default)]
    pub cancel_token: Option<String>,
}

impl Accepted {
    /// A `2xx` whose body could not be read: the request is stored, its details unknown.
    pub fn unknown() -> Self {
        Self {
            id: IdValue::Text(String::new()),
            queue_position: None,
            expected_date: None,
            cancel_token: None,
        }
    }
}

/// Endpoints may number their requests or name them; both are fine.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum IdValue {
    Text(String),
    Number(u64),
}

impl std::fmt::Display for IdValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text(text) => f.write_str(text),
            Self::Number(number) => write!(f, "{number}"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<FieldError>,
    #[serde(default)]
    remaining: Option<u32>,
    #[serde(default)]
    message: Option<String>,
}

/// What an answer means for the shopper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted(Accepted),
    /// `422`: fix these fields.
    Invalid(Vec<FieldError>),
    /// `409`: only `remaining` units can still be promised.
    Exceeds {
        remaining: u32,
    },
    /// `429`: wait, then the same request may be sent again.
    RateLimited {
        retry_after_seconds: Option<u32>,
    },
    /// `5xx` (or an answer we cannot read): the same request may be sent again.
    TryAgain,
    /// Any other status: this request will never succeed as it is.
    Rejected {
        status: u16,
        message: Option<String>,
    },
}

impl Outcome {
    pub fn from_response(response: &HttpResponse) -> Self {
        let body = js_sys::JSON::parse(&response.body).unwrap_or(JsValue::NULL);
        match response.status {
            200 | 201 => match serde_wasm_bindgen::from_value::<Accepted>(body) {
                Ok(accepted) => Self::Accepted(accepted),
                Err(_) => Self::TryAgain,
            },
            status => {
                let error: ErrorBody = serde_wasm_bindgen::from_value(body).unwrap_or_default();
                match status {
                    422 => Self::Invalid(error.errors),
                    409 => Self::Exceeds {
                        remaining: error.remaining.unwrap_or(0),
                    },
                    429 => Self::RateLimited {
                        retry_after_seconds: response
                            .retry_after
                            .as_deref()
                            .and_then(|value| value.trim().parse().ok()),
                    },
                    500..=599 => Self::TryAgain,
                    _ => Self::Rejected {
                        status,
                        message: error.message,
                    },
                }
            }
        }
    }
}
