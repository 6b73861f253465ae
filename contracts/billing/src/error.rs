use privexbot_shared::cosmwasm_std::{StdError, Uint128};
use privexbot_shared::json_writer::quoted;
use privexbot_shared::permit::PermitError;
use privexbot_shared::token::TokenError;
use thiserror::Error;

/// Every way a billing message can fail. Each variant is one domain failure, so that callers
/// (and tests) can tell them apart.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Token(#[from] TokenError),

    #[error("{0}")]
    Permit(#[from] PermitError),

    #[error("unauthorized")]
    Unauthorized {},

    #[error("wrong viewing key for {address}")]
    InvalidViewingKey { address: String },

    #[error("the permit does not grant the billing permission")]
    PermitMissingPermission {},

    #[error("{address} may not read org {org_id}: owner, admins and auditors only")]
    NotAllowedToRead { address: String, org_id: u64 },

    #[error("invalid address {}", quoted(.address))]
    InvalidAddress { address: String },

    #[error("invalid name: {reason}")]
    InvalidName { reason: String },

    #[error("invalid {field}: {reason}")]
    InvalidValue { field: String, reason: String },

    #[error("arithmetic overflow")]
    Overflow {},

    #[error("no pending proposal to accept")]
    NoPendingProposal {},

    #[error("{owner} has already created {cap} orgs, the most one address may create")]
    OrgCreationCapReached { owner: String, cap: u64 },

    #[error("org {id} not found")]
    OrgNotFound { id: u64 },

    #[error("{address} already has role {role} in org {org_id}")]
    RoleAlreadyGranted {
        org_id: u64,
        role: String,
        address: String,
    },

    #[error("{address} does not have role {role} in org {org_id}")]
    RoleNotGranted {
        org_id: u64,
        role: String,
        address: String,
    },

    #[error("too many entries: {what} is limited to {max}")]
    LimitReached { what: String, max: u64 },

    #[error("plan {id} not found")]
    PlanNotFound { id: u64 },

    #[error("plan {id} is retired")]
    PlanRetired { id: u64 },

    #[error("plan {plan_id} is not offered to org {org_id}")]
    PlanNotOffered { plan_id: u64, org_id: u64 },

    #[error("plan {id} cannot be activated by staking")]
    PlanNotStakeable { id: u64 },

    #[error("asset {asset} is not accepted for payment")]
    AssetNotAccepted { asset: String },

    #[error("token {address} is already accepted")]
    TokenAlreadyAccepted { address: String },

    #[error("this message needs funds")]
    NoFunds {},

    #[error("send exactly one coin of {denom}")]
    WrongFunds { denom: String },

    #[error("this message takes no funds")]
    UnexpectedFunds {},

    #[error("amount must be greater than zero")]
    ZeroAmount {},

    #[error("paid {paid} but plan {plan_id} is priced in {expected}")]
    WrongAsset {
        plan_id: u64,
        expected: String,
        paid: String,
    },

    #[error("insufficient balance: {needed} needed, {available} available")]
    InsufficientBalance { needed: Uint128, available: Uint128 },

    #[error("org {org_id} already has an active subscription: use change_plan or deposit")]
    AlreadySubscribed { org_id: u64 },

    #[error("org {org_id} has no active paid subscription")]
    NoActiveSubscription { org_id: u64 },

    #[error("org {org_id} is already on plan {plan_id}")]
    SamePlan { org_id: u64, plan_id: u64 },

    #[error("stake of {total} is below the {required} plan {plan_id} requires")]
    InsufficientStake {
        plan_id: u64,
        required: Uint128,
        total: Uint128,
    },

    #[error("nothing to withdraw")]
    NothingToWithdraw {},

    #[error("no validator is configured")]
    NoValidator {},

    #[error("the receive callback needs a msg")]
    MissingReceiveMsg {},
}

impl ContractError {
    pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Self {
        ContractError::InvalidValue {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

impl From<privexbot_shared::cosmwasm_std::OverflowError> for ContractError {
    fn from(_: privexbot_shared::cosmwasm_std::OverflowError) -> Self {
        ContractError::Overflow {}
    }
}
