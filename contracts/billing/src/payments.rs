//! Money movements shared by subscriptions, staking and revenue: which assets are accepted,
//! checking attached funds, crediting and charging org balances while keeping the per-asset
//! ledger exact, outgoing transfers, and the payment history.

use privexbot_shared::cosmwasm_std::{
    Addr, Api, BankMsg, Coin, CosmosMsg, Env, MessageInfo, Storage, Uint128,
};
use privexbot_shared::token::transfer_msg;

use crate::msg::{Asset, PaymentEntry, PaymentKind};
use crate::state::{history, load_ledger, Config, BALANCES, BALANCE_ASSETS, LEDGER};
use crate::ContractError;

/// Storage key of an asset; a token address and a denom can never collide thanks to the prefix.
pub(crate) fn asset_key(asset: &Asset) -> String {
    match asset {
        Asset::Token { address } => format!("token:{address}"),
        Asset::Native { denom } => format!("native:{denom}"),
    }
}

/// Every asset the contract accepts, in a fixed order (tokens, then the native denom).
pub(crate) fn accepted_assets(config: &Config) -> Vec<Asset> {
    let tokens = config.accepted_tokens.iter().map(|t| Asset::Token {
        address: t.address.to_string(),
    });
    let native = config
        .native_denom
        .iter()
        .map(|d| Asset::Native { denom: d.clone() });
    tokens.chain(native).collect()
}

/// Checks that an asset named in a message is one the contract accepts.
pub(crate) fn validate_asset(
    api: &dyn Api,
    config: &Config,
    asset: &Asset,
) -> Result<Asset, ContractError> {
    let not_accepted = || ContractError::AssetNotAccepted {
        asset: asset_key(asset),
    };
    match asset {
        Asset::Token { address } => {
            let addr = api
                .addr_validate(address)
                .map_err(|_| ContractError::InvalidAddress {
                    address: address.clone(),
                })?;
            if config.accepted_tokens.iter().any(|t| t.address == addr) {
                Ok(Asset::Token {
                    address: addr.to_string(),
                })
            } else {
                Err(not_accepted())
            }
        }
        Asset::Native { denom } => match &config.native_denom {
            Some(d) if d == denom => Ok(asset.clone()),
            _ => Err(not_accepted()),
        },
    }
}

/// Refuses funds on messages that take none, so that no coin can reach the contract without
/// being accounted for.
pub(crate) fn no_funds(info: &MessageInfo) -> Result<(), ContractError> {
    if info.funds.is_empty() {
        Ok(())
    } else {
        Err(ContractError::UnexpectedFunds {})
    }
}

/// Exactly one non-zero coin of `denom`. Written here rather than taken from cw-utils, which
/// is built on vanilla cosmwasm-std only.
pub(crate) fn one_coin(info: &MessageInfo, denom: &str) -> Result<Uint128, ContractError> {
    match info.funds.as_slice() {
        [] => Err(ContractError::NoFunds {}),
        [Coin { denom: d, amount }] if d == denom => {
            if amount.is_zero() {
                Err(ContractError::ZeroAmount {})
            } else {
                Ok(*amount)
            }
        }
        _ => Err(ContractError::WrongFunds {
            denom: denom.to_string(),
        }),
    }
}

/// Native funds attached as a payment (to `subscribe` or `deposit`): one coin of the accepted
/// native denom, or nothing.
pub(crate) fn native_payment(
    config: &Config,
    info: &MessageInfo,
) -> Result<Option<(Asset, Uint128)>, ContractError> {
    if info.funds.is_empty() {
        return Ok(None);
    }
    let Some(denom) = &config.native_denom else {
        return Err(ContractError::UnexpectedFunds {});
    };
    let amount = one_coin(info, denom)?;
    Ok(Some((
        Asset::Native {
            denom: denom.clone(),
        },
        amount,
    )))
}

pub(crate) fn balance(
    store: &dyn Storage,
    org_id: u64,
    asset: &Asset,
) -> Result<Uint128, ContractError> {
    Ok(BALANCES
        .may_load(store, &(org_id, asset_key(asset)))?
        .unwrap_or_default())
}

fn save_balance(
    store: &mut dyn Storage,
    org_id: u64,
    key: String,
    amount: Uint128,
) -> Result<(), ContractError> {
    let mut assets = BALANCE_ASSETS.may_load(store, &org_id)?.unwrap_or_default();
    if !assets.contains(&key) {
        assets.push(key.clone());
        BALANCE_ASSETS.save(store, &org_id, &assets)?;
    }
    BALANCES.save(store, &(org_id, key), &amount)?;
    Ok(())
}

/// Adds a payment to an org's prepaid balance.
pub(crate) fn credit(
    store: &mut dyn Storage,
    org_id: u64,
    asset: &Asset,
    amount: Uint128,
) -> Result<(), ContractError> {
    let key = asset_key(asset);
    let next = balance(store, org_id, asset)?.checked_add(amount)?;
    let mut ledger = load_ledger(store, &key)?;
    ledger.org_balances = ledger.org_balances.checked_add(amount)?;
    LEDGER.save(store, &key, &ledger)?;
    save_balance(store, org_id, key, next)
}

/// Takes `amount` out of an org's balance, either as revenue (a charge) or to be sent away.
fn take(
    store: &mut dyn Storage,
    org_id: u64,
    asset: &Asset,
    amount: Uint128,
    to_revenue: bool,
) -> Result<(), ContractError> {
    let key = asset_key(asset);
    let available = balance(store, org_id, asset)?;
    if available < amount {
        return Err(ContractError::InsufficientBalance {
            needed: amount,
            available,
        });
    }
    let mut ledger = load_ledger(store, &key)?;
    ledger.org_balances = ledger.org_balances.checked_sub(amount)?;
    if to_revenue {
        ledger.revenue = ledger.revenue.checked_add(amount)?;
    }
    LEDGER.save(store, &key, &ledger)?;
    save_balance(store, org_id, key, available - amount)
}

/// Moves `amount` from an org's balance to the platform's revenue.
pub(crate) fn charge(
    store: &mut dyn Storage,
    org_id: u64,
    asset: &Asset,
    amount: Uint128,
) -> Result<(), ContractError> {
    take(store, org_id, asset, amount, true)
}

/// Removes `amount` from an org's balance because it is being sent back.
pub(crate) fn debit(
    store: &mut dyn Storage,
    org_id: u64,
    asset: &Asset,
    amount: Uint128,
) -> Result<(), ContractError> {
    take(store, org_id, asset, amount, false)
}

/// An outgoing payment of an accepted asset.
pub(crate) fn send(
    config: &Config,
    asset: &Asset,
    recipient: &Addr,
    amount: Uint128,
) -> Result<CosmosMsg, ContractError> {
    match asset {
        Asset::Native { denom } => Ok(BankMsg::Send {
            to_address: recipient.to_string(),
            amount: vec![Coin {
                denom: denom.clone(),
                amount,
            }],
        }
        .into()),
        Asset::Token { address } => {
            let token = config
                .accepted_tokens
                .iter()
                .find(|t| t.address.as_str() == address)
                .ok_or_else(|| ContractError::AssetNotAccepted {
                    asset: asset_key(asset),
                })?;
            Ok(transfer_msg(token, recipient, amount)?)
        }
    }
}

/// One line of an org's payment history.
pub(crate) struct Payment {
    pub kind: PaymentKind,
    pub asset: Asset,
    pub amount: Uint128,
    pub account: Option<Addr>,
    pub plan_id: Option<u64>,
    pub periods: Option<u64>,
}

pub(crate) fn record(
    store: &mut dyn Storage,
    env: &Env,
    org_id: u64,
    payment: Payment,
) -> Result<(), ContractError> {
    let entry = PaymentEntry {
        kind: payment.kind,
        asset: payment.asset,
        amount: payment.amount,
        account: payment.account,
        plan_id: payment.plan_id,
        periods: payment.periods,
        time: env.block.time,
        height: env.block.height,
    };
    history(org_id).push(store, &entry)?;
    Ok(())
}
