//! Usage counters per (org, UTC day) and per (org, bot, UTC day), and the public totals. A
//! batch or a receipt is first tallied in memory, then every touched counter is read, added
//! with checked math and only then written, so an overflow leaves storage untouched.

use std::collections::BTreeMap;

use privexbot_shared::cosmwasm_std::{Deps, Storage, Uint128, Uint64};

use crate::attestation::Attestation;
use crate::bot_id::BotId;
use crate::error::ContractError;
use crate::msg::{TotalsResponse, UsageCounters};
use crate::receipt::ReceiptLine;
use crate::state::{batches, org_bots, receipts, BOT_DAY, ORG_BOT_SEEN, ORG_DAY, TOTALS};

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
        self.add_counters(
            att.org,
            BotId(att.bot),
            day_of(att.ts)?,
            &UsageCounters::of(att),
        )
    }

    /// Adds one receipt line: its sums count as that many answers of (org, bot, day).
    pub fn add_line(&mut self, line: &ReceiptLine) -> Result<(), ContractError> {
        let sums = UsageCounters {
            messages: Uint64::new(line.messages),
            prompt_tokens: Uint128::from(line.prompt_tokens),
            completion_tokens: Uint128::from(line.completion_tokens),
        };
        self.add_counters(line.org, BotId(line.bot), line.day, &sums)
    }

    fn add_counters(
        &mut self,
        org: u64,
        bot: BotId,
        day: u32,
        add: &UsageCounters,
    ) -> Result<(), ContractError> {
        let org_day = self.org_day.entry((org, day)).or_default();
        *org_day = org_day.checked_add(add)?;
        let bot_day = self.bot_day.entry((org, bot, day)).or_default();
        *bot_day = bot_day.checked_add(add)?;
        self.total = self.total.checked_add(add)?;
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
        // A bot with a stored counter is already in its org's list: only the others are
        // looked up, which spares a read per line when a day's usage arrives in several parts.
        // Keys are sorted by (org, bot, day), so a bot's days are adjacent: comparing with the
        // last one pushed is enough to list each bot once.
        let mut maybe_new_bots: Vec<(u64, BotId)> = Vec::new();
        for (key, add) in &self.bot_day {
            let stored = match BOT_DAY.may_load(storage, key)? {
                Some(stored) => stored,
                None => {
                    if maybe_new_bots.last() != Some(&(key.0, key.1)) {
                        maybe_new_bots.push((key.0, key.1));
                    }
                    UsageCounters::default()
                }
            };
            bot_day.push((key, stored.checked_add(add)?));
        }
        let totals = TOTALS
            .may_load(storage)?
            .unwrap_or_default()
            .checked_add(&self.total)?;

        for (key, value) in org_day {
            ORG_DAY.save(storage, key, &value)?;
        }
        for (org, bot) in maybe_new_bots {
            note_org_bot(storage, org, bot)?;
        }
        for (key, value) in bot_day {
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

pub fn query_totals(deps: Deps) -> Result<TotalsResponse, ContractError> {
    Ok(TotalsResponse {
        batches: batches().len(deps.storage)?,
        receipts: receipts().len(deps.storage)?,
        counters: TOTALS.may_load(deps.storage)?.unwrap_or_default(),
    })
}
