//! Contract configuration: instantiation, the operator's settings, accepted tokens and the
//! two-step admin transfer.

use std::ops::Deref;

use privexbot_shared::cosmwasm_std::{
    ContractResult, Deps, DepsMut, Env, MessageInfo, Querier, Response, SystemResult,
};
use privexbot_shared::json;
use privexbot_shared::json_writer::{quoted, JsonWriter};
use privexbot_shared::permit::{bech32_prefix, validate_prefix};
use privexbot_shared::storage::from_json_bytes;
use privexbot_shared::token::{register_receive_msgs, validate_token, Token, TokenInput};

use crate::access::only_admin;
use crate::msg::{ConfigResponse, InstantiateMsg};
use crate::orgs::validate_addr;
use crate::payments::no_funds;
use crate::plans::MAX_PERIOD_SECONDS;
use crate::staking::rewards_to_treasury_msgs;
use crate::state::{Config, CONFIG};
use crate::ContractError;

pub(crate) const MAX_ACCEPTED_TOKENS: usize = 10;

/// A Cosmos SDK denom: a letter, then 2 to 127 of letters, digits and `/:._-`.
fn validate_denom(field: &str, denom: &str) -> Result<String, ContractError> {
    let mut chars = denom.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c));
    if starts_with_letter && rest_ok && (3..=128).contains(&denom.len()) {
        Ok(denom.to_string())
    } else {
        Err(ContractError::invalid(
            field,
            format!("{} is not a denom", quoted(denom)),
        ))
    }
}

fn validate_org_cap(cap: u64) -> Result<u64, ContractError> {
    if cap == 0 {
        return Err(ContractError::invalid(
            "max_orgs_per_creator",
            "at least 1 (omit it for no cap)",
        ));
    }
    Ok(cap)
}

fn add_token(tokens: &mut Vec<Token>, token: Token) -> Result<(), ContractError> {
    if tokens.iter().any(|t| t.address == token.address) {
        return Err(ContractError::TokenAlreadyAccepted {
            address: token.address.to_string(),
        });
    }
    if tokens.len() >= MAX_ACCEPTED_TOKENS {
        return Err(ContractError::LimitReached {
            what: "accepted tokens".into(),
            max: MAX_ACCEPTED_TOKENS as u64,
        });
    }
    tokens.push(token);
    Ok(())
}

pub fn instantiate_config(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let admin = match &msg.admin {
        Some(a) => validate_addr(&deps.as_ref(), a)?,
        None => info.sender.clone(),
    };
    let treasury = validate_addr(&deps.as_ref(), &msg.treasury)?;
    let mut accepted_tokens = vec![];
    for input in &msg.accepted_tokens {
        add_token(&mut accepted_tokens, validate_token(deps.api, input)?)?;
    }
    let native_denom = match &msg.native_denom {
        Some(d) => Some(validate_denom("native_denom", d)?),
        None => None,
    };
    let usage_contract = match &msg.usage_contract {
        Some(a) => Some(validate_addr(&deps.as_ref(), a)?),
        None => None,
    };
    let stake_denom = validate_denom("stake_denom", &msg.staking.stake_denom)?;
    if msg.staking.unbonding_seconds > MAX_PERIOD_SECONDS {
        return Err(ContractError::invalid(
            "unbonding_seconds",
            format!("at most {MAX_PERIOD_SECONDS}"),
        ));
    }
    if let Some(v) = &msg.staking.validator {
        // Validator operator addresses have their own prefix, so addr_validate does not apply:
        // ask the staking module instead.
        if !is_validator(deps.querier.deref(), v) {
            return Err(ContractError::invalid(
                "validator",
                format!("{} is not a validator", quoted(v)),
            ));
        }
    }
    let address_prefix = match msg.address_prefix {
        Some(p) => p,
        None => bech32_prefix(env.contract.address.as_str()).ok_or_else(|| {
            ContractError::invalid(
                "address_prefix",
                "required when the contract address is not bech32",
            )
        })?,
    };
    validate_prefix(&address_prefix).map_err(|_| {
        ContractError::invalid(
            "address_prefix",
            format!("{} is not a bech32 prefix", quoted(&address_prefix)),
        )
    })?;
    let max_orgs_per_creator = msg.max_orgs_per_creator.map(validate_org_cap).transpose()?;
    let config = Config {
        admin,
        pending_admin: None,
        treasury,
        accepted_tokens,
        native_denom,
        usage_contract,
        stake_denom,
        unbonding_seconds: msg.staking.unbonding_seconds,
        validator: msg.staking.validator,
        address_prefix,
        max_orgs_per_creator,
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_messages(register_receive_msgs(&env, &config.accepted_tokens)?)
        .add_messages(rewards_to_treasury_msgs(
            &config.validator,
            config.treasury.as_str(),
        ))
        .add_attribute("action", "instantiate")
        .add_attribute("admin", config.admin)
        .add_attribute("treasury", config.treasury))
}

pub fn execute_update_config(
    deps: DepsMut,
    info: MessageInfo,
    treasury: Option<String>,
    usage_contract: Option<String>,
    max_orgs_per_creator: Option<u64>,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let mut config = only_admin(deps.storage, &info)?;
    let mut response = Response::new().add_attribute("action", "update_config");
    if let Some(t) = treasury {
        config.treasury = validate_addr(&deps.as_ref(), &t)?;
        response = response
            .add_messages(rewards_to_treasury_msgs(
                &config.validator,
                config.treasury.as_str(),
            ))
            .add_attribute("treasury", config.treasury.to_string());
    }
    if let Some(u) = usage_contract {
        let addr = validate_addr(&deps.as_ref(), &u)?;
        response = response.add_attribute("usage_contract", addr.to_string());
        config.usage_contract = Some(addr);
    }
    if let Some(cap) = max_orgs_per_creator {
        config.max_orgs_per_creator = Some(validate_org_cap(cap)?);
        response = response.add_attribute("max_orgs_per_creator", cap.to_string());
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(response)
}

pub fn execute_add_accepted_token(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    token: TokenInput,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let mut config = only_admin(deps.storage, &info)?;
    let token = validate_token(deps.api, &token)?;
    add_token(&mut config.accepted_tokens, token.clone())?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_messages(register_receive_msgs(&env, std::slice::from_ref(&token))?)
        .add_attribute("action", "add_accepted_token")
        .add_attribute("token", token.address))
}

pub fn execute_propose_admin(
    deps: DepsMut,
    info: MessageInfo,
    admin: String,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let mut config = only_admin(deps.storage, &info)?;
    let admin = validate_addr(&deps.as_ref(), &admin)?;
    config.pending_admin = Some(admin.clone());
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "propose_admin")
        .add_attribute("pending_admin", admin))
}

pub fn execute_accept_admin(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let mut config = CONFIG.load(deps.storage)?;
    match &config.pending_admin {
        None => return Err(ContractError::NoPendingProposal {}),
        Some(p) if *p != info.sender => return Err(ContractError::Unauthorized {}),
        Some(_) => {}
    }
    config.admin = info.sender.clone();
    config.pending_admin = None;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "accept_admin")
        .add_attribute("admin", info.sender))
}

pub fn query_config(deps: Deps) -> Result<ConfigResponse, ContractError> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        admin: c.admin,
        pending_admin: c.pending_admin,
        treasury: c.treasury,
        accepted_tokens: c.accepted_tokens,
        native_denom: c.native_denom,
        usage_contract: c.usage_contract,
        stake_denom: c.stake_denom,
        unbonding_seconds: c.unbonding_seconds,
        validator: c.validator,
        address_prefix: c.address_prefix,
        max_orgs_per_creator: c.max_orgs_per_creator,
    })
}

/// Whether the staking module knows `address` as a validator. Asked with a raw query and read
/// through the shared JSON tree rather than with `query_validator`, whose serde reader of the
/// whole `Validator` (commission rates as decimals) was 10 KB of the wasm for a yes or no.
fn is_validator(querier: &dyn Querier, address: &str) -> bool {
    let address = JsonWriter::to_vec(address);
    let request = [
        &br#"{"staking":{"validator":{"address":"#[..],
        &address,
        b"}}}",
    ]
    .concat();
    match querier.raw_query(&request) {
        SystemResult::Ok(ContractResult::Ok(bytes)) => {
            matches!(from_json_bytes(bytes.as_slice()), Ok(ValidatorFound(true)))
        }
        _ => false,
    }
}

/// `{"validator": null}` or `{"validator": {...}}`: whether the validator exists.
struct ValidatorFound(bool);

impl<'de> serde::Deserialize<'de> for ValidatorFound {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        json::deserialize_with(deserializer, |j| {
            Ok(ValidatorFound(
                j.open_object()?.optional("validator").is_some(),
            ))
        })
    }
}
