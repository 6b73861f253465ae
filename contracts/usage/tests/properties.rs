//! Property tests over random sequences of batches (valid, replayed, gapped, forged) and time
//! steps: counters only grow, sequences only move forward, and the totals always equal the sum
//! of the accepted attestations.
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
        4 => (0..2usize, prop::collection::vec((0..2usize, 0..2usize, 0..(2 * DAY), 0..5000u32, 0..5000u32), 1..6))
            .prop_map(|(gw, atts)| Op::Valid { gw, atts }),
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
    last_seq: [u64; 2],
    total: (u64, u128, u128),
    batches: u64,
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn counters_grow_sequences_advance_totals_add_up(ops in prop::collection::vec(op(), 1..12)) {
        let mut s = Suite::new();
        let gateways = [Gateway::from_seed(7), Gateway::from_seed(8)];
        s.register(&gateways[1], SignerMode::Dev).unwrap();
        let orgs = [s.org, s.create_org(&s.owner.addr.clone(), "Second")];
        let bots = [BOT_A, BOT_B];
        let first_day = day(s.now()) - 3;
        let mut model = Model::default();

        for op in ops {
            let before_days: Vec<_> = orgs.iter().map(|&o| org_days(&s, o, first_day, day(s.now()) + 1)).collect();
            let before_seq = [s.last_seq(&gateways[0]), s.last_seq(&gateways[1])];
            match op {
                Op::Valid { gw, atts } => {
                    let g = &gateways[gw];
                    let first = model.last_seq[gw] + 1;
                    let now = s.now();
                    let list: Vec<_> = atts.iter().enumerate().map(|(i, &(o, b, ago, p, c))| {
                        g.attestation(first + i as u64, orgs[o], bots[b], now - ago, p, c)
                    }).collect();
                    s.submit(&g.batch(first, &list)).unwrap();
                    for a in &list {
                        let e = model.org_day.entry((a.org, day(a.ts))).or_default();
                        *e = (e.0 + 1, e.1 + a.prompt_tokens as u128, e.2 + a.completion_tokens as u128);
                        model.total = (model.total.0 + 1, model.total.1 + a.prompt_tokens as u128, model.total.2 + a.completion_tokens as u128);
                    }
                    model.last_seq[gw] += list.len() as u64;
                    model.batches += 1;
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
            // Totals equal the sum of every accepted attestation.
            let totals: TotalsResponse = s.query(&QueryMsg::Totals {}).unwrap();
            prop_assert_eq!(totals.batches, model.batches);
            prop_assert_eq!(
                (totals.counters.messages, totals.counters.prompt_tokens, totals.counters.completion_tokens),
                (Uint64::new(model.total.0), Uint128::new(model.total.1), Uint128::new(model.total.2))
            );
        }
    }
}
