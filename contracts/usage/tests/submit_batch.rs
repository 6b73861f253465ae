//! Specifications of `submit_batch`: what is accepted, and each refusal with its own error
//! and no change of state.
#![cfg(feature = "vanilla")]

mod common;

use common::*;
use privexbot_shared::cosmwasm_std::{Binary, Uint128, Uint64};
use privexbot_usage::attestation::merkle_root;
use privexbot_usage::msg::*;
use privexbot_usage::ContractError;

#[test]
fn a_signed_batch_is_accepted_and_counted() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let now = s.now();
    let atts = vec![
        gw.attestation(1, s.org, BOT_A, now - 100, 10, 20),
        gw.attestation(2, s.org, BOT_B, now - 50, 1, 2),
        gw.attestation(3, s.org, BOT_A, now, 100, 200),
    ];
    let res = s.submit(&gw.batch(1, &atts)).unwrap();
    let wasm = res.events.iter().find(|e| e.ty == "wasm").unwrap();
    let attr = |k: &str| {
        wasm.attributes
            .iter()
            .find(|a| a.key == k)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(attr("action"), "submit_batch");
    assert_eq!(attr("batch_id"), "0");
    assert_eq!(attr("last_seq"), "3");

    assert_eq!(s.last_seq(&gw), 3);
    let header: BatchHeader = s.query(&QueryMsg::Batch { id: 0 }).unwrap();
    let hashes: Vec<[u8; 32]> = atts.iter().map(|a| a.hash()).collect();
    assert_eq!(
        header.merkle_root,
        Binary::from(merkle_root(&hashes).unwrap().to_vec())
    );
    assert_eq!(header.first_seq, Uint64::new(1));
    assert_eq!(header.last_seq, Uint64::new(3));
    assert_eq!(header.count, 3);
    assert_eq!(header.relayer, s.relayer);
    assert_eq!(header.signer, gw.pubkey_binary());
    assert_eq!(header.time.seconds(), now);
    assert_eq!(header.prompt_tokens, Uint128::new(111));
    assert_eq!(header.completion_tokens, Uint128::new(222));

    let usage = s.org_usage(s.org, day(now), day(now));
    assert_eq!(usage.total.messages, Uint64::new(3));
    assert_eq!(usage.total.prompt_tokens, Uint128::new(111));
    assert_eq!(usage.total.completion_tokens, Uint128::new(222));
    let totals: TotalsResponse = s.query(&QueryMsg::Totals {}).unwrap();
    assert_eq!(totals.batches, 1);
    assert_eq!(totals.counters, usage.total);
}

#[test]
fn counters_are_kept_per_day_and_per_bot_across_batches() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let d0 = s.now();
    s.submit(&gw.batch(
        1,
        &[
            gw.attestation(1, s.org, BOT_A, d0, 5, 6),
            gw.attestation(2, s.org, BOT_B, d0, 7, 8),
        ],
    ))
    .unwrap();
    s.advance(DAY);
    let d1 = s.now();
    // Late attestations of yesterday and today's in one batch.
    s.submit(&gw.batch(
        3,
        &[
            gw.attestation(3, s.org, BOT_A, d0 + 10, 1, 1),
            gw.attestation(4, s.org, BOT_A, d1, 2, 3),
        ],
    ))
    .unwrap();
    let other_org = s.create_org(&s.owner.addr.clone(), "Other");
    s.submit(&gw.batch(5, &[gw.attestation(5, other_org, BOT_A, d1, 1000, 1000)]))
        .unwrap();

    let usage = s.org_usage(s.org, day(d0) - 3, day(d1) + 3);
    assert_eq!(usage.days.len(), 2);
    assert_eq!(usage.days[0].day, day(d0));
    assert_eq!(usage.days[0].counters.messages, Uint64::new(3));
    assert_eq!(usage.days[0].counters.prompt_tokens, Uint128::new(13));
    assert_eq!(usage.days[1].day, day(d1));
    assert_eq!(usage.days[1].counters.messages, Uint64::new(1));
    assert_eq!(usage.total.messages, Uint64::new(4));
    assert_eq!(usage.total.completion_tokens, Uint128::new(18));

    let bot_a: UsageResponse = s
        .query(&QueryMsg::BotUsage {
            org_id: s.org,
            bot: BOT_A_ID.into(),
            from_day: day(d0),
            to_day: day(d1),
            auth: s.owner_auth(),
        })
        .unwrap();
    assert_eq!(bot_a.bot.as_deref(), Some(BOT_A_ID));
    assert_eq!(bot_a.total.messages, Uint64::new(3));
    assert_eq!(bot_a.total.prompt_tokens, Uint128::new(8));
    assert_eq!(
        bot_a.days.iter().map(|d| d.day).collect::<Vec<_>>(),
        vec![day(d0), day(d1)]
    );

    let bots: OrgBotsResponse = s
        .query(&QueryMsg::OrgBots {
            org_id: s.org,
            start: None,
            limit: None,
            auth: s.owner_auth(),
        })
        .unwrap();
    assert_eq!(
        bots.bots,
        vec![
            BOT_A_ID.to_string(),
            "b2b2b2b2-b2b2-b2b2-b2b2-b2b2b2b2b2b2".to_string()
        ]
    );
    assert_eq!(bots.total, 2);

    let other = s.org_usage(other_org, day(d1), day(d1));
    assert_eq!(other.total.messages, Uint64::new(1));
    let totals: TotalsResponse = s.query(&QueryMsg::Totals {}).unwrap();
    assert_eq!(totals.batches, 3);
    assert_eq!(totals.counters.messages, Uint64::new(5));
    assert_eq!(totals.counters.prompt_tokens, Uint128::new(1015));

    let page: BatchesResponse = s
        .query(&QueryMsg::Batches {
            start: Some(1),
            limit: Some(1),
        })
        .unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.batches.len(), 1);
    assert_eq!(page.batches[0].id, 1);
    assert_eq!(page.batches[0].first_seq, Uint64::new(3));
}

/// Runs `msg` from `sender`, expects `expected`, and checks nothing changed.
fn refused(
    s: &mut Suite,
    sender: &privexbot_shared::cosmwasm_std::Addr,
    msg: &ExecuteMsg,
    expected: ContractError,
) {
    let before = s.snapshot();
    let err = s.exec(sender, msg).unwrap_err();
    assert_eq!(err, expected);
    assert_eq!(s.snapshot(), before, "state changed after {expected}");
}

fn suite_with_first_batch() -> (Suite, Gateway) {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let now = s.now();
    s.submit(&gw.batch(
        1,
        &[
            gw.attestation(1, s.org, BOT_A, now, 1, 1),
            gw.attestation(2, s.org, BOT_A, now, 1, 1),
        ],
    ))
    .unwrap();
    (s, gw)
}

#[test]
fn replays_and_gaps_are_refused() {
    let (mut s, gw) = suite_with_first_batch();
    let now = s.now();
    let relayer = s.relayer.clone();
    // The same batch again.
    let again = gw.batch(
        1,
        &[
            gw.attestation(1, s.org, BOT_A, now, 1, 1),
            gw.attestation(2, s.org, BOT_A, now, 1, 1),
        ],
    );
    refused(
        &mut s,
        &relayer,
        &again,
        ContractError::SequenceReplay {
            first_seq: 1,
            last_seq: 2,
        },
    );
    // Overlapping: starts at the last accepted sequence.
    let overlap = gw.batch(
        2,
        &[
            gw.attestation(2, s.org, BOT_A, now, 1, 1),
            gw.attestation(3, s.org, BOT_A, now, 1, 1),
        ],
    );
    refused(
        &mut s,
        &relayer,
        &overlap,
        ContractError::SequenceReplay {
            first_seq: 2,
            last_seq: 2,
        },
    );
    // Skips sequence 3.
    let gap = gw.batch(4, &[gw.attestation(4, s.org, BOT_A, now, 1, 1)]);
    refused(
        &mut s,
        &relayer,
        &gap,
        ContractError::SequenceGap {
            first_seq: 4,
            expected: 3,
        },
    );
    // The next one in order still goes through.
    s.submit(&gw.batch(3, &[gw.attestation(3, s.org, BOT_A, now, 1, 1)]))
        .unwrap();
    assert_eq!(s.last_seq(&gw), 3);
}

#[test]
fn forged_and_tampered_records_are_refused_by_index() {
    let (mut s, gw) = suite_with_first_batch();
    let now = s.now();
    let relayer = s.relayer.clone();
    let a3 = gw.attestation(3, s.org, BOT_A, now, 1, 1);
    let a4 = gw.attestation(4, s.org, BOT_A, now, 1, 1);

    // Signed by another key, submitted under the registered signer.
    let forger = Gateway::from_seed(99);
    let forged = ExecuteMsg::SubmitBatch {
        signer: gw.pubkey_binary(),
        first_seq: Uint64::new(3),
        attestations: vec![
            Binary::from(a3.wire_record(&gw.sign(&a3))),
            Binary::from(a4.wire_record(&forger.sign(&a4))),
        ],
    };
    refused(
        &mut s,
        &relayer,
        &forged,
        ContractError::BadSignature { index: 1 },
    );

    // A genuine signature over different token counts.
    let mut inflated = a3.clone();
    inflated.prompt_tokens = 1_000_000;
    let tampered = ExecuteMsg::SubmitBatch {
        signer: gw.pubkey_binary(),
        first_seq: Uint64::new(3),
        attestations: vec![Binary::from(inflated.wire_record(&gw.sign(&a3)))],
    };
    refused(
        &mut s,
        &relayer,
        &tampered,
        ContractError::BadSignature { index: 0 },
    );

    // A genuine record submitted at another sequence (the sequence is part of what is signed).
    let shifted = ExecuteMsg::SubmitBatch {
        signer: gw.pubkey_binary(),
        first_seq: Uint64::new(3),
        attestations: vec![Binary::from(a4.wire_record(&gw.sign(&a4)))],
    };
    refused(
        &mut s,
        &relayer,
        &shifted,
        ContractError::BadSignature { index: 0 },
    );

    // The same signature with its high-S twin: valid ECDSA, but not the canonical encoding.
    let sig = gw.sign(&a3);
    let high_s = k256::ecdsa::Signature::from_slice(&sig).unwrap();
    let (r, s_half) = high_s.split_scalars();
    let twin = k256::ecdsa::Signature::from_scalars(r, -*s_half).unwrap();
    let twin_msg = ExecuteMsg::SubmitBatch {
        signer: gw.pubkey_binary(),
        first_seq: Uint64::new(3),
        attestations: vec![Binary::from(a3.wire_record(&twin.to_bytes().into()))],
    };
    refused(
        &mut s,
        &relayer,
        &twin_msg,
        ContractError::BadSignature { index: 0 },
    );
}

#[test]
fn malformed_records_are_refused_by_index_with_the_reason() {
    let (mut s, gw) = suite_with_first_batch();
    let now = s.now();
    let relayer = s.relayer.clone();
    let a3 = gw.attestation(3, s.org, BOT_A, now, 1, 1);
    let good = a3.wire_record(&gw.sign(&a3));
    let a4 = gw.attestation(4, s.org, BOT_A, now, 1, 1);
    let mut short = a4.wire_record(&gw.sign(&a4));
    short.pop();
    let msg = ExecuteMsg::SubmitBatch {
        signer: gw.pubkey_binary(),
        first_seq: Uint64::new(3),
        attestations: vec![Binary::from(good.clone()), Binary::from(short)],
    };
    refused(
        &mut s,
        &relayer,
        &msg,
        ContractError::MalformedRecord {
            index: 1,
            reason: "length 150 bytes, expected 151".into(),
        },
    );
    let mut v9 = good.clone();
    v9[0] = 9;
    let msg = ExecuteMsg::SubmitBatch {
        signer: gw.pubkey_binary(),
        first_seq: Uint64::new(3),
        attestations: vec![Binary::from(v9)],
    };
    refused(
        &mut s,
        &relayer,
        &msg,
        ContractError::MalformedRecord {
            index: 0,
            reason: "unsupported version 9 (expected 1)".into(),
        },
    );
}

#[test]
fn timestamps_beyond_the_allowed_skew_are_refused() {
    let (mut s, gw) = suite_with_first_batch();
    let now = s.now();
    let relayer = s.relayer.clone();
    // Exactly at the limit (default skew 300 s) is fine; one second later is not.
    let at_limit = gw.attestation(3, s.org, BOT_A, now + 300, 1, 1);
    let beyond = gw.attestation(4, s.org, BOT_A, now + 301, 1, 1);
    refused(
        &mut s,
        &relayer,
        &gw.batch(3, &[at_limit.clone(), beyond]),
        ContractError::TimestampInFuture {
            index: 1,
            ts: now + 301,
            max: now + 300,
        },
    );
    s.submit(&gw.batch(3, &[at_limit])).unwrap();
}

#[test]
fn unknown_revoked_and_unauthorized_are_refused() {
    let (mut s, gw) = suite_with_first_batch();
    let now = s.now();
    let relayer = s.relayer.clone();
    let stranger = s.stranger.clone();
    let next = gw.batch(3, &[gw.attestation(3, s.org, BOT_A, now, 1, 1)]);

    refused(
        &mut s,
        &stranger,
        &next,
        ContractError::UnauthorizedRelayer {
            sender: stranger.to_string(),
        },
    );

    let unknown = Gateway::from_seed(8);
    let msg = unknown.batch(1, &[unknown.attestation(1, s.org, BOT_A, now, 1, 1)]);
    refused(
        &mut s,
        &relayer,
        &msg,
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
        &next,
        ContractError::RevokedSigner {
            signer: gw.pubkey_binary().to_base64(),
        },
    );

    // A removed relayer is refused like any stranger.
    let gw2 = Gateway::from_seed(9);
    s.register(&gw2, SignerMode::Dev).unwrap();
    s.exec(
        &admin,
        &ExecuteMsg::RemoveRelayer {
            address: relayer.to_string(),
        },
    )
    .unwrap();
    let msg = gw2.batch(1, &[gw2.attestation(1, s.org, BOT_A, now, 1, 1)]);
    refused(
        &mut s,
        &relayer,
        &msg,
        ContractError::UnauthorizedRelayer {
            sender: relayer.to_string(),
        },
    );
}

#[test]
fn empty_and_oversized_batches_are_refused() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let now = s.now();
    let relayer = s.relayer.clone();
    let empty = ExecuteMsg::SubmitBatch {
        signer: gw.pubkey_binary(),
        first_seq: Uint64::new(1),
        attestations: vec![],
    };
    refused(&mut s, &relayer, &empty, ContractError::EmptyBatch {});

    let admin = s.admin.clone();
    s.exec(
        &admin,
        &ExecuteMsg::UpdateConfig {
            billing: None,
            max_batch_size: Some(3),
            max_future_skew_secs: None,
            max_receipt_lines: None,
            accept_v1: None,
        },
    )
    .unwrap();
    let four: Vec<_> = (1..=4)
        .map(|i| gw.attestation(i, s.org, BOT_A, now, 1, 1))
        .collect();
    refused(
        &mut s,
        &relayer,
        &gw.batch(1, &four),
        ContractError::BatchTooLarge { size: 4, max: 3 },
    );
    s.submit(&gw.batch(1, &four[..3])).unwrap();
    assert_eq!(s.last_seq(&gw), 3);
}

#[test]
fn the_default_maximum_of_200_is_accepted() {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let now = s.now();
    let atts: Vec<_> = (1..=200)
        .map(|i| gw.attestation(i, s.org, if i % 2 == 0 { BOT_A } else { BOT_B }, now, 3, 4))
        .collect();
    s.submit(&gw.batch(1, &atts)).unwrap();
    let usage = s.org_usage(s.org, day(now), day(now));
    assert_eq!(usage.total.messages, Uint64::new(200));
    assert_eq!(usage.total.prompt_tokens, Uint128::new(600));
    let relayer = s.relayer.clone();
    let extra: Vec<_> = (201..=401)
        .map(|i| gw.attestation(i, s.org, BOT_A, now, 1, 1))
        .collect();
    refused(
        &mut s,
        &relayer,
        &gw.batch(201, &extra),
        ContractError::BatchTooLarge {
            size: 201,
            max: 200,
        },
    );
}
