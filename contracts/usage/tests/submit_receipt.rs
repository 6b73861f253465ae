//! Specifications of `submit_receipt` (settlement v2): a receipt counts exactly what the same
//! attestations count in v1, continues the same sequence, and each refusal has its own error
//! and changes nothing.
#![cfg(feature = "vanilla")]

mod common;

use common::*;
use cw_multi_test::Executor;
use privexbot_shared::cosmwasm_std::{coins, Addr, Binary, Uint128, Uint64};
use privexbot_usage::attestation::{merkle_root, Attestation};
use privexbot_usage::msg::*;
use privexbot_usage::receipt::{Receipt, ReceiptLine};
use privexbot_usage::ContractError;

/// Runs `msg` from `sender`, expects `expected`, and checks nothing changed.
fn refused(s: &mut Suite, sender: &Addr, msg: &ExecuteMsg, expected: ContractError) {
    let before = s.snapshot();
    let err = s.exec(sender, msg).unwrap_err();
    assert_eq!(err, expected);
    assert_eq!(s.snapshot(), before, "state changed after {expected}");
}

/// Six answers of the suite's org over two bots and two days, from `first_seq`.
fn answers(s: &Suite, gw: &Gateway, first_seq: u64) -> Vec<Attestation> {
    let now = s.now();
    let rows = [
        (BOT_B, now - DAY, 5, 6),
        (BOT_A, now, 10, 20),
        (BOT_A, now - DAY, 1, 2),
        (BOT_B, now, 100, 200),
        (BOT_A, now, 1_000, 2_000),
        (BOT_A, now, 7, 8),
    ];
    rows.iter()
        .enumerate()
        .map(|(i, &(bot, ts, p, c))| gw.attestation(first_seq + i as u64, s.org, bot, ts, p, c))
        .collect()
}

fn bot_usage(s: &Suite, bot: &str, from: u32, to: u32) -> UsageResponse {
    s.query(&QueryMsg::BotUsage {
        org_id: s.org,
        bot: bot.into(),
        from_day: from,
        to_day: to,
        auth: s.owner_auth(),
    })
    .unwrap()
}

#[test]
fn a_receipt_counts_exactly_what_v1_counts_for_the_same_answers() {
    let mut v1 = Suite::new();
    let mut v2 = Suite::new();
    v1.advance(2 * DAY);
    v2.advance(2 * DAY);
    let gw = Gateway::from_seed(7);
    let atts = answers(&v2, &gw, 1);
    v1.submit(&gw.batch(1, &atts)).unwrap();
    let res = v2.submit(&gw.settle(&atts)).unwrap();

    let today = day(v2.now());
    assert_eq!(
        v2.org_usage(v2.org, today - 1, today),
        v1.org_usage(v1.org, today - 1, today)
    );
    let bot_b = "b2b2b2b2-b2b2-b2b2-b2b2-b2b2b2b2b2b2";
    for bot in [BOT_A_ID, bot_b] {
        assert_eq!(
            bot_usage(&v2, bot, today - 1, today),
            bot_usage(&v1, bot, today - 1, today)
        );
    }
    let usage = v2.org_usage(v2.org, today, today);
    assert_eq!(usage.total.messages, Uint64::new(4));
    assert_eq!(usage.total.prompt_tokens, Uint128::new(1_117));
    let bots: OrgBotsResponse = v2
        .query(&QueryMsg::OrgBots {
            org_id: v2.org,
            start: None,
            limit: None,
            auth: v2.owner_auth(),
        })
        .unwrap();
    assert_eq!(bots.bots, vec![BOT_A_ID.to_string(), bot_b.to_string()]);
    assert_eq!(v2.last_seq(&gw), 6);

    let receipt = gw.receipt(&atts);
    assert_eq!(receipt.lines.len(), 4);
    let header: ReceiptHeader = v2.query(&QueryMsg::Receipt { id: 0 }).unwrap();
    let hashes: Vec<[u8; 32]> = atts.iter().map(|a| a.hash()).collect();
    assert_eq!(
        header.root,
        Binary::from(merkle_root(&hashes).unwrap().to_vec())
    );
    assert_eq!(header.receipt_hash, Binary::from(receipt.hash().to_vec()));
    assert_eq!(
        (header.first_seq, header.last_seq, header.answers),
        (Uint64::new(1), Uint64::new(6), Uint64::new(6))
    );
    assert_eq!(
        (header.lines, header.relayer.clone()),
        (4, v2.relayer.clone())
    );
    assert_eq!(header.prompt_tokens, Uint128::new(1_123));
    assert_eq!(header.completion_tokens, Uint128::new(2_236));
    let page: ReceiptsResponse = v2
        .query(&QueryMsg::Receipts {
            start: None,
            limit: None,
        })
        .unwrap();
    assert_eq!((page.total, page.receipts), (1, vec![header]));
    let totals: TotalsResponse = v2.query(&QueryMsg::Totals {}).unwrap();
    let v1_totals: TotalsResponse = v1.query(&QueryMsg::Totals {}).unwrap();
    assert_eq!((totals.batches, totals.receipts), (0, 1));
    assert_eq!(totals.counters, v1_totals.counters);

    let wasm = res.events.iter().find(|e| e.ty == "wasm").unwrap();
    let attr = |k: &str| {
        wasm.attributes
            .iter()
            .find(|a| a.key == k)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(attr("action"), "submit_receipt");
    assert_eq!(
        (attr("receipt_id"), attr("count"), attr("lines")),
        ("0".into(), "6".into(), "4".into())
    );
    assert_eq!(attr("receipt_hash"), hex::encode(receipt.hash()));
}

#[test]
fn batches_and_receipts_continue_one_sequence() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let atts = answers(&s, &gw, 1);
    s.submit(&gw.batch(1, &atts[..2])).unwrap();
    s.submit(&gw.settle(&atts[2..5])).unwrap();
    s.submit(&gw.batch(6, &atts[5..])).unwrap();
    assert_eq!(s.last_seq(&gw), 6);
    let totals: TotalsResponse = s.query(&QueryMsg::Totals {}).unwrap();
    assert_eq!(
        (totals.batches, totals.receipts, totals.counters.messages),
        (2, 1, Uint64::new(6))
    );
}

#[test]
fn replays_overlaps_and_gaps_are_refused() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let atts = answers(&s, &gw, 1);
    let relayer = s.relayer.clone();
    s.submit(&gw.settle(&atts[..3])).unwrap();
    refused(
        &mut s,
        &relayer,
        &gw.settle(&atts[..3]),
        ContractError::SequenceReplay {
            first_seq: 1,
            last_seq: 3,
        },
    );
    refused(
        &mut s,
        &relayer,
        &gw.settle(&atts[1..2]),
        ContractError::SequenceReplay {
            first_seq: 2,
            last_seq: 3,
        },
    );
    refused(
        &mut s,
        &relayer,
        &gw.settle(&atts[2..5]),
        ContractError::SequenceOverlap {
            first_seq: 3,
            last_seq: 5,
            settled: 3,
        },
    );
    refused(
        &mut s,
        &relayer,
        &gw.settle(&atts[4..]),
        ContractError::SequenceGap {
            first_seq: 5,
            expected: 4,
        },
    );
    s.submit(&gw.settle(&atts[3..])).unwrap();
    assert_eq!(s.last_seq(&gw), 6);
}

#[test]
fn forged_deltas_and_foreign_signatures_are_refused() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let relayer = s.relayer.clone();
    let atts = answers(&s, &gw, 1);
    let receipt = gw.receipt(&atts);
    let signature = gw.sign_receipt(&receipt);

    // Moving tokens from one line to another keeps every count check true: only the signature catches it.
    let mut forged = receipt.clone();
    forged.lines[0].prompt_tokens += 1;
    forged.lines[1].prompt_tokens -= 1;
    refused(
        &mut s,
        &relayer,
        &Gateway::receipt_msg(&forged, &signature),
        ContractError::BadReceiptSignature {},
    );
    // Usage moved to another org (with the messages it carries).
    let mut moved = receipt.clone();
    moved.lines[3].org += 1;
    refused(
        &mut s,
        &relayer,
        &Gateway::receipt_msg(&moved, &signature),
        ContractError::BadReceiptSignature {},
    );
    let mut other_root = receipt.clone();
    other_root.root[0] ^= 1;
    refused(
        &mut s,
        &relayer,
        &Gateway::receipt_msg(&other_root, &signature),
        ContractError::BadReceiptSignature {},
    );
    // A genuine receipt signed by a key that is not the registered signer.
    let forger = Gateway::from_seed(8);
    refused(
        &mut s,
        &relayer,
        &Gateway::receipt_msg(&receipt, &forger.sign_receipt(&receipt)),
        ContractError::BadReceiptSignature {},
    );
    // The gateway's own signature over an attestation, offered as a receipt signature.
    refused(
        &mut s,
        &relayer,
        &Gateway::receipt_msg(&receipt, &gw.sign(&atts[0])),
        ContractError::BadReceiptSignature {},
    );
    // The high-S twin of the genuine signature.
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ];
    let mut high_s = signature;
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = N[i] as i16 - signature[32 + i] as i16 - borrow;
        high_s[32 + i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    refused(
        &mut s,
        &relayer,
        &Gateway::receipt_msg(&receipt, &high_s),
        ContractError::BadReceiptSignature {},
    );
    refused(
        &mut s,
        &relayer,
        &Gateway::receipt_msg(&receipt, &signature[..63]),
        ContractError::BadReceiptSignature {},
    );
    s.submit(&Gateway::receipt_msg(&receipt, &signature))
        .unwrap();
}

/// Signs whatever it is given, as a compromised relayer cannot but a buggy gateway could:
/// the contract's structural checks must hold even for a correctly signed receipt.
fn signed(gw: &Gateway, receipt: &Receipt) -> ExecuteMsg {
    Gateway::receipt_msg(receipt, &gw.sign_receipt(receipt))
}

#[test]
fn malformed_receipts_are_refused_with_their_reason() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let relayer = s.relayer.clone();
    let receipt = gw.receipt(&answers(&s, &gw, 1));
    let with = |f: &dyn Fn(&mut Receipt)| {
        let mut r = receipt.clone();
        f(&mut r);
        r
    };
    let raw = |f: &dyn Fn(&mut ExecuteMsg)| {
        let mut msg = signed(&gw, &receipt);
        f(&mut msg);
        msg
    };
    let cases: Vec<(ExecuteMsg, ContractError)> = vec![
        (
            raw(&|m| {
                if let ExecuteMsg::SubmitReceipt { root, .. } = m {
                    *root = Binary::from(vec![1u8; 31])
                }
            }),
            ContractError::InvalidReceiptRoot {
                reason: "must be 32 bytes, got 31".into(),
            },
        ),
        (
            raw(&|m| {
                if let ExecuteMsg::SubmitReceipt { root, .. } = m {
                    *root = Binary::default()
                }
            }),
            ContractError::InvalidReceiptRoot {
                reason: "must be 32 bytes, got 0".into(),
            },
        ),
        (
            signed(&gw, &with(&|r| r.root = [0u8; 32])),
            ContractError::InvalidReceiptRoot {
                reason: "must not be all zeros".into(),
            },
        ),
        (
            raw(&|m| {
                if let ExecuteMsg::SubmitReceipt { lines, .. } = m {
                    *lines = Binary::from([lines.as_slice(), &[0u8]].concat())
                }
            }),
            ContractError::MalformedReceiptLines { len: 4 * 52 + 1 },
        ),
        (
            signed(&gw, &with(&|r| r.lines.clear())),
            ContractError::EmptyReceipt {},
        ),
        (
            signed(&gw, &with(&|r| r.lines.swap(1, 2))),
            ContractError::ReceiptLinesNotSorted { index: 2 },
        ),
        (
            signed(
                &gw,
                &with(&|r| {
                    r.lines[1] = r.lines[0].clone();
                }),
            ),
            ContractError::ReceiptLinesNotSorted { index: 1 },
        ),
        (
            signed(
                &gw,
                &with(&|r| {
                    r.lines.push(ReceiptLine {
                        messages: 0,
                        day: r.lines[3].day + 1,
                        ..r.lines[3].clone()
                    });
                }),
            ),
            ContractError::EmptyReceiptLine { index: 4 },
        ),
        (
            signed(&gw, &with(&|r| r.lines[2].messages += 1)),
            ContractError::ReceiptCountMismatch {
                messages: 7,
                answers: 6,
            },
        ),
        (
            signed(&gw, &with(&|r| r.lines[1].messages -= 1)),
            ContractError::ReceiptCountMismatch {
                messages: 5,
                answers: 6,
            },
        ),
        (
            signed(
                &gw,
                &with(&|r| r.lines[3].day = day(1_795_348_800 + 3 * DAY)),
            ),
            ContractError::ReceiptDayInFuture {
                index: 3,
                day: day(1_795_348_800 + 3 * DAY),
                max: day(1_795_348_800 + 300),
            },
        ),
        (
            signed(&gw, &with(&|r| r.last_seq = 0)),
            ContractError::InvalidReceiptRange {
                first_seq: 1,
                last_seq: 0,
            },
        ),
        (
            signed(
                &gw,
                &with(&|r| {
                    r.first_seq = 0;
                    r.last_seq = 5;
                }),
            ),
            ContractError::InvalidReceiptRange {
                first_seq: 0,
                last_seq: 5,
            },
        ),
    ];
    for (msg, expected) in cases {
        refused(&mut s, &relayer, &msg, expected);
    }

    let admin = s.admin.clone();
    let cap = |n| ExecuteMsg::UpdateConfig {
        billing: None,
        max_batch_size: None,
        max_future_skew_secs: None,
        max_receipt_lines: Some(n),
        accept_v1: None,
    };
    refused(
        &mut s,
        &admin,
        &cap(0),
        ContractError::InvalidConfig {
            reason: "max_receipt_lines must be within 1..=5000".into(),
        },
    );
    refused(
        &mut s,
        &admin,
        &cap(5_001),
        ContractError::InvalidConfig {
            reason: "max_receipt_lines must be within 1..=5000".into(),
        },
    );
    s.exec(&admin, &cap(3)).unwrap();
    refused(
        &mut s,
        &relayer,
        &signed(&gw, &receipt),
        ContractError::ReceiptTooLarge { lines: 4, max: 3 },
    );
    s.exec(&admin, &cap(4)).unwrap();
    s.submit(&signed(&gw, &receipt)).unwrap();
}

#[test]
fn signers_and_relayers_are_checked_as_for_batches() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let atts = answers(&s, &gw, 1);
    let stranger = s.stranger.clone();
    let relayer = s.relayer.clone();
    refused(
        &mut s,
        &stranger,
        &gw.settle(&atts),
        ContractError::UnauthorizedRelayer {
            sender: stranger.to_string(),
        },
    );
    let unknown = Gateway::from_seed(9);
    let theirs: Vec<Attestation> = (1..=2)
        .map(|i| unknown.attestation(i, s.org, BOT_A, s.now(), 1, 1))
        .collect();
    refused(
        &mut s,
        &relayer,
        &unknown.settle(&theirs),
        ContractError::UnknownSigner {
            signer: unknown.pubkey_binary().to_base64(),
        },
    );
    let admin = s.admin.clone();
    s.exec(
        &admin,
        &ExecuteMsg::RevokeSigner {
            pubkey: gw.pubkey_binary(),
        },
    )
    .unwrap();
    refused(
        &mut s,
        &relayer,
        &gw.settle(&atts),
        ContractError::RevokedSigner {
            signer: gw.pubkey_binary().to_base64(),
        },
    );
}

#[test]
fn a_sum_past_the_counters_range_is_refused_and_writes_nothing() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let other = Gateway::from_seed(8);
    s.register(&other, SignerMode::Tee).unwrap();
    let relayer = s.relayer.clone();
    let line = ReceiptLine {
        org: s.org,
        bot: BOT_A,
        day: day(s.now()),
        messages: u64::MAX,
        prompt_tokens: u64::MAX,
        completion_tokens: 0,
    };
    let whole = |gw: &Gateway, messages: u64| Receipt {
        signer: gw.pubkey,
        first_seq: 1,
        last_seq: messages,
        root: [7u8; 32],
        lines: vec![ReceiptLine {
            messages,
            ..line.clone()
        }],
    };
    s.submit(&signed(&gw, &whole(&gw, u64::MAX))).unwrap();
    // A second signer's answers push the org's day, and the totals, past u64 messages.
    refused(
        &mut s,
        &relayer,
        &signed(&other, &whole(&other, 1)),
        ContractError::Overflow {},
    );
}

#[test]
fn retiring_v1_keeps_receipts_and_history_and_is_one_way() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let atts = answers(&s, &gw, 1);
    let relayer = s.relayer.clone();
    let admin = s.admin.clone();
    s.submit(&gw.batch(1, &atts[..2])).unwrap();
    let retire = |accept| ExecuteMsg::UpdateConfig {
        billing: None,
        max_batch_size: None,
        max_future_skew_secs: None,
        max_receipt_lines: None,
        accept_v1: Some(accept),
    };
    let stranger = s.stranger.clone();
    refused(
        &mut s,
        &stranger,
        &retire(false),
        ContractError::Unauthorized {},
    );
    s.exec(&admin, &retire(false)).unwrap();
    let config: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert!(!config.accept_v1);
    refused(
        &mut s,
        &relayer,
        &gw.batch(3, &atts[2..3]),
        ContractError::V1Retired {},
    );
    refused(
        &mut s,
        &admin,
        &retire(true),
        ContractError::InvalidConfig {
            reason: "submit_batch is retired for good; accept_v1 cannot be set back to true".into(),
        },
    );
    s.submit(&gw.settle(&atts[2..])).unwrap();
    let old: BatchHeader = s.query(&QueryMsg::Batch { id: 0 }).unwrap();
    assert_eq!(old.last_seq, Uint64::new(2));
    let totals: TotalsResponse = s.query(&QueryMsg::Totals {}).unwrap();
    assert_eq!(
        (totals.batches, totals.receipts, totals.counters.messages),
        (1, 1, Uint64::new(6))
    );
}

#[test]
fn funds_attached_to_any_execute_are_refused() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let atts = answers(&s, &gw, 1);
    let relayer = s.relayer.clone();
    let admin = s.admin.clone();
    s.app
        .init_modules(|router, _, storage| {
            router
                .bank
                .init_balance(storage, &relayer, coins(1_000, "uscrt"))?;
            router
                .bank
                .init_balance(storage, &admin, coins(1_000, "uscrt"))
        })
        .unwrap();
    let usage = s.usage.clone();
    let stranger = s.stranger.to_string();
    let with_funds = |s: &mut Suite, sender: &Addr, msg: &ExecuteMsg| {
        let before = s.snapshot();
        let err = s
            .app
            .execute_contract(sender.clone(), usage.clone(), msg, &coins(1, "uscrt"))
            .unwrap_err()
            .downcast::<ContractError>()
            .unwrap();
        assert_eq!(
            err,
            ContractError::FundsNotAccepted {
                denoms: "uscrt".into()
            }
        );
        assert_eq!(s.snapshot(), before);
    };
    with_funds(&mut s, &relayer, &gw.settle(&atts));
    with_funds(&mut s, &relayer, &gw.batch(1, &atts));
    with_funds(
        &mut s,
        &admin,
        &ExecuteMsg::AddRelayer {
            address: stranger.clone(),
        },
    );
    with_funds(
        &mut s,
        &relayer,
        &ExecuteMsg::SetViewingKey {
            key: "k".into(),
            padding: None,
        },
    );
    assert_eq!(
        s.app
            .wrap()
            .query_balance(&relayer, "uscrt")
            .unwrap()
            .amount
            .u128(),
        1_000
    );
    s.submit(&gw.settle(&atts)).unwrap();
}
