//! How the contract's queries are read from JSON: one reader over the shared [`Json`] tree
//! (`privexbot_shared::json` says why not serde's derived code: its reader of `QueryMsg`, the
//! permit above all, was among the largest functions of the wasm). Field names, required
//! fields and refused unknown fields follow `QueryMsg` in `msg.rs`, whose derived schema
//! (`schema/json/billing`) stays the published API.

use privexbot_shared::json::{deserialize_with, Json, Read};
use privexbot_shared::permit::read_permit;
use serde::{Deserialize, Deserializer};

use crate::msg::{BillingPermission, QueryAuth, QueryMsg};

impl<'de> Deserialize<'de> for QueryMsg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_with(deserializer, query_msg)
    }
}

const QUERY_VARIANTS: &[&str] = &[
    "config",
    "org",
    "find_org",
    "orgs_of",
    "plan",
    "plans",
    "org_plan",
    "subscription",
    "payment_history",
    "stake",
    "totals",
];

fn query_msg(j: &Json) -> Read<QueryMsg> {
    let (variant, body) = j.variant(QUERY_VARIANTS, false)?;
    let name = QUERY_VARIANTS[variant];
    query_variant(variant, body).map_err(|e| format!("{name}: {e}"))
}

fn query_variant(variant: usize, j: &Json) -> Read<QueryMsg> {
    Ok(match variant {
        0 | 10 => {
            j.object(&[])?;
            if variant == 0 {
                QueryMsg::Config {}
            } else {
                QueryMsg::Totals {}
            }
        }
        1 | 2 | 4 => {
            let id = j.object(&["id"])?.req("id", Json::u64)?;
            match variant {
                1 => QueryMsg::Org { id },
                2 => QueryMsg::FindOrg { id },
                _ => QueryMsg::Plan { id },
            }
        }
        3 => {
            let f = j.object(&["address", "start", "limit"])?;
            QueryMsg::OrgsOf {
                address: f.req("address", Json::string)?,
                start: f.opt("start", Json::u64)?,
                limit: f.opt("limit", Json::u32)?,
            }
        }
        5 => QueryMsg::Plans {
            include_retired: j
                .object(&["include_retired"])?
                .opt("include_retired", Json::bool)?,
        },
        6 => QueryMsg::OrgPlan {
            org_id: j.object(&["org_id"])?.req("org_id", Json::u64)?,
        },
        8 => {
            let f = j.object(&["org_id", "start", "limit", "auth"])?;
            QueryMsg::PaymentHistory {
                org_id: f.req("org_id", Json::u64)?,
                start: f.opt("start", Json::u64)?,
                limit: f.opt("limit", Json::u32)?,
                auth: f.req("auth", query_auth)?,
            }
        }
        _ => {
            let f = j.object(&["org_id", "auth"])?;
            let (org_id, auth) = (f.req("org_id", Json::u64)?, f.req("auth", query_auth)?);
            if variant == 7 {
                QueryMsg::Subscription { org_id, auth }
            } else {
                QueryMsg::Stake { org_id, auth }
            }
        }
    })
}

fn billing_permission(j: &Json) -> Read<BillingPermission> {
    let (variant, _) = j.variant(&["billing", "owner"], true)?;
    Ok(if variant == 0 {
        BillingPermission::Billing
    } else {
        BillingPermission::Owner
    })
}

fn query_auth(j: &Json) -> Read<QueryAuth> {
    let (variant, body) = j.variant(&["viewing_key", "permit"], false)?;
    Ok(if variant == 0 {
        let f = body.object(&["address", "key"])?;
        QueryAuth::ViewingKey {
            address: f.req("address", Json::string)?,
            key: f.req("key", Json::string)?,
        }
    } else {
        QueryAuth::Permit(
            read_permit(body, billing_permission).map_err(|e| format!("permit: {e}"))?,
        )
    })
}

#[cfg(test)]
mod tests {
    use privexbot_shared::cosmwasm_std::Binary;
    use privexbot_shared::json::MAX_DEPTH;
    use privexbot_shared::permit::{Permit, PermitParams, PermitSignature, PubKey};
    use privexbot_shared::storage::{from_json_bytes, to_json_bytes};

    use crate::msg::*;

    fn parse(json: &str) -> Result<QueryMsg, String> {
        from_json_bytes::<QueryMsg>(json.as_bytes()).map_err(|e| e.to_string())
    }

    fn refused(json: &str, why: &str) {
        let err = parse(json).expect_err(json);
        assert!(err.contains(why), "{json}: {err}");
    }

    fn permit() -> QueryAuth {
        QueryAuth::Permit(Permit {
            params: PermitParams {
                allowed_tokens: vec!["secret1contract".into()],
                permit_name: "p".into(),
                chain_id: "secret-4".into(),
                permissions: vec![BillingPermission::Billing, BillingPermission::Owner],
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

    /// Every variant, written by the derived `Serialize` (the schema's shape), reads back.
    #[test]
    fn every_query_round_trips() {
        let vk = || QueryAuth::ViewingKey {
            address: "a".into(),
            key: "k".into(),
        };
        let all = vec![
            QueryMsg::Config {},
            QueryMsg::Org { id: 1 },
            QueryMsg::FindOrg { id: u64::MAX },
            QueryMsg::OrgsOf {
                address: "a".into(),
                start: Some(2),
                limit: Some(3),
            },
            QueryMsg::OrgsOf {
                address: "a".into(),
                start: None,
                limit: None,
            },
            QueryMsg::Plan { id: 4 },
            QueryMsg::Plans {
                include_retired: Some(true),
            },
            QueryMsg::Plans {
                include_retired: None,
            },
            QueryMsg::OrgPlan { org_id: 5 },
            QueryMsg::Subscription {
                org_id: 6,
                auth: vk(),
            },
            QueryMsg::Subscription {
                org_id: 6,
                auth: permit(),
            },
            QueryMsg::PaymentHistory {
                org_id: 7,
                start: Some(0),
                limit: Some(100),
                auth: permit(),
            },
            QueryMsg::Stake {
                org_id: 8,
                auth: vk(),
            },
            QueryMsg::Totals {},
        ];
        for msg in all {
            let json = String::from_utf8(to_json_bytes(&msg).unwrap()).unwrap();
            assert_eq!(parse(&json), Ok(msg), "{json}");
        }
        // A missing optional field reads as None, as serde did.
        assert_eq!(
            parse(r#"{"plans":{}}"#),
            Ok(QueryMsg::Plans {
                include_retired: None
            })
        );
    }

    #[test]
    fn malformed_queries_are_refused_with_the_reason() {
        refused(r#"{"nope":{}}"#, "unknown variant `nope`");
        refused(r#"{"config":{},"totals":{}}"#, "expected an enum variant");
        refused(r#""config""#, "expected an enum variant");
        refused(r#"{"config":{"x":1}}"#, "unknown field `x`");
        refused(r#"{"org":{}}"#, "missing field `id`");
        refused(r#"{"org":{"id":"1"}}"#, "id: invalid type: a string");
        refused(r#"{"org":{"id":-1}}"#, "id: invalid type: a number");
        refused(r#"{"org":{"id":1,"id":2}}"#, "duplicate field");
        refused(r#"{"org":{"id":18446744073709551616}}"#, "");
        refused(
            r#"{"orgs_of":{"address":"a","limit":4294967296}}"#,
            "out of range for u32",
        );
        refused(r#"{"plans":{"include_retired":1}}"#, "expected a boolean");
        refused(
            r#"{"stake":{"org_id":1,"auth":{"viewing_key":{"address":"a","key":"k","x":1}}}}"#,
            "unknown field `x`",
        );
        refused(r#"{"stake":{"org_id":1}}"#, "missing field `auth`");
        refused(
            r#"{"subscription":{"org_id":1,"auth":{"password":{}}}}"#,
            "unknown variant `password`",
        );
        let mut permit: serde_json::Value =
            serde_json::from_slice(&to_json_bytes(&permit()).unwrap()).unwrap();
        permit["permit"]["params"]["permissions"] = serde_json::json!(["admin"]);
        refused(
            &serde_json::json!({"stake": {"org_id": 1, "auth": permit.clone()}}).to_string(),
            "unknown variant `admin`",
        );
        permit["permit"]["signature"]["signature"] = serde_json::json!("not base64!");
        permit["permit"]["params"]["permissions"] = serde_json::json!(["owner"]);
        refused(
            &serde_json::json!({"stake": {"org_id": 1, "auth": permit}}).to_string(),
            "permit: signature:",
        );
        // Nested past the limit: refused before it could exhaust the stack.
        let deep = format!(
            r#"{{"config":{}{}}}"#,
            "[".repeat(MAX_DEPTH as usize + 5),
            "]".repeat(MAX_DEPTH as usize + 5)
        );
        refused(&deep, "nested too deeply");
    }
}
