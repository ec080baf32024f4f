//! Fetches a language's wording (`<wording-url><language>.json`) once per page, for every
//! widget that speaks it. English is built in and never fetched.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;

use super::js::{Fields, from_json};
use super::platform::console_warn;
use super::small_map::SmallMap;
use super::transport::{HttpRequest, Transport};
use crate::view::missing_keys;

/// A language's wording, as `Messages::with_translation` takes it.
pub type Translation = Rc<[(String, String)]>;

/// The wording, or why it could not be read (the widget then speaks English).
pub type WordingResult = Result<Translation, String>;

type Callback = Box<dyn FnOnce(WordingResult)>;

enum Slot {
    Waiting(Vec<Callback>),
    /// The file was read, or could not be (then the page speaks English until it is reloaded,
    /// rather than keeping later widgets blank while the file is asked for again).
    Ready(WordingResult),
}

/// One page's wording files.
pub struct WordingLoader {
    transport: Rc<dyn Transport>,
    /// The folder the files are in, ending with `/`.
    folder: Option<String>,
    slots: RefCell<SmallMap<&'static str, Slot>>,
}

impl std::fmt::Debug for WordingLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordingLoader")
            .field("folder", &self.folder)
            .finish_non_exhaustive()
    }
}

impl WordingLoader {
    pub fn new(transport: Rc<dyn Transport>, folder: Option<String>) -> Rc<Self> {
        Rc::new(Self {
            transport,
            folder,
            slots: RefCell::default(),
        })
    }

    /// Calls `done` with `language`'s wording: at once when the page already has it (or already
    /// failed to read it), else when its file arrives.
    pub fn load(
        self: &Rc<Self>,
        language: &'static str,
        done: impl FnOnce(WordingResult) + 'static,
    ) {
        let mut slots = self.slots.borrow_mut();
        match slots.get_mut(&language) {
            Some(Slot::Ready(result)) => {
                let result = result.clone();
                drop(slots);
                done(result);
            }
            Some(Slot::Waiting(callbacks)) => callbacks.push(Box::new(done)),
            None => {
                let Some(folder) = &self.folder else {
                    drop(slots);
                    return done(Err(format!(
                        "no wording for \"{language}\": the page has no wording folder (data-wording-url); showing English"
                    )));
                };
                let url = format!("{folder}{language}.json");
                slots.insert(language, Slot::Waiting(vec![Box::new(done)]));
                spawn_local(self.clone().fetch(language, url));
            }
        }
    }

    async fn fetch(self: Rc<Self>, language: &'static str, url: String) {
        let request = HttpRequest {
            method: "GET",
            url: url.clone(),
            headers: vec![("Accept".to_owned(), "application/json".to_owned())],
            body: None,
        };
        let result = match self.transport.send(request).await {
            Ok(response) if response.status == 200 => parse(&response.body),
            Ok(response) => Err(format!("HTTP {}", response.status)),
            Err(error) => Err(error.to_string()),
        }
        .map_err(|problem| {
            format!(
                "the \"{language}\" wording ({url}) could not be read: {problem}; showing English"
            )
        });
        if let Ok(translation) = &result {
            let missing =
                missing_keys(|key| translation.iter().any(|(candidate, _)| candidate == key));
            if !missing.is_empty() {
                // An out-of-date file, most likely: what it lacks is said in English.
                console_warn(&format!(
                    "the \"{language}\" wording ({url}) lacks {}; those texts show in English",
                    missing.join(", ")
                ));
            }
        }
        let previous = self
            .slots
            .borrow_mut()
            .insert(language, Slot::Ready(result.clone()));
        if let Some(Slot::Waiting(callbacks)) = previous {
            for callback in callbacks {
                callback(result.clone());
            }
        }
    }
}

/// A wording file: a JSON object of strings, not empty.
fn parse(text: &str) -> Result<Translation, String> {
    let value = from_json(text).ok_or("not JSON")?;
    let fields = Fields(&value);
    if !fields.is_object() {
        return Err("not a JSON object of texts".to_owned());
    }
    let entries = fields.string_entries()?;
    if entries.is_empty() {
        return Err("no texts".to_owned());
    }
    Ok(Rc::from(entries))
}
