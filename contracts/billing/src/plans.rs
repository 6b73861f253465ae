//! Plans (admin only): create, update, retire; queries of one plan and of the plan list.
//! Plans are listed by counting ids from 1 (no range iteration).

use privexbot_shared::cosmwasm_std::{Deps, DepsMut, MessageInfo, Response, Storage};

use privexbot_shared::json_writer::JsonWriter;

use crate::access::only_admin;
use crate::msg::{AssetAmount, PlanInput, PlanResponse, PlansResponse};
use crate::orgs::{load_org, validate_name};
use crate::payments::{no_funds, validate_asset};
use crate::state::{Plan, CONFIG, PLANS, PLAN_COUNT};
use crate::ContractError;

/// Ten years: longer periods are surely a mistake, and the bound keeps time arithmetic small.
pub(crate) const MAX_PERIOD_SECONDS: u64 = 10 * 366 * 24 * 3600;
pub(crate) const MAX_RESTRICTED_ORGS: usize = 50;

pub(crate) fn load_plan(store: &dyn Storage, plan_id: u64) -> Result<Plan, ContractError> {
    PLANS
        .may_load(store, &plan_id)?
        .ok_or(ContractError::PlanNotFound { id: plan_id })
}

/// A plan that `org_id` may start now: it exists, is not retired, and is offered to the org.
pub(crate) fn plan_open_to(
    store: &dyn Storage,
    plan_id: u64,
    org_id: u64,
) -> Result<Plan, ContractError> {
    let plan = load_plan(store, plan_id)?;
    if plan.retired {
        return Err(ContractError::PlanRetired { id: plan_id });
    }
    if let Some(orgs) = &plan.restricted_to {
        if !orgs.contains(&org_id) {
            return Err(ContractError::PlanNotOffered { plan_id, org_id });
        }
    }
    Ok(plan)
}

fn validate_plan(deps: &Deps, input: PlanInput) -> Result<Plan, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let name = validate_name(&input.name)?;
    let asset = validate_asset(deps.api, &config, &input.price.asset)?;
    if input.period_seconds == 0 || input.period_seconds > MAX_PERIOD_SECONDS {
        return Err(ContractError::invalid(
            "period_seconds",
            format!("must be between 1 and {MAX_PERIOD_SECONDS}"),
        ));
    }
    if input.stake_amount.is_some_and(|s| s.is_zero()) {
        return Err(ContractError::ZeroAmount {});
    }
    if let Some(orgs) = &input.restricted_to {
        if orgs.is_empty() || orgs.len() > MAX_RESTRICTED_ORGS {
            return Err(ContractError::invalid(
                "restricted_to",
                format!("list 1 to {MAX_RESTRICTED_ORGS} orgs, or leave it out"),
            ));
        }
        for org_id in orgs {
            load_org(deps.storage, *org_id)?;
        }
    }
    Ok(Plan {
        name,
        price: AssetAmount {
            asset,
            amount: input.price.amount,
        },
        period_seconds: input.period_seconds,
        quotas: input.quotas,
        stake_amount: input.stake_amount,
        restricted_to: input.restricted_to,
        retired: false,
    })
}

pub fn execute_create_plan(
    deps: DepsMut,
    info: MessageInfo,
    input: PlanInput,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    only_admin(deps.storage, &info)?;
    let plan = validate_plan(&deps.as_ref(), input)?;
    let plan_id = PLAN_COUNT.may_load(deps.storage)?.unwrap_or(0) + 1;
    PLAN_COUNT.save(deps.storage, &plan_id)?;
    PLANS.save(deps.storage, &plan_id, &plan)?;
    Ok(Response::new()
        .set_data(JsonWriter::to_vec(&plan_id))
        .add_attribute("action", "create_plan")
        .add_attribute("plan_id", plan_id.to_string())
        .add_attribute("name", plan.name))
}

pub fn execute_update_plan(
    deps: DepsMut,
    info: MessageInfo,
    plan_id: u64,
    input: PlanInput,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    only_admin(deps.storage, &info)?;
    let existing = load_plan(deps.storage, plan_id)?;
    let mut plan = validate_plan(&deps.as_ref(), input)?;
    plan.retired = existing.retired;
    PLANS.save(deps.storage, &plan_id, &plan)?;
    Ok(Response::new()
        .add_attribute("action", "update_plan")
        .add_attribute("plan_id", plan_id.to_string()))
}

pub fn execute_retire_plan(
    deps: DepsMut,
    info: MessageInfo,
    plan_id: u64,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    only_admin(deps.storage, &info)?;
    let mut plan = load_plan(deps.storage, plan_id)?;
    if plan.retired {
        return Err(ContractError::PlanRetired { id: plan_id });
    }
    plan.retired = true;
    PLANS.save(deps.storage, &plan_id, &plan)?;
    Ok(Response::new()
        .add_attribute("action", "retire_plan")
        .add_attribute("plan_id", plan_id.to_string()))
}

fn plan_response(id: u64, plan: Plan) -> PlanResponse {
    PlanResponse {
        id,
        name: plan.name,
        price: plan.price,
        period_seconds: plan.period_seconds,
        quotas: plan.quotas,
        stake_amount: plan.stake_amount,
        restricted_to: plan.restricted_to,
        retired: plan.retired,
    }
}

pub fn query_plan(deps: Deps, id: u64) -> Result<PlanResponse, ContractError> {
    Ok(plan_response(id, load_plan(deps.storage, id)?))
}

pub fn query_plans(deps: Deps, include_retired: bool) -> Result<PlansResponse, ContractError> {
    let count = PLAN_COUNT.may_load(deps.storage)?.unwrap_or(0);
    let mut plans = vec![];
    for id in 1..=count {
        let plan = load_plan(deps.storage, id)?;
        if include_retired || !plan.retired {
            plans.push(plan_response(id, plan));
        }
    }
    Ok(PlansResponse { plans })
}
