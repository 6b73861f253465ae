//! Entry points: instantiate, and one exhaustive dispatch each for execute and query.

use privexbot_shared::cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Response};
use privexbot_shared::json_writer::{JsonWriter, ToJson};
use privexbot_shared::permit::{bech32_prefix, validate_prefix};

use crate::access::{execute_create_viewing_key, execute_revoke_permit, execute_set_viewing_key};
use crate::admin::{
    execute_accept_admin, execute_transfer_admin, execute_update_config, query_config,
    validate_billing, validate_max_batch_size, validate_max_future_skew,
    validate_max_receipt_lines, ConfigUpdate,
};
use crate::batches::{execute_submit_batch, query_batch, query_batches};
use crate::counters::query_totals;
use crate::error::ContractError;
use crate::msg::{
    ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, UsageCounters, DEFAULT_MAX_BATCH_SIZE,
    DEFAULT_MAX_FUTURE_SKEW_SECS, DEFAULT_MAX_RECEIPT_LINES,
};
use crate::receipts::{execute_submit_receipt, query_receipt, query_receipts, SubmittedReceipt};
use crate::relayers::{allow_relayer, execute_add_relayer, execute_remove_relayer, query_relayers};
use crate::signers::{
    execute_register_signer, execute_revoke_signer, query_last_seq, query_signer, query_signers,
};
use crate::state::{Config, CONFIG, PENDING_ADMIN, TOTALS};
use crate::usage_queries::{query_bot_usage, query_org_bots, query_org_usage};

/// Secret Network responses are padded to a multiple of this many bytes, as SNIP-20
/// contracts do, so their encrypted size says less about their content.
#[cfg(feature = "secret")]
pub const RESPONSE_BLOCK_SIZE: usize = 256;

pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let admin = match msg.admin {
        Some(a) => deps.api.addr_validate(&a)?,
        None => info.sender,
    };
    let address_prefix = match msg.address_prefix {
        Some(p) => p,
        None => bech32_prefix(env.contract.address.as_str()).ok_or_else(|| {
            ContractError::InvalidConfig {
                reason: "address_prefix is required when the contract address is not bech32".into(),
            }
        })?,
    };
    validate_prefix(&address_prefix)?;
    let config = Config {
        admin: admin.clone(),
        billing: validate_billing(deps.api, &msg.billing)?,
        max_batch_size: validate_max_batch_size(
            msg.max_batch_size.unwrap_or(DEFAULT_MAX_BATCH_SIZE),
        )?,
        max_future_skew_secs: validate_max_future_skew(
            msg.max_future_skew_secs
                .unwrap_or(DEFAULT_MAX_FUTURE_SKEW_SECS),
        )?,
        address_prefix,
        max_receipt_lines: validate_max_receipt_lines(
            msg.max_receipt_lines.unwrap_or(DEFAULT_MAX_RECEIPT_LINES),
        )?,
        accept_v1: true,
        legacy_counters: false,
    };
    CONFIG.save(deps.storage, &config)?;
    PENDING_ADMIN.save(deps.storage, &None)?;
    TOTALS.save(deps.storage, &UsageCounters::default())?;
    for relayer in &msg.relayers {
        let relayer = deps.api.addr_validate(relayer)?;
        allow_relayer(deps.storage, &relayer)?;
    }
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("admin", admin.as_str())
        .add_attribute("billing", config.billing.address.as_str()))
}

pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    let result = dispatch(deps, env, info, msg);
    #[cfg(feature = "secret")]
    let result =
        privexbot_shared::secret_toolkit::utils::pad_handle_result(result, RESPONSE_BLOCK_SIZE);
    result
}

fn dispatch(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    // Nothing here is paid for: funds sent along would be stuck in the contract for good.
    if !info.funds.is_empty() {
        let denoms: Vec<&str> = info.funds.iter().map(|c| c.denom.as_str()).collect();
        return Err(ContractError::FundsNotAccepted {
            denoms: denoms.join(","),
        });
    }
    match msg {
        ExecuteMsg::SubmitBatch {
            signer,
            first_seq,
            attestations,
        } => execute_submit_batch(deps, env, info, signer, first_seq, attestations),
        ExecuteMsg::SubmitReceipt {
            signer,
            first_seq,
            last_seq,
            root,
            lines,
            signature,
        } => execute_submit_receipt(
            deps,
            env,
            info,
            SubmittedReceipt {
                signer,
                first_seq,
                last_seq,
                root,
                lines,
                signature,
            },
        ),
        ExecuteMsg::RegisterSigner {
            pubkey,
            attestation_hash,
            mode,
        } => execute_register_signer(deps, env, info, pubkey, attestation_hash, mode),
        ExecuteMsg::RevokeSigner { pubkey } => execute_revoke_signer(deps, env, info, pubkey),
        ExecuteMsg::AddRelayer { address } => execute_add_relayer(deps, info, address),
        ExecuteMsg::RemoveRelayer { address } => execute_remove_relayer(deps, info, address),
        ExecuteMsg::UpdateConfig {
            billing,
            max_batch_size,
            max_future_skew_secs,
            max_receipt_lines,
            accept_v1,
        } => execute_update_config(
            deps,
            info,
            ConfigUpdate {
                billing,
                max_batch_size,
                max_future_skew_secs,
                max_receipt_lines,
                accept_v1,
            },
        ),
        ExecuteMsg::TransferAdmin { new_admin } => execute_transfer_admin(deps, info, new_admin),
        ExecuteMsg::AcceptAdmin {} => execute_accept_admin(deps, info),
        ExecuteMsg::SetViewingKey { key, .. } => execute_set_viewing_key(deps, info, key),
        ExecuteMsg::CreateViewingKey { entropy, .. } => {
            execute_create_viewing_key(deps, env, info, entropy)
        }
        ExecuteMsg::RevokePermit { permit_name, .. } => {
            execute_revoke_permit(deps, info, permit_name)
        }
    }
}

/// Accepts only state of this contract (its config must load, so a config stored before the
/// compact counters loads with `legacy_counters: true`); reads of the legacy layout need
/// nothing else.
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("legacy_counters", config.legacy_counters.to_string()))
}

fn json<T: ToJson>(answer: Result<T, ContractError>) -> Result<Binary, ContractError> {
    Ok(JsonWriter::binary(&answer?))
}

pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    let result = match msg {
        QueryMsg::Config {} => json(query_config(deps)),
        QueryMsg::Signer { pubkey } => json(query_signer(deps, pubkey)),
        QueryMsg::Signers { start, limit } => json(query_signers(deps, start, limit)),
        QueryMsg::LastSeq { signer } => json(query_last_seq(deps, signer)),
        QueryMsg::Relayers {} => json(query_relayers(deps)),
        QueryMsg::Batch { id } => json(query_batch(deps, id)),
        QueryMsg::Batches { start, limit } => json(query_batches(deps, start, limit)),
        QueryMsg::Receipt { id } => json(query_receipt(deps, id)),
        QueryMsg::Receipts { start, limit } => json(query_receipts(deps, start, limit)),
        QueryMsg::Totals {} => json(query_totals(deps)),
        QueryMsg::OrgUsage {
            org_id,
            from_day,
            to_day,
            auth,
        } => json(query_org_usage(deps, env, org_id, from_day, to_day, auth)),
        QueryMsg::BotUsage {
            org_id,
            bot,
            from_day,
            to_day,
            auth,
        } => json(query_bot_usage(
            deps, env, org_id, bot, from_day, to_day, auth,
        )),
        QueryMsg::OrgBots {
            org_id,
            start,
            limit,
            auth,
        } => json(query_org_bots(deps, env, org_id, start, limit, auth)),
    };
    #[cfg(feature = "secret")]
    let result =
        privexbot_shared::secret_toolkit::utils::pad_query_result(result, RESPONSE_BLOCK_SIZE);
    result
}
