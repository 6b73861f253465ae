//! Configuration and the admin role: validation shared by instantiate and `update_config`,
//! the admin check every admin action starts with, and the two-step admin transfer.

use privexbot_shared::cosmwasm_std::{Api, Deps, DepsMut, MessageInfo, Response};

use crate::error::ContractError;
use crate::msg::{
    BillingContract, ConfigResponse, MAX_BATCH_SIZE_CEILING, MAX_RECEIPT_LINES_CEILING,
};
use crate::state::{BillingLink, Config, CONFIG, PENDING_ADMIN};

/// The skew allowed between an attestation's time and the block is at most a day, so that a
/// timestamp always maps to a day close to the chain's.
pub const MAX_FUTURE_SKEW_CEILING: u64 = 86_400;

pub fn ensure_admin(deps: Deps, info: &MessageInfo) -> Result<Config, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if info.sender != config.admin {
        return Err(ContractError::Unauthorized {});
    }
    Ok(config)
}

pub fn validate_billing(
    api: &dyn Api,
    billing: &BillingContract,
) -> Result<BillingLink, ContractError> {
    let address = api.addr_validate(&billing.address)?;
    let code_hash = billing.code_hash.clone().unwrap_or_default();
    // Secret Network needs the callee's code hash on every call; vanilla chains have none.
    if cfg!(feature = "secret")
        && (code_hash.len() != 64 || !code_hash.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(ContractError::InvalidConfig {
            reason:
                "billing.code_hash must be the 64 hex digits of the billing contract's code hash"
                    .into(),
        });
    }
    Ok(BillingLink { address, code_hash })
}

pub fn validate_max_batch_size(size: u32) -> Result<u32, ContractError> {
    if size == 0 || size > MAX_BATCH_SIZE_CEILING {
        return Err(ContractError::InvalidConfig {
            reason: format!("max_batch_size must be within 1..={MAX_BATCH_SIZE_CEILING}"),
        });
    }
    Ok(size)
}

pub fn validate_max_future_skew(secs: u64) -> Result<u64, ContractError> {
    if secs > MAX_FUTURE_SKEW_CEILING {
        return Err(ContractError::InvalidConfig {
            reason: format!("max_future_skew_secs must be at most {MAX_FUTURE_SKEW_CEILING}"),
        });
    }
    Ok(secs)
}

pub fn validate_max_receipt_lines(lines: u32) -> Result<u32, ContractError> {
    if lines == 0 || lines > MAX_RECEIPT_LINES_CEILING {
        return Err(ContractError::InvalidConfig {
            reason: format!("max_receipt_lines must be within 1..={MAX_RECEIPT_LINES_CEILING}"),
        });
    }
    Ok(lines)
}

/// The fields of `update_config`; `None` keeps a value.
pub struct ConfigUpdate {
    pub billing: Option<BillingContract>,
    pub max_batch_size: Option<u32>,
    pub max_future_skew_secs: Option<u64>,
    pub max_receipt_lines: Option<u32>,
    pub accept_v1: Option<bool>,
}

pub fn execute_update_config(
    deps: DepsMut,
    info: MessageInfo,
    update: ConfigUpdate,
) -> Result<Response, ContractError> {
    let ConfigUpdate {
        billing,
        max_batch_size,
        max_future_skew_secs,
        max_receipt_lines,
        accept_v1,
    } = update;
    let mut config = ensure_admin(deps.as_ref(), &info)?;
    if let Some(billing) = billing {
        config.billing = validate_billing(deps.api, &billing)?;
    }
    if let Some(size) = max_batch_size {
        config.max_batch_size = validate_max_batch_size(size)?;
    }
    if let Some(secs) = max_future_skew_secs {
        config.max_future_skew_secs = validate_max_future_skew(secs)?;
    }
    if let Some(lines) = max_receipt_lines {
        config.max_receipt_lines = validate_max_receipt_lines(lines)?;
    }
    match accept_v1 {
        // Retiring v1 is one-way: a relayer that moved to receipts must not find batches
        // accepted again under its feet.
        Some(true) if !config.accept_v1 => {
            return Err(ContractError::InvalidConfig {
                reason: "submit_batch is retired for good; accept_v1 cannot be set back to true"
                    .into(),
            })
        }
        Some(accept) => config.accept_v1 = accept,
        None => {}
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("billing", config.billing.address.as_str())
        .add_attribute("max_batch_size", config.max_batch_size.to_string())
        .add_attribute(
            "max_future_skew_secs",
            config.max_future_skew_secs.to_string(),
        )
        .add_attribute("max_receipt_lines", config.max_receipt_lines.to_string())
        .add_attribute("accept_v1", config.accept_v1.to_string()))
}

pub fn execute_transfer_admin(
    deps: DepsMut,
    info: MessageInfo,
    new_admin: String,
) -> Result<Response, ContractError> {
    ensure_admin(deps.as_ref(), &info)?;
    let proposed = deps.api.addr_validate(&new_admin)?;
    PENDING_ADMIN.save(deps.storage, &Some(proposed.clone()))?;
    Ok(Response::new()
        .add_attribute("action", "transfer_admin")
        .add_attribute("proposed_admin", proposed.as_str()))
}

pub fn execute_accept_admin(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    match PENDING_ADMIN.may_load(deps.storage)?.flatten() {
        Some(proposed) if proposed == info.sender => {
            CONFIG.update(deps.storage, |mut c| -> Result<_, ContractError> {
                c.admin = proposed.clone();
                Ok(c)
            })?;
            PENDING_ADMIN.save(deps.storage, &None)?;
            Ok(Response::new()
                .add_attribute("action", "accept_admin")
                .add_attribute("admin", proposed.as_str()))
        }
        _ => Err(ContractError::NotPendingAdmin {
            sender: info.sender.to_string(),
        }),
    }
}

pub fn query_config(deps: Deps) -> Result<ConfigResponse, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        admin: config.admin,
        pending_admin: PENDING_ADMIN.may_load(deps.storage)?.flatten(),
        billing: BillingContract {
            address: config.billing.address.to_string(),
            code_hash: Some(config.billing.code_hash).filter(|h| !h.is_empty()),
        },
        max_batch_size: config.max_batch_size,
        max_future_skew_secs: config.max_future_skew_secs,
        address_prefix: config.address_prefix,
        max_receipt_lines: config.max_receipt_lines,
        accept_v1: config.accept_v1,
    })
}
