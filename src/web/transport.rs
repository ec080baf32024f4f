//! HTTP behind a trait: `fetch` in the page, a recording double in tests.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

use crate::text::{concat, decimal};

/// One HTTP request, with a text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    /// `GET url`, asking for JSON.
    pub fn get_json(url: String) -> Self {
        Self {
            method: "GET",
            url,
            headers: vec![("Accept".to_owned(), "application/json".to_owned())],
            body: None,
        }
    }
}

/// One HTTP response, with a text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<String>,
    pub body: String,
}

impl HttpResponse {
    /// `HTTP 503`, for the console.
    pub fn status_text(&self) -> String {
        concat(&["HTTP ", &decimal(self.status)])
    }
}

/// `text` as one component of a URL (`encodeURIComponent`).
pub fn uri_component(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

/// Why no response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The network failed (offline, refused, CORS).
    Network(String),
    /// No answer within the timeout.
    Timeout,
    /// The response body was larger than the transport accepts.
    TooLarge,
}

impl TransportError {
    /// What went wrong, for the console and `backorder:queued`.
    pub fn message(&self) -> String {
        match self {
            Self::Network(detail) => concat(&["network error: ", detail]),
            Self::Timeout => "no answer in time".to_owned(),
            Self::TooLarge => "the response is too large".to_owned(),
        }
    }
}

pub type TransportFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>>>>;

/// Sends HTTP requests. Single-threaded, like the page.
pub trait Transport {
    fn send(&self, request: HttpRequest) -> TransportFuture;
}

/// The real transport: `fetch`, aborted after a timeout, with a cap on the response size.
#[derive(Debug, Clone)]
pub struct FetchTransport {
    pub timeout: Duration,
    pub max_body_bytes: usize,
}

impl Default for FetchTransport {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            max_body_bytes: 1 << 20,
        }
    }
}

impl Transport for FetchTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture {
        let transport = self.clone();
        Box::pin(async move { transport.fetch(request).await })
    }
}

impl FetchTransport {
    async fn fetch(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let network = |error: JsValue| {
            TransportError::Network(
                error
                    .as_string()
                    .or_else(|| {
                        error
                            .dyn_ref::<js_sys::Error>()
                            .map(|error| String::from(error.message()))
                    })
                    .unwrap_or_else(|| "fetch failed".to_owned()),
            )
        };
        let window =
            web_sys::window().ok_or_else(|| TransportError::Network("no window".to_owned()))?;
        let controller = AbortController::new().map_err(network)?;
        let headers = Headers::new().map_err(network)?;
        for (name, value) in &request.headers {
            headers.set(name, value).map_err(network)?;
        }
        let init = RequestInit::new();
        init.set_method(request.method);
        init.set_headers(&headers);
        init.set_signal(Some(&controller.signal()));
        if let Some(body) = &request.body {
            init.set_body(&JsValue::from_str(body));
        }
        let timer = {
            let controller = controller.clone();
            gloo_timers::callback::Timeout::new(self.timeout.as_millis() as u32, move || {
                controller.abort()
            })
        };
        let timed_out = |error: JsValue| {
            if controller.signal().aborted() {
                TransportError::Timeout
            } else {
                network(error)
            }
        };
        let response: Response =
            JsFuture::from(window.fetch_with_str_and_init(&request.url, &init))
                .await
                .map_err(timed_out)?
                .unchecked_into();
        let declared = response
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .and_then(|length| length.parse::<usize>().ok());
        if declared.is_some_and(|length| length > self.max_body_bytes) {
            controller.abort();
            return Err(TransportError::TooLarge);
        }
        let text = JsFuture::from(response.text().map_err(network)?)
            .await
            .map_err(timed_out)?;
        drop(timer);
        let body = text.as_string().unwrap_or_default();
        if body.len() > self.max_body_bytes {
            return Err(TransportError::TooLarge);
        }
        Ok(HttpResponse {
            status: response.status(),
            retry_after: response.headers().get("retry-after").ok().flatten(),
            body,
        })
    }
}
