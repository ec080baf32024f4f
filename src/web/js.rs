//! JavaScript values: the wire types read with serde-wasm-bindgen and [`wire::read`] (the reader
//! the endpoint uses on serde_json's documents), and written as JSON text with serde_json; and
//! the few objects the widget builds by hand (events' details, `Intl` options, the JSON-LD
//! block), which need no reader.

use js_sys::{Array, Object, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::text::concat;
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

/// Reads a wire type from JSON text; `None` when the text is not JSON.
pub fn read_json<T: DeserializeOwned>(text: &str) -> Option<Result<T, WireError>> {
    from_json(text).map(read_value)
}

/// Whether the value is a plain object (not an array, not null).
pub fn is_object(value: &JsValue) -> bool {
    value.is_object() && !Array::is_array(value)
}

/// The items of `key`'s value when it is a list; nothing otherwise. A document read entry by
/// entry (the availability response, the stored outbox) is taken apart with it.
pub fn list(value: &JsValue, key: &str) -> Vec<JsValue> {
    let list = field(value, key);
    match Array::is_array(&list) {
        true => list.unchecked_into::<Array>().iter().collect(),
        false => Vec::new(),
    }
}

/// `value[key]`; `undefined` when there is none.
pub fn field(value: &JsValue, key: &str) -> JsValue {
    match is_object(value) {
        true => Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED),
        false => JsValue::UNDEFINED,
    }
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
/// overrides and the language files. Kept in order, which a serde map would not do for free.
pub fn texts_from_json(text: &str) -> Result<Vec<(String, String)>, String> {
    let value = from_json(text).ok_or("not valid JSON")?;
    if !is_object(&value) {
        return Err("not a JSON object of texts".to_owned());
    }
    let object: &Object = value.unchecked_ref();
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
