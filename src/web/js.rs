//! Reading and writing plain JavaScript objects, by hand.
//!
//! A generic (serde) bridge costs tens of kilobytes of WebAssembly, much of it error messages
//! that format floats. The wire types are few and flat, so each is read field by field here,
//! with errors that name the field and never echo a number back.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::text::concat;

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A JavaScript object being read.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a>(pub &'a JsValue);

impl Fields<'_> {
    /// Whether the value is a plain object (not an array, not null).
    pub fn is_object(&self) -> bool {
        self.0.is_object() && !Array::is_array(self.0)
    }

    pub fn get(&self, key: &str) -> Option<JsValue> {
        let value = Reflect::get(self.0, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, String> {
        self.get(key)
            .map(|value| {
                value
                    .as_string()
                    .ok_or_else(|| concat(&["`", key, "` must be text"]))
            })
            .transpose()
    }

    pub fn integer(&self, key: &str) -> Result<Option<i64>, String> {
        self.get(key)
            .map(|value| {
                whole_number(&value).ok_or_else(|| concat(&["`", key, "` must be a whole number"]))
            })
            .transpose()
    }

    /// Whether the field is `true`; anything else (absent, not a boolean) is no.
    pub fn is_true(&self, key: &str) -> bool {
        self.get(key).and_then(|value| value.as_bool()) == Some(true)
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>, String> {
        self.get(key)
            .map(|value| {
                value
                    .as_bool()
                    .ok_or_else(|| concat(&["`", key, "` must be true or false"]))
            })
            .transpose()
    }

    /// An array field; absent is empty.
    pub fn array(&self, key: &str) -> Result<Vec<JsValue>, String> {
        self.get(key)
            .map_or(Ok(Vec::new()), |value| items(value, key))
    }

    /// An object field; absent is `None`.
    pub fn object(&self, key: &str) -> Result<Option<JsValue>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(value) if Fields(&value).is_object() => Ok(Some(value)),
            Some(_) => Err(concat(&["`", key, "` must be an object"])),
        }
    }

    /// A list of strings; absent is `None`.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, String> {
        let Some(list) = self.get(key) else {
            return Ok(None);
        };
        let mut texts = Vec::new();
        for value in items(list, key)? {
            let text = value.as_string();
            texts.push(text.ok_or_else(|| concat(&["`", key, "` must be a list of text"]))?);
        }
        Ok(Some(texts))
    }

    /// Every `key: "text"` pair of the object.
    pub fn string_entries(&self) -> Result<Vec<(String, String)>, String> {
        let object: &Object = self.0.unchecked_ref();
        let mut entries = Vec::new();
        for entry in Object::entries(object).iter() {
            let pair: Array = entry.unchecked_into();
            let key = pair.get(0).as_string().unwrap_or_default();
            let Some(value) = pair.get(1).as_string() else {
                return Err(concat(&["`", &key, "` must be text"]));
            };
            entries.push((key, value));
        }
        Ok(entries)
    }
}

/// Reads a JavaScript object field by field and remembers the first problem, so a record is read
/// without an early return after every field: each would carry the clean-up of the fields read
/// before it. [`Reader::finish`] gives the record, or that problem.
#[derive(Debug)]
pub struct Reader<'a> {
    fields: Fields<'a>,
    problem: std::cell::RefCell<Option<String>>,
}

impl<'a> Reader<'a> {
    pub fn new(value: &'a JsValue) -> Self {
        Self {
            fields: Fields(value),
            problem: std::cell::RefCell::new(None),
        }
    }

    fn note<T>(&self, read: Result<Option<T>, String>) -> Option<T> {
        read.unwrap_or_else(|problem| {
            self.problem.borrow_mut().get_or_insert(problem);
            None
        })
    }

    pub fn string(&self, key: &str) -> Option<String> {
        self.note(self.fields.string(key))
    }

    pub fn integer(&self, key: &str) -> Option<i64> {
        self.note(self.fields.integer(key))
    }

    pub fn boolean(&self, key: &str) -> Option<bool> {
        self.note(self.fields.boolean(key))
    }

    pub fn array(&self, key: &str) -> Vec<JsValue> {
        self.note(self.fields.array(key).map(Some))
            .unwrap_or_default()
    }

    pub fn strings(&self, key: &str) -> Option<Vec<String>> {
        self.note(self.fields.strings(key))
    }

    /// Text that must be there; empty (and a problem) when it is not.
    pub fn required_text(&self, key: &str) -> String {
        self.string(key).unwrap_or_else(|| {
            self.problem(&concat(&["`", key, "` is required"]));
            String::new()
        })
    }

    /// A whole number that must be there and fit `T`; zero (and a problem) when it does not.
    pub fn required_number<T: TryFrom<i64> + Default>(&self, key: &str) -> T {
        self.integer(key)
            .and_then(|number| T::try_from(number).ok())
            .unwrap_or_else(|| {
                self.problem(&concat(&["`", key, "` must be a whole number in range"]));
                T::default()
            })
    }

    /// The fields themselves, for a value whose problems the caller would rather ignore.
    pub fn fields(&self) -> Fields<'a> {
        self.fields
    }

    /// Records a problem of the caller's own.
    pub fn problem(&self, problem: &str) {
        self.note::<()>(Err(problem.to_owned()));
    }

    pub fn finish<T>(self, value: T) -> Result<T, String> {
        match self.problem.into_inner() {
            None => Ok(value),
            Some(problem) => Err(problem),
        }
    }
}

/// The items of `key`'s value, which must be an array.
fn items(value: JsValue, key: &str) -> Result<Vec<JsValue>, String> {
    if Array::is_array(&value) {
        Ok(value.unchecked_into::<Array>().iter().collect())
    } else {
        Err(concat(&["`", key, "` must be a list"]))
    }
}

/// A number that is a whole number JavaScript holds exactly.
fn whole_number(value: &JsValue) -> Option<i64> {
    let number = value.as_f64()?;
    (number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER).then_some(number as i64)
}

/// A JavaScript object being written.
#[derive(Debug)]
pub struct Builder(Object);

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    pub fn new() -> Self {
        Self(Object::new())
    }

    pub fn set(self, key: &str, value: impl Into<JsValue>) -> Self {
        self.put(key, value.into())
    }

    /// `set` for a value already converted: one copy of the code for every kind of value.
    fn put(self, key: &str, value: JsValue) -> Self {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value);
        self
    }

    /// Sets the field only when there is a value (absent rather than `null`).
    pub fn maybe<T: Into<JsValue>>(self, key: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.set(key, value),
            None => self,
        }
    }

    /// Sets the field to the value or to `null`.
    pub fn nullable<T: Into<JsValue>>(self, key: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.set(key, value),
            None => self.set(key, JsValue::NULL),
        }
    }

    pub fn build(self) -> JsValue {
        self.0.into()
    }

    pub fn json(self) -> String {
        to_json(&self.0)
    }
}

/// `JSON.stringify`, or an empty string for a value that cannot be written.
pub fn to_json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// `JSON.parse`.
pub fn from_json(text: &str) -> Option<JsValue> {
    js_sys::JSON::parse(text).ok()
}

/// A flat JSON object of texts (`{"key": "text", …}`), as wording comes: the merchant's
/// overrides and the language files.
pub fn texts_from_json(text: &str) -> Result<Vec<(String, String)>, String> {
    let value = from_json(text).ok_or("not valid JSON")?;
    let fields = Fields(&value);
    if !fields.is_object() {
        return Err("not a JSON object of texts".to_owned());
    }
    fields.string_entries()
}

/// An array of values.
pub fn array(values: impl IntoIterator<Item = JsValue>) -> JsValue {
    values.into_iter().collect::<Array>().into()
}
