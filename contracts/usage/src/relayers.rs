//! The allowlist of relayer addresses that may submit batches.

use privexbot_shared::cosmwasm_std::{
    Addr, Deps, DepsMut, MessageInfo, Response, StdResult, Storage,
};

use crate::admin::ensure_admin;
use crate::error::ContractError;
use crate::msg::RelayersResponse;
use crate::state::{relayer_list, RELAYERS};

pub fn is_allowed_relayer(storage: &dyn Storage, address: &Addr) -> StdResult<bool> {
    Ok(RELAYERS.may_load(storage, address)? == Some(true))
}

/// Refuses a sender that is not an allowed relayer: the first check of every settlement.
pub fn ensure_allowed_relayer(storage: &dyn Storage, sender: &Addr) -> Result<(), ContractError> {
    if is_allowed_relayer(storage, sender)? {
        Ok(())
    } else {
        Err(ContractError::UnauthorizedRelayer {
            sender: sender.to_string(),
        })
    }
}

/// Allows `address`; shared by instantiate and `add_relayer`.
pub fn allow_relayer(storage: &mut dyn Storage, address: &Addr) -> Result<(), ContractError> {
    match RELAYERS.may_load(storage, address)? {
        Some(true) => {
            return Err(ContractError::RelayerAlreadyAllowed {
                address: address.to_string(),
            })
        }
        // Listed before and removed since: the list already holds it.
        Some(false) => {}
        None => {
            relayer_list().push(storage, address)?;
        }
    }
    RELAYERS.save(storage, address, &true)?;
    Ok(())
}

pub fn execute_add_relayer(
    deps: DepsMut,
    info: MessageInfo,
    address: String,
) -> Result<Response, ContractError> {
    ensure_admin(deps.as_ref(), &info)?;
    let address = deps.api.addr_validate(&address)?;
    allow_relayer(deps.storage, &address)?;
    Ok(Response::new()
        .add_attribute("action", "add_relayer")
        .add_attribute("relayer", address.as_str()))
}

pub fn execute_remove_relayer(
    deps: DepsMut,
    info: MessageInfo,
    address: String,
) -> Result<Response, ContractError> {
    ensure_admin(deps.as_ref(), &info)?;
    let address = deps.api.addr_validate(&address)?;
    if !is_allowed_relayer(deps.storage, &address)? {
        return Err(ContractError::RelayerNotFound {
            address: address.to_string(),
        });
    }
    RELAYERS.save(deps.storage, &address, &false)?;
    Ok(Response::new()
        .add_attribute("action", "remove_relayer")
        .add_attribute("relayer", address.as_str()))
}

/// The relayers currently allowed. The list only grows by addresses ever allowed, which the
/// admin controls, so reading it whole stays small.
pub fn query_relayers(deps: Deps) -> Result<RelayersResponse, ContractError> {
    let list = relayer_list();
    let all = list.page(deps.storage, 0, list.len(deps.storage)?)?;
    let mut relayers = Vec::with_capacity(all.len());
    for address in all {
        if is_allowed_relayer(deps.storage, &address)? {
            relayers.push(address);
        }
    }
    Ok(RelayersResponse { relayers })
}
