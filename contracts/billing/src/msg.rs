//! The billing contract's API: every message it accepts and every response it returns.
//! Other contracts (usage) and the TypeScript package (schema/) depend on these shapes.

use cosmwasm_schema::schemars::JsonSchema;
use cosmwasm_schema::serde::Serialize;
use cosmwasm_schema::{cw_serde, QueryResponses};
use privexbot_shared::cosmwasm_std::{Addr, Timestamp, Uint128};
use privexbot_shared::permit::Permit;
use privexbot_shared::token::{Token, TokenInput, TokenReceiveMsg};

// Read by `msg_read.rs`, not by a derived `Deserialize` (size).
#[derive(Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "snake_case",
    crate = "::cosmwasm_schema::serde"
)]
#[schemars(crate = "::cosmwasm_schema::schemars")]
pub struct InstantiateMsg {
    /// Operator of the contract (plans, revenue). Defaults to the instantiator.
    pub admin: Option<String>,
    /// Where revenue withdrawals and staking rewards go.
    pub treasury: String,
    /// Payment tokens (address, plus code hash on Secret Network).
    pub accepted_tokens: Vec<TokenInput>,
    /// Native denom accepted as payment (for example `uscrt`), if any.
    pub native_denom: Option<String>,
    /// The usage contract, if already deployed (see `update_config`).
    pub usage_contract: Option<String>,
    pub staking: StakingSettings,
    /// Bech32 prefix of account addresses, used to derive a permit signer's address.
    /// Defaults to the prefix of this contract's own address.
    pub address_prefix: Option<String>,
    /// How many orgs one address may ever create (at least 1); `None`: no cap. Counted per
    /// creator, so handing orgs away frees nothing.
    pub max_orgs_per_creator: Option<u64>,
}

#[cw_serde]
pub struct StakingSettings {
    /// Denom that can be staked to activate a plan (`uscrt`).
    pub stake_denom: String,
    /// Cooldown between `unstake` and `withdraw_unbonded`. With a validator it must be at least
    /// the chain's unbonding time (21 days on Secret Network), so the coins are back in time.
    pub unbonding_seconds: u64,
    /// Validator to which staked coins are delegated; `None` keeps them in the contract.
    pub validator: Option<String>,
}

/// What a price, balance or payment is denominated in.
#[cw_serde]
#[derive(Eq, PartialOrd, Ord)]
pub enum Asset {
    /// A CW20 / SNIP-20 token contract (one of the accepted tokens).
    Token { address: String },
    /// A native coin.
    Native { denom: String },
}

#[cw_serde]
pub struct AssetAmount {
    pub asset: Asset,
    pub amount: Uint128,
}

/// Per-period limits of a plan; `None` is unlimited.
#[cw_serde]
#[derive(Default)]
pub struct Quotas {
    pub messages: Option<u64>,
    pub bots: Option<u64>,
    pub knowledge_bytes: Option<u64>,
}

#[cw_serde]
pub struct PlanInput {
    pub name: String,
    /// Price of one period (may be zero for a free plan).
    pub price: AssetAmount,
    pub period_seconds: u64,
    pub quotas: Quotas,
    /// Staking at least this much of the stake denom activates the plan instead of paying.
    pub stake_amount: Option<Uint128>,
    /// Only these orgs may subscribe (enterprise deals); `None` is everyone.
    pub restricted_to: Option<Vec<u64>>,
}

/// A role an org's owner (or its admins, for members and auditors) can give an address.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum Role {
    Admin,
    Member,
    Auditor,
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
    /// Token callback after a `Send`; its inner `msg` is a [`ReceiveMsg`].
    Receive(TokenReceiveMsg),

    // ---- contract administration (admin only)
    UpdateConfig {
        treasury: Option<String>,
        usage_contract: Option<String>,
        /// A new per-creator org cap (at least 1); it applies to the next `create_org`, and
        /// an address already at or above it creates no more.
        max_orgs_per_creator: Option<u64>,
    },
    AddAcceptedToken {
        token: TokenInput,
    },
    /// First step of an admin transfer; the new admin must `accept_admin`.
    ProposeAdmin {
        admin: String,
    },
    AcceptAdmin {},

    // ---- organizations
    /// Anyone; the sender becomes the owner. The new id is in the `org_id` attribute and, as
    /// JSON, in the response data.
    CreateOrg {
        name: String,
    },
    /// Owner or admin.
    RenameOrg {
        org_id: u64,
        name: String,
    },
    /// Admin roles: owner only. Member and auditor roles: owner or admin.
    AddOrgRole {
        org_id: u64,
        role: Role,
        address: String,
    },
    RemoveOrgRole {
        org_id: u64,
        role: Role,
        address: String,
    },
    /// Owner only; replaces any earlier proposal.
    ProposeOrgOwner {
        org_id: u64,
        new_owner: String,
    },
    /// The proposed owner only.
    AcceptOrgOwnership {
        org_id: u64,
    },

    // ---- plans (admin only)
    /// The new id is in the `plan_id` attribute and, as JSON, in the response data.
    CreatePlan {
        plan: PlanInput,
    },
    /// Applies to new subscriptions, plan changes and new stakes; running subscriptions keep
    /// the price and period they were bought at.
    UpdatePlan {
        plan_id: u64,
        plan: PlanInput,
    },
    /// No new subscriptions or stakes; running ones continue.
    RetirePlan {
        plan_id: u64,
    },

    // ---- subscriptions (native funds; token payments go through `receive`)
    /// Owner or admin. Attached funds (if any) are deposited first; the balance must then
    /// cover `periods` periods; the first is charged now.
    Subscribe {
        org_id: u64,
        plan_id: u64,
        periods: u32,
    },
    /// Anyone may top up an org's prepaid balance with one native coin.
    Deposit {
        org_id: u64,
    },
    /// Owner or admin: no renewal at the end of the paid period.
    CancelSubscription {
        org_id: u64,
    },
    /// Owner or admin: undoes a cancellation while the period is still paid.
    ResumeSubscription {
        org_id: u64,
    },
    /// Owner or admin. See the proration rule in the README.
    ChangePlan {
        org_id: u64,
        plan_id: u64,
    },
    /// Owner only: sends unused prepaid balance to the owner (all of it when `amount` is None).
    WithdrawBalance {
        org_id: u64,
        asset: Asset,
        amount: Option<Uint128>,
    },

    // ---- staking (native stake denom)
    /// Owner only: stake attached coins for a plan with a stake amount.
    Stake {
        org_id: u64,
        plan_id: u64,
    },
    /// Owner only: starts the unbonding cooldown for `amount`.
    Unstake {
        org_id: u64,
        amount: Uint128,
    },
    /// Owner only: sends every unbonded entry whose cooldown is over to the owner.
    WithdrawUnbonded {
        org_id: u64,
    },
    /// Anyone: withdraws delegation rewards, which go to the treasury.
    ClaimStakingRewards {},

    // ---- revenue (admin only)
    /// Sends collected payments to the treasury (all of it when `amount` is None).
    WithdrawRevenue {
        asset: Asset,
        amount: Option<Uint128>,
    },

    // ---- private queries (same messages as the usage contract)
    /// Sets the sender's viewing key for private queries.
    SetViewingKey {
        key: String,
        padding: Option<String>,
    },
    /// Creates a random viewing key for the sender; returned in the response data as a
    /// [`ViewingKeyResponse`].
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
pub enum BillingPermission {
    /// Read the subscriptions, balances, stakes and payments of the orgs where the signer is
    /// owner, admin or auditor.
    Billing,
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
    Permit(Permit<BillingPermission>),
}

/// Data of a `create_viewing_key` response.
#[cw_serde]
pub struct ViewingKeyResponse {
    pub key: String,
}

/// The `msg` attached to a token `Send` to this contract.
// Read by `msg_read.rs`, not by a derived `Deserialize` (size).
#[derive(Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "snake_case",
    crate = "::cosmwasm_schema::serde"
)]
#[schemars(crate = "::cosmwasm_schema::schemars")]
pub enum ReceiveMsg {
    /// As [`ExecuteMsg::Subscribe`], paid with the sent tokens.
    Subscribe {
        org_id: u64,
        plan_id: u64,
        periods: u32,
    },
    /// As [`ExecuteMsg::Deposit`].
    Deposit { org_id: u64 },
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
    #[returns(OrgResponse)]
    Org { id: u64 },
    /// The org, or `org: null` when this contract never created one with this id. A typed
    /// answer rather than the `org_not_found` error, so that a platform mirroring orgs can
    /// tell "this contract says the org does not exist" from any failure on the way (wrong
    /// address, node not synced, proxy errors), which must never read as "gone".
    #[returns(FindOrgResponse)]
    FindOrg { id: u64 },
    /// Orgs in which the address is owner, pending owner, admin, member or auditor, from
    /// index `start` (default 0), at most `limit` (default 30, max 100). The order is not
    /// meaningful: removing an org moves the last one into its place.
    #[returns(OrgsOfResponse)]
    OrgsOf {
        address: String,
        start: Option<u64>,
        limit: Option<u32>,
    },
    #[returns(PlanResponse)]
    Plan { id: u64 },
    /// Active plans, plus retired ones when `include_retired`.
    #[returns(PlansResponse)]
    Plans { include_retired: Option<bool> },
    /// Public: whether the org has an active plan, which, and its quotas (no amounts, no
    /// dates), so that the platform can enforce quotas without holding a key of every org.
    #[returns(OrgPlanResponse)]
    OrgPlan { org_id: u64 },
    /// Private (owner, admin or auditor): state as of the current block (renewals due by now
    /// are applied).
    #[returns(SubscriptionResponse)]
    Subscription { org_id: u64, auth: QueryAuth },
    /// Private: payments, oldest first, from index `start` (default 0), at most `limit`
    /// (default 30, max 100).
    #[returns(PaymentHistoryResponse)]
    PaymentHistory {
        org_id: u64,
        start: Option<u64>,
        limit: Option<u32>,
        auth: QueryAuth,
    },
    /// Private: the org's stake and unbonding entries.
    #[returns(StakeResponse)]
    Stake { org_id: u64, auth: QueryAuth },
    /// What the contract owes, per asset: for audits of its holdings.
    #[returns(TotalsResponse)]
    Totals {},
}

#[cw_serde]
pub struct ConfigResponse {
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
    pub max_orgs_per_creator: Option<u64>,
}

/// Fixed by agreement with the usage contract, which reads `owner`, `admins` and `auditors`.
#[cw_serde]
pub struct OrgResponse {
    pub id: u64,
    pub name: String,
    pub owner: Addr,
    pub admins: Vec<Addr>,
    pub members: Vec<Addr>,
    pub auditors: Vec<Addr>,
    pub pending_owner: Option<Addr>,
}

#[cw_serde]
pub struct FindOrgResponse {
    pub org: Option<OrgResponse>,
    /// How many orgs this contract has created (ids run from 1 to this).
    pub org_count: u64,
}

#[cw_serde]
pub struct OrgsOfResponse {
    pub orgs: Vec<OrgMembership>,
    /// How many orgs the address has in all.
    pub total: u64,
}

#[cw_serde]
pub struct OrgMembership {
    pub org_id: u64,
    pub name: String,
    pub is_owner: bool,
    pub is_pending_owner: bool,
    pub roles: Vec<Role>,
}

#[cw_serde]
pub struct PlanResponse {
    pub id: u64,
    pub name: String,
    pub price: AssetAmount,
    pub period_seconds: u64,
    pub quotas: Quotas,
    pub stake_amount: Option<Uint128>,
    pub restricted_to: Option<Vec<u64>>,
    pub retired: bool,
}

#[cw_serde]
pub struct PlansResponse {
    pub plans: Vec<PlanResponse>,
}

/// How an org's plan is active.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum ActiveVia {
    Payment,
    Stake,
}

#[cw_serde]
pub struct OrgPlanResponse {
    pub org_id: u64,
    pub active: bool,
    pub plan_id: Option<u64>,
    pub via: Option<ActiveVia>,
    pub quotas: Option<Quotas>,
}

#[cw_serde]
pub struct SubscriptionResponse {
    pub org_id: u64,
    /// Whether any plan is active now (paid, or staked).
    pub active: bool,
    /// The plan in force: the paid one while paid, else the staked one.
    pub plan_id: Option<u64>,
    pub via: Option<ActiveVia>,
    pub quotas: Option<Quotas>,
    /// The paid subscription, if the org ever had one.
    pub paid: Option<PaidSubscription>,
    /// Prepaid balances, one per asset the org ever deposited.
    pub balances: Vec<AssetAmount>,
    /// What the next renewal will charge (None when cancelled or lapsed).
    pub next_renewal: Option<AssetAmount>,
    /// Whether the balance pays that renewal.
    pub covers_next_renewal: bool,
}

#[cw_serde]
pub struct PaidSubscription {
    pub plan_id: u64,
    /// Price and period this subscription renews at (fixed when bought).
    pub price: AssetAmount,
    pub period_seconds: u64,
    /// When the current paid period began: at the subscription, at each renewal boundary
    /// (where a scheduled plan change takes effect), and unchanged by an immediate upgrade.
    /// Usage quotas count from here to `paid_until`.
    pub period_start: Timestamp,
    pub paid_until: Timestamp,
    pub active: bool,
    pub cancel_at_period_end: bool,
    /// The balance did not cover a renewal, so the subscription ended at `paid_until`.
    pub lapsed: bool,
    /// A downgrade waiting for the end of the paid period.
    pub next_plan_id: Option<u64>,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum PaymentKind {
    Deposit,
    /// First period of a new subscription.
    Subscribe,
    /// Periods renewed from the prepaid balance (`periods` tells how many).
    Renewal,
    /// Prorated charge of an immediate upgrade.
    PlanChange,
    /// Unused balance sent back to the owner.
    Withdrawal,
    Stake,
    Unstake,
    /// Unbonded stake sent back to the owner.
    StakeWithdrawal,
}

#[cw_serde]
pub struct PaymentEntry {
    pub kind: PaymentKind,
    pub asset: Asset,
    pub amount: Uint128,
    /// Who paid (deposits) or received (withdrawals).
    pub account: Option<Addr>,
    pub plan_id: Option<u64>,
    pub periods: Option<u64>,
    pub time: Timestamp,
    pub height: u64,
}

#[cw_serde]
pub struct PaymentHistoryResponse {
    pub entries: Vec<PaymentEntry>,
    /// Length of the whole history.
    pub total: u64,
}

#[cw_serde]
pub struct StakeResponse {
    pub org_id: u64,
    pub plan_id: Option<u64>,
    /// Staked and not unstaked.
    pub amount: Uint128,
    /// The stake amount the plan required when staked.
    pub required: Uint128,
    /// Whether `amount` activates the plan.
    pub active: bool,
    pub unbonding: Vec<UnbondingEntry>,
}

#[cw_serde]
pub struct UnbondingEntry {
    pub amount: Uint128,
    pub release_at: Timestamp,
    /// Whether the coins were delegated: they then come back from the chain's unbonding.
    pub from_delegation: bool,
}

#[cw_serde]
pub struct TotalsResponse {
    /// Per payment asset: prepaid balances of all orgs and revenue not yet withdrawn.
    pub assets: Vec<AssetTotals>,
    pub stake_denom: String,
    /// Stakes not yet unstaked (delegated or not).
    pub staked: Uint128,
    /// Part of `staked` delegated to the validator.
    pub delegated: Uint128,
    /// Unstaked, waiting for withdrawal.
    pub unbonding: Uint128,
    /// Part of `unbonding` that was delegated (returned by the chain after its unbonding time).
    pub unbonding_from_delegation: Uint128,
}

#[cw_serde]
pub struct AssetTotals {
    pub asset: Asset,
    pub org_balances: Uint128,
    pub revenue: Uint128,
}
