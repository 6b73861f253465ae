//! Property tests over random sequences of batches and receipts (valid, replayed, gapped,
//! forged) and time steps: counters only grow, sequences only move forward, every org's day,
//! every bot's day and every org's bot list (in order of first usage) equal what the accepted
//! attestations say, and the totals always equal their sum.
#![cfg(feature = "vanilla")]

mod common;

use std::collections::BTreeMap;

use common::*;
use privexbot_shared::cosmwasm_std::{Binary, Uint128, Uint64};
use privexbot_usage::msg::*;
use privexbot_usage::ContractError;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    /// `n` attestations by gateway `gw`, each (org index, bot index, seconds ago, prompt, completion).
    Valid {
        gw: usize,
        atts: Vec<(usize, usize, u64, u32, u32)>,
        /// settled by one receipt instead of a batch
        by_receipt: bool,
    },
    Replay {
        gw: usize,
        back: u64,
    },
    Gap {
        gw: usize,
        ahead: u64,
    },
    Forged {
        gw: usize,
        n: usize,
        bad: usize,
    },
    Advance {
        secs: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..2usize, prop::collection::vec((0..2usize, 0..3usize, 0..(2 * DAY), 0..5000u32, 0..5000u32), 1..6), any::<bool>())
            .prop_map(|(gw, atts, by_receipt)| Op::Valid { gw, atts, by_receipt }),
        1 => (0..2usize, 0..3u64).prop_map(|(gw, back)| Op::Replay { gw, back }),
        1 => (0..2usize, 2..5u64).prop_map(|(gw, ahead)| Op::Gap { gw, ahead }),
        1 => (0..2usize, 1..4usize, 0..4usize).prop_map(|(gw, n, bad)| Op::Forged { gw, n, bad: bad % n }),
        2 => (0..(3 * DAY)).prop_map(|secs| Op::Advance { secs }),
    ]
}

/// What the chain should hold, computed independently of the contract.
#[derive(Default)]
struct Model {
    org_day: BTreeMap<(u64, u32), (u64, u128, u128)>,
    bot_day: BTreeMap<(u64, [u8; 16], u32), (u64, u128, u128)>,
    /// each org's bots in order of first usage
    org_bots: BTreeMap<u64, Vec<[u8; 16]>>,
    last_seq: [u64; 2],
    total: (u64, u128, u128),
    batches: u64,
    receipts: u64,
}

fn org_days(s: &Suite, org: u64, from: u32, to: u32) -> BTreeMap<(u64, u32), (u64, u128, u128)> {
    s.org_usage(org, from, to)
        .days
        .into_iter()
        .map(|d| {
            (
                (org, d.day),
                (
                    d.counters.messages.u64(),
                    d.counters.prompt_tokens.u128(),
                    d.counters.completion_tokens.u128(),
                ),
            )
        })
        .collect()
}

fn bot_string(bot: &[u8; 16]) -> String {
    let h: String = bot.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

fn bot_days(
    s: &Suite,
    org: u64,
    bot: [u8; 16],
    from: u32,
    to: u32,
) -> BTreeMap<(u64, [u8; 16], u32), (u64, u128, u128)> {
    let usage: UsageResponse = s
        .query(&QueryMsg::BotUsage {
            org_id: org,
            bot: bot_string(&bot),
            from_day: from,
            to_day: to,
            auth: s.owner_auth(),
        })
        .unwrap();
    usage
        .days
        .into_iter()
        .map(|d| {
            (
                (org, bot, d.day),
                (
                    d.counters.messages.u64(),
                    d.counters.prompt_tokens.u128(),
                    d.counters.completion_tokens.u128(),
                ),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn counters_grow_sequences_advance_totals_add_up(ops in prop::collection::vec(op(), 1..12)) {
        let mut s = Suite::new();
        let gateways = [Gateway::from_seed(7), Gateway::from_seed(8)];
        s.register(&gateways[1], SignerMode::Dev).unwrap();
        let orgs = [s.org, s.create_org(&s.owner.addr.clone(), "Second")];
        let bots = [BOT_A, BOT_B, [0xc3; 16]];
        let first_day = day(s.now()) - 3;
        let mut model = Model::default();

        for op in ops {
            let before_days: Vec<_> = orgs.iter().map(|&o| org_days(&s, o, first_day, day(s.now()) + 1)).collect();
            let before_seq = [s.last_seq(&gateways[0]), s.last_seq(&gateways[1])];
            match op {
                Op::Valid { gw, atts, by_receipt } => {
                    let g = &gateways[gw];
                    let first = model.last_seq[gw] + 1;
                    let now = s.now();
                    let list: Vec<_> = atts.iter().enumerate().map(|(i, &(o, b, ago, p, c))| {
                        g.attestation(first + i as u64, orgs[o], bots[b], now - ago, p, c)
                    }).collect();
                    let msg = if by_receipt { g.settle(&list) } else { g.batch(first, &list) };
                    // Bots first seen in the same settlement are listed by their id (a receipt
                    // has no order of answers, only lines sorted by org, bot and day).
                    let mut new_bots = std::collections::BTreeSet::new();
                    s.submit(&msg).unwrap();
                    for a in &list {
                        let add = |e: &mut (u64, u128, u128)| {
                            *e = (e.0 + 1, e.1 + a.prompt_tokens as u128, e.2 + a.completion_tokens as u128);
                        };
                        add(model.org_day.entry((a.org, day(a.ts))).or_default());
                        add(model.bot_day.entry((a.org, a.bot, day(a.ts))).or_default());
                        new_bots.insert((a.org, a.bot));
                        model.total = (model.total.0 + 1, model.total.1 + a.prompt_tokens as u128, model.total.2 + a.completion_tokens as u128);
                    }
                    for (org, bot) in new_bots {
                        let listed = model.org_bots.entry(org).or_default();
                        if !listed.contains(&bot) {
                            listed.push(bot);
                        }
                    }
                    model.last_seq[gw] += list.len() as u64;
                    if by_receipt {
                        model.receipts += 1;
                    } else {
                        model.batches += 1;
                    }
                }
                Op::Replay { gw, back } => {
                    let last = model.last_seq[gw];
                    // Sequence 0 is never valid, so it is a replay even before the first batch.
                    let first = if last == 0 { 0 } else { last.saturating_sub(back).max(1) };
                    let g = &gateways[gw];
                    let msg = g.batch(first, &[g.attestation(first, orgs[0], BOT_A, s.now(), 1, 1)]);
                    prop_assert_eq!(s.submit(&msg).unwrap_err(), ContractError::SequenceReplay { first_seq: first, last_seq: last });
                }
                Op::Gap { gw, ahead } => {
                    let first = model.last_seq[gw] + ahead;
                    let g = &gateways[gw];
                    let msg = g.batch(first, &[g.attestation(first, orgs[0], BOT_A, s.now(), 1, 1)]);
                    prop_assert_eq!(
                        s.submit(&msg).unwrap_err(),
                        ContractError::SequenceGap { first_seq: first, expected: model.last_seq[gw] + 1 }
                    );
                }
                Op::Forged { gw, n, bad } => {
                    let g = &gateways[gw];
                    let forger = &gateways[1 - gw];
                    let first = model.last_seq[gw] + 1;
                    let list: Vec<_> = (0..n).map(|i| g.attestation(first + i as u64, orgs[1], BOT_B, s.now(), 9, 9)).collect();
                    let attestations = list.iter().enumerate().map(|(i, a)| {
                        let sig = if i == bad { forger.sign(a) } else { g.sign(a) };
                        Binary::from(a.wire_record(&sig))
                    }).collect();
                    let msg = ExecuteMsg::SubmitBatch { signer: g.pubkey_binary(), first_seq: Uint64::new(first), attestations };
                    prop_assert_eq!(s.submit(&msg).unwrap_err(), ContractError::BadSignature { index: bad as u32 });
                }
                Op::Advance { secs } => s.advance(secs),
            }

            // Sequences only move forward, and exactly as the model says.
            let after_seq = [s.last_seq(&gateways[0]), s.last_seq(&gateways[1])];
            for i in 0..2 {
                prop_assert!(after_seq[i] >= before_seq[i]);
                prop_assert_eq!(after_seq[i], model.last_seq[i]);
            }
            // Counters only grow, and equal the model's.
            let mut all = BTreeMap::new();
            for (i, &o) in orgs.iter().enumerate() {
                let after = org_days(&s, o, first_day, day(s.now()) + 1);
                for (k, v) in &before_days[i] {
                    let now = after.get(k).copied().unwrap_or_default();
                    prop_assert!(now.0 >= v.0 && now.1 >= v.1 && now.2 >= v.2);
                }
                all.extend(after);
            }
            prop_assert_eq!(&all, &model.org_day);
            // Each bot's days and each org's bot list too.
            let mut all_bots = BTreeMap::new();
            for &o in &orgs {
                let listed: OrgBotsResponse = s.query(&QueryMsg::OrgBots { org_id: o, start: None, limit: None, auth: s.owner_auth() }).unwrap();
                let expected: Vec<String> = model.org_bots.get(&o).into_iter().flatten().map(|b| bot_string(b)).collect();
                prop_assert_eq!(&listed.bots, &expected);
                prop_assert_eq!(listed.total, expected.len() as u64);
                for b in bots {
                    all_bots.extend(bot_days(&s, o, b, first_day, day(s.now()) + 1));
                }
            }
            prop_assert_eq!(&all_bots, &model.bot_day);
            // Totals equal the sum of every accepted attestation.
            let totals: TotalsResponse = s.query(&QueryMsg::Totals {}).unwrap();
            prop_assert_eq!(totals.batches, model.batches);
            prop_assert_eq!(totals.receipts, model.receipts);
            prop_assert_eq!(
                (totals.counters.messages, totals.counters.prompt_tokens, totals.counters.completion_tokens),
                (Uint64::new(model.total.0), Uint128::new(model.total.1), Uint128::new(model.total.2))
            );
        }
    }
}
