//! The usage contract's API: every message and response, for both targets (same JSON).

use cosmwasm_schema::schemars::JsonSchema;
use cosmwasm_schema::{cw_serde, QueryResponses};

use privexbot_shared::cosmwasm_std::{Addr, Binary, Timestamp, Uint128, Uint64};
use privexbot_shared::permit::Permit;
use serde::Serialize;

/// Longest allowed day range in a usage query (inclusive of both ends).
pub const MAX_DAY_SPAN: u32 = 366;
/// Default and ceiling of `max_batch_size`.
pub const DEFAULT_MAX_BATCH_SIZE: u32 = 200;
pub const MAX_BATCH_SIZE_CEILING: u32 = 1_000;
/// Default allowed clock skew between an attestation's `ts` and the block time, in seconds.
pub const DEFAULT_MAX_FUTURE_SKEW_SECS: u64 = 300;
/// Default and ceiling of `max_receipt_lines`: each line costs a few counter writes, so the
/// ceiling keeps one receipt well inside a block's gas.
pub const DEFAULT_MAX_RECEIPT_LINES: u32 = 1_000;
pub const MAX_RECEIPT_LINES_CEILING: u32 = 5_000;
/// Default and ceiling of a page of batch headers, receipt headers, signers or bots.
pub const DEFAULT_PAGE_LIMIT: u32 = 30;
pub const MAX_PAGE_LIMIT: u32 = 100;

/// The billing contract, whose `{"org":{"id":..}}` query says who may read an org's usage.
#[cw_serde]
pub struct BillingContract {
    pub address: String,
    /// Required on Secret Network (every contract call carries the callee's code hash);
    /// ignored on vanilla CosmWasm.
    pub code_hash: Option<String>,
}

/// Moves a deployed contract onto this code (wasmd `MsgMigrateContract` by the contract's chain
/// admin). Nothing is converted: counters of the JSON layout stay readable where they are
/// (README, "Storage").
// Read by `msg_read.rs`, not by a derived `Deserialize` (size).
#[derive(Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields, crate = "::cosmwasm_schema::serde")]
#[schemars(crate = "::cosmwasm_schema::schemars")]
pub struct MigrateMsg {}

// Read by `msg_read.rs`, not by a derived `Deserialize` (size).
#[derive(Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields, crate = "::cosmwasm_schema::serde")]
#[schemars(crate = "::cosmwasm_schema::schemars")]
pub struct InstantiateMsg {
    /// Defaults to the sender.
    pub admin: Option<String>,
    pub billing: BillingContract,
    #[serde(default)]
    pub relayers: Vec<String>,
    /// Defaults to 200; at most 1000.
    pub max_batch_size: Option<u32>,
    /// Defaults to 300 seconds.
    pub max_future_skew_secs: Option<u64>,
    /// Bech32 prefix of account addresses, used to derive a permit signer's address.
    /// Defaults to the prefix of this contract's own address.
    pub address_prefix: Option<String>,
    /// Most lines in one receipt. Defaults to 1000; at most 5000.
    pub max_receipt_lines: Option<u32>,
}

#[cw_serde]
pub enum SignerMode {
    /// The key lives in a TEE whose attestation report hashes to `attestation_hash`.
    Tee,
    /// A development key with no TEE behind it; auditors should treat its counts as unproven.
    Dev,
}

// Read by `msg_read.rs`, not by a derived `Deserialize` (size).
#[derive(Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "snake_case",
    crate = "::cosmwasm_schema::serde"
)]
#[schemars(crate = "::cosmwasm_schema::schemars")]
pub enum ExecuteMsg {
    /// Allowed relayers only. Each element of `attestations` is base64 of a wire record
    /// (README: "In a submit_batch message"); the i-th record has `seq = first_seq + i`.
    SubmitBatch {
        /// 33-byte compressed secp256k1 public key of a registered signer.
        signer: Binary,
        first_seq: Uint64,
        attestations: Vec<Binary>,
    },
    /// Allowed relayers only: settles the signer's range `first_seq..=last_seq` with one
    /// gateway signature over its per-(org, bot, day) sums (README: "Usage receipt, version 2").
    SubmitReceipt {
        /// 33-byte compressed secp256k1 public key of a registered signer.
        signer: Binary,
        first_seq: Uint64,
        last_seq: Uint64,
        /// 32 bytes: Merkle root of the range's attestation hashes in seq order.
        root: Binary,
        /// The packed 52-byte lines, sorted strictly by (org, bot bytes, day).
        lines: Binary,
        /// 64-byte compact low-S secp256k1 signature over the receipt hash.
        signature: Binary,
    },
    /// Admin only.
    RegisterSigner {
        pubkey: Binary,
        /// 32 bytes: SHA-256 of the TEE attestation report (of anything identifying the
        /// dev machine in `dev` mode).
        attestation_hash: Binary,
        mode: SignerMode,
    },
    /// Admin only. A revoked key can never be registered again.
    RevokeSigner { pubkey: Binary },
    /// Admin only.
    AddRelayer { address: String },
    /// Admin only.
    RemoveRelayer { address: String },
    /// Admin only; fields left out keep their value.
    UpdateConfig {
        billing: Option<BillingContract>,
        max_batch_size: Option<u32>,
        max_future_skew_secs: Option<u64>,
        max_receipt_lines: Option<u32>,
        /// `false` retires v1 (`submit_batch`) for good: settlement then takes receipts only.
        accept_v1: Option<bool>,
    },
    /// Admin only: proposes a new admin, who becomes admin with `accept_admin`.
    TransferAdmin { new_admin: String },
    /// The proposed admin only.
    AcceptAdmin {},
    /// Sets the sender's viewing key for private queries.
    SetViewingKey {
        key: String,
        padding: Option<String>,
    },
    /// Creates a random viewing key for the sender; returned in the response data.
    CreateViewingKey {
        entropy: String,
        padding: Option<String>,
    },
    /// Revokes one of the sender's query permits, by name.
    RevokePermit {
        permit_name: String,
        padding: Option<String>,
    },
}

/// What a query permit for this contract may be used for.
#[cw_serde]
pub enum UsagePermission {
    /// Read the usage of the orgs where the signer is owner, admin or auditor.
    Usage,
    /// Everything the signer may read (SNIP-24's conventional "owner").
    Owner,
}

/// How a private query proves who asks: a viewing key set with `set_viewing_key` /
/// `create_viewing_key`, or a SNIP-24 query permit signed by the account.
#[cw_serde]
pub enum QueryAuth {
    ViewingKey {
        address: String,
        key: String,
    },
    /// The permit itself: `{"permit": {"params": ..., "signature": ...}}`.
    Permit(Permit<UsagePermission>),
}

// Read by `msg_read.rs`, not by a derived `Deserialize` (size).
#[derive(Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "snake_case",
    crate = "::cosmwasm_schema::serde"
)]
#[schemars(crate = "::cosmwasm_schema::schemars")]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(SignerResponse)]
    Signer { pubkey: Binary },
    /// Registered signers in registration order.
    #[returns(SignersResponse)]
    Signers {
        start: Option<u64>,
        limit: Option<u32>,
    },
    /// Public: the last sequence accepted for a signer (0 before its first batch).
    #[returns(LastSeqResponse)]
    LastSeq { signer: Binary },
    #[returns(RelayersResponse)]
    Relayers {},
    /// Public: one batch header by id (ids start at 0 and are consecutive).
    #[returns(BatchHeader)]
    Batch { id: u64 },
    /// Public: batch headers with ids `start..start+limit`.
    #[returns(BatchesResponse)]
    Batches {
        start: Option<u64>,
        limit: Option<u32>,
    },
    /// Public: one receipt header by id (ids start at 0 and are consecutive).
    #[returns(ReceiptHeader)]
    Receipt { id: u64 },
    /// Public: receipt headers with ids `start..start+limit`.
    #[returns(ReceiptsResponse)]
    Receipts {
        start: Option<u64>,
        limit: Option<u32>,
    },
    /// Public: sums over every settled answer (batches and receipts).
    #[returns(TotalsResponse)]
    Totals {},
    /// Private: an org's counters for each UTC day `from_day..=to_day` (day = unix seconds /
    /// 86400), at most 366 days.
    #[returns(UsageResponse)]
    OrgUsage {
        org_id: u64,
        from_day: u32,
        to_day: u32,
        auth: QueryAuth,
    },
    /// Private: the same for one bot (a UUID string) of the org.
    #[returns(UsageResponse)]
    BotUsage {
        org_id: u64,
        bot: String,
        from_day: u32,
        to_day: u32,
        auth: QueryAuth,
    },
    /// Private: the bots of an org that have usage, in order of first appearance.
    #[returns(OrgBotsResponse)]
    OrgBots {
        org_id: u64,
        start: Option<u64>,
        limit: Option<u32>,
        auth: QueryAuth,
    },
}

#[cw_serde]
pub struct ConfigResponse {
    pub admin: Addr,
    pub pending_admin: Option<Addr>,
    pub billing: BillingContract,
    pub max_batch_size: u32,
    pub max_future_skew_secs: u64,
    pub address_prefix: String,
    pub max_receipt_lines: u32,
    pub accept_v1: bool,
}

#[cw_serde]
pub struct SignerResponse {
    pub pubkey: Binary,
    pub attestation_hash: Binary,
    pub mode: SignerMode,
    pub registered_by: Addr,
    pub registered_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub last_seq: Uint64,
}

#[cw_serde]
pub struct SignersResponse {
    pub signers: Vec<SignerResponse>,
    pub total: u64,
}

#[cw_serde]
pub struct LastSeqResponse {
    pub signer: Binary,
    pub last_seq: Uint64,
}

#[cw_serde]
pub struct RelayersResponse {
    pub relayers: Vec<Addr>,
}

/// What the chain keeps of a batch: enough for an auditor holding the batch's attestations
/// to recompute the Merkle root and the sums.
// Read by `state_read.rs`, not by a derived `Deserialize` (size).
#[derive(Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields, crate = "::cosmwasm_schema::serde")]
#[schemars(crate = "::cosmwasm_schema::schemars")]
pub struct BatchHeader {
    pub id: u64,
    pub signer: Binary,
    pub first_seq: Uint64,
    pub last_seq: Uint64,
    pub count: u32,
    /// README: "Batch Merkle root".
    pub merkle_root: Binary,
    pub time: Timestamp,
    pub height: u64,
    pub relayer: Addr,
    pub prompt_tokens: Uint128,
    pub completion_tokens: Uint128,
}

#[cw_serde]
pub struct BatchesResponse {
    pub batches: Vec<BatchHeader>,
    /// Number of batches ever stored (the next id).
    pub total: u64,
}

/// What the chain keeps of a receipt: with the published signed receipt and the range's
/// attestation hashes, an auditor checks the signature, the root and every line's sums.
// Read by `state_read.rs`, not by a derived `Deserialize` (size).
#[derive(Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields, crate = "::cosmwasm_schema::serde")]
#[schemars(crate = "::cosmwasm_schema::schemars")]
pub struct ReceiptHeader {
    pub id: u64,
    pub signer: Binary,
    pub first_seq: Uint64,
    pub last_seq: Uint64,
    /// Answers settled: `last_seq - first_seq + 1`, the lines' message sum.
    pub answers: Uint64,
    pub lines: u32,
    pub root: Binary,
    /// SHA-256 of the receipt's canonical bytes, the digest the gateway signed.
    pub receipt_hash: Binary,
    pub time: Timestamp,
    pub height: u64,
    pub relayer: Addr,
    pub prompt_tokens: Uint128,
    pub completion_tokens: Uint128,
}

#[cw_serde]
pub struct ReceiptsResponse {
    pub receipts: Vec<ReceiptHeader>,
    /// Number of receipts ever stored (the next id).
    pub total: u64,
}

// Read by `state_read.rs`, not by a derived `Deserialize` (size).
#[derive(Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields, crate = "::cosmwasm_schema::serde")]
#[schemars(crate = "::cosmwasm_schema::schemars")]
#[derive(Default)]
pub struct UsageCounters {
    pub messages: Uint64,
    pub prompt_tokens: Uint128,
    pub completion_tokens: Uint128,
}

#[cw_serde]
pub struct TotalsResponse {
    pub batches: u64,
    pub receipts: u64,
    pub counters: UsageCounters,
}

#[cw_serde]
pub struct DayUsage {
    pub day: u32,
    pub counters: UsageCounters,
}

#[cw_serde]
pub struct UsageResponse {
    pub org_id: u64,
    /// Set for `bot_usage`.
    pub bot: Option<String>,
    /// Only the days with usage, in increasing order.
    pub days: Vec<DayUsage>,
    /// Sum over the requested range.
    pub total: UsageCounters,
}

#[cw_serde]
pub struct OrgBotsResponse {
    pub org_id: u64,
    pub bots: Vec<String>,
    pub total: u64,
}

/// Data of a `create_viewing_key` response.
#[cw_serde]
pub struct ViewingKeyResponse {
    pub key: String,
}
