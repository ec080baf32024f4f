//! Fetches a language's wording (`<wording-url><language>.json`) once per page, for every
//! widget that speaks it. English is built in and never fetched.

use std::rc::Rc;

use super::http::{HttpRequest, HttpResponse, Transport, TransportError};
use super::waiters::Waiters;
use crate::text::{concat, join};
use crate::view::wording::missing_keys;
use crate::wire::{ReadJson, texts};

/// A language's wording, as `Messages::with_translation` takes it.
pub type Translation = Rc<[(String, String)]>;

/// The wording, or why it could not be read (the widget then speaks English).
pub type WordingResult = Result<Translation, String>;

/// One page's wording files.
pub struct WordingLoader {
    transport: Rc<dyn Transport>,
    /// The folder the files are in, ending with `/`.
    folder: Option<String>,
    json: ReadJson,
    /// Where a file that lacks texts is said (the console).
    warn: fn(&str),
    slots: Waiters<&'static str, WordingResult>,
}

impl std::fmt::Debug for WordingLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordingLoader")
            .field("folder", &self.folder)
            .field("slots", &self.slots)
            .finish_non_exhaustive()
    }
}

impl WordingLoader {
    pub fn new(
        transport: Rc<dyn Transport>,
        folder: Option<String>,
        json: ReadJson,
        warn: fn(&str),
    ) -> Rc<Self> {
        Rc::new(Self {
            transport,
            folder,
            json,
            warn,
            slots: Waiters::default(),
        })
    }

    /// Calls `done` with `language`'s wording: at once when the page already has it (or could
    /// not read it: then the page speaks English for that language until it is reloaded, rather
    /// than keeping later widgets blank while the file is asked for again), else when its file
    /// arrives.
    pub fn load(
        self: &Rc<Self>,
        language: &'static str,
        done: impl FnOnce(WordingResult) + 'static,
    ) {
        if !self.slots.join(language, Box::new(done)) {
            return;
        }
        match &self.folder {
            Some(folder) => {
                let url = concat(&[folder, language, ".json"]);
                self.fetch(language, url);
            }
            None => self.slots.settle(
                language,
                Err(concat(&[
                    "no wording for \"",
                    language,
                    "\": the page has no wording folder (data-wording-url); showing English",
                ])),
                true,
            ),
        }
    }

    fn fetch(self: &Rc<Self>, language: &'static str, url: String) {
        let loader = self.clone();
        let request = HttpRequest::get_json(url.clone());
        let answered = move |answer| loader.fetched(language, &url, answer);
        self.transport.send(request, Box::new(answered));
    }

    fn fetched(
        &self,
        language: &'static str,
        url: &str,
        answer: Result<HttpResponse, TransportError>,
    ) {
        let result = match answer {
            Ok(response) if response.status == 200 => parse((self.json)(&response.body)),
            Ok(response) => Err(response.status_text()),
            Err(error) => Err(error.message()),
        }
        .map_err(|problem| {
            concat(&[
                "the \"",
                language,
                "\" wording (",
                url,
                ") could not be read: ",
                &problem,
                "; showing English",
            ])
        });
        if let Ok(translation) = &result {
            let missing =
                missing_keys(|key| translation.iter().any(|(candidate, _)| candidate == key));
            if !missing.is_empty() {
                // An out-of-date file, most likely: what it lacks is said in English.
                (self.warn)(&concat(&[
                    "the \"",
                    language,
                    "\" wording (",
                    url,
                    ") lacks ",
                    &join(&missing, ", "),
                    "; those texts show in English",
                ]));
            }
        }
        self.slots.settle(language, result, true);
    }
}

/// A wording file: a JSON object of texts, not empty.
fn parse(document: Option<crate::wire::Tree>) -> Result<Translation, String> {
    let entries = texts(&document.ok_or("not valid JSON")?)?;
    if entries.is_empty() {
        return Err("no texts".to_owned());
    }
    Ok(Rc::from(entries))
}

// Reads the wording files from disk, natively only.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::WordingLoader;
    use crate::view::wording::tests::file_text;
    use crate::widget::fakes::Recorder;
    use crate::wire::parse_json;

    fn no_warning(_: &str) {}

    /// Asks for `language`; what it heard: how many texts, or the problem.
    fn ask(loader: &Rc<WordingLoader>, language: &'static str) -> Rc<RefCell<Vec<String>>> {
        let heard = Rc::new(RefCell::new(Vec::new()));
        let log = heard.clone();
        loader.load(language, move |result| {
            let said = match result {
                Ok(texts) => format!("{} texts", texts.len()),
                Err(problem) => problem,
            };
            log.borrow_mut().push(said);
        });
        heard
    }

    #[test]
    fn a_language_is_fetched_once_for_every_widget_and_a_failure_is_remembered() {
        let transport = Rc::new(Recorder::default());
        let folder = Some("/wording/".to_owned());
        let loader = WordingLoader::new(transport.clone(), folder, parse_json, no_warning);
        let (first, second) = (ask(&loader, "de"), ask(&loader, "de"));
        let urls = transport.urls();
        assert_eq!(urls, ["/wording/de.json"], "one request for both");
        transport.reply(200, &file_text("de"));
        assert!(first.borrow()[0].ends_with(" texts"));
        assert_eq!(*first.borrow(), *second.borrow());
        assert_eq!(
            *ask(&loader, "de").borrow(),
            *first.borrow(),
            "kept, at once"
        );
        // (the answer, what the widgets hear: the start of the problem)
        let table = [
            (
                404,
                "",
                "the \"fr\" wording (/wording/fr.json) could not be read: HTTP 404",
            ),
            (
                200,
                "[]",
                "the \"fr\" wording (/wording/fr.json) could not be read: not a JSON",
            ),
            (
                200,
                "{}",
                "the \"fr\" wording (/wording/fr.json) could not be read: no texts",
            ),
            (
                200,
                r#"{"in_stock": 1}"#,
                "the \"fr\" wording (/wording/fr.json) could not be read: `in_stock` must be text",
            ),
        ];
        for (status, body, problem) in table {
            let transport = Rc::new(Recorder::default());
            let folder = Some("/wording/".to_owned());
            let loader = WordingLoader::new(transport.clone(), folder, parse_json, no_warning);
            let heard = ask(&loader, "fr");
            transport.reply(status, body);
            assert!(heard.borrow()[0].starts_with(problem), "{heard:?}");
            assert!(heard.borrow()[0].ends_with("; showing English"));
            ask(&loader, "fr");
            assert_eq!(
                transport.sent.borrow().len(),
                1,
                "English until reloaded: {body}"
            );
        }
        // No folder: nothing is asked.
        let transport = Rc::new(Recorder::default());
        let loader = WordingLoader::new(transport.clone(), None, parse_json, no_warning);
        assert!(ask(&loader, "ja").borrow()[0].contains("no wording folder"));
        assert!(transport.sent.borrow().is_empty());
    }
}
