//! The one reader: every wire type is read from a [`Tree`], whichever source made it, so the
//! endpoint and the browser read the same document the same way.
//!
//! It decides itself what a value must be (text, a whole number JavaScript holds exactly, true
//! or false, a list, an object), and a value that is not becomes a [`WireError`] naming the
//! field. No error here formats anything it read: serde's own error messages would write the
//! offending value (a float, too) into a message.

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::error::{Problem, WireError};
use super::tree::{Number, Tree};

/// The largest integer a JavaScript number holds exactly (2^53 − 1). A count beyond it could not
/// round-trip through the browser, so neither side accepts one.
pub const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// Reads `T` from a document.
pub fn read<'a, T: de::Deserialize<'a>>(document: &'a Tree) -> Result<T, WireError> {
    T::deserialize(Reader(document))
}

/// A field read leniently: a value of the wrong type counts as absent.
pub fn lenient<'de, D: Deserializer<'de>, T: de::Deserialize<'de>>(
    source: D,
) -> Result<Option<T>, D::Error> {
    Ok(<Option<T> as de::Deserialize>::deserialize(source).unwrap_or(None))
}

/// A flag read leniently: only `true` is yes.
pub fn is_true<'de, D: Deserializer<'de>>(source: D) -> Result<bool, D::Error> {
    Ok(lenient::<D, bool>(source)? == Some(true))
}

/// A list whose entries are read one by one: those that do not read are left out (the reader's
/// lists always move on past an entry that fails). A value that is no list is an empty one.
pub fn readable_entries<'de, D: Deserializer<'de>, T: de::Deserialize<'de>>(
    source: D,
) -> Result<Vec<T>, D::Error> {
    struct Entries<T>(std::marker::PhantomData<T>);
    impl<'de, T: de::Deserialize<'de>> Visitor<'de> for Entries<T> {
        type Value = Vec<T>;
        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut entries = Vec::new();
            loop {
                match seq.next_element::<T>() {
                    Ok(Some(entry)) => entries.push(entry),
                    Ok(None) => return Ok(entries),
                    Err(_) => {}
                }
            }
        }
    }
    Ok(source
        .deserialize_seq(Entries(std::marker::PhantomData))
        .unwrap_or_default())
}

/// One value of the document, as a serde source whose errors are [`WireError`]s.
#[derive(Debug, Clone, Copy)]
struct Reader<'a>(&'a Tree);

impl<'a> Reader<'a> {
    fn refused<T>(problem: Problem) -> Result<T, WireError> {
        Err(WireError::new(problem))
    }

    /// The value as a whole number within ±(2^53 − 1), however it is written (`5`, `5.0`, `-0`).
    fn whole(self) -> Option<i64> {
        let Tree::Number(number) = self.0 else {
            return None;
        };
        let whole = match *number {
            Number::Signed(value) => Some(value),
            Number::Unsigned(value) => i64::try_from(value).ok(),
            // `5.0` from serde_json is JavaScript's `5`; `1.5`, `1e300` and NaN are no count.
            Number::Float(value) => (value.fract() == 0.0
                && value.abs() <= MAX_SAFE_INTEGER as f64)
                .then_some(value as i64),
        };
        whole.filter(|value| value.unsigned_abs() <= MAX_SAFE_INTEGER)
    }

    fn text(self) -> Result<&'a str, WireError> {
        match self.0 {
            Tree::Text(text) => Ok(text),
            _ => Self::refused(Problem::NotText),
        }
    }

    fn integer<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, WireError> {
        match self.whole() {
            Some(value) => visitor.visit_i64(value),
            None => Self::refused(Problem::NotWholeNumber),
        }
    }
}

impl<'a> Deserializer<'a> for Reader<'a> {
    type Error = WireError;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        match self.0 {
            Tree::Null => visitor.visit_unit(),
            Tree::Bool(value) => visitor.visit_bool(*value),
            Tree::Number(Number::Signed(value)) => visitor.visit_i64(*value),
            Tree::Number(Number::Unsigned(value)) => visitor.visit_u64(*value),
            Tree::Number(Number::Float(value)) => visitor.visit_f64(*value),
            Tree::Text(text) => visitor.visit_borrowed_str(text),
            Tree::List(items) => visitor.visit_seq(Items(items.iter())),
            Tree::Object(fields) => visitor.visit_map(Fields::new(fields)),
            Tree::TooDeep => Self::refused(Problem::Invalid),
        }
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        match self.0 {
            Tree::Bool(value) => visitor.visit_bool(*value),
            _ => Self::refused(Problem::NotTrueOrFalse),
        }
    }

    fn deserialize_i8<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        self.integer(visitor)
    }

    fn deserialize_i16<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        self.integer(visitor)
    }

    fn deserialize_i32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        self.integer(visitor)
    }

    fn deserialize_i64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        self.integer(visitor)
    }

    fn deserialize_u8<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        self.integer(visitor)
    }

    fn deserialize_u16<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        self.integer(visitor)
    }

    fn deserialize_u32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        self.integer(visitor)
    }

    fn deserialize_u64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        self.integer(visitor)
    }

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        match self.0 {
            Tree::Number(Number::Signed(value)) => visitor.visit_f64(*value as f64),
            Tree::Number(Number::Unsigned(value)) => visitor.visit_f64(*value as f64),
            Tree::Number(Number::Float(value)) => visitor.visit_f64(*value),
            _ => Self::refused(Problem::Invalid),
        }
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        visitor.visit_borrowed_str(self.text()?)
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        visitor.visit_borrowed_str(self.text()?)
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        visitor.visit_borrowed_str(self.text()?)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, _visitor: V) -> Result<V::Value, WireError> {
        Self::refused(Problem::Invalid)
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, _visitor: V) -> Result<V::Value, WireError> {
        Self::refused(Problem::Invalid)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        match self.0 {
            Tree::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        match self.0 {
            Tree::Null => visitor.visit_unit(),
            _ => Self::refused(Problem::Invalid),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, WireError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, WireError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        match self.0 {
            Tree::List(items) => visitor.visit_seq(Items(items.iter())),
            _ => Self::refused(Problem::NotAList),
        }
    }

    fn deserialize_tuple<V: Visitor<'a>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, WireError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, WireError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        match self.0 {
            Tree::Object(fields) => visitor.visit_map(Fields::new(fields)),
            _ => Self::refused(Problem::NotAnObject),
        }
    }

    /// Only an object is a struct: serde would read one from an array of its fields too.
    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, WireError> {
        self.deserialize_map(visitor)
    }

    /// An enum of ours is one of its names, as text.
    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, WireError> {
        visitor.visit_enum(self.text()?.into_deserializer())
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, WireError> {
        visitor.visit_unit()
    }
}

/// A list's items.
struct Items<'a>(std::slice::Iter<'a, Tree>);

impl<'a> SeqAccess<'a> for Items<'a> {
    type Error = WireError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, WireError> {
        self.0
            .next()
            .map(|item| seed.deserialize(Reader(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An object's fields; an error in a value names the field it happened in.
struct Fields<'a> {
    fields: std::slice::Iter<'a, (String, Tree)>,
    value: Option<&'a (String, Tree)>,
}

impl<'a> Fields<'a> {
    fn new(fields: &'a [(String, Tree)]) -> Self {
        Self {
            fields: fields.iter(),
            value: None,
        }
    }
}

impl<'a> MapAccess<'a> for Fields<'a> {
    type Error = WireError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, WireError> {
        let Some(field) = self.fields.next() else {
            return Ok(None);
        };
        self.value = Some(field);
        let key: &'a str = &field.0;
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<T::Value, WireError> {
        match self.value.take() {
            Some((key, value)) => seed
                .deserialize(Reader(value))
                .map_err(|error| error.within(key)),
            None => Err(WireError::new(Problem::Invalid)),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}
