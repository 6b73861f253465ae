//! Writes the billing contract's API as JSON Schema (cosmwasm-schema's format) into the
//! directory given as the first argument, by default `schema/json/billing` at the repository
//! root: `cargo run -p privexbot-billing --example billing_schema`.
//!
//! Output: `billing.json` (the whole API), `raw/*.json` (one schema per message and
//! response) and `raw/receive_msg.json` (the inner `msg` of a token `Send` to this contract).

use std::fs::{create_dir_all, write};
use std::path::PathBuf;

use cosmwasm_schema::{generate_api, remove_schemas, schema_for};
use privexbot_billing::msg::{ExecuteMsg, InstantiateMsg, QueryMsg, ReceiveMsg};

fn main() {
    let out_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/json/billing")
        });
    let api = generate_api! {
        name: "billing",
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
    }
    .render();

    // Old files go first, so that a renamed message leaves no stale schema behind.
    let raw_dir = out_dir.join("raw");
    create_dir_all(&raw_dir).expect("create the schema directory");
    remove_schemas(&out_dir).expect("remove old schemas");
    remove_schemas(&raw_dir).expect("remove old raw schemas");
    write(
        out_dir.join("billing.json"),
        api.to_string().expect("encode the API") + "\n",
    )
    .expect("write the API schema");
    for (file, json) in api.to_schema_files().expect("encode the schemas") {
        write(raw_dir.join(file), json + "\n").expect("write a schema file");
    }
    let receive = serde_json::to_string_pretty(&schema_for!(ReceiveMsg)).expect("encode");
    write(raw_dir.join("receive_msg.json"), receive + "\n").expect("write receive_msg.json");
    println!("wrote {}", out_dir.display());
}
