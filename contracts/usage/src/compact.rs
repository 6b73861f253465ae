//! The compact binary values of the usage counters (crate README, "Storage"). On a CosmWasm
//! chain a write costs a flat 2,000 gas plus 30 gas per byte of key and value, and a read
//! 1,000 plus 3 per byte: so an org's day is one record holding every bot's sums as LEB128
//! varints (about 10 bytes per bot instead of a ~70-byte JSON value under its own key), and an
//! org's bots are one record of packed 16-byte ids. Pure functions over bytes.

use privexbot_shared::cosmwasm_std::{StdError, StdResult, Uint128, Uint64};

use crate::msg::UsageCounters;

/// One bot's sums on one day; `bot` is the bot's index in its org's bot list.
pub type BotDay = (u32, UsageCounters);

/// In an org's bot list record, the first byte says whether the org also has counters in the
/// JSON layout written before the compact one (read and added by every query, never migrated
/// in bulk: storage cannot be iterated on Secret Network).
pub const NO_LEGACY: u8 = 0;
pub const HAS_LEGACY: u8 = 1;

fn push_varint(out: &mut Vec<u8>, mut value: u128) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads one LEB128 varint; refuses a truncated one, one over `u128` and a non-minimal one
/// (so every value has exactly one encoding).
fn read_varint(bytes: &mut &[u8]) -> StdResult<u128> {
    let mut value: u128 = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let bits = u128::from(byte & 0x7f);
        let shift = 7 * i as u32;
        if shift >= 128 || (shift > 0 && bits >> (128 - shift) != 0) {
            return Err(corrupt("varint over 128 bits"));
        }
        value |= bits << shift;
        if byte & 0x80 == 0 {
            if byte == 0 && i > 0 {
                return Err(corrupt("non-minimal varint"));
            }
            *bytes = &bytes[i + 1..];
            return Ok(value);
        }
    }
    Err(corrupt("truncated varint"))
}

fn corrupt(what: &str) -> StdError {
    StdError::parse_err("usage counters", what)
}

/// An org's day: `(bot index, sums)` strictly by bot index.
pub fn encode_org_day(entries: &[BotDay]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 12);
    for (bot, c) in entries {
        push_varint(&mut out, u128::from(*bot));
        push_varint(&mut out, u128::from(c.messages.u64()));
        push_varint(&mut out, c.prompt_tokens.u128());
        push_varint(&mut out, c.completion_tokens.u128());
    }
    out
}

pub fn decode_org_day(mut bytes: &[u8]) -> StdResult<Vec<BotDay>> {
    let mut entries: Vec<BotDay> = Vec::new();
    while !bytes.is_empty() {
        let bot = u32::try_from(read_varint(&mut bytes)?).map_err(|_| corrupt("bot index"))?;
        if entries.last().is_some_and(|(last, _)| *last >= bot) {
            return Err(corrupt("bot indexes out of order"));
        }
        let messages = u64::try_from(read_varint(&mut bytes)?).map_err(|_| corrupt("messages"))?;
        let counters = UsageCounters {
            messages: Uint64::new(messages),
            prompt_tokens: Uint128::new(read_varint(&mut bytes)?),
            completion_tokens: Uint128::new(read_varint(&mut bytes)?),
        };
        entries.push((bot, counters));
    }
    Ok(entries)
}

/// An org's bots in order of first usage, after the legacy flag byte.
pub fn encode_org_bots(has_legacy: bool, bots: &[[u8; 16]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 16 * bots.len());
    out.push(if has_legacy { HAS_LEGACY } else { NO_LEGACY });
    for bot in bots {
        out.extend_from_slice(bot);
    }
    out
}

pub fn decode_org_bots(bytes: &[u8]) -> StdResult<(bool, Vec<[u8; 16]>)> {
    let (&flag, ids) = bytes
        .split_first()
        .ok_or_else(|| corrupt("empty bot list"))?;
    if flag > HAS_LEGACY || ids.len() % 16 != 0 {
        return Err(corrupt("bot list"));
    }
    let bots = ids
        .chunks_exact(16)
        .map(|c| c.try_into().expect("16 bytes"))
        .collect();
    Ok((flag == HAS_LEGACY, bots))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(messages: u64, prompt: u128, completion: u128) -> UsageCounters {
        UsageCounters {
            messages: Uint64::new(messages),
            prompt_tokens: Uint128::new(prompt),
            completion_tokens: Uint128::new(completion),
        }
    }

    #[test]
    fn an_org_day_round_trips_at_every_extreme() {
        let entries = vec![
            (0, sums(1, 0, 0)),
            (1, sums(33, 36_000, 13_000)),
            (2, sums(u64::MAX, u128::MAX, u128::MAX)),
            (u32::MAX, sums(127, 128, 16_384)),
        ];
        let bytes = encode_org_day(&entries);
        assert_eq!(decode_org_day(&bytes).unwrap(), entries);
        // A typical bot's day (33 answers, tens of thousands of tokens) takes 7 bytes.
        assert_eq!(encode_org_day(&entries[1..2]).len(), 7);
        assert_eq!(decode_org_day(&[]).unwrap(), vec![]);
    }

    #[test]
    fn corrupt_records_are_refused() {
        let bytes = encode_org_day(&[(3, sums(1, 2, 3))]);
        assert!(decode_org_day(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode_org_day(&[0x80]).is_err()); // truncated
        assert!(decode_org_day(&[0x81, 0x00, 1, 1, 1]).is_err()); // non-minimal
        assert!(decode_org_day(&[0xff; 20]).is_err()); // over 128 bits
        let mut twice = bytes.clone();
        twice.extend_from_slice(&bytes);
        assert!(decode_org_day(&twice).is_err()); // the same bot twice
        assert!(decode_org_bots(&[]).is_err());
        assert!(decode_org_bots(&[2]).is_err());
        assert!(decode_org_bots(&[0; 16]).is_err());
        let list = encode_org_bots(true, &[[7; 16], [1; 16]]);
        assert_eq!(
            decode_org_bots(&list).unwrap(),
            (true, vec![[7; 16], [1; 16]])
        );
    }
}
