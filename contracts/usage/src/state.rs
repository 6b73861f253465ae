//! Storage handles of the usage contract and the structs they hold. No handle is ever
//! iterated: lists that must be read back are append-only lists kept beside the maps.

use serde::Serialize;

use privexbot_shared::cosmwasm_std::{Addr, Binary, Timestamp};
use privexbot_shared::json_writer::{JsonWriter, ToJson};
use privexbot_shared::storage::{AppendList, Item, Map, WrittenJson};

use crate::bot_id::BotId;
use crate::msg::{BatchHeader, ReceiptHeader, SignerMode, UsageCounters};

// Read by `state_read.rs` (size); fields added later default when an older config lacks them.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Config {
    pub admin: Addr,
    pub billing: BillingLink,
    pub max_batch_size: u32,
    pub max_future_skew_secs: u64,
    pub address_prefix: String,
    // Added with receipts; a config stored before them loads with the defaults.
    pub max_receipt_lines: u32,
    pub accept_v1: bool,
    /// Whether counters may exist in the JSON layout written before the compact one: true for
    /// a config stored before that layout, false from instantiation on.
    pub legacy_counters: bool,
}

/// The billing contract, validated; `code_hash` is empty on vanilla CosmWasm.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct BillingLink {
    pub address: Addr,
    pub code_hash: String,
}

// Read by `state_read.rs` (size).
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Signer {
    pub pubkey: Binary,
    pub attestation_hash: Binary,
    pub mode: SignerMode,
    pub registered_by: Addr,
    pub registered_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    /// Last settled sequence (by batch or receipt); 0 before the first. Kept here so that a batch reads and
    /// writes one entry for the signer.
    pub last_seq: u64,
}

// Every value is JSON, as the first version stored it (`migrate` reads it), written by the JSON
// writer the answers use (`WrittenJson`) and read through the JSON tree (`state_read.rs`).
impl ToJson for Config {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("admin", &self.admin)
            .field("billing", &self.billing)
            .field("max_batch_size", &self.max_batch_size)
            .field("max_future_skew_secs", &self.max_future_skew_secs)
            .field("address_prefix", &self.address_prefix)
            .field("max_receipt_lines", &self.max_receipt_lines)
            .field("accept_v1", &self.accept_v1)
            .field("legacy_counters", &self.legacy_counters)
            .end();
    }
}

impl ToJson for BillingLink {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("address", &self.address)
            .field("code_hash", &self.code_hash)
            .end();
    }
}

impl ToJson for Signer {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("pubkey", &self.pubkey)
            .field("attestation_hash", &self.attestation_hash)
            .field("mode", &self.mode)
            .field("registered_by", &self.registered_by)
            .field("registered_at", &self.registered_at)
            .field("revoked_at", &self.revoked_at)
            .field("last_seq", &self.last_seq)
            .end();
    }
}

pub const CONFIG: Item<Config, WrittenJson> = Item::new("config");
pub const PENDING_ADMIN: Item<Option<Addr>, WrittenJson> = Item::new("pending_admin");

/// Signers by their 33-byte public key.
pub const SIGNERS: Map<[u8], Signer, WrittenJson> = Map::new("signers");
/// Signer public keys in registration order.
pub fn signer_list() -> AppendList<Binary, WrittenJson> {
    AppendList::new("signer_list")
}

/// `true` while allowed; `false` once removed (the address stays in `relayer_list`).
pub const RELAYERS: Map<Addr, bool, WrittenJson> = Map::new("relayers");
pub fn relayer_list() -> AppendList<Addr, WrittenJson> {
    AppendList::new("relayer_list")
}

/// Batch headers; a header's id is its index.
pub fn batches() -> AppendList<BatchHeader, WrittenJson> {
    AppendList::new("batches")
}

/// Receipt headers; a header's id is its index.
pub fn receipts() -> AppendList<ReceiptHeader, WrittenJson> {
    AppendList::new("receipts")
}

/// Sums over every settled answer.
pub const TOTALS: Item<UsageCounters, WrittenJson> = Item::new("totals");

/// The counters, compact layout (`compact.rs`): one record per (org, UTC day) with every
/// bot's sums that day, and one record per org listing its bots. Raw bytes, so not a `Map`
/// (whose values are JSON); keys follow the `Map` layout (length-prefixed namespace), so they
/// cannot collide with any handle's.
const ORG_DAY_BOOK: &[u8] = b"od";
const ORG_BOT_LIST: &[u8] = b"ob";

fn raw_key(namespace: &[u8], key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + namespace.len() + key.len());
    out.extend_from_slice(&(namespace.len() as u16).to_be_bytes());
    out.extend_from_slice(namespace);
    out.extend_from_slice(key);
    out
}

pub fn org_day_key(org: u64, day: u32) -> Vec<u8> {
    let mut key = org.to_be_bytes().to_vec();
    key.extend_from_slice(&day.to_be_bytes());
    raw_key(ORG_DAY_BOOK, &key)
}

pub fn org_bot_list_key(org: u64) -> Vec<u8> {
    raw_key(ORG_BOT_LIST, &org.to_be_bytes())
}

/// The JSON layout of the counters, written before the compact one: never written again,
/// read (and added) for orgs that have counters in it.
pub mod legacy {
    use super::*;

    /// Counters per (org, UTC day).
    pub const ORG_DAY: Map<(u64, u32), UsageCounters> = Map::new("org_day");
    /// Counters per (org, bot, UTC day).
    pub const BOT_DAY: Map<(u64, BotId, u32), UsageCounters> = Map::new("bot_day");
    /// The bots of one org (UUID strings) in order of first usage.
    pub fn org_bots(org_id: u64) -> AppendList<String> {
        AppendList::new("org_bots").suffixed(&org_id)
    }
}

#[cfg(test)]
mod tests {
    use privexbot_shared::cosmwasm_std::{Addr, Binary, Timestamp};

    use super::{BillingLink, Config, Signer};
    use crate::msg::SignerMode;

    // What the JSON writer stores must be what serde stored before it, so every version
    // (and `migrate`) reads the same bytes.
    use privexbot_shared::storage::assert_written_like_serde as same;

    #[test]
    fn stored_values_are_the_json_serde_wrote() {
        for flag in [false, true] {
            same(&Config {
                admin: Addr::unchecked("secret1admin"),
                billing: BillingLink {
                    address: Addr::unchecked("secret1billing"),
                    code_hash: if flag {
                        "ab\"\\c".into()
                    } else {
                        String::new()
                    },
                },
                max_batch_size: u32::MAX,
                max_future_skew_secs: u64::MAX,
                address_prefix: "secret".into(),
                max_receipt_lines: 0,
                accept_v1: flag,
                legacy_counters: !flag,
            });
        }
        for (mode, revoked_at) in [
            (SignerMode::Tee, None),
            (SignerMode::Dev, Some(Timestamp::from_nanos(u64::MAX))),
        ] {
            same(&Signer {
                pubkey: Binary::from(vec![3u8; 33]),
                attestation_hash: Binary::from(vec![0xfe; 32]),
                mode,
                registered_by: Addr::unchecked("secret1admin"),
                registered_at: Timestamp::from_seconds(1_765_000_000),
                revoked_at,
                last_seq: u64::MAX,
            });
        }
        same(&Some(Addr::unchecked("secret1next")));
        same(&None::<Addr>);
        same(&true);
        same(&u64::MAX);
    }
}
