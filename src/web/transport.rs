//! HTTP behind a trait: `fetch` in the page, a recording double in tests.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use js_sys::Promise;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, Headers, RequestInit, Response};

use super::platform;
use crate::widget::http::{Answered, HttpRequest, HttpResponse, Transport, TransportError};

/// The real transport: `fetch`, aborted after a timeout, with a cap on the response size.
///
/// It waits with promise callbacks rather than `async`: an executor and the state machines of
/// futures cost the widget more bytes than the two callbacks they would replace.
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
    fn send(&self, request: HttpRequest, answered: Answered) {
        let controller = match AbortController::new() {
            Ok(controller) => controller,
            Err(error) => return answer_later(answered, Err(network(error))),
        };
        let fetched = match start(&request, &controller) {
            Ok(fetched) => fetched,
            Err(error) => return answer_later(answered, Err(error)),
        };
        let timer = {
            let controller = controller.clone();
            platform::timer(
                self.timeout.as_millis() as u32,
                Box::new(move || controller.abort()),
            )
        };
        let limit = self.max_body_bytes;
        when_settled(
            &fetched,
            Box::new(move |response| {
                let response: Response = match response {
                    Ok(response) => response.unchecked_into(),
                    Err(error) => return answered(Err(failed(&controller, error))),
                };
                let declared = header(&response, "content-length")
                    .and_then(|length| length.parse::<usize>().ok());
                if declared.is_some_and(|length| length > limit) {
                    controller.abort();
                    return answered(Err(TransportError::TooLarge));
                }
                let text = match response.text() {
                    Ok(text) => text,
                    Err(error) => return answered(Err(failed(&controller, error))),
                };
                when_settled(
                    &text,
                    Box::new(move |text| {
                        drop(timer);
                        let body = match text {
                            Ok(text) => text.as_string().unwrap_or_default(),
                            Err(error) => return answered(Err(failed(&controller, error))),
                        };
                        if body.len() > limit {
                            return answered(Err(TransportError::TooLarge));
                        }
                        answered(Ok(HttpResponse {
                            status: response.status(),
                            retry_after: header(&response, "retry-after"),
                            body,
                        }));
                    }),
                );
            }),
        );
    }
}

/// Starts `fetch` for `request`, abortable through `controller`.
fn start(request: &HttpRequest, controller: &AbortController) -> Result<Promise, TransportError> {
    let window =
        web_sys::window().ok_or_else(|| TransportError::Network("no window".to_owned()))?;
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
    Ok(window.fetch_with_str_and_init(&request.url, &init))
}

fn header(response: &Response, name: &str) -> Option<String> {
    response.headers().get(name).ok().flatten()
}

/// Why `fetch` or reading its body failed: our own timeout aborted it, or the network failed.
fn failed(controller: &AbortController, error: JsValue) -> TransportError {
    match controller.signal().aborted() {
        true => TransportError::Timeout,
        false => network(error),
    }
}

/// What a failed `fetch` says about itself.
fn network(error: JsValue) -> TransportError {
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
}

type Settled = Box<dyn FnOnce(Result<JsValue, JsValue>)>;

/// Calls `settled` with what `promise` fulfils to (`Ok`) or rejects with (`Err`), once.
///
/// `settled` is boxed so that every caller shares one callback type and its glue; the two
/// callbacks handed to `then` are one closure type too, told apart by `fulfilled`.
fn when_settled(promise: &Promise, settled: Settled) {
    let settled = Rc::new(Cell::new(Some(settled)));
    let callback = |fulfilled: bool| {
        let settled = settled.clone();
        Closure::once(move |value: JsValue| {
            if let Some(settled) = settled.take() {
                settled(if fulfilled { Ok(value) } else { Err(value) });
            }
        })
    };
    let (on_fulfilled, on_rejected) = (callback(true), callback(false));
    let _ = promise.then2(&on_fulfilled, &on_rejected);
    // The promise holds the callbacks now; their memory goes when the browser collects them.
    let _ = (on_fulfilled.into_js_value(), on_rejected.into_js_value());
}

/// Gives `answered` its answer in a later microtask, as every answer arrives.
fn answer_later(answered: Answered, answer: Result<HttpResponse, TransportError>) {
    when_settled(
        &Promise::resolve(&JsValue::UNDEFINED),
        Box::new(move |_| answered(answer)),
    );
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use js_sys::Promise;
    use wasm_bindgen_futures::JsFuture;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// Sends `url` through a real `fetch` and waits for the answer, checking that it did not
    /// arrive before `send` returned.
    async fn get(transport: &FetchTransport, url: &str) -> Result<HttpResponse, TransportError> {
        let answer = Rc::new(RefCell::new(None));
        let mut resolve = None;
        let arrived = Promise::new(&mut |resolved, _| resolve = Some(resolved));
        let resolve = resolve.expect("the executor runs at once");
        let slot = answer.clone();
        let answered: Answered = Box::new(move |result| {
            *slot.borrow_mut() = Some(result);
            let _ = resolve.call0(&JsValue::UNDEFINED);
        });
        transport.send(HttpRequest::get_json(url.to_owned()), answered);
        assert!(answer.borrow().is_none(), "answered while still sending");
        JsFuture::from(arrived).await.expect("resolved");
        answer.take().expect("an answer")
    }

    #[wasm_bindgen_test]
    async fn fetch_answers_with_status_and_body_or_says_why_not() {
        let transport = FetchTransport::default();
        let ok = get(&transport, "data:application/json,%7B%22a%22%3A1%7D").await;
        assert_eq!(
            ok,
            Ok(HttpResponse {
                status: 200,
                retry_after: None,
                body: r#"{"a":1}"#.to_owned(),
            })
        );
        let small = FetchTransport {
            max_body_bytes: 4,
            ..FetchTransport::default()
        };
        let large = get(&small, "data:application/json,%7B%22a%22%3A1%7D").await;
        assert_eq!(large, Err(TransportError::TooLarge));
        let refused = get(&transport, "http://[not a host]/").await;
        assert!(
            matches!(&refused, Err(TransportError::Network(detail)) if !detail.is_empty()),
            "{refused:?}"
        );
    }
}
