//! A JSON document read whole, before any wire type is read from it: what serde_json makes of
//! JSON text on the server and serde-wasm-bindgen of a JavaScript value in the browser. The two
//! sources describe a document differently (serde_json has unsigned, signed and float numbers,
//! JavaScript only numbers); here they become the same tree, and [`super::read`] reads every
//! wire type from the tree alone.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Deeper than this is no document of ours: refused rather than followed (a JavaScript object
/// handed to `mount` may even refer to itself).
const MAX_DEPTH: u32 = 64;

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    Null,
    Bool(bool),
    Number(Number),
    Text(String),
    List(Vec<Tree>),
    /// In the order given. A key given twice (JSON text only: a JavaScript object cannot hold
    /// that) is kept twice, and the reader refuses it.
    Object(Vec<(String, Tree)>),
    /// A list or object nested deeper than [`MAX_DEPTH`], left unread: no wire type reads it,
    /// so only the record that holds it fails, not the whole document. (serde_json, which
    /// wants every value read to its end, then refuses the whole text instead.)
    TooDeep,
}

/// A number as its source gave it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Signed(i64),
    Unsigned(u64),
    Float(f64),
}

impl Tree {
    /// `key`'s value, when this is an object that has it (the first, for a key given twice).
    pub fn field(&self, key: &str) -> Option<&Tree> {
        match self {
            Tree::Object(fields) => fields
                .iter()
                .find(|(candidate, _)| candidate == key)
                .map(|(_, value)| value),
            _ => None,
        }
    }

    /// The items of `key`'s value when it is a list; nothing otherwise. A document read entry
    /// by entry (the availability response, the stored outbox) is taken apart with it.
    pub fn items(&self, key: &str) -> &[Tree] {
        match self.field(key) {
            Some(Tree::List(items)) => items,
            _ => &[],
        }
    }
}

impl<'de> de::Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(source: D) -> Result<Self, D::Error> {
        Level(0).deserialize(source)
    }
}

/// A value `0`-based levels down the document.
#[derive(Debug, Clone, Copy)]
struct Level(u32);

impl<'de> DeserializeSeed<'de> for Level {
    type Value = Tree;

    fn deserialize<D: Deserializer<'de>>(self, source: D) -> Result<Tree, D::Error> {
        source.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Level {
    type Value = Tree;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Tree, E> {
        Ok(Tree::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Tree, E> {
        Ok(Tree::Number(Number::Signed(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Tree, E> {
        Ok(Tree::Number(Number::Unsigned(value)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Tree, E> {
        Ok(Tree::Number(Number::Float(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Tree, E> {
        Ok(Tree::Text(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Tree, E> {
        Ok(Tree::Text(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, source: D) -> Result<Tree, D::Error> {
        self.deserialize(source)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let Some(below) = self.below() else {
            return Ok(Tree::TooDeep);
        };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(below)? {
            items.push(item);
        }
        Ok(Tree::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let Some(below) = self.below() else {
            return Ok(Tree::TooDeep);
        };
        let mut fields = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            fields.push((key, map.next_value_seed(below)?));
        }
        Ok(Tree::Object(fields))
    }
}

impl Level {
    /// The level below, unless this one is as deep as a document goes.
    fn below(self) -> Option<Self> {
        (self.0 < MAX_DEPTH).then_some(Self(self.0 + 1))
    }
}
