//! The private usage queries: an org's counters per day, per bot and day, and its bots, for
//! the org's owner, admins and auditors only.

use privexbot_shared::cosmwasm_std::{Deps, Env};

use crate::access::ensure_may_read_usage;
use crate::bot_id::BotId;
use crate::counters::{org_bot_list, org_day_entries, OrgBotList};
use crate::error::ContractError;
use crate::msg::{
    DayUsage, OrgBotsResponse, QueryAuth, UsageCounters, UsageResponse, DEFAULT_PAGE_LIMIT,
    MAX_DAY_SPAN, MAX_PAGE_LIMIT,
};
use crate::state::legacy;

/// Checks a requested day range: ordered and at most `MAX_DAY_SPAN` days.
fn day_range(from_day: u32, to_day: u32) -> Result<std::ops::RangeInclusive<u32>, ContractError> {
    if from_day > to_day {
        return Err(ContractError::InvalidDayRange { from_day, to_day });
    }
    let days = u64::from(to_day - from_day) + 1;
    if days > u64::from(MAX_DAY_SPAN) {
        return Err(ContractError::DayRangeTooLong {
            days,
            max: MAX_DAY_SPAN,
        });
    }
    Ok(from_day..=to_day)
}

fn collect_days(
    range: std::ops::RangeInclusive<u32>,
    mut load: impl FnMut(u32) -> Result<Option<UsageCounters>, ContractError>,
) -> Result<(Vec<DayUsage>, UsageCounters), ContractError> {
    let mut days = Vec::new();
    let mut total = UsageCounters::default();
    for day in range {
        if let Some(counters) = load(day)? {
            total = total.checked_add(&counters)?;
            days.push(DayUsage { day, counters });
        }
    }
    Ok((days, total))
}

pub fn query_org_usage(
    deps: Deps,
    env: Env,
    org_id: u64,
    from_day: u32,
    to_day: u32,
    auth: QueryAuth,
) -> Result<UsageResponse, ContractError> {
    let range = day_range(from_day, to_day)?;
    let legacy = ensure_may_read_usage(deps, &env, &auth, org_id)?.legacy_counters;
    let has_legacy = org_bot_list(deps.storage, legacy, org_id)?.has_legacy();
    let (days, total) = collect_days(range, |day| {
        let mut sums = match has_legacy {
            true => legacy::ORG_DAY.may_load(deps.storage, &(org_id, day))?,
            false => None,
        };
        for (_, bot_sums) in org_day_entries(deps.storage, org_id, day)? {
            sums = Some(sums.unwrap_or_default().checked_add(&bot_sums)?);
        }
        Ok(sums)
    })?;
    Ok(UsageResponse {
        org_id,
        bot: None,
        days,
        total,
    })
}

pub fn query_bot_usage(
    deps: Deps,
    env: Env,
    org_id: u64,
    bot: String,
    from_day: u32,
    to_day: u32,
    auth: QueryAuth,
) -> Result<UsageResponse, ContractError> {
    let bot_id = BotId::parse(&bot)?;
    let range = day_range(from_day, to_day)?;
    let legacy = ensure_may_read_usage(deps, &env, &auth, org_id)?.legacy_counters;
    let list = org_bot_list(deps.storage, legacy, org_id)?;
    let index = list.index_of(&bot_id);
    let (days, total) = collect_days(range, |day| {
        let mut sums = match list.has_legacy() {
            true => legacy::BOT_DAY.may_load(deps.storage, &(org_id, bot_id, day))?,
            false => None,
        };
        if let Some(index) = index {
            let entries = org_day_entries(deps.storage, org_id, day)?;
            if let Some((_, bot_sums)) = entries.iter().find(|(i, _)| *i == index) {
                sums = Some(sums.unwrap_or_default().checked_add(bot_sums)?);
            }
        }
        Ok(sums)
    })?;
    Ok(UsageResponse {
        org_id,
        bot: Some(bot_id.to_string()),
        days,
        total,
    })
}

pub fn query_org_bots(
    deps: Deps,
    env: Env,
    org_id: u64,
    start: Option<u64>,
    limit: Option<u32>,
    auth: QueryAuth,
) -> Result<OrgBotsResponse, ContractError> {
    let legacy = ensure_may_read_usage(deps, &env, &auth, org_id)?.legacy_counters;
    let start = start.unwrap_or(0);
    let limit = limit.unwrap_or(DEFAULT_PAGE_LIMIT).min(MAX_PAGE_LIMIT) as u64;
    // A compact list starts with the org's legacy bots, in their order.
    let (bots, total) = match org_bot_list(deps.storage, legacy, org_id)? {
        OrgBotList::Compact { bots, .. } => (
            bots.iter()
                .skip(usize::try_from(start).unwrap_or(usize::MAX))
                .take(limit as usize)
                .map(|b| BotId(*b).to_string())
                .collect(),
            bots.len() as u64,
        ),
        OrgBotList::LegacyOnly => {
            let list = legacy::org_bots(org_id);
            (
                list.page(deps.storage, start, limit)?,
                list.len(deps.storage)?,
            )
        }
    };
    Ok(OrgBotsResponse {
        org_id,
        bots,
        total,
    })
}
