//! JavaScript values: the wire types read with serde-wasm-bindgen and [`wire::read`] (the reader
//! the endpoint uses on serde_json's documents), and written as JSON text with serde_json; and
//! the few objects the widget builds by hand (events' details, `Intl` options, the JSON-LD
//! block), which need no reader.

use js_sys::{Array, Object, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::wire::{self, Problem, Tree, WireError};

/// Reads a wire type from a JavaScript value (`JSON.parse`'s): serde-wasm-bindgen makes it a
/// [`Tree`], which the endpoint's reader reads.
pub fn read_value<T: DeserializeOwned>(value: JsValue) -> Result<T, WireError> {
    wire::read(&tree(value)?)
}

/// The value as a document. A value no JSON holds (a function, a symbol, a document nested too
/// deep) does not read; serde-wasm-bindgen's message for it is left unread.
pub fn tree(value: JsValue) -> Result<Tree, WireError> {
    serde_wasm_bindgen::from_value(value).map_err(|_| WireError::new(Problem::Invalid))
}

/// Only the fields `keys` of a JavaScript object, as a document: how the JavaScript API reads
/// the options a page passes (whatever else the object holds, functions too, is not looked at).
pub fn fields_of(value: &JsValue, keys: &[&str]) -> Result<Tree, WireError> {
    let mut fields = Vec::new();
    for key in keys {
        let field = Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        if !field.is_undefined() {
            let field = tree(field).map_err(|error| error.within(key))?;
            fields.push(((*key).to_owned(), field));
        }
    }
    Ok(Tree::Object(fields))
}

/// Whether the value is a plain object (not an array, not null).
pub fn is_object(value: &JsValue) -> bool {
    value.is_object() && !Array::is_array(value)
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

    #[cfg(feature = "form")]
    pub fn json(self) -> String {
        to_json(&self.0)
    }
}

/// `JSON.stringify`, or an empty string for a value that cannot be written.
#[cfg(feature = "form")]
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

/// JSON text as a document, by `JSON.parse` and serde-wasm-bindgen: the page's [`ReadJson`].
///
/// [`ReadJson`]: crate::wire::ReadJson
pub fn json_tree(text: &str) -> Option<Tree> {
    from_json(text).and_then(|value| tree(value).ok())
}
