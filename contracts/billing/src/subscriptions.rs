//! Paid subscriptions: token and native payments, prepaid balances, lazy renewal, cancel and
//! resume, plan changes with proration, withdrawal of unused balance.
//!
//! There is no cron on chain, so renewals are applied lazily: every message that touches an
//! org's subscription or balance first applies the renewals due by the current block
//! ([`settle`]), and queries compute the same thing without writing ([`renew_due`]). Because
//! the balance only changes in such messages, the lazy result equals what a cron would have
//! done: at each period boundary the period's price is charged if the balance covers it,
//! otherwise the subscription lapses (and stays lapsed until the next `subscribe`). Every
//! deposit settles first, so money that arrives after a lapse never pays for lapsed time.

use privexbot_shared::cosmwasm_std::{
    Addr, Deps, DepsMut, Env, MessageInfo, Response, Storage, Timestamp, Uint128,
};
use privexbot_shared::storage::from_json_bytes;
use privexbot_shared::token::{received, TokenReceiveMsg};

use crate::msg::{
    ActiveVia, Asset, AssetAmount, OrgPlanResponse, PaidSubscription, PaymentHistoryResponse,
    PaymentKind, ReceiveMsg, SubscriptionResponse,
};
use crate::orgs::{load_org, org_managed_by, org_owned_by};
use crate::payments::{
    asset_key, balance, charge, credit, debit, native_payment, no_funds, record, send,
    validate_asset, Payment,
};
use crate::plans::{load_plan, plan_open_to};
use crate::staking::stake_is_active;
use crate::state::{
    history, Plan, Subscription, Terms, BALANCES, BALANCE_ASSETS, CONFIG, STAKES, SUBSCRIPTIONS,
};
use crate::ContractError;

/// Upper bound of `periods` in one `subscribe`: ten years of monthly periods.
pub(crate) const MAX_PREPAID_PERIODS: u32 = 120;
const DEFAULT_HISTORY_PAGE: u32 = 30;
const MAX_HISTORY_PAGE: u32 = 100;

/// Renewals applied by [`renew_due`]: `periods` periods of `terms` for `amount`.
pub(crate) struct RenewalCharge {
    pub terms: Terms,
    pub periods: u64,
    pub amount: Uint128,
}

fn terms_of(plan_id: u64, plan: &Plan) -> Terms {
    Terms {
        plan_id,
        price: plan.price.clone(),
        period_seconds: plan.period_seconds,
    }
}

/// The subscription as of `now`, and what renewing it costs, without writing anything.
/// Closed form rather than a loop over periods: the number of periods due and the number the
/// balance can pay are both computed directly, so gas does not grow with elapsed time.
pub(crate) fn renew_due(
    store: &dyn Storage,
    org_id: u64,
    sub: &Subscription,
    now: u64,
) -> Result<(Subscription, Option<RenewalCharge>), ContractError> {
    let mut sub = sub.clone();
    if sub.cancel_at_period_end || sub.lapsed || sub.paid_until > now {
        return Ok((sub, None));
    }
    // A scheduled change takes effect at the first boundary.
    if let Some(next) = sub.next.take() {
        sub.terms = next;
    }
    let period = sub.terms.period_seconds;
    let due = (now - sub.paid_until) / period + 1;
    let price = sub.terms.price.amount;
    let affordable = if price.is_zero() {
        due
    } else {
        let available = balance(store, org_id, &sub.terms.price.asset)?;
        (available.u128() / price.u128()).min(due as u128) as u64
    };
    // The first boundary the balance cannot pay ends the subscription for good.
    sub.lapsed = affordable < due;
    if affordable == 0 {
        return Ok((sub, None));
    }
    let amount = price.checked_mul(Uint128::from(affordable))?;
    // Cannot overflow: affordable <= due, so paid_until stays below now + period.
    sub.paid_until += affordable * period;
    sub.period_start = Some(sub.paid_until - period);
    let terms = sub.terms.clone();
    Ok((
        sub,
        Some(RenewalCharge {
            terms,
            periods: affordable,
            amount,
        }),
    ))
}

/// Applies (and records) the renewals due by now; returns the org's subscription, if any.
pub(crate) fn settle(
    store: &mut dyn Storage,
    env: &Env,
    org_id: u64,
) -> Result<Option<Subscription>, ContractError> {
    let Some(sub) = SUBSCRIPTIONS.may_load(store, &org_id)? else {
        return Ok(None);
    };
    let (renewed, renewal) = renew_due(store, org_id, &sub, env.block.time.seconds())?;
    if renewed != sub {
        SUBSCRIPTIONS.save(store, &org_id, &renewed)?;
    }
    // Free periods renew without a history line.
    if let Some(r) = renewal.filter(|r| !r.amount.is_zero()) {
        charge(store, org_id, &r.terms.price.asset, r.amount)?;
        record(
            store,
            env,
            org_id,
            Payment {
                kind: PaymentKind::Renewal,
                asset: r.terms.price.asset,
                amount: r.amount,
                account: None,
                plan_id: Some(r.terms.plan_id),
                periods: Some(r.periods),
            },
        )?;
    }
    Ok(Some(renewed))
}

fn is_active(sub: &Subscription, now: u64) -> bool {
    sub.paid_until > now
}

/// Credits a payment to an org (after applying the renewals due before it arrived).
fn deposit(
    store: &mut dyn Storage,
    env: &Env,
    org_id: u64,
    asset: &Asset,
    amount: Uint128,
    payer: &Addr,
) -> Result<(), ContractError> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    load_org(store, org_id)?;
    settle(store, env, org_id)?;
    credit(store, org_id, asset, amount)?;
    record(
        store,
        env,
        org_id,
        Payment {
            kind: PaymentKind::Deposit,
            asset: asset.clone(),
            amount,
            account: Some(payer.clone()),
            plan_id: None,
            periods: None,
        },
    )
}

/// Token callback: `info.sender` is the token, the payer comes from the callback body.
pub fn execute_receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: TokenReceiveMsg,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let payment = received(deps.api, info.sender.clone(), msg)?;
    if !config
        .accepted_tokens
        .iter()
        .any(|t| t.address == payment.token)
    {
        return Err(ContractError::AssetNotAccepted {
            asset: asset_key(&Asset::Token {
                address: payment.token.to_string(),
            }),
        });
    }
    let inner: ReceiveMsg = match &payment.msg {
        None => return Err(ContractError::MissingReceiveMsg {}),
        Some(bytes) => from_json_bytes(bytes.as_slice())?,
    };
    let asset = Asset::Token {
        address: payment.token.to_string(),
    };
    match inner {
        ReceiveMsg::Subscribe {
            org_id,
            plan_id,
            periods,
        } => subscribe(
            deps,
            env,
            payment.payer,
            org_id,
            plan_id,
            periods,
            Some((asset, payment.amount)),
        ),
        ReceiveMsg::Deposit { org_id } => {
            deposit(
                deps.storage,
                &env,
                org_id,
                &asset,
                payment.amount,
                &payment.payer,
            )?;
            Ok(deposit_response(org_id, &asset, payment.amount))
        }
    }
}

fn deposit_response(org_id: u64, asset: &Asset, amount: Uint128) -> Response {
    Response::new()
        .add_attribute("action", "deposit")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("asset", asset_key(asset))
        .add_attribute("amount", amount)
}

pub fn execute_deposit(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    org_id: u64,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let Some((asset, amount)) = native_payment(&config, &info)? else {
        return Err(ContractError::NoFunds {});
    };
    deposit(deps.storage, &env, org_id, &asset, amount, &info.sender)?;
    Ok(deposit_response(org_id, &asset, amount))
}

pub fn execute_subscribe(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    org_id: u64,
    plan_id: u64,
    periods: u32,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let payment = native_payment(&config, &info)?;
    subscribe(deps, env, info.sender, org_id, plan_id, periods, payment)
}

/// Starts a subscription: deposits the payment (if any), checks that the balance covers
/// `periods` periods, and charges the first one now.
fn subscribe(
    deps: DepsMut,
    env: Env,
    sender: Addr,
    org_id: u64,
    plan_id: u64,
    periods: u32,
    payment: Option<(Asset, Uint128)>,
) -> Result<Response, ContractError> {
    org_managed_by(deps.storage, org_id, &sender)?;
    let plan = plan_open_to(deps.storage, plan_id, org_id)?;
    if periods == 0 || periods > MAX_PREPAID_PERIODS {
        return Err(ContractError::invalid(
            "periods",
            format!("must be between 1 and {MAX_PREPAID_PERIODS}"),
        ));
    }
    let now = env.block.time.seconds();
    if let Some(sub) = settle(deps.storage, &env, org_id)? {
        if is_active(&sub, now) {
            return Err(ContractError::AlreadySubscribed { org_id });
        }
    }
    let asset = plan.price.asset.clone();
    if let Some((paid, amount)) = payment {
        if paid != asset {
            return Err(ContractError::WrongAsset {
                plan_id,
                expected: asset_key(&asset),
                paid: asset_key(&paid),
            });
        }
        deposit(deps.storage, &env, org_id, &paid, amount, &sender)?;
    }
    let price = plan.price.amount;
    let needed = price.checked_mul(Uint128::from(periods))?;
    let available = balance(deps.storage, org_id, &asset)?;
    if available < needed {
        return Err(ContractError::InsufficientBalance { needed, available });
    }
    if !price.is_zero() {
        charge(deps.storage, org_id, &asset, price)?;
    }
    let paid_until = now + plan.period_seconds;
    let sub = Subscription {
        terms: terms_of(plan_id, &plan),
        paid_until,
        period_start: Some(now),
        cancel_at_period_end: false,
        lapsed: false,
        next: None,
    };
    SUBSCRIPTIONS.save(deps.storage, &org_id, &sub)?;
    record(
        deps.storage,
        &env,
        org_id,
        Payment {
            kind: PaymentKind::Subscribe,
            asset,
            amount: price,
            account: Some(sender),
            plan_id: Some(plan_id),
            periods: Some(1),
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "subscribe")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("plan_id", plan_id.to_string())
        .add_attribute("paid_until", paid_until.to_string()))
}

/// Loads the org's subscription after renewals, requiring it to be active.
fn active_subscription(
    store: &mut dyn Storage,
    env: &Env,
    org_id: u64,
) -> Result<Subscription, ContractError> {
    match settle(store, env, org_id)? {
        Some(sub) if is_active(&sub, env.block.time.seconds()) => Ok(sub),
        _ => Err(ContractError::NoActiveSubscription { org_id }),
    }
}

fn set_cancelled(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    org_id: u64,
    cancel: bool,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    org_managed_by(deps.storage, org_id, &info.sender)?;
    let mut sub = active_subscription(deps.storage, &env, org_id)?;
    sub.cancel_at_period_end = cancel;
    SUBSCRIPTIONS.save(deps.storage, &org_id, &sub)?;
    let action = if cancel {
        "cancel_subscription"
    } else {
        "resume_subscription"
    };
    Ok(Response::new()
        .add_attribute("action", action)
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("paid_until", sub.paid_until.to_string()))
}

pub fn execute_cancel_subscription(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    org_id: u64,
) -> Result<Response, ContractError> {
    set_cancelled(deps, env, info, org_id, true)
}

pub fn execute_resume_subscription(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    org_id: u64,
) -> Result<Response, ContractError> {
    set_cancelled(deps, env, info, org_id, false)
}

/// `price * remaining / period`, rounded down or up.
fn prorate(
    price: Uint128,
    remaining: u64,
    period: u64,
    round_up: bool,
) -> Result<Uint128, ContractError> {
    let scaled = price.checked_mul(Uint128::from(remaining))?;
    let period = Uint128::from(period);
    let whole = scaled
        .checked_div(period)
        .map_err(|_| ContractError::Overflow {})?;
    if round_up && !(scaled % period).is_zero() {
        Ok(whole.checked_add(Uint128::one())?)
    } else {
        Ok(whole)
    }
}

/// Proration rule (see the README): with `r` seconds left in the paid period,
/// `credit = floor(old_price * r / old_period)` and `cost = ceil(new_price * r / new_period)`.
/// If both plans are priced in the same asset and `cost > credit`, the change is an upgrade:
/// it takes effect now, `cost - credit` is charged from the balance, and `paid_until` stays.
/// Otherwise the change is scheduled for `paid_until` and nothing is refunded.
pub fn execute_change_plan(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    org_id: u64,
    plan_id: u64,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    org_managed_by(deps.storage, org_id, &info.sender)?;
    let plan = plan_open_to(deps.storage, plan_id, org_id)?;
    let mut sub = active_subscription(deps.storage, &env, org_id)?;
    let response = Response::new()
        .add_attribute("action", "change_plan")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("plan_id", plan_id.to_string());
    if sub.terms.plan_id == plan_id {
        // Asking for the current plan again only makes sense to drop a scheduled change.
        if sub.next.take().is_none() {
            return Err(ContractError::SamePlan { org_id, plan_id });
        }
        SUBSCRIPTIONS.save(deps.storage, &org_id, &sub)?;
        return Ok(response.add_attribute("effective", "unchanged"));
    }
    let new_terms = terms_of(plan_id, &plan);
    let remaining = sub.paid_until - env.block.time.seconds();
    let old = &sub.terms;
    let upgrade_cost = if old.price.asset == new_terms.price.asset {
        let credit = prorate(old.price.amount, remaining, old.period_seconds, false)?;
        let cost = prorate(
            new_terms.price.amount,
            remaining,
            new_terms.period_seconds,
            true,
        )?;
        (cost > credit).then(|| cost - credit)
    } else {
        None
    };
    match upgrade_cost {
        Some(amount) => {
            let asset = new_terms.price.asset.clone();
            charge(deps.storage, org_id, &asset, amount)?;
            sub.terms = new_terms;
            sub.next = None;
            SUBSCRIPTIONS.save(deps.storage, &org_id, &sub)?;
            record(
                deps.storage,
                &env,
                org_id,
                Payment {
                    kind: PaymentKind::PlanChange,
                    asset,
                    amount,
                    account: Some(info.sender),
                    plan_id: Some(plan_id),
                    periods: None,
                },
            )?;
            Ok(response
                .add_attribute("effective", "now")
                .add_attribute("charged", amount))
        }
        None => {
            sub.next = Some(new_terms);
            SUBSCRIPTIONS.save(deps.storage, &org_id, &sub)?;
            Ok(response
                .add_attribute("effective", "period_end")
                .add_attribute("paid_until", sub.paid_until.to_string()))
        }
    }
}

pub fn execute_withdraw_balance(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    org_id: u64,
    asset: Asset,
    amount: Option<Uint128>,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let org = org_owned_by(deps.storage, org_id, &info.sender)?;
    let config = CONFIG.load(deps.storage)?;
    let asset = validate_asset(deps.api, &config, &asset)?;
    settle(deps.storage, &env, org_id)?;
    let available = balance(deps.storage, org_id, &asset)?;
    let amount = match amount {
        Some(a) if a.is_zero() => return Err(ContractError::ZeroAmount {}),
        Some(a) => a,
        None if available.is_zero() => return Err(ContractError::NothingToWithdraw {}),
        None => available,
    };
    debit(deps.storage, org_id, &asset, amount)?;
    record(
        deps.storage,
        &env,
        org_id,
        Payment {
            kind: PaymentKind::Withdrawal,
            asset: asset.clone(),
            amount,
            account: Some(org.owner.clone()),
            plan_id: None,
            periods: None,
        },
    )?;
    Ok(Response::new()
        .add_message(send(&config, &asset, &org.owner, amount)?)
        .add_attribute("action", "withdraw_balance")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("asset", asset_key(&asset))
        .add_attribute("amount", amount))
}

fn asset_of_key(key: &str) -> Asset {
    match key.split_once(':') {
        Some(("token", address)) => Asset::Token {
            address: address.to_string(),
        },
        _ => Asset::Native {
            denom: key.trim_start_matches("native:").to_string(),
        },
    }
}

pub fn query_subscription(
    deps: Deps,
    env: Env,
    org_id: u64,
) -> Result<SubscriptionResponse, ContractError> {
    load_org(deps.storage, org_id)?;
    let now = env.block.time.seconds();
    let renewed = match SUBSCRIPTIONS.may_load(deps.storage, &org_id)? {
        Some(sub) => Some(renew_due(deps.storage, org_id, &sub, now)?),
        None => None,
    };
    let pending_charge = renewed.as_ref().and_then(|(_, c)| c.as_ref());
    let mut balances = vec![];
    for key in BALANCE_ASSETS
        .may_load(deps.storage, &org_id)?
        .unwrap_or_default()
    {
        let mut amount = BALANCES.load(deps.storage, &(org_id, key.clone()))?;
        let asset = asset_of_key(&key);
        if let Some(c) = pending_charge.filter(|c| c.terms.price.asset == asset) {
            amount = amount.checked_sub(c.amount)?;
        }
        balances.push(AssetAmount { asset, amount });
    }
    let sub = renewed.map(|(s, _)| s);
    let paid_active = sub.as_ref().is_some_and(|s| is_active(s, now));
    let stake = STAKES.may_load(deps.storage, &org_id)?.unwrap_or_default();
    let (plan_id, via) = match (&sub, stake.plan_id) {
        (Some(s), _) if paid_active => (Some(s.terms.plan_id), Some(ActiveVia::Payment)),
        (_, Some(id)) if stake_is_active(&stake) => (Some(id), Some(ActiveVia::Stake)),
        _ => (None, None),
    };
    let quotas = match plan_id {
        Some(id) => Some(load_plan(deps.storage, id)?.quotas),
        None => None,
    };
    let next_renewal = sub
        .as_ref()
        .filter(|s| paid_active && !s.cancel_at_period_end)
        .map(|s| s.next.as_ref().unwrap_or(&s.terms).price.clone());
    let covers_next_renewal = match &next_renewal {
        Some(price) => balances
            .iter()
            .find(|b| b.asset == price.asset)
            .map_or(price.amount.is_zero(), |b| b.amount >= price.amount),
        None => false,
    };
    Ok(SubscriptionResponse {
        org_id,
        active: via.is_some(),
        plan_id,
        via,
        quotas,
        paid: sub.map(|s| PaidSubscription {
            plan_id: s.terms.plan_id,
            price: s.terms.price,
            period_seconds: s.terms.period_seconds,
            period_start: Timestamp::from_seconds(
                s.period_start
                    .unwrap_or_else(|| s.paid_until.saturating_sub(s.terms.period_seconds)),
            ),
            paid_until: Timestamp::from_seconds(s.paid_until),
            active: paid_active,
            cancel_at_period_end: s.cancel_at_period_end,
            lapsed: s.lapsed,
            next_plan_id: s.next.map(|n| n.plan_id),
        }),
        balances,
        next_renewal,
        covers_next_renewal,
    })
}

pub fn query_org_plan(deps: Deps, env: Env, org_id: u64) -> Result<OrgPlanResponse, ContractError> {
    let s = query_subscription(deps, env, org_id)?;
    Ok(OrgPlanResponse {
        org_id,
        active: s.active,
        plan_id: s.plan_id,
        via: s.via,
        quotas: s.quotas,
    })
}

pub fn query_payment_history(
    deps: Deps,
    org_id: u64,
    start: Option<u64>,
    limit: Option<u32>,
) -> Result<PaymentHistoryResponse, ContractError> {
    load_org(deps.storage, org_id)?;
    let list = history(org_id);
    let limit = limit.unwrap_or(DEFAULT_HISTORY_PAGE).min(MAX_HISTORY_PAGE);
    Ok(PaymentHistoryResponse {
        entries: list.page(deps.storage, start.unwrap_or(0), limit as u64)?,
        total: list.len(deps.storage)?,
    })
}
