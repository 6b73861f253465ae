//! One JSON reader for the messages a contract receives and the values it stores, instead of
//! serde's derived `Deserialize` per type. Why: serde_json_wasm's generic code is instantiated once
//! per type (a field-name reader, a map visitor, a missing-field check per struct), which made
//! message parsing the largest part of the Secret wasm, whose size Secret Network bounds (contracts
//! README, "Size"). Here serde parses any JSON into one [`Json`] tree (one visitor, instantiated
//! once), and each message is read from the tree by plain, non-generic code.
//!
//! The accepted JSON is what the derived code accepted and the generated schemas describe:
//! unknown fields refused where `#[cw_serde]` refused them, `null` or a missing field for an
//! `Option`, `Uint64`/`Uint128` as decimal strings, `Binary` as base64. Not accepted any more:
//! structs written as JSON arrays and unit variants written as `{"tee": null}` (serde's
//! alternative forms, outside the schemas). A refusal is a parse error naming the field.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};

use crate::cosmwasm_std::{Addr, Binary, Timestamp, Uint128, Uint64};

/// Deeper nesting is refused before it is parsed, so hostile input cannot exhaust the stack.
/// The deepest message of either contract (a permit inside a query) nests 6 levels.
pub const MAX_DEPTH: u32 = 16;

/// A parsed JSON value. Numbers are integers: no message of this contract has a fraction.
#[derive(Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Uint(u64),
    Int(i64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Why a value does not read as the expected type; serde reports it as a parse error.
pub type Read<T> = Result<T, String>;

/// Parses with `deserializer` and reads the tree with `read`: the body of every message's
/// `Deserialize` impl.
pub fn deserialize_with<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    read: fn(&Json) -> Read<T>,
) -> Result<T, D::Error> {
    let tree = Depth(0).deserialize(deserializer)?;
    read(&tree).map_err(D::Error::custom)
}

struct Depth(u32);

impl<'de> DeserializeSeed<'de> for Depth {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Depth {
    fn nested<E: serde::de::Error>(&self) -> Result<Depth, E> {
        if self.0 >= MAX_DEPTH {
            return Err(E::custom("JSON nested too deeply"));
        }
        Ok(Depth(self.0 + 1))
    }
}

impl<'de> Visitor<'de> for Depth {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Uint(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(if v >= 0 {
            Json::Uint(v as u64)
        } else {
            Json::Int(v)
        })
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let depth = self.nested()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Depth(depth.0))? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let depth = self.nested()?;
        let mut fields: Vec<(String, Json)> = Vec::new();
        while let Some(Key(key)) = map.next_key::<Key>()? {
            if fields.iter().any(|(k, _)| *k == key) {
                return Err(A::Error::custom(format!("duplicate field `{key}`")));
            }
            let value = map.next_value_seed(Depth(depth.0))?;
            fields.push((key, value));
        }
        Ok(Json::Object(fields))
    }
}

/// An object key. Read with `deserialize_str`: serde_json_wasm 0.4 (Secret's) traps on
/// `deserialize_string` for keys.
struct Key(String);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E>(self, v: &str) -> Result<Key, E> {
        Ok(Key(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Key, E> {
        Ok(Key(v))
    }
}

impl Json {
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Uint(_) | Json::Int(_) => "a number",
            Json::Str(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    fn expected<T>(&self, what: &str) -> Read<T> {
        Err(format!("invalid type: {}, expected {what}", self.kind()))
    }

    /// An object with only the `allowed` fields (serde's `deny_unknown_fields`).
    pub fn object(&self, allowed: &[&str]) -> Read<Fields<'_>> {
        let fields = self.open_object()?;
        for (key, _) in fields.0 {
            if !allowed.contains(&key.as_str()) {
                let allowed = allowed.join(", ");
                return Err(format!("unknown field `{key}`, expected one of {allowed}"));
            }
        }
        Ok(fields)
    }

    /// An object whose unknown fields are ignored.
    pub fn open_object(&self) -> Read<Fields<'_>> {
        match self {
            Json::Object(fields) => Ok(Fields(fields)),
            other => other.expected("an object"),
        }
    }

    /// An externally tagged enum value: `{"variant": value}`, or `"variant"` for the unit
    /// variants of `units`. Returns the variant's index in `variants` and its value.
    pub fn variant(&self, variants: &[&str], units: bool) -> Read<(usize, &Json)> {
        let (name, value) = match self {
            Json::Str(name) if units => (name, &Json::Null),
            Json::Object(fields) if fields.len() == 1 && !units => (&fields[0].0, &fields[0].1),
            other => return other.expected("an enum variant"),
        };
        match variants.iter().position(|v| v == name) {
            Some(index) => Ok((index, value)),
            None => {
                let variants = variants.join(", ");
                Err(format!(
                    "unknown variant `{name}`, expected one of {variants}"
                ))
            }
        }
    }

    pub fn string(&self) -> Read<String> {
        match self {
            Json::Str(s) => Ok(s.clone()),
            other => other.expected("a string"),
        }
    }

    pub fn bool(&self) -> Read<bool> {
        match self {
            Json::Bool(b) => Ok(*b),
            other => other.expected("a boolean"),
        }
    }

    pub fn u64(&self) -> Read<u64> {
        match self {
            Json::Uint(n) => Ok(*n),
            other => other.expected("an unsigned integer"),
        }
    }

    pub fn u32(&self) -> Read<u32> {
        u32::try_from(self.u64()?).map_err(|_| "number out of range for u32".to_string())
    }

    /// A `Uint64`: a decimal string.
    pub fn uint64(&self) -> Read<Uint64> {
        let s = self.str()?;
        s.parse::<u64>()
            .map(Uint64::new)
            .map_err(|e| format!("invalid Uint64 '{s}' - {e}"))
    }

    /// A `Uint128`: a decimal string.
    pub fn uint128(&self) -> Read<Uint128> {
        let s = self.str()?;
        s.parse::<u128>()
            .map(Uint128::new)
            .map_err(|e| format!("invalid Uint128 '{s}' - {e}"))
    }

    /// A `Timestamp`: nanoseconds as a `Uint64`.
    pub fn timestamp(&self) -> Read<Timestamp> {
        Ok(Timestamp::from_nanos(self.uint64()?.u64()))
    }

    /// An `Addr` as stored or answered (already validated when it was written).
    pub fn addr(&self) -> Read<Addr> {
        self.string().map(Addr::unchecked)
    }

    /// A `Binary`: base64.
    pub fn binary(&self) -> Read<Binary> {
        Binary::from_base64(self.str()?).map_err(|e| e.to_string())
    }

    fn str(&self) -> Read<&str> {
        match self {
            Json::Str(s) => Ok(s),
            other => other.expected("a string"),
        }
    }

    pub fn list<T>(&self, read: fn(&Json) -> Read<T>) -> Read<Vec<T>> {
        match self {
            Json::Array(items) => items.iter().map(read).collect(),
            other => other.expected("an array"),
        }
    }
}

/// The fields of an object, read by name.
pub struct Fields<'a>(&'a [(String, Json)]);

impl<'a> Fields<'a> {
    /// A field that may be missing or `null` (an `Option`).
    pub fn optional(&self, name: &str) -> Option<&'a Json> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .filter(|v| **v != Json::Null)
    }

    /// A field that must be present (`null` is refused by the type's own reader).
    pub fn required(&self, name: &str) -> Read<&'a Json> {
        match self.0.iter().find(|(k, _)| k == name) {
            Some((_, v)) => Ok(v),
            None => Err(format!("missing field `{name}`")),
        }
    }

    /// An optional field read with `read`, prefixing its errors with the field's name.
    pub fn opt<T>(&self, name: &str, read: fn(&Json) -> Read<T>) -> Read<Option<T>> {
        self.optional(name)
            .map(|v| read(v).map_err(|e| format!("{name}: {e}")))
            .transpose()
    }

    /// A required field read with `read`, prefixing its errors with the field's name.
    pub fn req<T>(&self, name: &str, read: fn(&Json) -> Read<T>) -> Read<T> {
        read(self.required(name)?).map_err(|e| format!("{name}: {e}"))
    }

    /// A field that may be left out, then `default` (serde's `#[serde(default)]`); `null` is
    /// read by `read` like any value.
    pub fn or<T>(&self, name: &str, read: fn(&Json) -> Read<T>, default: T) -> Read<T> {
        match self.0.iter().find(|(k, _)| k == name) {
            Some((_, v)) => read(v).map_err(|e| format!("{name}: {e}")),
            None => Ok(default),
        }
    }
}

/// Parses JSON bytes into a tree (the env and info the host passes, or any message).
pub fn parse(bytes: &[u8]) -> Read<Json> {
    match crate::storage::from_json_bytes::<Tree>(bytes) {
        Ok(Tree(tree)) => Ok(tree),
        Err(crate::cosmwasm_std::StdError::ParseErr { msg, .. }) => Err(msg),
        Err(other) => Err(other.to_string()),
    }
}

struct Tree(Json);

impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tree, D::Error> {
        Depth(0).deserialize(deserializer).map(Tree)
    }
}
