//! Who may do what. The contract admin alone changes plans, tokens and revenue; an org's
//! subscription, balances, stake and payments are read by a caller who proves an address with a
//! viewing key or a SNIP-24 permit (checked by the shared crate the same way on both targets),
//! and that address must be the org's owner, an admin or an auditor.

use privexbot_shared::cosmwasm_std::{Deps, DepsMut, Env, MessageInfo, Response, Storage};
use privexbot_shared::json_writer::JsonWriter;
use privexbot_shared::permit::verify_permit;
use privexbot_shared::viewing_key::{check_viewing_key, create_viewing_key, set_viewing_key};

use crate::msg::{BillingPermission, QueryAuth, ViewingKeyResponse};
use crate::orgs::load_org;
use crate::payments::no_funds;
use crate::state::{Config, CONFIG};
use crate::ContractError;

/// Loads the config and checks that the sender is the contract admin.
pub(crate) fn only_admin(store: &dyn Storage, info: &MessageInfo) -> Result<Config, ContractError> {
    let config = CONFIG.load(store)?;
    if info.sender == config.admin {
        Ok(config)
    } else {
        Err(ContractError::Unauthorized {})
    }
}

/// The address that `auth` proves.
fn authenticate(deps: Deps, env: &Env, auth: &QueryAuth) -> Result<String, ContractError> {
    match auth {
        QueryAuth::ViewingKey { address, key } => {
            let address = deps
                .api
                .addr_validate(address)
                .map_err(|_| ContractError::InvalidAddress {
                    address: address.clone(),
                })?
                .to_string();
            if check_viewing_key(deps.storage, &address, key) {
                Ok(address)
            } else {
                Err(ContractError::InvalidViewingKey { address })
            }
        }
        QueryAuth::Permit(permit) => {
            let grants = permit
                .params
                .permissions
                .iter()
                .any(|p| matches!(p, BillingPermission::Billing | BillingPermission::Owner));
            if !grants {
                return Err(ContractError::PermitMissingPermission {});
            }
            let prefix = CONFIG.load(deps.storage)?.address_prefix;
            Ok(verify_permit(deps, env, permit, &prefix)?)
        }
    }
}

/// Refuses unless `auth` proves the owner, an admin or an auditor of `org_id`.
pub(crate) fn ensure_may_read(
    deps: Deps,
    env: &Env,
    auth: &QueryAuth,
    org_id: u64,
) -> Result<(), ContractError> {
    let org = load_org(deps.storage, org_id)?;
    let address = authenticate(deps, env, auth)?;
    let allowed = org.owner.as_str() == address
        || org
            .admins
            .iter()
            .chain(&org.auditors)
            .any(|a| a.as_str() == address);
    if allowed {
        Ok(())
    } else {
        Err(ContractError::NotAllowedToRead { address, org_id })
    }
}

pub fn execute_set_viewing_key(
    deps: DepsMut,
    info: MessageInfo,
    key: String,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    set_viewing_key(deps.storage, info.sender.as_str(), &key);
    Ok(Response::new().add_attribute("action", "set_viewing_key"))
}

pub fn execute_create_viewing_key(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    entropy: String,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let key = create_viewing_key(
        deps.storage,
        &env,
        &info,
        info.sender.as_str(),
        entropy.as_bytes(),
    );
    Ok(Response::new()
        .add_attribute("action", "create_viewing_key")
        .set_data(JsonWriter::to_vec(&ViewingKeyResponse { key })))
}

pub fn execute_revoke_permit(
    deps: DepsMut,
    info: MessageInfo,
    permit_name: String,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    privexbot_shared::permit::revoke_permit(deps.storage, info.sender.as_str(), &permit_name);
    Ok(Response::new()
        .add_attribute("action", "revoke_permit")
        .add_attribute("permit_name", permit_name))
}
