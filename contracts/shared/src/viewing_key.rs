//! Viewing keys: a secret an account sets (or has the contract create) so that queries can
//! prove the account without a signature. One implementation for both targets, with
//! secret-toolkit's storage layout (so keys set by its `ViewingKey` store still check): only
//! SHA-256 of a key is stored, hashes are compared in constant time, and an account without a
//! key costs the same work as one with a wrong key.
//!
//! Written here rather than taken from secret-toolkit's `viewing-key` crate because that crate
//! enables secret-toolkit's `crypto` defaults, which link the C libsecp256k1 into the wasm
//! (about 100 KB, and a C compiler for the build) though viewing keys need only SHA-256.
//! Note that on a vanilla chain all state and transactions are public, so a viewing key there
//! proves who asks but hides nothing from someone reading the chain.

use crate::cosmwasm_std::{Env, MessageInfo, Storage};

/// Prefix of created keys, as secret-toolkit's.
pub const VIEWING_KEY_PREFIX: &str = "api_key_";

/// Stores SHA-256 of `key` as `account`'s viewing key (replacing any previous one).
pub fn set_viewing_key(storage: &mut dyn Storage, account: &str, key: &str) {
    storage.set(&layout::key_slot(account), &layout::sha256(key.as_bytes()));
}

/// Creates, stores and returns a new key for `account`, mixing the caller's `entropy` with the
/// contract's seed (advanced on every call) and the block.
pub fn create_viewing_key(
    storage: &mut dyn Storage,
    env: &Env,
    info: &MessageInfo,
    account: &str,
    entropy: &[u8],
) -> String {
    {
        let seed = storage.get(layout::SEED_KEY).unwrap_or_default();
        let mut material =
            Vec::with_capacity(seed.len() + 16 + info.sender.as_str().len() + entropy.len());
        material.extend_from_slice(&seed);
        material.extend_from_slice(&env.block.height.to_be_bytes());
        material.extend_from_slice(&env.block.time.nanos().to_be_bytes());
        material.extend_from_slice(info.sender.as_bytes());
        material.extend_from_slice(entropy);
        let next_seed = layout::sha256(&material);
        storage.set(layout::SEED_KEY, &next_seed);
        let key = format!(
            "{VIEWING_KEY_PREFIX}{}",
            crate::cosmwasm_std::Binary::from(layout::sha256(&next_seed).to_vec()).to_base64()
        );
        set_viewing_key(storage, account, &key);
        key
    }
}

/// Whether `key` is `account`'s viewing key. Takes the same time whether the account has no
/// key, another key, or this key.
pub fn check_viewing_key(storage: &dyn Storage, account: &str, key: &str) -> bool {
    {
        use subtle::ConstantTimeEq;
        let stored = storage.get(&layout::key_slot(account));
        // A missing key compares against zeros, which no SHA-256 output equals in practice,
        // so that the missing case does the same hashing and comparing as the others.
        let expected: &[u8] = stored.as_deref().unwrap_or(&[0u8; 32]);
        let given = layout::sha256(key.as_bytes());
        bool::from(given.as_slice().ct_eq(expected))
    }
}

mod layout {
    use sha2::{Digest, Sha256};

    // Same layout as secret-toolkit's default store: the "viewing_keys" namespace (2-byte
    // length prefix, as cosmwasm-storage's PrefixedStorage) then the account.
    const STORAGE_KEY: &[u8] = b"viewing_keys";
    pub(super) const SEED_KEY: &[u8] = b"viewing_keys::seed";

    pub(super) fn key_slot(account: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 + STORAGE_KEY.len() + account.len());
        out.extend_from_slice(&(STORAGE_KEY.len() as u16).to_be_bytes());
        out.extend_from_slice(STORAGE_KEY);
        out.extend_from_slice(account.as_bytes());
        out
    }

    pub(super) fn sha256(data: &[u8]) -> [u8; 32] {
        Sha256::digest(data).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosmwasm_std::testing::{mock_dependencies, mock_env, mock_info};

    #[test]
    fn set_then_check() {
        let mut deps = mock_dependencies();
        assert!(!check_viewing_key(&deps.storage, "alice", "anything"));
        set_viewing_key(&mut deps.storage, "alice", "my key");
        assert!(check_viewing_key(&deps.storage, "alice", "my key"));
        assert!(!check_viewing_key(&deps.storage, "alice", "my kez"));
        assert!(!check_viewing_key(&deps.storage, "bob", "my key"));
        set_viewing_key(&mut deps.storage, "alice", "new key");
        assert!(!check_viewing_key(&deps.storage, "alice", "my key"));
        assert!(check_viewing_key(&deps.storage, "alice", "new key"));
    }

    #[test]
    fn created_keys_differ_and_check() {
        let mut deps = mock_dependencies();
        let env = mock_env();
        let info = mock_info("alice", &[]);
        let k1 = create_viewing_key(&mut deps.storage, &env, &info, "alice", b"same");
        let k2 = create_viewing_key(&mut deps.storage, &env, &info, "alice", b"same");
        assert!(k1.starts_with(VIEWING_KEY_PREFIX));
        assert_ne!(k1, k2);
        assert!(!check_viewing_key(&deps.storage, "alice", &k1));
        assert!(check_viewing_key(&deps.storage, "alice", &k2));
    }

    #[test]
    fn only_the_hash_is_stored() {
        let mut deps = mock_dependencies();
        set_viewing_key(&mut deps.storage, "alice", "plain secret");
        // secret-toolkit's layout: 2-byte namespace length, "viewing_keys", the account.
        let stored = {
            let mut k = (b"viewing_keys".len() as u16).to_be_bytes().to_vec();
            k.extend_from_slice(b"viewing_keys");
            k.extend_from_slice(b"alice");
            deps.storage.get(&k).unwrap()
        };
        assert_eq!(stored.len(), 32);
        assert!(!stored.windows(12).any(|w| w == b"plain secret"));
    }
}
