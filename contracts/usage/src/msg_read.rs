//! How the contract's incoming messages are read from JSON: one reader per type over the
//! shared [`Json`] tree (`json.rs` says why not serde's derived code). Field names, required
//! fields and refused unknown fields follow the types in `msg.rs`, whose derived schemas
//! (`schema/json`) stay the contract's published API.

use serde::{Deserialize, Deserializer};

use privexbot_shared::permit::{read_query_auth, Auth};

use crate::msg::{
    BillingContract, ExecuteMsg, InstantiateMsg, MigrateMsg, QueryAuth, QueryMsg, SignerMode,
    UsagePermission,
};
use privexbot_shared::json::{deserialize_with, Json, Read};

macro_rules! read_by {
    ($ty:ty, $read:ident) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_with(deserializer, $read)
            }
        }
    };
}

read_by!(InstantiateMsg, instantiate_msg);
read_by!(ExecuteMsg, execute_msg);
read_by!(QueryMsg, query_msg);
read_by!(MigrateMsg, migrate_msg);

pub(crate) fn string(j: &Json) -> Read<String> {
    j.string()
}

pub(crate) fn binary(j: &Json) -> Read<privexbot_shared::cosmwasm_std::Binary> {
    j.binary()
}

fn migrate_msg(j: &Json) -> Read<MigrateMsg> {
    j.object(&[])?;
    Ok(MigrateMsg {})
}

fn billing_contract(j: &Json) -> Read<BillingContract> {
    let f = j.object(&["address", "code_hash"])?;
    Ok(BillingContract {
        address: f.req("address", string)?,
        code_hash: f.opt("code_hash", string)?,
    })
}

fn instantiate_msg(j: &Json) -> Read<InstantiateMsg> {
    let f = j.object(&[
        "admin",
        "billing",
        "relayers",
        "max_batch_size",
        "max_future_skew_secs",
        "address_prefix",
        "max_receipt_lines",
    ])?;
    Ok(InstantiateMsg {
        admin: f.opt("admin", string)?,
        billing: f.req("billing", billing_contract)?,
        relayers: f.or("relayers", |l| l.list(string), Vec::new())?,
        max_batch_size: f.opt("max_batch_size", Json::u32)?,
        max_future_skew_secs: f.opt("max_future_skew_secs", Json::u64)?,
        address_prefix: f.opt("address_prefix", string)?,
        max_receipt_lines: f.opt("max_receipt_lines", Json::u32)?,
    })
}

pub(crate) fn signer_mode(j: &Json) -> Read<SignerMode> {
    Ok(match j.variant(&["tee", "dev"], true)?.0 {
        0 => SignerMode::Tee,
        _ => SignerMode::Dev,
    })
}

const EXECUTE_VARIANTS: &[&str] = &[
    "submit_batch",
    "submit_receipt",
    "register_signer",
    "revoke_signer",
    "add_relayer",
    "remove_relayer",
    "update_config",
    "transfer_admin",
    "accept_admin",
    "set_viewing_key",
    "create_viewing_key",
    "revoke_permit",
];

fn execute_msg(j: &Json) -> Read<ExecuteMsg> {
    let (variant, body) = j.variant(EXECUTE_VARIANTS, false)?;
    let name = EXECUTE_VARIANTS[variant];
    execute_variant(variant, body).map_err(|e| format!("{name}: {e}"))
}

fn execute_variant(variant: usize, j: &Json) -> Read<ExecuteMsg> {
    Ok(match variant {
        0 => {
            let f = j.object(&["signer", "first_seq", "attestations"])?;
            ExecuteMsg::SubmitBatch {
                signer: f.req("signer", binary)?,
                first_seq: f.req("first_seq", Json::uint64)?,
                attestations: f.req("attestations", |l| l.list(binary))?,
            }
        }
        1 => {
            let f = j.object(&[
                "signer",
                "first_seq",
                "last_seq",
                "root",
                "lines",
                "signature",
            ])?;
            ExecuteMsg::SubmitReceipt {
                signer: f.req("signer", binary)?,
                first_seq: f.req("first_seq", Json::uint64)?,
                last_seq: f.req("last_seq", Json::uint64)?,
                root: f.req("root", binary)?,
                lines: f.req("lines", binary)?,
                signature: f.req("signature", binary)?,
            }
        }
        2 => {
            let f = j.object(&["pubkey", "attestation_hash", "mode"])?;
            ExecuteMsg::RegisterSigner {
                pubkey: f.req("pubkey", binary)?,
                attestation_hash: f.req("attestation_hash", binary)?,
                mode: f.req("mode", signer_mode)?,
            }
        }
        3 => ExecuteMsg::RevokeSigner {
            pubkey: j.object(&["pubkey"])?.req("pubkey", binary)?,
        },
        4 => ExecuteMsg::AddRelayer {
            address: j.object(&["address"])?.req("address", string)?,
        },
        5 => ExecuteMsg::RemoveRelayer {
            address: j.object(&["address"])?.req("address", string)?,
        },
        6 => {
            let f = j.object(&[
                "billing",
                "max_batch_size",
                "max_future_skew_secs",
                "max_receipt_lines",
                "accept_v1",
            ])?;
            ExecuteMsg::UpdateConfig {
                billing: f.opt("billing", billing_contract)?,
                max_batch_size: f.opt("max_batch_size", Json::u32)?,
                max_future_skew_secs: f.opt("max_future_skew_secs", Json::u64)?,
                max_receipt_lines: f.opt("max_receipt_lines", Json::u32)?,
                accept_v1: f.opt("accept_v1", Json::bool)?,
            }
        }
        7 => ExecuteMsg::TransferAdmin {
            new_admin: j.object(&["new_admin"])?.req("new_admin", string)?,
        },
        8 => {
            j.object(&[])?;
            ExecuteMsg::AcceptAdmin {}
        }
        9 => {
            let f = j.object(&["key", "padding"])?;
            ExecuteMsg::SetViewingKey {
                key: f.req("key", string)?,
                padding: f.opt("padding", string)?,
            }
        }
        10 => {
            let f = j.object(&["entropy", "padding"])?;
            ExecuteMsg::CreateViewingKey {
                entropy: f.req("entropy", string)?,
                padding: f.opt("padding", string)?,
            }
        }
        _ => {
            let f = j.object(&["permit_name", "padding"])?;
            ExecuteMsg::RevokePermit {
                permit_name: f.req("permit_name", string)?,
                padding: f.opt("padding", string)?,
            }
        }
    })
}

fn usage_permission(j: &Json) -> Read<UsagePermission> {
    Ok(match j.variant(&["usage", "owner"], true)?.0 {
        0 => UsagePermission::Usage,
        _ => UsagePermission::Owner,
    })
}

fn query_auth(j: &Json) -> Read<QueryAuth> {
    Ok(match read_query_auth(j, usage_permission)? {
        Auth::ViewingKey { address, key } => QueryAuth::ViewingKey { address, key },
        Auth::Permit(permit) => QueryAuth::Permit(permit),
    })
}

const QUERY_VARIANTS: &[&str] = &[
    "config",
    "signer",
    "signers",
    "last_seq",
    "relayers",
    "batch",
    "batches",
    "receipt",
    "receipts",
    "totals",
    "org_usage",
    "bot_usage",
    "org_bots",
];

fn query_msg(j: &Json) -> Read<QueryMsg> {
    let (variant, body) = j.variant(QUERY_VARIANTS, false)?;
    let name = QUERY_VARIANTS[variant];
    query_variant(variant, body).map_err(|e| format!("{name}: {e}"))
}

fn query_variant(variant: usize, j: &Json) -> Read<QueryMsg> {
    const PAGE: &[&str] = &["start", "limit"];
    Ok(match variant {
        0 => {
            j.object(&[])?;
            QueryMsg::Config {}
        }
        1 => QueryMsg::Signer {
            pubkey: j.object(&["pubkey"])?.req("pubkey", binary)?,
        },
        2 | 6 | 8 => {
            let f = j.object(PAGE)?;
            let (start, limit) = (f.opt("start", Json::u64)?, f.opt("limit", Json::u32)?);
            match variant {
                2 => QueryMsg::Signers { start, limit },
                6 => QueryMsg::Batches { start, limit },
                _ => QueryMsg::Receipts { start, limit },
            }
        }
        3 => QueryMsg::LastSeq {
            signer: j.object(&["signer"])?.req("signer", binary)?,
        },
        4 => {
            j.object(&[])?;
            QueryMsg::Relayers {}
        }
        5 => QueryMsg::Batch {
            id: j.object(&["id"])?.req("id", Json::u64)?,
        },
        7 => QueryMsg::Receipt {
            id: j.object(&["id"])?.req("id", Json::u64)?,
        },
        9 => {
            j.object(&[])?;
            QueryMsg::Totals {}
        }
        10 => {
            let f = j.object(&["org_id", "from_day", "to_day", "auth"])?;
            QueryMsg::OrgUsage {
                org_id: f.req("org_id", Json::u64)?,
                from_day: f.req("from_day", Json::u32)?,
                to_day: f.req("to_day", Json::u32)?,
                auth: f.req("auth", query_auth)?,
            }
        }
        11 => {
            let f = j.object(&["org_id", "bot", "from_day", "to_day", "auth"])?;
            QueryMsg::BotUsage {
                org_id: f.req("org_id", Json::u64)?,
                bot: f.req("bot", string)?,
                from_day: f.req("from_day", Json::u32)?,
                to_day: f.req("to_day", Json::u32)?,
                auth: f.req("auth", query_auth)?,
            }
        }
        _ => {
            let f = j.object(&["org_id", "start", "limit", "auth"])?;
            QueryMsg::OrgBots {
                org_id: f.req("org_id", Json::u64)?,
                start: f.opt("start", Json::u64)?,
                limit: f.opt("limit", Json::u32)?,
                auth: f.req("auth", query_auth)?,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use privexbot_shared::cosmwasm_std::{Binary, Uint64};
    use privexbot_shared::storage::{from_json_bytes, to_json_bytes};

    use crate::msg::*;
    use privexbot_shared::json::MAX_DEPTH;

    fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
        from_json_bytes::<T>(json.as_bytes()).map_err(|e| e.to_string())
    }

    fn refused<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str, why: &str) {
        let err = parse::<T>(json).expect_err(json);
        assert!(err.contains(why), "{json}: {err}");
    }

    fn permit() -> QueryAuth {
        use privexbot_shared::permit::*;
        QueryAuth::Permit(Permit {
            params: PermitParams {
                allowed_tokens: vec!["secret1contract".into()],
                permit_name: "p".into(),
                chain_id: "secret-4".into(),
                permissions: vec![UsagePermission::Usage, UsagePermission::Owner],
            },
            signature: PermitSignature {
                pub_key: PubKey {
                    r#type: "tendermint/PubKeySecp256k1".into(),
                    value: Binary::from(vec![2u8; 33]),
                },
                signature: Binary::from(vec![7u8; 64]),
            },
        })
    }

    /// Every message the serde side writes (as clients do) reads back as itself.
    #[test]
    fn every_message_round_trips() {
        let bin = |b: u8| Binary::from(vec![b; 33]);
        let billing = BillingContract {
            address: "billing".into(),
            code_hash: Some("ab".into()),
        };
        let execs = vec![
            ExecuteMsg::SubmitBatch {
                signer: bin(2),
                first_seq: Uint64::new(u64::MAX),
                attestations: vec![bin(1), Binary::default()],
            },
            ExecuteMsg::SubmitReceipt {
                signer: bin(2),
                first_seq: Uint64::new(1),
                last_seq: Uint64::new(9),
                root: bin(3),
                lines: bin(4),
                signature: bin(5),
            },
            ExecuteMsg::RegisterSigner {
                pubkey: bin(2),
                attestation_hash: bin(6),
                mode: SignerMode::Dev,
            },
            ExecuteMsg::RevokeSigner { pubkey: bin(2) },
            ExecuteMsg::AddRelayer {
                address: "r".into(),
            },
            ExecuteMsg::RemoveRelayer {
                address: "r".into(),
            },
            ExecuteMsg::UpdateConfig {
                billing: Some(billing.clone()),
                max_batch_size: Some(u32::MAX),
                max_future_skew_secs: None,
                max_receipt_lines: Some(3),
                accept_v1: Some(false),
            },
            ExecuteMsg::TransferAdmin {
                new_admin: "a".into(),
            },
            ExecuteMsg::AcceptAdmin {},
            ExecuteMsg::SetViewingKey {
                key: "k \"quoted\" \u{e9}".into(),
                padding: None,
            },
            ExecuteMsg::CreateViewingKey {
                entropy: "e".into(),
                padding: Some("____".into()),
            },
            ExecuteMsg::RevokePermit {
                permit_name: "p".into(),
                padding: None,
            },
        ];
        for msg in execs {
            let json = to_json_bytes(&msg).unwrap();
            assert_eq!(from_json_bytes::<ExecuteMsg>(&json).unwrap(), msg);
        }
        let vk = QueryAuth::ViewingKey {
            address: "a".into(),
            key: "k".into(),
        };
        let queries = vec![
            QueryMsg::Config {},
            QueryMsg::Signer { pubkey: bin(2) },
            QueryMsg::Signers {
                start: Some(1),
                limit: None,
            },
            QueryMsg::LastSeq { signer: bin(2) },
            QueryMsg::Relayers {},
            QueryMsg::Batch { id: u64::MAX },
            QueryMsg::Batches {
                start: None,
                limit: Some(5),
            },
            QueryMsg::Receipt { id: 0 },
            QueryMsg::Receipts {
                start: Some(0),
                limit: Some(0),
            },
            QueryMsg::Totals {},
            QueryMsg::OrgUsage {
                org_id: 7,
                from_day: 0,
                to_day: u32::MAX,
                auth: vk.clone(),
            },
            QueryMsg::BotUsage {
                org_id: 7,
                bot: "b".into(),
                from_day: 1,
                to_day: 2,
                auth: permit(),
            },
            QueryMsg::OrgBots {
                org_id: 7,
                start: None,
                limit: None,
                auth: permit(),
            },
        ];
        for msg in queries {
            let json = to_json_bytes(&msg).unwrap();
            assert_eq!(from_json_bytes::<QueryMsg>(&json).unwrap(), msg);
        }
        let init = InstantiateMsg {
            admin: None,
            billing,
            relayers: vec!["r1".into(), "r2".into()],
            max_batch_size: Some(1),
            max_future_skew_secs: Some(u64::MAX),
            address_prefix: Some("secret".into()),
            max_receipt_lines: None,
        };
        let json = to_json_bytes(&init).unwrap();
        assert_eq!(from_json_bytes::<InstantiateMsg>(&json).unwrap(), init);
        assert_eq!(parse::<MigrateMsg>("{}").unwrap(), MigrateMsg {});
    }

    #[test]
    fn optional_fields_may_be_null_or_left_out() {
        let full = r#"{"signers":{"start":null}}"#;
        assert_eq!(
            parse::<QueryMsg>(full).unwrap(),
            QueryMsg::Signers {
                start: None,
                limit: None
            }
        );
        let init: InstantiateMsg = parse(r#"{"billing":{"address":"b"}}"#).unwrap();
        assert_eq!(init.relayers, Vec::<String>::new());
        assert_eq!(init.billing.code_hash, None);
        // Whitespace anywhere JSON allows it.
        assert_eq!(
            parse::<QueryMsg>(" { \"totals\" : { } } ").unwrap(),
            QueryMsg::Totals {}
        );
    }

    #[test]
    fn malformed_and_hostile_messages_are_refused_with_a_reason() {
        type E = ExecuteMsg;
        type Q = QueryMsg;
        refused::<E>(r#"{"mint":{}}"#, "unknown variant `mint`");
        refused::<E>(r#"{"accept_admin":{"x":1}}"#, "unknown field `x`");
        refused::<E>(r#"{"add_relayer":{}}"#, "missing field `address`");
        refused::<E>(
            r#"{"add_relayer":{"address":null}}"#,
            "address: invalid type: null",
        );
        refused::<E>(
            r#"{"add_relayer":{"address":5}}"#,
            "invalid type: a number, expected a string",
        );
        refused::<E>(r#"{"add_relayer":["r"]}"#, "expected an object");
        refused::<E>(
            r#"{"add_relayer":{"address":"a","address":"b"}}"#,
            "duplicate field `address`",
        );
        refused::<E>(
            r#"{"accept_admin":{},"add_relayer":{"address":"a"}}"#,
            "expected an enum variant",
        );
        refused::<E>(r#""accept_admin""#, "expected an enum variant");
        refused::<E>(
            r#"{"revoke_signer":{"pubkey":"not base64!"}}"#,
            "pubkey: Invalid Base64",
        );
        refused::<E>(
            r#"{"submit_batch":{"signer":"AA==","first_seq":1,"attestations":[]}}"#,
            "first_seq: invalid type: a number, expected a string",
        );
        refused::<E>(
            r#"{"submit_batch":{"signer":"AA==","first_seq":"18446744073709551616","attestations":[]}}"#,
            "invalid Uint64",
        );
        refused::<E>(
            r#"{"submit_batch":{"signer":"AA==","first_seq":"-1","attestations":[]}}"#,
            "invalid Uint64",
        );
        refused::<E>(
            r#"{"submit_batch":{"signer":"AA==","first_seq":"1","attestations":{"0":"AA=="}}}"#,
            "expected an array",
        );
        refused::<E>(
            r#"{"register_signer":{"pubkey":"AA==","attestation_hash":"AA==","mode":"sgx"}}"#,
            "unknown variant `sgx`",
        );
        refused::<E>(
            r#"{"update_config":{"max_batch_size":4294967296}}"#,
            "out of range for u32",
        );
        refused::<E>(
            r#"{"update_config":{"max_batch_size":-1}}"#,
            "expected an unsigned integer",
        );
        refused::<E>(
            r#"{"update_config":{"accept_v1":"true"}}"#,
            "expected a boolean",
        );
        refused::<Q>(r#"{"batch":{"id":18446744073709551616}}"#, "");
        refused::<Q>(r#"{"batch":{"id":1.5}}"#, "");
        refused::<Q>(r#"{"batch":{"id":1}} trailing"#, "");
        refused::<Q>(r#"{"batch":{"id":1}"#, "");
        refused::<Q>(
            r#"{"org_usage":{"org_id":1,"from_day":0,"to_day":1}}"#,
            "missing field `auth`",
        );
        refused::<Q>(
            r#"{"org_usage":{"org_id":1,"from_day":0,"to_day":1,"auth":{"viewing_key":{"address":"a","key":"k","x":0}}}}"#,
            "unknown field `x`",
        );
        refused::<Q>(
            r#"{"org_usage":{"org_id":1,"from_day":0,"to_day":1,"auth":{"password":"x"}}}"#,
            "unknown variant `password`",
        );
        // A permit for another token's permissions does not parse as ours.
        let mut permit = serde_json::to_value(super::tests::permit()).unwrap();
        permit["permit"]["params"]["permissions"] = serde_json::json!(["balance"]);
        let msg = serde_json::json!({"org_bots": {"org_id": 1, "auth": permit}}).to_string();
        refused::<Q>(&msg, "unknown variant `balance`");
    }

    #[test]
    fn a_permit_may_carry_fields_of_newer_permit_formats() {
        let mut permit = serde_json::to_value(super::tests::permit()).unwrap();
        permit["permit"]["params"]["created"] = serde_json::json!("2026-01-01");
        permit["permit"]["signature"]["pub_key"]["extra"] = serde_json::json!([1, {"a": null}]);
        let msg = serde_json::json!({"org_bots": {"org_id": 1, "auth": permit}}).to_string();
        match parse::<QueryMsg>(&msg).unwrap() {
            QueryMsg::OrgBots { auth, .. } => assert_eq!(auth, super::tests::permit()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = |n: usize| {
            format!(
                r#"{{"set_viewing_key":{{"key":"k","padding":{}0{}}}}}"#,
                "[".repeat(n),
                "]".repeat(n)
            )
        };
        // Within the bound it parses far enough to be refused by type, beyond it by depth.
        refused::<ExecuteMsg>(&deep(MAX_DEPTH as usize - 2), "expected a string");
        refused::<ExecuteMsg>(&deep(MAX_DEPTH as usize), "nested too deeply");
        refused::<ExecuteMsg>(&deep(100_000), "nested too deeply");
    }
}
