//! Platform revenue: the admin sends collected payments to the treasury, and the totals that
//! let anyone check the contract's holdings against what it owes.

use privexbot_shared::cosmwasm_std::{Deps, DepsMut, MessageInfo, Response, Uint128};

use crate::access::only_admin;
use crate::msg::{Asset, AssetTotals, TotalsResponse};
use crate::payments::{accepted_assets, asset_key, no_funds, send, validate_asset};
use crate::state::{load_ledger, CONFIG, LEDGER, STAKE_LEDGER};
use crate::ContractError;

pub fn execute_withdraw_revenue(
    deps: DepsMut,
    info: MessageInfo,
    asset: Asset,
    amount: Option<Uint128>,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let config = only_admin(deps.storage, &info)?;
    let asset = validate_asset(deps.api, &config, &asset)?;
    let key = asset_key(&asset);
    let mut ledger = load_ledger(deps.storage, &key)?;
    let amount = match amount {
        Some(a) if a.is_zero() => return Err(ContractError::ZeroAmount {}),
        Some(a) => a,
        None if ledger.revenue.is_zero() => return Err(ContractError::NothingToWithdraw {}),
        None => ledger.revenue,
    };
    if amount > ledger.revenue {
        return Err(ContractError::InsufficientBalance {
            needed: amount,
            available: ledger.revenue,
        });
    }
    ledger.revenue -= amount;
    LEDGER.save(deps.storage, &key, &ledger)?;
    Ok(Response::new()
        .add_message(send(&config, &asset, &config.treasury, amount)?)
        .add_attribute("action", "withdraw_revenue")
        .add_attribute("asset", key)
        .add_attribute("amount", amount)
        .add_attribute("treasury", config.treasury.to_string()))
}

pub fn query_totals(deps: Deps) -> Result<TotalsResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let assets = accepted_assets(&config)
        .into_iter()
        .map(|asset| {
            let ledger = load_ledger(deps.storage, &asset_key(&asset))?;
            Ok(AssetTotals {
                asset,
                org_balances: ledger.org_balances,
                revenue: ledger.revenue,
            })
        })
        .collect::<Result<_, ContractError>>()?;
    let stakes = STAKE_LEDGER.may_load(deps.storage)?.unwrap_or_default();
    Ok(TotalsResponse {
        assets,
        stake_denom: config.stake_denom,
        staked: stakes.staked,
        delegated: stakes.delegated,
        unbonding: stakes.unbonding,
        unbonding_from_delegation: stakes.unbonding_from_delegation,
    })
}
