//! Prints the bytes one attestation adds to a `submit_batch` message (JSON, base64 wire
//! records) for model names of 8, 12 and 20 characters: `cargo run -p privexbot-usage --example
//! batch_bytes`. The goal is at most 200 bytes per attestation.

use privexbot_shared::cosmwasm_std::{Binary, Uint64};
use privexbot_usage::attestation::Attestation;
use privexbot_usage::msg::ExecuteMsg;

fn message_len(model: &str, count: usize) -> usize {
    let att = Attestation {
        signer: [2u8; 33],
        seq: 1,
        org: 1,
        bot: [7u8; 16],
        ts: 1_795_348_800,
        prompt_tokens: 500,
        completion_tokens: 200,
        req_hash: [9u8; 32],
        model: model.to_string(),
    };
    // Signature bytes do not change the length; any 64 bytes will do for measuring.
    let wire = Binary::from(att.wire_record(&[1u8; 64]));
    let msg = ExecuteMsg::SubmitBatch {
        signer: Binary::from(vec![2u8; 33]),
        first_seq: Uint64::new(1_000_000),
        attestations: vec![wire; count],
    };
    serde_json::to_vec(&msg).expect("serializes").len()
}

fn main() {
    println!("model chars | wire record bytes | bytes per attestation in a 100-attestation submit_batch | goal");
    for model in ["llama-3b", "llama-3.3-70", "deepseek-r1-distill-"] {
        // Whole bytes and hundredths, in integers (no floats anywhere near contract code).
        let added = message_len(model, 100) - message_len(model, 0);
        let per_attestation = format!("{}.{:02}", added / 100, added % 100);
        println!(
            "{:>11} | {:>17} | {:>56} | <= 200",
            model.len(),
            138 + model.len(),
            per_attestation
        );
    }
}
