//! Writes or checks `schema/vectors/receipt.json`: usage receipts (v2) built from signed
//! attestations, with their canonical bytes, hash and signature, made with fixed test-only keys
//! (RFC 6979 signatures are deterministic). The TypeScript package proves against this file
//! that it aggregates, encodes, hashes and signs receipts exactly as the contract checks them.
//!
//! `UPDATE_VECTORS=1 cargo test -p privexbot-usage --test receipt_vectors` rewrites the file;
//! without it the test fails if the committed file differs from what this code computes.

use std::collections::BTreeMap;

use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use privexbot_usage::attestation::{is_low_s, merkle_root, Attestation};
use privexbot_usage::bot_id::BotId;
use privexbot_usage::receipt::{Receipt, ReceiptLine};

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../schema/vectors/receipt.json"
);

fn test_key(label: &str) -> ([u8; 32], SigningKey, [u8; 33]) {
    let secret: [u8; 32] = Sha256::digest(label.as_bytes()).into();
    let key = SigningKey::from_bytes(&secret.into()).expect("valid scalar");
    let pubkey = key
        .verifying_key()
        .to_encoded_point(true)
        .as_bytes()
        .try_into()
        .unwrap();
    (secret, key, pubkey)
}

fn sign(key: &SigningKey, digest: &[u8; 32]) -> [u8; 64] {
    let sig: Signature = key.sign_prehash(digest).expect("signs");
    let sig: [u8; 64] = sig.to_bytes().into();
    assert!(is_low_s(&sig));
    sig
}

/// Sums per (org, bot, day) in (org, bot bytes, day) order: the reference the TypeScript
/// `aggregateReceiptLines` must reproduce.
fn aggregate(atts: &[Attestation]) -> Vec<ReceiptLine> {
    let mut sums: BTreeMap<(u64, [u8; 16], u32), (u64, u64, u64)> = BTreeMap::new();
    for a in atts {
        let e = sums
            .entry((a.org, a.bot, (a.ts / 86_400) as u32))
            .or_default();
        e.0 += 1;
        e.1 += u64::from(a.prompt_tokens);
        e.2 += u64::from(a.completion_tokens);
    }
    sums.into_iter()
        .map(
            |((org, bot, day), (messages, prompt_tokens, completion_tokens))| ReceiptLine {
                org,
                bot,
                day,
                messages,
                prompt_tokens,
                completion_tokens,
            },
        )
        .collect()
}

fn attestation_json(a: &Attestation, sig: &[u8; 64]) -> Value {
    json!({
        "v": 1,
        "signer": hex::encode(a.signer),
        "seq": a.seq.to_string(),
        "org": a.org.to_string(),
        "bot": BotId(a.bot).to_string(),
        "model": a.model,
        "prompt_tokens": a.prompt_tokens,
        "completion_tokens": a.completion_tokens,
        "ts": a.ts.to_string(),
        "req_hash": hex::encode(a.req_hash),
        "hash": hex::encode(a.hash()),
        "signature": hex::encode(sig),
    })
}

fn vector(
    name: &str,
    key_label: &str,
    first_seq: u64,
    rows: &[(u64, &str, u64, u32, u32)],
) -> Value {
    let (secret, key, signer) = test_key(key_label);
    let atts: Vec<Attestation> = rows
        .iter()
        .enumerate()
        .map(
            |(i, &(org, bot, ts, prompt_tokens, completion_tokens))| Attestation {
                signer,
                seq: first_seq + i as u64,
                org,
                bot: BotId::parse(bot).unwrap().0,
                ts,
                prompt_tokens,
                completion_tokens,
                req_hash: Sha256::digest(format!("{name} {i}").as_bytes()).into(),
                model: "llama-3.3-70b".into(),
            },
        )
        .collect();
    let hashes: Vec<[u8; 32]> = atts.iter().map(Attestation::hash).collect();
    let receipt = Receipt {
        signer,
        first_seq,
        last_seq: first_seq + atts.len() as u64 - 1,
        root: merkle_root(&hashes).unwrap(),
        lines: aggregate(&atts),
    };
    let bytes = receipt.canonical_bytes();
    assert_eq!(Receipt::from_canonical_bytes(&bytes).unwrap(), receipt);
    let hash = receipt.hash();
    let signature = sign(&key, &hash);
    json!({
        "name": name,
        "attestations": atts.iter().map(|a| attestation_json(a, &sign(&key, &a.hash()))).collect::<Vec<_>>(),
        "receipt": {
            "v": 2,
            "signer": hex::encode(receipt.signer),
            "first_seq": receipt.first_seq.to_string(),
            "last_seq": receipt.last_seq.to_string(),
            "root": hex::encode(receipt.root),
            "lines": receipt.lines.iter().map(|l| json!({
                "org": l.org.to_string(),
                "bot": BotId(l.bot).to_string(),
                "day": l.day,
                "messages": l.messages.to_string(),
                "prompt_tokens": l.prompt_tokens.to_string(),
                "completion_tokens": l.completion_tokens.to_string(),
            })).collect::<Vec<_>>(),
        },
        "bytes_hex": hex::encode(&bytes),
        "lines_hex": hex::encode(receipt.lines_bytes()),
        "sha256": hex::encode(hash),
        "pubkey": hex::encode(signer),
        "privkey": hex::encode(secret),
        "signature": hex::encode(signature),
    })
}

fn compute() -> String {
    const DAY1: u64 = 1_795_348_800; // 2026-11-22T12:00:00Z, day 20779
    const BOT_X: &str = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b";
    const BOT_Y: &str = "00000000-0000-4000-8000-000000000001";
    let vectors = vec![
        vector(
            "one answer",
            "privexbot test vector key 1",
            1,
            &[(1, BOT_X, DAY1, 512, 128)],
        ),
        vector(
            "two orgs, two bots, across midnight, out of order",
            "privexbot test vector key 1",
            2,
            &[
                (7, BOT_X, DAY1, 100, 10),
                (1, BOT_Y, DAY1 + 43_199, 1, 2), // 23:59:59, still day 20779
                (7, BOT_Y, DAY1, 3, 4),
                (1, BOT_Y, DAY1 + 43_200, 5, 6), // 00:00:00, day 20780
                (7, BOT_X, DAY1 + 60, 200, 20),
                (1, BOT_X, DAY1, 0, 0),
                (7, BOT_X, DAY1 + 120, 300, 30),
            ],
        ),
        vector(
            "sums beyond u32, second key, u64 org",
            "privexbot test vector key 2",
            9_007_199_254_740_993, // 2^53 + 1: not representable as a JS number
            &[
                (u64::MAX, BOT_X, DAY1, u32::MAX, u32::MAX),
                (u64::MAX, BOT_X, DAY1, u32::MAX, 1),
                (u64::MAX, BOT_X, DAY1, 2, u32::MAX),
            ],
        ),
    ];
    let file = json!({
        "description": "Usage receipt v2 test vectors; see contracts/usage/README.md. \
            u64 fields are decimal strings; bytes are lower-case hex; each receipt is built \
            from its attestations (root: Merkle root of their hashes in seq order; lines: sums \
            per (org, bot, day) sorted by org, bot bytes, day). privkey values are test-only keys.",
        "receipt_version": 2,
        "vectors": vectors,
    });
    serde_json::to_string_pretty(&file).unwrap() + "\n"
}

#[test]
fn receipt_vectors_match_the_committed_file() {
    let computed = compute();
    if std::env::var("UPDATE_VECTORS").as_deref() == Ok("1") {
        std::fs::write(PATH, &computed).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(PATH)
        .expect("schema/vectors/receipt.json is missing: run with UPDATE_VECTORS=1");
    assert!(
        committed == computed,
        "schema/vectors/receipt.json is stale: run UPDATE_VECTORS=1 cargo test -p privexbot-usage --test receipt_vectors"
    );
}
