//! Typed storage handles that work the same on both targets and never iterate over key
//! ranges (Secret Network's storage has no iterator). Every handle is declared once as a
//! `const` in a contract's `state.rs`; per-owner lists derive their namespace by suffix, never
//! by building keys ad hoc.
//!
//! How values are encoded is each handle's [`Codec`]: [`Json`] by default (like
//! cw-storage-plus, readable by older versions and by `migrate`), [`WrittenJson`] (the same
//! JSON, written without serde), or [`Compact`], a binary encoding for state that no earlier
//! version stored as JSON.

use std::marker::PhantomData;

use serde::{de::DeserializeOwned, Serialize};

use crate::cosmwasm_std::{Addr, StdError, StdResult, Storage};
use crate::json_writer::{JsonWriter, ToJson};

/// How a storage handle turns its values of type `T` into bytes and back.
pub trait Codec<T> {
    fn encode(value: &T) -> StdResult<Vec<u8>>;
    fn decode(bytes: &[u8]) -> StdResult<T>;
}

/// JSON, as contract messages are written.
pub struct Json;

impl<T: Serialize + DeserializeOwned> Codec<T> for Json {
    fn encode(value: &T) -> StdResult<Vec<u8>> {
        to_json_bytes(value)
    }

    fn decode(bytes: &[u8]) -> StdResult<T> {
        from_json_bytes(bytes)
    }
}

/// The same JSON as [`Json`], written by the value's [`ToJson`] rather than serde's
/// `Serialize` and read the same way: for a contract that already links the JSON writer for
/// its answers, stored JSON then needs no serde serializer at all (contracts README, "Size").
pub struct WrittenJson;

impl<T: ToJson + DeserializeOwned> Codec<T> for WrittenJson {
    fn encode(value: &T) -> StdResult<Vec<u8>> {
        Ok(JsonWriter::to_vec(value))
    }

    fn decode(bytes: &[u8]) -> StdResult<T> {
        from_json_bytes(bytes)
    }
}

/// [`crate::compact`]: fields in declaration order, no names. serde's JSON reader of each
/// stored type (a parser per struct, with a matcher of its field names) is a large part of a
/// contract's size; the compact reader of the same types is a fraction of it. Values are not
/// self-describing, so adding, removing or reordering a stored struct's fields needs a
/// migration that rewrites them: use it only for state no older version wrote differently.
pub struct Compact;

impl<T: Serialize + DeserializeOwned> Codec<T> for Compact {
    fn encode(value: &T) -> StdResult<Vec<u8>> {
        crate::compact::to_vec(value)
            .map_err(|_| StdError::serialize_err("stored value", "compact"))
    }

    fn decode(bytes: &[u8]) -> StdResult<T> {
        crate::compact::from_slice(bytes)
            .map_err(|_| StdError::parse_err("stored value", "compact"))
    }
}

/// Serializes a value the way contract messages are serialized (JSON).
pub fn to_json_bytes<T: Serialize + ?Sized>(value: &T) -> StdResult<Vec<u8>> {
    #[cfg(feature = "vanilla")]
    return crate::cosmwasm_std::to_json_vec(value);
    #[cfg(feature = "secret")]
    return crate::cosmwasm_std::to_vec(value);
}

/// Parses JSON bytes (for example a `Receive` callback's inner `msg`).
pub fn from_json_bytes<T: DeserializeOwned>(bytes: &[u8]) -> StdResult<T> {
    #[cfg(feature = "vanilla")]
    return crate::cosmwasm_std::from_json(bytes);
    #[cfg(feature = "secret")]
    return crate::cosmwasm_std::from_slice(bytes);
}

/// Namespaced key: 2-byte big-endian length of the namespace, the namespace, then the key,
/// as cw-storage-plus does, so that no namespace is a prefix of another's keys.
fn namespaced(namespace: &[u8], key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + namespace.len() + key.len());
    out.extend_from_slice(&(namespace.len() as u16).to_be_bytes());
    out.extend_from_slice(namespace);
    out.extend_from_slice(key);
    out
}

/// A single value under a fixed key.
pub struct Item<T, C = Json> {
    key: &'static [u8],
    value: PhantomData<(T, C)>,
}

impl<T, C: Codec<T>> Item<T, C> {
    pub const fn new(key: &'static str) -> Self {
        Item {
            key: key.as_bytes(),
            value: PhantomData,
        }
    }

    pub fn save(&self, store: &mut dyn Storage, value: &T) -> StdResult<()> {
        store.set(self.key, &C::encode(value)?);
        Ok(())
    }

    pub fn may_load(&self, store: &dyn Storage) -> StdResult<Option<T>> {
        store.get(self.key).map(|b| C::decode(&b)).transpose()
    }

    pub fn load(&self, store: &dyn Storage) -> StdResult<T> {
        self.may_load(store)?
            .ok_or_else(|| StdError::not_found(std::any::type_name::<T>()))
    }

    pub fn update<E: From<StdError>>(
        &self,
        store: &mut dyn Storage,
        f: impl FnOnce(T) -> Result<T, E>,
    ) -> Result<T, E> {
        let next = f(self.load(store)?)?;
        self.save(store, &next)?;
        Ok(next)
    }
}

/// How a map key turns into bytes. Fixed-width integers are big-endian so keys sort like
/// numbers; composite keys length-prefix every part but the last, so they never collide.
pub trait MapKey {
    fn key_bytes(&self) -> Vec<u8>;
}

impl MapKey for u64 {
    fn key_bytes(&self) -> Vec<u8> {
        self.to_be_bytes().to_vec()
    }
}

impl MapKey for u32 {
    fn key_bytes(&self) -> Vec<u8> {
        self.to_be_bytes().to_vec()
    }
}

impl MapKey for str {
    fn key_bytes(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl MapKey for String {
    fn key_bytes(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl MapKey for [u8] {
    fn key_bytes(&self) -> Vec<u8> {
        self.to_vec()
    }
}

impl MapKey for Addr {
    fn key_bytes(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl<K: MapKey + ?Sized> MapKey for &K {
    fn key_bytes(&self) -> Vec<u8> {
        (**self).key_bytes()
    }
}

impl<A: MapKey, B: MapKey> MapKey for (A, B) {
    fn key_bytes(&self) -> Vec<u8> {
        let a = self.0.key_bytes();
        let mut out = Vec::with_capacity(2 + a.len() + 16);
        out.extend_from_slice(&(a.len() as u16).to_be_bytes());
        out.extend_from_slice(&a);
        out.extend_from_slice(&self.1.key_bytes());
        out
    }
}

impl<A: MapKey, B: MapKey, C: MapKey> MapKey for (A, B, C) {
    fn key_bytes(&self) -> Vec<u8> {
        let ab = (&self.0, &self.1).key_bytes();
        let mut out = Vec::with_capacity(2 + ab.len() + 16);
        out.extend_from_slice(&(ab.len() as u16).to_be_bytes());
        out.extend_from_slice(&ab);
        out.extend_from_slice(&self.2.key_bytes());
        out
    }
}

/// Values under a namespace, looked up by key. No iteration: keep an [`AppendList`] beside a
/// map when its keys must be listed.
pub struct Map<K: ?Sized, V, C = Json> {
    namespace: &'static [u8],
    types: PhantomData<(fn(&K), V, C)>,
}

impl<K: MapKey + ?Sized, V, C: Codec<V>> Map<K, V, C> {
    pub const fn new(namespace: &'static str) -> Self {
        Map {
            namespace: namespace.as_bytes(),
            types: PhantomData,
        }
    }

    fn key(&self, k: &K) -> Vec<u8> {
        namespaced(self.namespace, &k.key_bytes())
    }

    pub fn save(&self, store: &mut dyn Storage, k: &K, value: &V) -> StdResult<()> {
        store.set(&self.key(k), &C::encode(value)?);
        Ok(())
    }

    pub fn may_load(&self, store: &dyn Storage, k: &K) -> StdResult<Option<V>> {
        store.get(&self.key(k)).map(|b| C::decode(&b)).transpose()
    }

    pub fn load(&self, store: &dyn Storage, k: &K) -> StdResult<V> {
        self.may_load(store, k)?
            .ok_or_else(|| StdError::not_found(std::any::type_name::<V>()))
    }

    pub fn has(&self, store: &dyn Storage, k: &K) -> bool {
        store.get(&self.key(k)).is_some()
    }

    pub fn remove(&self, store: &mut dyn Storage, k: &K) {
        store.remove(&self.key(k));
    }

    /// Loads (or `None`), applies `f`, saves the result.
    pub fn update<E: From<StdError>>(
        &self,
        store: &mut dyn Storage,
        k: &K,
        f: impl FnOnce(Option<V>) -> Result<V, E>,
    ) -> Result<V, E> {
        let next = f(self.may_load(store, k)?)?;
        self.save(store, k, &next)?;
        Ok(next)
    }
}

/// An append-only list: a length and the items at their indexes. A per-owner list is derived
/// with [`AppendList::suffixed`], so each owner's list has its own namespace.
pub struct AppendList<T, C = Json> {
    namespace: Vec<u8>,
    item: PhantomData<(T, C)>,
}

impl<T, C: Codec<T> + Codec<u64>> AppendList<T, C> {
    pub fn new(namespace: &str) -> Self {
        AppendList {
            namespace: namespace.as_bytes().to_vec(),
            item: PhantomData,
        }
    }

    /// The list of one owner (an org id, an address): namespace + length-prefixed suffix.
    pub fn suffixed(&self, suffix: &impl MapKey) -> Self {
        let s = suffix.key_bytes();
        let mut namespace = self.namespace.clone();
        namespace.extend_from_slice(&(s.len() as u16).to_be_bytes());
        namespace.extend_from_slice(&s);
        AppendList {
            namespace,
            item: PhantomData,
        }
    }

    fn len_key(&self) -> Vec<u8> {
        namespaced(&self.namespace, b"len")
    }

    fn item_key(&self, index: u64) -> Vec<u8> {
        let mut k = b"i".to_vec();
        k.extend_from_slice(&index.to_be_bytes());
        namespaced(&self.namespace, &k)
    }

    pub fn len(&self, store: &dyn Storage) -> StdResult<u64> {
        match store.get(&self.len_key()) {
            Some(b) => <C as Codec<u64>>::decode(&b),
            None => Ok(0),
        }
    }

    pub fn is_empty(&self, store: &dyn Storage) -> StdResult<bool> {
        Ok(self.len(store)? == 0)
    }

    /// Appends and returns the new item's index.
    pub fn push(&self, store: &mut dyn Storage, value: &T) -> StdResult<u64> {
        let index = self.len(store)?;
        store.set(&self.item_key(index), &<C as Codec<T>>::encode(value)?);
        store.set(&self.len_key(), &<C as Codec<u64>>::encode(&(index + 1))?);
        Ok(index)
    }

    pub fn get(&self, store: &dyn Storage, index: u64) -> StdResult<Option<T>> {
        store
            .get(&self.item_key(index))
            .map(|b| <C as Codec<T>>::decode(&b))
            .transpose()
    }

    /// Replaces an existing item (for lists whose entries carry their own status).
    pub fn set(&self, store: &mut dyn Storage, index: u64, value: &T) -> StdResult<()> {
        if index >= self.len(store)? {
            return Err(StdError::not_found("list index"));
        }
        store.set(&self.item_key(index), &<C as Codec<T>>::encode(value)?);
        Ok(())
    }

    /// Items `start..start+limit` (clamped to the list), oldest first.
    pub fn page(&self, store: &dyn Storage, start: u64, limit: u64) -> StdResult<Vec<T>> {
        let end = self.len(store)?.min(start.saturating_add(limit));
        (start..end)
            .map(|i| {
                self.get(store, i)?
                    .ok_or_else(|| StdError::not_found("list item"))
            })
            .collect()
    }
}

/// Asserts that [`JsonWriter`] writes `value` byte for byte as serde does ([`to_json_bytes`]):
/// the one check behind every `ToJson` impl's tests, in this crate and in the contracts (which
/// turn on `test-support` for their tests only, so it never reaches a wasm).
#[cfg(any(test, feature = "test-support"))]
pub fn assert_written_like_serde<T: ToJson + serde::Serialize>(value: &T) {
    let ours = String::from_utf8(JsonWriter::to_vec(value)).unwrap();
    let serde = String::from_utf8(to_json_bytes(value).unwrap()).unwrap();
    assert_eq!(ours, serde);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosmwasm_std::testing::MockStorage;

    const COUNT: Item<u64> = Item::new("count");
    const NAMES: Map<u64, String> = Map::new("names");
    const PAIRS: Map<(u64, &str), u32> = Map::new("pairs");

    #[test]
    fn item_and_map_round_trip() {
        let mut store = MockStorage::new();
        assert_eq!(COUNT.may_load(&store).unwrap(), None);
        assert!(COUNT.load(&store).is_err());
        COUNT.save(&mut store, &7).unwrap();
        assert_eq!(
            COUNT
                .update(&mut store, |c| Ok::<_, StdError>(c + 1))
                .unwrap(),
            8
        );

        NAMES.save(&mut store, &1, &"one".to_string()).unwrap();
        assert!(NAMES.has(&store, &1));
        assert!(!NAMES.has(&store, &2));
        NAMES.remove(&mut store, &1);
        assert_eq!(NAMES.may_load(&store, &1).unwrap(), None);
    }

    #[test]
    fn composite_keys_do_not_collide() {
        // ("ab","c") and ("a","bc") would collide without the length prefix.
        assert_ne!(("ab", "c").key_bytes(), ("a", "bc").key_bytes());
        let mut store = MockStorage::new();
        PAIRS.save(&mut store, &(1, "x"), &5).unwrap();
        assert_eq!(PAIRS.may_load(&store, &(1, "x")).unwrap(), Some(5));
        assert_eq!(PAIRS.may_load(&store, &(1, "y")).unwrap(), None);
    }

    #[test]
    fn append_lists_are_separate_per_suffix() {
        let mut store = MockStorage::new();
        let all = AppendList::<u64>::new("orgs_of");
        let alice = all.suffixed(&"alice");
        let bob = all.suffixed(&"bob");
        assert_eq!(alice.push(&mut store, &10).unwrap(), 0);
        assert_eq!(alice.push(&mut store, &11).unwrap(), 1);
        assert_eq!(bob.push(&mut store, &20).unwrap(), 0);
        assert_eq!(alice.page(&store, 0, 10).unwrap(), vec![10, 11]);
        assert_eq!(alice.page(&store, 1, 10).unwrap(), vec![11]);
        assert_eq!(bob.page(&store, 0, 10).unwrap(), vec![20]);
        alice.set(&mut store, 0, &12).unwrap();
        assert_eq!(alice.get(&store, 0).unwrap(), Some(12));
        assert!(bob.set(&mut store, 5, &1).is_err());
    }

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    enum Kind {
        Plain,
        Named { name: String },
    }

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Stored {
        owner: Addr,
        amount: crate::cosmwasm_std::Uint128,
        note: Option<String>,
        kinds: Vec<Kind>,
    }

    const JSON_ITEM: Item<Stored> = Item::new("stored");
    const COMPACT_ITEM: Item<Stored, Compact> = Item::new("stored");
    const COMPACT_MAP: Map<u64, Stored, Compact> = Map::new("stored_by_id");

    fn sample() -> Stored {
        Stored {
            owner: Addr::unchecked("owner"),
            amount: crate::cosmwasm_std::Uint128::new(u128::MAX),
            note: None,
            kinds: vec![
                Kind::Plain,
                Kind::Named {
                    name: "n".to_string(),
                },
            ],
        }
    }

    #[test]
    fn compact_values_round_trip_without_field_names() {
        let mut store = MockStorage::new();
        COMPACT_ITEM.save(&mut store, &sample()).unwrap();
        assert_eq!(COMPACT_ITEM.load(&store).unwrap(), sample());
        let bytes = store.get(b"stored").unwrap();
        assert!(!bytes.windows(5).any(|w| w == b"owner" && bytes[0] == b'{'));
        assert!(!bytes.windows(6).any(|w| w == b"amount"));
        assert_eq!(bytes, crate::compact::to_vec(&sample()).unwrap());

        COMPACT_MAP.save(&mut store, &9, &sample()).unwrap();
        assert_eq!(COMPACT_MAP.may_load(&store, &9).unwrap(), Some(sample()));
        let list = AppendList::<Stored, Compact>::new("stored_list");
        list.push(&mut store, &sample()).unwrap();
        assert_eq!(list.page(&store, 0, 5).unwrap(), vec![sample()]);
    }

    #[test]
    fn json_stays_the_default_encoding() {
        let mut store = MockStorage::new();
        JSON_ITEM.save(&mut store, &sample()).unwrap();
        assert_eq!(store.get(b"stored").unwrap()[0], b'{');
        // Each encoding reads only its own bytes: a handle never silently misreads the other.
        assert!(COMPACT_ITEM.load(&store).is_err());
        COMPACT_ITEM.save(&mut store, &sample()).unwrap();
        assert!(JSON_ITEM.load(&store).is_err());
    }

    #[test]
    fn corrupt_compact_bytes_are_a_parse_error() {
        let mut store = MockStorage::new();
        let good = crate::compact::to_vec(&sample()).unwrap();
        for bad in [
            &good[..good.len() - 1],
            &[1][..],
            // A string length far beyond the bytes that follow.
            &[0xff; 16][..],
            // A trailing byte after a complete value.
            &[&good[..], &[0][..]].concat()[..],
        ] {
            store.set(b"stored", bad);
            match COMPACT_ITEM.load(&store) {
                Err(StdError::ParseErr { .. }) => {}
                other => panic!("expected a parse error for {bad:?}, got {other:?}"),
            }
        }
    }
}
