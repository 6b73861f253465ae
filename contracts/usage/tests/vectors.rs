//! Writes or checks `schema/vectors/attestation.json`: attestations with their canonical
//! bytes, hash, signature and wire record, made with fixed test-only keys (RFC 6979 signatures
//! are deterministic), plus Merkle roots. The TypeScript package proves against this file that
//! it encodes, hashes and signs the same bytes.
//!
//! `UPDATE_VECTORS=1 cargo test -p privexbot-usage --test vectors` rewrites the file; without
//! it the test fails if the committed file differs from what this code computes.

use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use privexbot_usage::attestation::{is_low_s, merkle_leaf, merkle_root, Attestation};
use privexbot_usage::bot_id::BotId;

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../schema/vectors/attestation.json"
);

fn test_key(label: &str) -> ([u8; 32], SigningKey) {
    let secret: [u8; 32] = Sha256::digest(label.as_bytes()).into();
    (
        secret,
        SigningKey::from_bytes(&secret.into()).expect("valid scalar"),
    )
}

fn vector(name: &str, key_label: &str, make: impl FnOnce([u8; 33]) -> Attestation) -> Value {
    let (secret, key) = test_key(key_label);
    let pubkey: [u8; 33] = key
        .verifying_key()
        .to_encoded_point(true)
        .as_bytes()
        .try_into()
        .unwrap();
    let att = make(pubkey);
    let bytes = att.canonical_bytes();
    let hash = att.hash();
    let sig: Signature = key.sign_prehash(&hash).expect("signs");
    let sig: [u8; 64] = sig.to_bytes().into();
    assert!(is_low_s(&sig));
    let wire = att.wire_record(&sig);
    assert_eq!(Attestation::from_canonical_bytes(&bytes).unwrap(), att);
    assert_eq!(
        Attestation::from_wire_record(&wire, pubkey, att.seq).unwrap(),
        (att.clone(), sig)
    );
    json!({
        "name": name,
        "attestation": {
            "v": 1,
            "signer": hex::encode(att.signer),
            "seq": att.seq.to_string(),
            "org": att.org.to_string(),
            "bot": BotId(att.bot).to_string(),
            "model": att.model,
            "prompt_tokens": att.prompt_tokens,
            "completion_tokens": att.completion_tokens,
            "ts": att.ts.to_string(),
            "req_hash": hex::encode(att.req_hash),
        },
        "bytes_hex": hex::encode(&bytes),
        "sha256": hex::encode(hash),
        "pubkey": hex::encode(pubkey),
        "privkey": hex::encode(secret),
        "signature": hex::encode(sig),
        "wire_hex": hex::encode(&wire),
    })
}

fn merkle_case(n: u8) -> Value {
    let hashes: Vec<[u8; 32]> = (1..=n).map(|i| Sha256::digest([i]).into()).collect();
    json!({
        "attestation_hashes": hashes.iter().map(hex::encode).collect::<Vec<_>>(),
        "leaf_hashes": hashes.iter().map(|h| hex::encode(merkle_leaf(h))).collect::<Vec<_>>(),
        "root": hex::encode(merkle_root(&hashes).unwrap()),
    })
}

fn compute() -> String {
    let req = |s: &str| -> [u8; 32] { Sha256::digest(s.as_bytes()).into() };
    let bot = |s: &str| BotId::parse(s).unwrap().0;
    let vectors = vec![
        vector("typical", "privexbot test vector key 1", |signer| {
            Attestation {
                signer,
                seq: 1,
                org: 1,
                bot: bot("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"),
                ts: 1_795_348_800,
                prompt_tokens: 512,
                completion_tokens: 128,
                req_hash: req("salted request and answer 1"),
                model: "llama-3.3-70b".into(),
            }
        }),
        vector(
            "second key, short model",
            "privexbot test vector key 2",
            |signer| Attestation {
                signer,
                seq: 42,
                org: 7,
                bot: bot("00000000-0000-4000-8000-000000000001"),
                ts: 1_795_400_000,
                prompt_tokens: 0,
                completion_tokens: 1,
                req_hash: req("salted request and answer 2"),
                model: "m".into(),
            },
        ),
        vector(
            "maximum integers, 64-byte model",
            "privexbot test vector key 1",
            |signer| Attestation {
                signer,
                seq: u64::MAX,
                org: u64::MAX,
                bot: [0xff; 16],
                ts: u64::MAX,
                prompt_tokens: u32::MAX,
                completion_tokens: u32::MAX,
                req_hash: [0xff; 32],
                model: "x".repeat(64),
            },
        ),
        vector(
            "UTF-8 model name",
            "privexbot test vector key 3",
            |signer| Attestation {
                signer,
                seq: 9_007_199_254_740_993, // 2^53 + 1: not representable as a JS number
                org: 3,
                bot: bot("a1b2c3d4-e5f6-4789-abcd-ef0123456789"),
                ts: 1_795_348_801,
                prompt_tokens: 70_000,
                completion_tokens: 3,
                req_hash: req("salted request and answer 3"),
                model: "modèle-ünicode-✓".into(),
            },
        ),
    ];
    let merkle: Vec<Value> = [1u8, 2, 3, 4, 5, 7]
        .iter()
        .map(|&n| merkle_case(n))
        .collect();
    let file = json!({
        "description": "Attestation encoding v1 test vectors; see contracts/usage/README.md. \
            u64 fields (seq, org, ts) are decimal strings; bytes are lower-case hex. \
            privkey values are test-only keys.",
        "encoding_version": 1,
        "vectors": vectors,
        "merkle": merkle,
    });
    serde_json::to_string_pretty(&file).unwrap() + "\n"
}

#[test]
fn attestation_vectors_match_the_committed_file() {
    let computed = compute();
    if std::env::var("UPDATE_VECTORS").as_deref() == Ok("1") {
        std::fs::create_dir_all(std::path::Path::new(PATH).parent().unwrap()).unwrap();
        std::fs::write(PATH, &computed).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(PATH)
        .expect("schema/vectors/attestation.json is missing: run with UPDATE_VECTORS=1");
    assert!(
        committed == computed,
        "schema/vectors/attestation.json is stale: run UPDATE_VECTORS=1 cargo test -p privexbot-usage --test vectors"
    );
}
