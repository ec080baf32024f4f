//! Stock records for SKUs: from inline JSON, or from the availability URL with every SKU asked
//! for in the same task batched into one `GET {url}?sku=A&sku=B`.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use super::clock::{Clock, Timer};
use super::http::{HttpRequest, HttpResponse, Transport, TransportError};
use super::query::{availability_url, chunk_by_length};
use super::small_map::SmallMap;
use super::stock::{LoadError, Source, StockEntry, StockResult};
use super::waiters::Waiters;
use crate::domain::calendar::ShopCalendar;
use crate::domain::error::RecordError;
use crate::domain::stock::Stock;
use crate::text::concat;
use crate::wire::{ReadJson, ShopConfig, SkuOf, StockRecord, Tree, read};

/// Fetches and caches stock for every widget of a page.
pub struct StockLoader {
    transport: Rc<dyn Transport>,
    /// The page's clock, for the flush on the next task.
    clock: Rc<dyn Clock>,
    json: ReadJson,
    inline_text: Option<String>,
    inline: RefCell<Option<Parsed>>,
    /// Answers by (availability URL, SKU).
    slots: Waiters<(String, String), StockResult>,
    queued: RefCell<Vec<(String, String)>>,
    /// The timer of the next flush, while one is due. Held here rather than forgotten, so its
    /// callback is freed once it has run.
    flush: RefCell<Option<Timer>>,
}

impl fmt::Debug for StockLoader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StockLoader")
            .field("slots", &self.slots)
            .finish_non_exhaustive()
    }
}

impl StockLoader {
    pub fn new(
        transport: Rc<dyn Transport>,
        clock: Rc<dyn Clock>,
        json: ReadJson,
        inline_text: Option<String>,
    ) -> Self {
        Self {
            transport,
            clock,
            json,
            inline_text,
            inline: RefCell::new(None),
            slots: Waiters::default(),
            queued: RefCell::default(),
            flush: RefCell::default(),
        }
    }

    /// Whether the page has inline stock data.
    pub fn has_inline(&self) -> bool {
        self.inline_text.is_some()
    }

    /// Calls `done` with the stock for `sku`: at once for inline data or a cached answer, else
    /// after the batched request for this task's SKUs has been answered.
    pub fn load(
        self: &Rc<Self>,
        source: &Source,
        sku: &str,
        done: impl FnOnce(StockResult) + 'static,
    ) {
        match source {
            Source::Inline => done(self.inline_entry(sku)),
            Source::Url(url) => self.load_from_url(url, sku, Box::new(done)),
        }
    }

    fn inline_entry(&self, sku: &str) -> StockResult {
        let mut inline = self.inline.borrow_mut();
        let parsed = inline.get_or_insert_with(|| {
            let text = self.inline_text.as_deref().unwrap_or_default();
            parse_availability((self.json)(text)).map_err(Rc::new)
        });
        entry_for(parsed, sku)
    }

    fn load_from_url(self: &Rc<Self>, url: &str, sku: &str, done: Box<dyn FnOnce(StockResult)>) {
        let key = (url.to_owned(), sku.to_owned());
        if self.slots.join(key.clone(), done) {
            self.queued.borrow_mut().push(key);
            self.schedule_flush();
        }
    }

    /// Forgets cached answers so the next load asks the server again (after a reservation, the
    /// count of promised units has changed).
    pub fn invalidate(&self, sku: &str) {
        self.slots.forget(|(_, cached)| cached == sku);
    }

    fn schedule_flush(self: &Rc<Self>) {
        if self.flush.borrow().is_some() {
            return;
        }
        let loader = self.clone();
        // Wait for the next task rather than the next microtask, so that elements a page adds in
        // several steps (with promises in between) still share one request.
        let timer = self.clock.after(
            0,
            Box::new(move || {
                // Dropping the timer from its own callback is safe: the callback runs on.
                loader.flush.borrow_mut().take();
                let queued = std::mem::take(&mut *loader.queued.borrow_mut());
                let mut by_url: Vec<(String, Vec<String>)> = Vec::new();
                for (url, sku) in queued {
                    match by_url.iter_mut().find(|(candidate, _)| *candidate == url) {
                        Some((_, skus)) => skus.push(sku),
                        None => by_url.push((url, vec![sku])),
                    }
                }
                for (url, skus) in by_url {
                    for chunk in chunk_by_length(&skus) {
                        loader.fetch_batch(&url, chunk);
                    }
                }
            }),
        );
        *self.flush.borrow_mut() = Some(timer);
    }

    fn fetch_batch(self: &Rc<Self>, url: &str, skus: Vec<String>) {
        // `{url}?sku=A&sku=B`, or `&sku=…` when the URL has a query already.
        let query = availability_url(url, &skus);
        let loader = self.clone();
        let url = url.to_owned();
        let answered = move |answer: Result<HttpResponse, TransportError>| {
            let answer = match answer {
                Ok(response) if response.status == 200 => {
                    parse_availability((loader.json)(&response.body))
                }
                Ok(response) => Err(LoadError::Status(response.status)),
                Err(error) => Err(LoadError::Transport(error)),
            }
            .map_err(Rc::new);
            for sku in skus {
                let result = entry_for(&answer, &sku);
                // A failed request is asked again by the next widget; an answer is kept.
                let failed = result.as_ref().err().map(|error| &**error);
                let keep = !matches!(failed, Some(LoadError::Status(_) | LoadError::Transport(_)));
                loader.slots.settle((url.clone(), sku), result, keep);
            }
        };
        self.transport
            .send(HttpRequest::get_json(query), Box::new(answered));
    }
}

/// Parsed availability data: each SKU's result, or why none could be read.
type Parsed = Result<SmallMap<String, StockResult>, Rc<LoadError>>;

/// One SKU's result from a parsed availability answer (inline or fetched).
fn entry_for(parsed: &Parsed, sku: &str) -> StockResult {
    match parsed {
        Ok(entries) => entries
            .get(sku)
            .cloned()
            .unwrap_or_else(|| Err(Rc::new(LoadError::UnknownSku(sku.to_owned())))),
        Err(error) => Err(error.clone()),
    }
}

/// Reads `{"shop": {…}, "items": [records]}` (`None`: not JSON), record by record: a broken
/// record only breaks its own SKU, and a record without a SKU that reads is no SKU's.
fn parse_availability(document: Option<Tree>) -> Result<SmallMap<String, StockResult>, LoadError> {
    let document = document.ok_or_else(|| LoadError::BadResponse("not JSON".to_owned()))?;
    if !matches!(document, Tree::Object(_)) {
        return Err(LoadError::BadResponse(
            "expected an object with \"items\"".to_owned(),
        ));
    }
    let shop = match document.field("shop") {
        None | Some(Tree::Null) => ShopConfig::default(),
        Some(shop) => {
            read(shop).map_err(|error| LoadError::BadResponse(error.within("shop").message()))?
        }
    };
    let calendar = ShopCalendar::from_config(&shop)
        .map_err(|error| LoadError::BadResponse(concat(&["shop: ", &error.message()])))?;
    if !matches!(document.field("items"), Some(Tree::List(_))) {
        return Err(LoadError::BadResponse(
            "\"items\" must be a list of stock records".to_owned(),
        ));
    }
    let mut entries = SmallMap::default();
    for record in document.items("items") {
        // Each record read twice: for its SKU alone (leniently), then whole.
        let Ok(SkuOf { sku: Some(sku) }) = read(record) else {
            continue;
        };
        let entry = read::<StockRecord>(record)
            .map_err(|error| RecordError::Malformed {
                detail: error.message(),
            })
            .and_then(|record| Stock::from_record(&record))
            .map(|stock| {
                Rc::new(StockEntry {
                    stock,
                    calendar: calendar.clone(),
                })
            })
            .map_err(|error| Rc::new(LoadError::BadRecord(error)));
        entries.insert(sku.trim().to_owned(), entry);
    }
    Ok(entries)
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::StockLoader;
    use crate::widget::fakes::{ManualClock, Recorder};
    use crate::widget::stock::{Source, StockResult};
    use crate::wire::parse_json;

    const URL: &str = "https://shop.example/availability";

    fn loader(inline: Option<&str>) -> (Rc<StockLoader>, Rc<Recorder>, Rc<ManualClock>) {
        let transport = Rc::new(Recorder::default());
        let clock = ManualClock::at(0);
        let inline = inline.map(str::to_owned);
        let loader = StockLoader::new(transport.clone(), clock.clone(), parse_json, inline);
        (Rc::new(loader), transport, clock)
    }

    /// Loads each SKU from `source`; what each heard, in the order asked, as its error code or
    /// "ok".
    fn ask(
        loader: &Rc<StockLoader>,
        source: &Source,
        skus: &[&str],
    ) -> Rc<RefCell<Vec<(String, &'static str)>>> {
        let heard = Rc::new(RefCell::new(Vec::new()));
        for sku in skus {
            let log = heard.clone();
            let sku_name = (*sku).to_owned();
            loader.load(source, sku, move |result: StockResult| {
                let code = result.as_ref().map_or_else(|error| error.code(), |_| "ok");
                log.borrow_mut().push((sku_name, code));
            });
        }
        heard
    }

    const TWO: &str = r#"{"items": [
        {"sku": "SCARF", "on_hand": 3},
        {"sku": "HAT", "on_hand": "many"},
        {"on_hand": 1}
    ]}"#;

    #[test]
    fn every_sku_asked_for_in_one_task_shares_one_request_and_a_broken_record_breaks_only_its_own()
    {
        let (loader, transport, clock) = loader(None);
        let source = Source::Url(URL.to_owned());
        let heard = ask(&loader, &source, &["SCARF", "HAT", "SCARF", "GLOVE"]);
        assert!(transport.sent.borrow().is_empty(), "sent on the next task");
        clock.advance(0);
        let urls = transport.urls();
        assert_eq!(urls, [format!("{URL}?sku=SCARF&sku=HAT&sku=GLOVE")]);
        transport.reply(200, TWO);
        let heard: Vec<String> = heard
            .borrow()
            .iter()
            .map(|(sku, code)| format!("{sku} {code}"))
            .collect();
        assert_eq!(
            heard,
            [
                "SCARF ok",
                "SCARF ok",
                "HAT bad_stock_data",
                "GLOVE unknown_sku"
            ]
        );
        // Kept: asked again, answered at once; after a reservation, asked afresh.
        assert_eq!(
            *ask(&loader, &source, &["SCARF"]).borrow(),
            [("SCARF".to_owned(), "ok")]
        );
        loader.invalidate("SCARF");
        let again = ask(&loader, &source, &["SCARF"]);
        clock.advance(0);
        assert_eq!(transport.sent.borrow().len(), 2);
        assert!(again.borrow().is_empty(), "waits for the new answer");
    }

    #[test]
    fn a_failed_answer_is_asked_for_again_and_a_document_that_is_not_ours_is_said() {
        // (the answer, each SKU's code, whether the next widget asks again)
        let table: [(u16, &str, &str, bool); 5] = [
            (503, "", "stock_unavailable", true),
            (200, "<html>", "bad_stock_data", false),
            (200, "[]", "bad_stock_data", false),
            (200, r#"{"items": {}}"#, "bad_stock_data", false),
            (
                200,
                r#"{"shop": {"working_days": ["someday"]}, "items": []}"#,
                "bad_stock_data",
                false,
            ),
        ];
        for (status, body, code, asks_again) in table {
            let (loader, transport, clock) = loader(None);
            let source = Source::Url(URL.to_owned());
            let heard = ask(&loader, &source, &["SCARF"]);
            clock.advance(0);
            transport.reply(status, body);
            assert_eq!(*heard.borrow(), [("SCARF".to_owned(), code)], "{body}");
            ask(&loader, &source, &["SCARF"]);
            clock.advance(0);
            assert_eq!(transport.sent.borrow().len() == 2, asks_again, "{body}");
        }
    }

    #[test]
    fn inline_stock_answers_at_once_without_a_request() {
        let (loader, transport, _) = loader(Some(TWO));
        let heard = ask(&loader, &Source::Inline, &["SCARF", "HAT"]);
        assert_eq!(
            *heard.borrow(),
            [
                ("SCARF".to_owned(), "ok"),
                ("HAT".to_owned(), "bad_stock_data")
            ]
        );
        assert!(transport.sent.borrow().is_empty());
    }
}
