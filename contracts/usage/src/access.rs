//! Who may read an org's usage: the caller proves an address with a viewing key or a SNIP-24
//! permit (the shared crate checks both the same way on both targets), and the billing
//! contract says whether that address is the org's owner, an admin or an auditor.

use privexbot_shared::cosmwasm_std::{Deps, DepsMut, Env, MessageInfo, Response};
use privexbot_shared::json_writer::JsonWriter;
use privexbot_shared::permit::{revoke_permit, verify_permit};
use privexbot_shared::viewing_key::{check_viewing_key, create_viewing_key, set_viewing_key};

use crate::billing::query_org_roles;
use crate::error::ContractError;
use crate::msg::{QueryAuth, UsagePermission, ViewingKeyResponse};
use crate::state::{Config, CONFIG};

/// The address that `auth` proves; a permit's signer address has the config's prefix.
pub fn authenticate(
    deps: Deps,
    env: &Env,
    config: &Config,
    auth: &QueryAuth,
) -> Result<String, ContractError> {
    match auth {
        QueryAuth::ViewingKey { address, key } => {
            let address = deps.api.addr_validate(address)?.to_string();
            if check_viewing_key(deps.storage, &address, key) {
                Ok(address)
            } else {
                Err(ContractError::InvalidViewingKey { address })
            }
        }
        QueryAuth::Permit(permit) => {
            let grants_usage = permit
                .params
                .permissions
                .iter()
                .any(|p| matches!(p, UsagePermission::Usage | UsagePermission::Owner));
            if !grants_usage {
                return Err(ContractError::PermitMissingPermission {});
            }
            Ok(verify_permit(deps, env, permit, &config.address_prefix)?)
        }
    }
}

/// Refuses unless `auth` proves an owner, admin or auditor of `org_id`; returns the config,
/// loaded once for the whole query.
pub fn ensure_may_read_usage(
    deps: Deps,
    env: &Env,
    auth: &QueryAuth,
    org_id: u64,
) -> Result<Config, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let address = authenticate(deps, env, &config, auth)?;
    if query_org_roles(deps, &config.billing, org_id)?.may_read_usage(&address) {
        Ok(config)
    } else {
        Err(ContractError::NotAllowedToReadUsage { address, org_id })
    }
}

pub fn execute_set_viewing_key(
    deps: DepsMut,
    info: MessageInfo,
    key: String,
) -> Result<Response, ContractError> {
    set_viewing_key(deps.storage, info.sender.as_str(), &key);
    Ok(Response::new().add_attribute("action", "set_viewing_key"))
}

pub fn execute_create_viewing_key(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    entropy: String,
) -> Result<Response, ContractError> {
    let key = create_viewing_key(
        deps.storage,
        &env,
        &info,
        info.sender.as_str(),
        entropy.as_bytes(),
    );
    Ok(Response::new()
        .add_attribute("action", "create_viewing_key")
        .set_data(JsonWriter::binary(&ViewingKeyResponse { key })))
}

pub fn execute_revoke_permit(
    deps: DepsMut,
    info: MessageInfo,
    permit_name: String,
) -> Result<Response, ContractError> {
    revoke_permit(deps.storage, info.sender.as_str(), &permit_name);
    Ok(Response::new()
        .add_attribute("action", "revoke_permit")
        .add_attribute("permit_name", permit_name))
}
