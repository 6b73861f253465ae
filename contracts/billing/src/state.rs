//! Typed storage handles and the structs they hold. Nothing here iterates over key ranges
//! (Secret Network has no iterator): lists that must be read whole are kept as explicit
//! indexes (`ORGS_OF_*`, the plan counter, per-org payment history). All of it is stored
//! [`Compact`]: this contract has no `migrate`, so no older encoding is ever read.

use cosmwasm_schema::cw_serde;
use privexbot_shared::cosmwasm_std::{Addr, Storage, Uint128};
use privexbot_shared::storage::{AppendList, Compact, Item, Map};
use privexbot_shared::token::Token;

use crate::msg::{AssetAmount, PaymentEntry, Quotas};

#[cw_serde]
pub struct Config {
    pub admin: Addr,
    pub pending_admin: Option<Addr>,
    pub treasury: Addr,
    pub accepted_tokens: Vec<Token>,
    pub native_denom: Option<String>,
    pub usage_contract: Option<Addr>,
    pub stake_denom: String,
    pub unbonding_seconds: u64,
    pub validator: Option<String>,
    pub address_prefix: String,
    /// Absent in configs stored before the cap existed, which reads as no cap.
    #[serde(default)]
    pub max_orgs_per_creator: Option<u64>,
}

#[cw_serde]
pub struct Org {
    pub name: String,
    pub owner: Addr,
    pub admins: Vec<Addr>,
    pub members: Vec<Addr>,
    pub auditors: Vec<Addr>,
    pub pending_owner: Option<Addr>,
}

#[cw_serde]
pub struct Plan {
    pub name: String,
    /// `price.asset` holds a validated address or the configured native denom.
    pub price: AssetAmount,
    pub period_seconds: u64,
    pub quotas: Quotas,
    pub stake_amount: Option<Uint128>,
    pub restricted_to: Option<Vec<u64>>,
    pub retired: bool,
}

/// The terms a subscription renews at: fixed when bought, so that a later plan update never
/// changes what a running subscription is charged.
#[cw_serde]
pub struct Terms {
    pub plan_id: u64,
    pub price: AssetAmount,
    pub period_seconds: u64,
}

#[cw_serde]
pub struct Subscription {
    pub terms: Terms,
    /// Unix seconds; the plan is active while `paid_until > now`.
    pub paid_until: u64,
    /// Unix seconds: when the current paid period began (the subscription, or the renewal
    /// boundary that started it). An immediate upgrade keeps the period, so it keeps this too.
    /// `None` only on subscriptions stored before it was recorded.
    pub period_start: Option<u64>,
    pub cancel_at_period_end: bool,
    /// Set when the balance could not pay a renewal: the subscription ended at `paid_until`
    /// and only a new `subscribe` starts it again (a later deposit never pays for lapsed time).
    pub lapsed: bool,
    /// A downgrade (or change of asset) taking effect at `paid_until`.
    pub next: Option<Terms>,
}

#[cw_serde]
pub struct Unbonding {
    pub amount: Uint128,
    /// Unix seconds after which the owner may withdraw.
    pub release_at: u64,
    /// Whether these coins were delegated (and so come back from the chain after unbonding).
    pub from_delegation: bool,
}

#[cw_serde]
#[derive(Default)]
pub struct OrgStake {
    pub plan_id: Option<u64>,
    pub amount: Uint128,
    /// Part of `amount` delegated to the validator.
    pub delegated: Uint128,
    /// The plan's stake amount when staked.
    pub required: Uint128,
    pub unbonding: Vec<Unbonding>,
}

/// What the contract owes in one payment asset.
#[cw_serde]
#[derive(Default)]
pub struct AssetLedger {
    pub org_balances: Uint128,
    pub revenue: Uint128,
}

#[cw_serde]
#[derive(Default)]
pub struct StakeLedger {
    pub staked: Uint128,
    pub delegated: Uint128,
    pub unbonding: Uint128,
    pub unbonding_from_delegation: Uint128,
}

pub const CONFIG: Item<Config, Compact> = Item::new("config");

/// Last org id handed out; ids start at 1.
pub const ORG_COUNT: Item<u64, Compact> = Item::new("org_count");
pub const ORGS: Map<u64, Org, Compact> = Map::new("orgs");
/// Explicit index of the orgs in which an address has any relation, kept exact on removal:
/// how many, the org id at each position, and each org's position (see `orgs::reindex`).
pub const ORGS_OF_COUNT: Map<Addr, u64, Compact> = Map::new("orgs_of_count");
pub const ORGS_OF_AT: Map<(Addr, u64), u64, Compact> = Map::new("orgs_of_at");
pub const ORGS_OF_POS: Map<(Addr, u64), u64, Compact> = Map::new("orgs_of_pos");
/// How many orgs each address has created: only ever grows, so neither handing an org away
/// nor losing a role frees room under the cap.
pub const ORGS_CREATED_BY: Map<Addr, u64, Compact> = Map::new("orgs_created_by");

/// Last plan id handed out; ids start at 1, so plans are listed by counting.
pub const PLAN_COUNT: Item<u64, Compact> = Item::new("plan_count");
pub const PLANS: Map<u64, Plan, Compact> = Map::new("plans");

pub const SUBSCRIPTIONS: Map<u64, Subscription, Compact> = Map::new("subscriptions");
/// Prepaid balance per (org, asset key).
pub const BALANCES: Map<(u64, String), Uint128, Compact> = Map::new("balances");
/// Asset keys in which an org ever held a balance, so balances can be listed.
pub const BALANCE_ASSETS: Map<u64, Vec<String>, Compact> = Map::new("balance_assets");
pub const STAKES: Map<u64, OrgStake, Compact> = Map::new("stakes");

/// Per asset key: the sum of org balances and the unwithdrawn revenue.
pub const LEDGER: Map<String, AssetLedger, Compact> = Map::new("ledger");
pub const STAKE_LEDGER: Item<StakeLedger, Compact> = Item::new("stake_ledger");

/// Append-only payment history of one org.
pub fn history(org_id: u64) -> AppendList<PaymentEntry, Compact> {
    AppendList::new("history").suffixed(&org_id)
}

pub fn load_ledger(
    store: &dyn Storage,
    asset_key: &str,
) -> privexbot_shared::cosmwasm_std::StdResult<AssetLedger> {
    Ok(LEDGER
        .may_load(store, &asset_key.to_string())?
        .unwrap_or_default())
}
