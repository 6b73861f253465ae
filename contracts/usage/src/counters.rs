//! Usage counters per (org, UTC day) and per (org, bot, UTC day), and the private queries
//! over them. A batch is first tallied in memory, then every touched counter is read, added
//! with checked math and only then written, so an overflow leaves storage untouched.

use std::collections::BTreeMap;

use privexbot_shared::cosmwasm_std::{Deps, Env, Storage, Uint128, Uint64};

use crate::access::ensure_may_read_usage;
use crate::attestation::Attestation;
use crate::bot_id::BotId;
use crate::error::ContractError;
use crate::msg::{
    DayUsage, OrgBotsResponse, QueryAuth, UsageCounters, UsageResponse, DEFAULT_PAGE_LIMIT,
    MAX_DAY_SPAN, MAX_PAGE_LIMIT,
};
use crate::state::{org_bots, BOT_DAY, ORG_BOT_SEEN, ORG_DAY, TOTALS};

pub const SECONDS_PER_DAY: u64 = 86_400;

/// The UTC day number of a unix time (days since 1970-01-01).
pub fn day_of(ts: u64) -> Result<u32, ContractError> {
    u32::try_from(ts / SECONDS_PER_DAY).map_err(|_| ContractError::Overflow {})
}

impl UsageCounters {
    pub fn checked_add(&self, other: &UsageCounters) -> Result<UsageCounters, ContractError> {
        let overflow = |_| ContractError::Overflow {};
        Ok(UsageCounters {
            messages: self
                .messages
                .checked_add(other.messages)
                .map_err(overflow)?,
            prompt_tokens: self
                .prompt_tokens
                .checked_add(other.prompt_tokens)
                .map_err(overflow)?,
            completion_tokens: self
                .completion_tokens
                .checked_add(other.completion_tokens)
                .map_err(overflow)?,
        })
    }

    fn of(att: &Attestation) -> UsageCounters {
        UsageCounters {
            messages: Uint64::one(),
            prompt_tokens: Uint128::from(att.prompt_tokens),
            completion_tokens: Uint128::from(att.completion_tokens),
        }
    }
}

/// The sums of one batch, before they touch storage.
#[derive(Default)]
pub struct Tally {
    org_day: BTreeMap<(u64, u32), UsageCounters>,
    bot_day: BTreeMap<(u64, BotId, u32), UsageCounters>,
    pub total: UsageCounters,
}

impl Tally {
    pub fn add(&mut self, att: &Attestation) -> Result<(), ContractError> {
        let one = UsageCounters::of(att);
        let day = day_of(att.ts)?;
        let org = self.org_day.entry((att.org, day)).or_default();
        *org = org.checked_add(&one)?;
        let bot = self
            .bot_day
            .entry((att.org, BotId(att.bot), day))
            .or_default();
        *bot = bot.checked_add(&one)?;
        self.total = self.total.checked_add(&one)?;
        Ok(())
    }

    /// Adds the tally to the stored counters and totals; writes nothing if any sum overflows.
    pub fn apply(self, storage: &mut dyn Storage) -> Result<(), ContractError> {
        let mut org_day = Vec::with_capacity(self.org_day.len());
        for (key, add) in &self.org_day {
            let stored = ORG_DAY.may_load(storage, key)?.unwrap_or_default();
            org_day.push((key, stored.checked_add(add)?));
        }
        let mut bot_day = Vec::with_capacity(self.bot_day.len());
        for (key, add) in &self.bot_day {
            let stored = BOT_DAY.may_load(storage, key)?.unwrap_or_default();
            bot_day.push((key, stored.checked_add(add)?));
        }
        let totals = TOTALS
            .may_load(storage)?
            .unwrap_or_default()
            .checked_add(&self.total)?;

        for (key, value) in org_day {
            ORG_DAY.save(storage, key, &value)?;
        }
        for (key, value) in bot_day {
            note_org_bot(storage, key.0, key.1)?;
            BOT_DAY.save(storage, key, &value)?;
        }
        TOTALS.save(storage, &totals)?;
        Ok(())
    }
}

/// Keeps `org_bots(org)` listing every bot of the org with usage, once.
fn note_org_bot(storage: &mut dyn Storage, org: u64, bot: BotId) -> Result<(), ContractError> {
    if !ORG_BOT_SEEN.has(storage, &(org, bot)) {
        ORG_BOT_SEEN.save(storage, &(org, bot), &true)?;
        org_bots(org).push(storage, &bot.to_string())?;
    }
    Ok(())
}

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
    ensure_may_read_usage(deps, &env, &auth, org_id)?;
    let (days, total) = collect_days(range, |day| {
        Ok(ORG_DAY.may_load(deps.storage, &(org_id, day))?)
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
    ensure_may_read_usage(deps, &env, &auth, org_id)?;
    let (days, total) = collect_days(range, |day| {
        Ok(BOT_DAY.may_load(deps.storage, &(org_id, bot_id, day))?)
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
    ensure_may_read_usage(deps, &env, &auth, org_id)?;
    let list = org_bots(org_id);
    let limit = limit.unwrap_or(DEFAULT_PAGE_LIMIT).min(MAX_PAGE_LIMIT) as u64;
    Ok(OrgBotsResponse {
        org_id,
        bots: list.page(deps.storage, start.unwrap_or(0), limit)?,
        total: list.len(deps.storage)?,
    })
}
