//! Prints, as JSON, a `register_signer` message and a `submit_batch` message of N attestations
//! (default 100) signed by a fixed test-only key, all stamped at unix time T (default now):
//! `cargo run -p privexbot-usage --example sample_batch -- [N] [T]`. Benchmarks and devnet
//! smoke tests feed them to the compiled contract.

use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
use privexbot_shared::cosmwasm_std::{Binary, Uint64};
use privexbot_usage::attestation::Attestation;
use privexbot_usage::msg::{ExecuteMsg, SignerMode};
use sha2::{Digest, Sha256};

fn main() {
    let mut args = std::env::args().skip(1);
    let count: u64 = args
        .next()
        .map(|a| a.parse().expect("N is a number"))
        .unwrap_or(100);
    let ts: u64 = args
        .next()
        .map(|a| a.parse().expect("T is unix seconds"))
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        });
    let secret: [u8; 32] = Sha256::digest(b"privexbot sample batch key (test only)").into();
    let key = SigningKey::from_bytes(&secret.into()).expect("valid scalar");
    let pubkey: [u8; 33] = key
        .verifying_key()
        .to_encoded_point(true)
        .as_bytes()
        .try_into()
        .unwrap();

    let records = (1..=count)
        .map(|seq| {
            let att = Attestation {
                signer: pubkey,
                seq,
                org: 1 + seq % 3,
                bot: [(seq % 5) as u8; 16],
                ts,
                prompt_tokens: 400 + seq as u32,
                completion_tokens: 150,
                req_hash: Sha256::digest(seq.to_be_bytes()).into(),
                model: "llama-3.3-70b".into(),
            };
            let sig: Signature = key.sign_prehash(&att.hash()).expect("signs");
            Binary::from(att.wire_record(&sig.to_bytes().into()))
        })
        .collect();
    let register = ExecuteMsg::RegisterSigner {
        pubkey: Binary::from(pubkey.to_vec()),
        attestation_hash: Binary::from(Sha256::digest(b"dev machine").to_vec()),
        mode: SignerMode::Dev,
    };
    let batch = ExecuteMsg::SubmitBatch {
        signer: Binary::from(pubkey.to_vec()),
        first_seq: Uint64::one(),
        attestations: records,
    };
    let out = serde_json::json!({ "register_signer": register, "submit_batch": batch });
    println!("{out}");
}
