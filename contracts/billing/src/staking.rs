//! Staking native coins to activate a plan instead of paying: stake (delegated to the
//! configured validator, if any), unstake (starts the unbonding cooldown), withdraw after it.
//!
//! Staking rewards belong to the platform: at instantiate (and whenever the treasury changes)
//! the contract sets its distribution withdraw address to the treasury, so rewards paid out
//! automatically on delegate/undelegate, or by `claim_staking_rewards`, never land in the
//! contract and never disturb its accounting.

use privexbot_shared::cosmwasm_std::{
    BankMsg, Coin, CosmosMsg, Deps, DepsMut, DistributionMsg, Env, MessageInfo, Response,
    StakingMsg, Storage, Timestamp, Uint128,
};

use crate::msg::{Asset, PaymentKind, StakeResponse, UnbondingEntry};
use crate::orgs::{load_org, org_owned_by};
use crate::payments::{no_funds, one_coin, record, Payment};
use crate::plans::plan_open_to;
use crate::state::{OrgStake, StakeLedger, Unbonding, CONFIG, STAKES, STAKE_LEDGER};
use crate::ContractError;

/// Bounds the unbonding entries of one org, so that withdrawing costs bounded gas.
pub(crate) const MAX_UNBONDING_ENTRIES: usize = 16;

pub(crate) fn stake_is_active(stake: &OrgStake) -> bool {
    stake.plan_id.is_some() && !stake.amount.is_zero() && stake.amount >= stake.required
}

fn load_ledger(store: &dyn Storage) -> Result<StakeLedger, ContractError> {
    Ok(STAKE_LEDGER.may_load(store)?.unwrap_or_default())
}

fn stake_asset(denom: &str) -> Asset {
    Asset::Native {
        denom: denom.to_string(),
    }
}

pub fn execute_stake(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    org_id: u64,
    plan_id: u64,
) -> Result<Response, ContractError> {
    org_owned_by(deps.storage, org_id, &info.sender)?;
    let plan = plan_open_to(deps.storage, plan_id, org_id)?;
    let required = plan
        .stake_amount
        .ok_or(ContractError::PlanNotStakeable { id: plan_id })?;
    let config = CONFIG.load(deps.storage)?;
    let amount = one_coin(&info, &config.stake_denom)?;

    let mut stake = STAKES.may_load(deps.storage, &org_id)?.unwrap_or_default();
    let total = stake.amount.checked_add(amount)?;
    if total < required {
        return Err(ContractError::InsufficientStake {
            plan_id,
            required,
            total,
        });
    }
    stake.plan_id = Some(plan_id);
    stake.required = required;
    stake.amount = total;
    let mut ledger = load_ledger(deps.storage)?;
    ledger.staked = ledger.staked.checked_add(amount)?;
    let mut response = Response::new();
    if let Some(validator) = &config.validator {
        stake.delegated = stake.delegated.checked_add(amount)?;
        ledger.delegated = ledger.delegated.checked_add(amount)?;
        response = response.add_message(StakingMsg::Delegate {
            validator: validator.clone(),
            amount: Coin {
                denom: config.stake_denom.clone(),
                amount,
            },
        });
    }
    STAKES.save(deps.storage, &org_id, &stake)?;
    STAKE_LEDGER.save(deps.storage, &ledger)?;
    record(
        deps.storage,
        &env,
        org_id,
        Payment {
            kind: PaymentKind::Stake,
            asset: stake_asset(&config.stake_denom),
            amount,
            account: Some(info.sender),
            plan_id: Some(plan_id),
            periods: None,
        },
    )?;
    Ok(response
        .add_attribute("action", "stake")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("plan_id", plan_id.to_string())
        .add_attribute("amount", amount)
        .add_attribute("total", total))
}

pub fn execute_unstake(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    org_id: u64,
    amount: Uint128,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    org_owned_by(deps.storage, org_id, &info.sender)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let config = CONFIG.load(deps.storage)?;
    let mut stake = STAKES.may_load(deps.storage, &org_id)?.unwrap_or_default();
    if amount > stake.amount {
        return Err(ContractError::InsufficientBalance {
            needed: amount,
            available: stake.amount,
        });
    }
    // One unstake adds up to two entries (from holdings, from delegation).
    if stake.unbonding.len() + 2 > MAX_UNBONDING_ENTRIES {
        return Err(ContractError::LimitReached {
            what: "unbonding entries per org".into(),
            max: MAX_UNBONDING_ENTRIES as u64,
        });
    }
    // Undelegated stake leaves first, so that as little as possible waits on the chain.
    let undelegated = stake.amount - stake.delegated;
    let from_delegation = amount.saturating_sub(undelegated);
    let from_holdings = amount - from_delegation;
    let release_at = env
        .block
        .time
        .seconds()
        .checked_add(config.unbonding_seconds)
        .ok_or(ContractError::Overflow {})?;
    stake.amount -= amount;
    stake.delegated -= from_delegation;
    let mut ledger = load_ledger(deps.storage)?;
    ledger.staked = ledger.staked.checked_sub(amount)?;
    ledger.delegated = ledger.delegated.checked_sub(from_delegation)?;
    ledger.unbonding = ledger.unbonding.checked_add(amount)?;
    ledger.unbonding_from_delegation = ledger
        .unbonding_from_delegation
        .checked_add(from_delegation)?;
    for (part, delegated) in [(from_holdings, false), (from_delegation, true)] {
        if !part.is_zero() {
            stake.unbonding.push(Unbonding {
                amount: part,
                release_at,
                from_delegation: delegated,
            });
        }
    }
    let mut response = Response::new();
    if !from_delegation.is_zero() {
        let validator = config
            .validator
            .clone()
            .ok_or(ContractError::NoValidator {})?;
        response = response.add_message(StakingMsg::Undelegate {
            validator,
            amount: Coin {
                denom: config.stake_denom.clone(),
                amount: from_delegation,
            },
        });
    }
    STAKES.save(deps.storage, &org_id, &stake)?;
    STAKE_LEDGER.save(deps.storage, &ledger)?;
    record(
        deps.storage,
        &env,
        org_id,
        Payment {
            kind: PaymentKind::Unstake,
            asset: stake_asset(&config.stake_denom),
            amount,
            account: Some(info.sender),
            plan_id: stake.plan_id,
            periods: None,
        },
    )?;
    Ok(response
        .add_attribute("action", "unstake")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("amount", amount)
        .add_attribute("release_at", release_at.to_string()))
}

pub fn execute_withdraw_unbonded(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    org_id: u64,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let org = org_owned_by(deps.storage, org_id, &info.sender)?;
    let config = CONFIG.load(deps.storage)?;
    let mut stake = STAKES.may_load(deps.storage, &org_id)?.unwrap_or_default();
    let now = env.block.time.seconds();
    let (released, waiting): (Vec<_>, Vec<_>) = stake
        .unbonding
        .into_iter()
        .partition(|u| u.release_at <= now);
    stake.unbonding = waiting;
    let mut amount = Uint128::zero();
    let mut ledger = load_ledger(deps.storage)?;
    for u in &released {
        amount = amount.checked_add(u.amount)?;
        ledger.unbonding = ledger.unbonding.checked_sub(u.amount)?;
        if u.from_delegation {
            ledger.unbonding_from_delegation =
                ledger.unbonding_from_delegation.checked_sub(u.amount)?;
        }
    }
    if amount.is_zero() {
        return Err(ContractError::NothingToWithdraw {});
    }
    STAKES.save(deps.storage, &org_id, &stake)?;
    STAKE_LEDGER.save(deps.storage, &ledger)?;
    record(
        deps.storage,
        &env,
        org_id,
        Payment {
            kind: PaymentKind::StakeWithdrawal,
            asset: stake_asset(&config.stake_denom),
            amount,
            account: Some(org.owner.clone()),
            plan_id: None,
            periods: None,
        },
    )?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: org.owner.to_string(),
            amount: vec![Coin {
                denom: config.stake_denom,
                amount,
            }],
        })
        .add_attribute("action", "withdraw_unbonded")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("amount", amount))
}

pub fn execute_claim_staking_rewards(
    deps: DepsMut,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let validator = config.validator.ok_or(ContractError::NoValidator {})?;
    Ok(Response::new()
        .add_message(DistributionMsg::WithdrawDelegatorReward { validator })
        .add_attribute("action", "claim_staking_rewards")
        .add_attribute("recipient", config.treasury))
}

/// Messages pointing staking rewards at the treasury (nothing without a validator).
pub(crate) fn rewards_to_treasury_msgs(
    validator: &Option<String>,
    treasury: &str,
) -> Vec<CosmosMsg> {
    match validator {
        Some(_) => vec![DistributionMsg::SetWithdrawAddress {
            address: treasury.to_string(),
        }
        .into()],
        None => vec![],
    }
}

pub fn query_stake(deps: Deps, org_id: u64) -> Result<StakeResponse, ContractError> {
    load_org(deps.storage, org_id)?;
    let stake = STAKES.may_load(deps.storage, &org_id)?.unwrap_or_default();
    Ok(StakeResponse {
        org_id,
        active: stake_is_active(&stake),
        plan_id: stake.plan_id,
        amount: stake.amount,
        required: stake.required,
        unbonding: stake
            .unbonding
            .into_iter()
            .map(|u| UnbondingEntry {
                amount: u.amount,
                release_at: Timestamp::from_seconds(u.release_at),
                from_delegation: u.from_delegation,
            })
            .collect(),
    })
}
