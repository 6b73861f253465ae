//! Entry points: one exhaustive `match` per entry point, dispatching to the feature modules.

use privexbot_shared::cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Response};
use privexbot_shared::json_writer::{JsonWriter, ToJson};

use crate::access::{
    ensure_may_read, execute_create_viewing_key, execute_revoke_permit, execute_set_viewing_key,
};
use crate::config::{
    execute_accept_admin, execute_add_accepted_token, execute_propose_admin, execute_update_config,
    instantiate_config, query_config,
};
use crate::msg::{ExecuteMsg, InstantiateMsg, QueryMsg};
use crate::orgs::{
    execute_accept_org_ownership, execute_add_org_role, execute_create_org,
    execute_propose_org_owner, execute_remove_org_role, execute_rename_org, query_find_org,
    query_org, query_orgs_of,
};
use crate::plans::{
    execute_create_plan, execute_retire_plan, execute_update_plan, query_plan, query_plans,
};
use crate::revenue::{execute_withdraw_revenue, query_totals};
use crate::staking::{
    execute_claim_staking_rewards, execute_stake, execute_unstake, execute_withdraw_unbonded,
    query_stake,
};
use crate::subscriptions::{
    execute_cancel_subscription, execute_change_plan, execute_deposit, execute_receive,
    execute_resume_subscription, execute_subscribe, execute_withdraw_balance, query_org_plan,
    query_payment_history, query_subscription,
};
use crate::ContractError;

/// Secret Network responses are padded to this block size, so that their length tells an
/// observer nothing about their content (as SNIP-20 contracts do).
#[cfg(feature = "secret")]
const RESPONSE_BLOCK_SIZE: usize = 256;

fn padded(response: Result<Response, ContractError>) -> Result<Response, ContractError> {
    #[cfg(feature = "secret")]
    return privexbot_shared::secret_toolkit::utils::pad_handle_result(
        response,
        RESPONSE_BLOCK_SIZE,
    );
    #[cfg(not(feature = "secret"))]
    response
}

pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    padded(instantiate_config(deps, env, info, msg))
}

pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    padded(match msg {
        ExecuteMsg::Receive(msg) => execute_receive(deps, env, info, msg),
        ExecuteMsg::UpdateConfig {
            treasury,
            usage_contract,
            max_orgs_per_creator,
        } => execute_update_config(deps, info, treasury, usage_contract, max_orgs_per_creator),
        ExecuteMsg::AddAcceptedToken { token } => {
            execute_add_accepted_token(deps, env, info, token)
        }
        ExecuteMsg::ProposeAdmin { admin } => execute_propose_admin(deps, info, admin),
        ExecuteMsg::AcceptAdmin {} => execute_accept_admin(deps, info),
        ExecuteMsg::CreateOrg { name } => execute_create_org(deps, info, name),
        ExecuteMsg::RenameOrg { org_id, name } => execute_rename_org(deps, info, org_id, name),
        ExecuteMsg::AddOrgRole {
            org_id,
            role,
            address,
        } => execute_add_org_role(deps, info, org_id, role, address),
        ExecuteMsg::RemoveOrgRole {
            org_id,
            role,
            address,
        } => execute_remove_org_role(deps, info, org_id, role, address),
        ExecuteMsg::ProposeOrgOwner { org_id, new_owner } => {
            execute_propose_org_owner(deps, info, org_id, new_owner)
        }
        ExecuteMsg::AcceptOrgOwnership { org_id } => {
            execute_accept_org_ownership(deps, info, org_id)
        }
        ExecuteMsg::CreatePlan { plan } => execute_create_plan(deps, info, plan),
        ExecuteMsg::UpdatePlan { plan_id, plan } => execute_update_plan(deps, info, plan_id, plan),
        ExecuteMsg::RetirePlan { plan_id } => execute_retire_plan(deps, info, plan_id),
        ExecuteMsg::Subscribe {
            org_id,
            plan_id,
            periods,
        } => execute_subscribe(deps, env, info, org_id, plan_id, periods),
        ExecuteMsg::Deposit { org_id } => execute_deposit(deps, env, info, org_id),
        ExecuteMsg::CancelSubscription { org_id } => {
            execute_cancel_subscription(deps, env, info, org_id)
        }
        ExecuteMsg::ResumeSubscription { org_id } => {
            execute_resume_subscription(deps, env, info, org_id)
        }
        ExecuteMsg::ChangePlan { org_id, plan_id } => {
            execute_change_plan(deps, env, info, org_id, plan_id)
        }
        ExecuteMsg::WithdrawBalance {
            org_id,
            asset,
            amount,
        } => execute_withdraw_balance(deps, env, info, org_id, asset, amount),
        ExecuteMsg::Stake { org_id, plan_id } => execute_stake(deps, env, info, org_id, plan_id),
        ExecuteMsg::Unstake { org_id, amount } => execute_unstake(deps, env, info, org_id, amount),
        ExecuteMsg::WithdrawUnbonded { org_id } => {
            execute_withdraw_unbonded(deps, env, info, org_id)
        }
        ExecuteMsg::ClaimStakingRewards {} => execute_claim_staking_rewards(deps, info),
        ExecuteMsg::WithdrawRevenue { asset, amount } => {
            execute_withdraw_revenue(deps, info, asset, amount)
        }
        ExecuteMsg::SetViewingKey { key, padding: _ } => execute_set_viewing_key(deps, info, key),
        ExecuteMsg::CreateViewingKey {
            entropy,
            padding: _,
        } => execute_create_viewing_key(deps, env, info, entropy),
        ExecuteMsg::RevokePermit {
            permit_name,
            padding: _,
        } => execute_revoke_permit(deps, info, permit_name),
    })
}

fn json<T: ToJson>(value: Result<T, ContractError>) -> Result<Binary, ContractError> {
    Ok(JsonWriter::binary(&value?))
}

pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    let result = match msg {
        QueryMsg::Config {} => json(query_config(deps)),
        QueryMsg::Org { id } => json(query_org(deps, id)),
        QueryMsg::FindOrg { id } => json(query_find_org(deps, id)),
        QueryMsg::OrgsOf {
            address,
            start,
            limit,
        } => json(query_orgs_of(deps, address, start, limit)),
        QueryMsg::Plan { id } => json(query_plan(deps, id)),
        QueryMsg::Plans { include_retired } => {
            json(query_plans(deps, include_retired.unwrap_or(false)))
        }
        QueryMsg::OrgPlan { org_id } => json(query_org_plan(deps, env, org_id)),
        QueryMsg::Subscription { org_id, auth } => ensure_may_read(deps, &env, &auth, org_id)
            .and_then(|()| json(query_subscription(deps, env, org_id))),
        QueryMsg::PaymentHistory {
            org_id,
            start,
            limit,
            auth,
        } => ensure_may_read(deps, &env, &auth, org_id)
            .and_then(|()| json(query_payment_history(deps, org_id, start, limit))),
        QueryMsg::Stake { org_id, auth } => ensure_may_read(deps, &env, &auth, org_id)
            .and_then(|()| json(query_stake(deps, org_id))),
        QueryMsg::Totals {} => json(query_totals(deps)),
    };
    #[cfg(feature = "secret")]
    return privexbot_shared::secret_toolkit::utils::pad_query_result(result, RESPONSE_BLOCK_SIZE);
    #[cfg(not(feature = "secret"))]
    result
}
