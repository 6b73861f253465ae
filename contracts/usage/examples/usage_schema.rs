//! Writes the usage contract's cosmwasm-schema API JSON (`usage.json` and `raw/*.json`) into the
//! directory given as first argument, by default `schema/json/usage` at the repository root:
//! `cargo run -p privexbot-usage --example usage_schema`.

use std::fs::{create_dir_all, write};
use std::path::PathBuf;

use cosmwasm_schema::{generate_api, remove_schemas};
use privexbot_usage::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() {
    let out_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/json/usage")
        });
    create_dir_all(&out_dir).expect("create the output directory");
    remove_schemas(&out_dir).expect("remove old schemas");

    let api = generate_api! {
        name: "usage",
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
    .render();

    write(
        out_dir.join("usage.json"),
        api.to_string().expect("render") + "\n",
    )
    .expect("write usage.json");
    let raw_dir = out_dir.join("raw");
    create_dir_all(&raw_dir).expect("create raw/");
    remove_schemas(&raw_dir).expect("remove old raw schemas");
    for (file, json) in api.to_schema_files().expect("render files") {
        write(raw_dir.join(&file), json + "\n").expect("write a raw schema");
    }
    println!("wrote {}", out_dir.display());
}
