//! Usage counters per (org, bot, UTC day), from which an org's day is summed, and the public
//! totals. A batch or a receipt is first tallied in memory, then every touched record is read,
//! added with checked math and only then written, so an overflow leaves storage untouched.
//! Storage layout: `compact.rs` and `state.rs`; counters an older layout wrote stay where they
//! are and are added by the queries (`legacy`).

use privexbot_shared::cosmwasm_std::{Deps, Storage, Uint128, Uint64};

use crate::attestation::Attestation;
use crate::bot_id::BotId;
use crate::compact::{decode_org_bots, decode_org_day, encode_org_bots, encode_org_day, BotDay};
use crate::error::ContractError;
use crate::msg::{TotalsResponse, UsageCounters};
use crate::receipt::ReceiptLine;
use crate::state::{batches, legacy, org_bot_list_key, org_day_key, receipts, TOTALS};

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

/// The sums of one batch or receipt per (org, bot, day), before they touch storage.
/// Kept sorted by key in a plain vector rather than a `BTreeMap`, whose node code is several
/// KB of wasm (size, contracts README): receipt lines arrive sorted, so each is appended, and
/// a batch's attestations touch few keys.
#[derive(Default)]
pub struct Tally {
    bot_day: Vec<((u64, BotId, u32), UsageCounters)>,
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
        let key = (org, bot, day);
        match self.bot_day.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => self.bot_day[at].1 = self.bot_day[at].1.checked_add(add)?,
            Err(at) => self.bot_day.insert(at, (key, add.clone())),
        }
        self.total = self.total.checked_add(add)?;
        Ok(())
    }

    /// Adds the tally to the stored counters and totals; writes nothing if any sum overflows.
    /// Per org it reads and writes one record per touched day, and reads its bot list once
    /// (writing it only when a bot is new): the cost follows the orgs and days a receipt
    /// touches, not its lines. `legacy` is the config's `legacy_counters`.
    pub fn apply(self, storage: &mut dyn Storage, legacy: bool) -> Result<(), ContractError> {
        let mut writes: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let mut lines = self.bot_day.iter().peekable();
        while let Some(&&((org, _, _), _)) = lines.peek() {
            let list_key = org_bot_list_key(org);
            let (has_legacy, mut bots, mut list_changed) = match storage.get(&list_key) {
                Some(bytes) => {
                    let (has_legacy, bots) = decode_org_bots(&bytes)?;
                    (has_legacy, bots, false)
                }
                None if legacy => {
                    let bots = legacy_org_bots(storage, org)?;
                    (!bots.is_empty(), bots, true)
                }
                None => (false, Vec::new(), true),
            };
            // The org's lines as (day, bot index, bot, sums), in (bot, day) order.
            let mut org_lines: Vec<(u32, u32, BotId, &UsageCounters)> = Vec::new();
            while let Some(&((_, bot, day), ref add)) = lines.next_if(|((o, _, _), _)| *o == org) {
                let index = match bots.iter().position(|b| *b == bot.0) {
                    Some(i) => i,
                    None => {
                        bots.push(bot.0);
                        list_changed = true;
                        bots.len() - 1
                    }
                };
                let index = u32::try_from(index).map_err(|_| ContractError::Overflow {})?;
                org_lines.push((day, index, bot, add));
            }
            // Each touched day once, in order of first appearance: its lines are found by a
            // scan, not by sorting (sort code is several KB of wasm) or inserting in order
            // (moves grow with the square of the lines); a receipt spans few days.
            let mut done = vec![false; org_lines.len()];
            for first in 0..org_lines.len() {
                if done[first] {
                    continue;
                }
                let day = org_lines[first].0;
                let key = org_day_key(org, day);
                let mut entries = match storage.get(&key) {
                    Some(bytes) => decode_org_day(&bytes)?,
                    None => Vec::new(),
                };
                for (&(line_day, index, bot, add), done) in
                    org_lines.iter().zip(done.iter_mut()).skip(first)
                {
                    if *done || line_day != day {
                        continue;
                    }
                    *done = true;
                    let sum = match entries.binary_search_by_key(&index, |(i, _)| *i) {
                        Ok(at) => {
                            entries[at].1 = entries[at].1.checked_add(add)?;
                            &entries[at].1
                        }
                        Err(at) => {
                            entries.insert(at, (index, add.clone()));
                            &entries[at].1
                        }
                    };
                    // Queries add the legacy counter to the compact one: their sum must fit.
                    if has_legacy {
                        if let Some(old) = legacy::BOT_DAY.may_load(storage, &(org, bot, day))? {
                            old.checked_add(sum)?;
                        }
                    }
                }
                // The org's day is summed at query time: it must fit too.
                let mut org_day = if has_legacy {
                    legacy::ORG_DAY
                        .may_load(storage, &(org, day))?
                        .unwrap_or_default()
                } else {
                    UsageCounters::default()
                };
                for (_, sums) in &entries {
                    org_day = org_day.checked_add(sums)?;
                }
                writes.push((key, encode_org_day(&entries)));
            }
            if list_changed {
                writes.push((list_key, encode_org_bots(has_legacy, &bots)));
            }
        }
        let totals = TOTALS
            .may_load(storage)?
            .unwrap_or_default()
            .checked_add(&self.total)?;

        for (key, value) in writes {
            storage.set(&key, &value);
        }
        TOTALS.save(storage, &totals)?;
        Ok(())
    }
}

/// An org's bots from the legacy list (UUID strings), to seed its compact list.
fn legacy_org_bots(storage: &dyn Storage, org: u64) -> Result<Vec<[u8; 16]>, ContractError> {
    let list = legacy::org_bots(org);
    let len = list.len(storage)?;
    list.page(storage, 0, len)?
        .iter()
        .map(|bot| Ok(BotId::parse(bot)?.0))
        .collect()
}

/// An org's bot list and whether it has legacy counters, as the queries read them: an org
/// without a compact list has only legacy counters (when the contract may hold any) or none.
pub fn org_bot_list(
    storage: &dyn Storage,
    legacy: bool,
    org: u64,
) -> Result<OrgBotList, ContractError> {
    Ok(match storage.get(&org_bot_list_key(org)) {
        Some(bytes) => {
            let (has_legacy, bots) = decode_org_bots(&bytes)?;
            OrgBotList::Compact { has_legacy, bots }
        }
        None if legacy => OrgBotList::LegacyOnly,
        None => OrgBotList::Compact {
            has_legacy: false,
            bots: Vec::new(),
        },
    })
}

pub enum OrgBotList {
    Compact {
        has_legacy: bool,
        bots: Vec<[u8; 16]>,
    },
    LegacyOnly,
}

impl OrgBotList {
    pub fn has_legacy(&self) -> bool {
        match self {
            OrgBotList::Compact { has_legacy, .. } => *has_legacy,
            OrgBotList::LegacyOnly => true,
        }
    }

    pub fn index_of(&self, bot: &BotId) -> Option<u32> {
        match self {
            OrgBotList::Compact { bots, .. } => {
                bots.iter().position(|b| *b == bot.0).map(|i| i as u32)
            }
            OrgBotList::LegacyOnly => None,
        }
    }
}

/// The compact bots' sums of an org's day, by bot index.
pub fn org_day_entries(
    storage: &dyn Storage,
    org: u64,
    day: u32,
) -> Result<Vec<BotDay>, ContractError> {
    Ok(match storage.get(&org_day_key(org, day)) {
        Some(bytes) => decode_org_day(&bytes)?,
        None => Vec::new(),
    })
}

pub fn query_totals(deps: Deps) -> Result<TotalsResponse, ContractError> {
    Ok(TotalsResponse {
        batches: batches().len(deps.storage)?,
        receipts: receipts().len(deps.storage)?,
        counters: TOTALS.may_load(deps.storage)?.unwrap_or_default(),
    })
}
