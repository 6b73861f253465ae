//! How the contract's incoming messages are read from JSON: one reader per type over the
//! shared [`Json`] tree (`privexbot_shared::json` says why not serde's derived code: its
//! readers of the messages, the permit above all, were the largest part of the wasm). Field
//! names, required fields and refused unknown fields follow the types in `msg.rs`, whose
//! derived schemas (`schema/json/billing`) stay the published API.

use privexbot_shared::json::{deserialize_with, Json, Read};
use privexbot_shared::permit::{read_query_auth, Auth};
use privexbot_shared::token::{read_receive_msg, read_token_input};
use serde::{Deserialize, Deserializer};

use crate::msg::{
    Asset, AssetAmount, BillingPermission, ExecuteMsg, InstantiateMsg, PlanInput, QueryAuth,
    QueryMsg, Quotas, ReceiveMsg, Role, StakingSettings,
};

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
read_by!(ReceiveMsg, receive_msg);
read_by!(QueryMsg, query_msg);

fn instantiate_msg(j: &Json) -> Read<InstantiateMsg> {
    let f = j.object(&[
        "admin",
        "treasury",
        "accepted_tokens",
        "native_denom",
        "usage_contract",
        "staking",
        "address_prefix",
        "max_orgs_per_creator",
    ])?;
    Ok(InstantiateMsg {
        admin: f.opt("admin", Json::string)?,
        treasury: f.req("treasury", Json::string)?,
        accepted_tokens: f.req("accepted_tokens", |l| l.list(read_token_input))?,
        native_denom: f.opt("native_denom", Json::string)?,
        usage_contract: f.opt("usage_contract", Json::string)?,
        staking: f.req("staking", staking_settings)?,
        address_prefix: f.opt("address_prefix", Json::string)?,
        max_orgs_per_creator: f.opt("max_orgs_per_creator", Json::u64)?,
    })
}

fn staking_settings(j: &Json) -> Read<StakingSettings> {
    let f = j.object(&["stake_denom", "unbonding_seconds", "validator"])?;
    Ok(StakingSettings {
        stake_denom: f.req("stake_denom", Json::string)?,
        unbonding_seconds: f.req("unbonding_seconds", Json::u64)?,
        validator: f.opt("validator", Json::string)?,
    })
}

fn asset(j: &Json) -> Read<Asset> {
    let (variant, body) = j.variant(&["token", "native"], false)?;
    Ok(if variant == 0 {
        Asset::Token {
            address: body.object(&["address"])?.req("address", Json::string)?,
        }
    } else {
        Asset::Native {
            denom: body.object(&["denom"])?.req("denom", Json::string)?,
        }
    })
}

fn asset_amount(j: &Json) -> Read<AssetAmount> {
    let f = j.object(&["asset", "amount"])?;
    Ok(AssetAmount {
        asset: f.req("asset", asset)?,
        amount: f.req("amount", Json::uint128)?,
    })
}

fn quotas(j: &Json) -> Read<Quotas> {
    let f = j.object(&["messages", "bots", "knowledge_bytes"])?;
    Ok(Quotas {
        messages: f.opt("messages", Json::u64)?,
        bots: f.opt("bots", Json::u64)?,
        knowledge_bytes: f.opt("knowledge_bytes", Json::u64)?,
    })
}

fn plan_input(j: &Json) -> Read<PlanInput> {
    let f = j.object(&[
        "name",
        "price",
        "period_seconds",
        "quotas",
        "stake_amount",
        "restricted_to",
    ])?;
    Ok(PlanInput {
        name: f.req("name", Json::string)?,
        price: f.req("price", asset_amount)?,
        period_seconds: f.req("period_seconds", Json::u64)?,
        quotas: f.req("quotas", quotas)?,
        stake_amount: f.opt("stake_amount", Json::uint128)?,
        restricted_to: f.opt("restricted_to", |l| l.list(Json::u64))?,
    })
}

fn role(j: &Json) -> Read<Role> {
    let (variant, _) = j.variant(&["admin", "member", "auditor"], true)?;
    Ok(match variant {
        0 => Role::Admin,
        1 => Role::Member,
        _ => Role::Auditor,
    })
}

const EXECUTE_VARIANTS: &[&str] = &[
    "receive",
    "update_config",
    "add_accepted_token",
    "propose_admin",
    "accept_admin",
    "create_org",
    "rename_org",
    "add_org_role",
    "remove_org_role",
    "propose_org_owner",
    "accept_org_ownership",
    "create_plan",
    "update_plan",
    "retire_plan",
    "subscribe",
    "deposit",
    "cancel_subscription",
    "resume_subscription",
    "change_plan",
    "withdraw_balance",
    "stake",
    "unstake",
    "withdraw_unbonded",
    "claim_staking_rewards",
    "withdraw_revenue",
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
    const ORG_ONLY: &[&str] = &["org_id"];
    const ORG_PLAN: &[&str] = &["org_id", "plan_id"];
    const ROLE: &[&str] = &["org_id", "role", "address"];
    Ok(match variant {
        0 => ExecuteMsg::Receive(read_receive_msg(j)?),
        1 => {
            let f = j.object(&["treasury", "usage_contract", "max_orgs_per_creator"])?;
            ExecuteMsg::UpdateConfig {
                treasury: f.opt("treasury", Json::string)?,
                usage_contract: f.opt("usage_contract", Json::string)?,
                max_orgs_per_creator: f.opt("max_orgs_per_creator", Json::u64)?,
            }
        }
        2 => ExecuteMsg::AddAcceptedToken {
            token: j.object(&["token"])?.req("token", read_token_input)?,
        },
        3 => ExecuteMsg::ProposeAdmin {
            admin: j.object(&["admin"])?.req("admin", Json::string)?,
        },
        4 => {
            j.object(&[])?;
            ExecuteMsg::AcceptAdmin {}
        }
        5 => ExecuteMsg::CreateOrg {
            name: j.object(&["name"])?.req("name", Json::string)?,
        },
        6 => {
            let f = j.object(&["org_id", "name"])?;
            ExecuteMsg::RenameOrg {
                org_id: f.req("org_id", Json::u64)?,
                name: f.req("name", Json::string)?,
            }
        }
        7 | 8 => {
            let f = j.object(ROLE)?;
            let (org_id, role, address) = (
                f.req("org_id", Json::u64)?,
                f.req("role", role)?,
                f.req("address", Json::string)?,
            );
            if variant == 7 {
                ExecuteMsg::AddOrgRole {
                    org_id,
                    role,
                    address,
                }
            } else {
                ExecuteMsg::RemoveOrgRole {
                    org_id,
                    role,
                    address,
                }
            }
        }
        9 => {
            let f = j.object(&["org_id", "new_owner"])?;
            ExecuteMsg::ProposeOrgOwner {
                org_id: f.req("org_id", Json::u64)?,
                new_owner: f.req("new_owner", Json::string)?,
            }
        }
        11 => ExecuteMsg::CreatePlan {
            plan: j.object(&["plan"])?.req("plan", plan_input)?,
        },
        12 => {
            let f = j.object(&["plan_id", "plan"])?;
            ExecuteMsg::UpdatePlan {
                plan_id: f.req("plan_id", Json::u64)?,
                plan: f.req("plan", plan_input)?,
            }
        }
        13 => ExecuteMsg::RetirePlan {
            plan_id: j.object(&["plan_id"])?.req("plan_id", Json::u64)?,
        },
        14 => {
            let f = j.object(&["org_id", "plan_id", "periods"])?;
            ExecuteMsg::Subscribe {
                org_id: f.req("org_id", Json::u64)?,
                plan_id: f.req("plan_id", Json::u64)?,
                periods: f.req("periods", Json::u32)?,
            }
        }
        10 | 15 | 16 | 17 | 22 => {
            let org_id = j.object(ORG_ONLY)?.req("org_id", Json::u64)?;
            match variant {
                10 => ExecuteMsg::AcceptOrgOwnership { org_id },
                15 => ExecuteMsg::Deposit { org_id },
                16 => ExecuteMsg::CancelSubscription { org_id },
                17 => ExecuteMsg::ResumeSubscription { org_id },
                _ => ExecuteMsg::WithdrawUnbonded { org_id },
            }
        }
        18 | 20 => {
            let f = j.object(ORG_PLAN)?;
            let (org_id, plan_id) = (f.req("org_id", Json::u64)?, f.req("plan_id", Json::u64)?);
            if variant == 18 {
                ExecuteMsg::ChangePlan { org_id, plan_id }
            } else {
                ExecuteMsg::Stake { org_id, plan_id }
            }
        }
        19 => {
            let f = j.object(&["org_id", "asset", "amount"])?;
            ExecuteMsg::WithdrawBalance {
                org_id: f.req("org_id", Json::u64)?,
                asset: f.req("asset", asset)?,
                amount: f.opt("amount", Json::uint128)?,
            }
        }
        21 => {
            let f = j.object(&["org_id", "amount"])?;
            ExecuteMsg::Unstake {
                org_id: f.req("org_id", Json::u64)?,
                amount: f.req("amount", Json::uint128)?,
            }
        }
        23 => {
            j.object(&[])?;
            ExecuteMsg::ClaimStakingRewards {}
        }
        24 => {
            let f = j.object(&["asset", "amount"])?;
            ExecuteMsg::WithdrawRevenue {
                asset: f.req("asset", asset)?,
                amount: f.opt("amount", Json::uint128)?,
            }
        }
        25 => {
            let f = j.object(&["key", "padding"])?;
            ExecuteMsg::SetViewingKey {
                key: f.req("key", Json::string)?,
                padding: f.opt("padding", Json::string)?,
            }
        }
        26 => {
            let f = j.object(&["entropy", "padding"])?;
            ExecuteMsg::CreateViewingKey {
                entropy: f.req("entropy", Json::string)?,
                padding: f.opt("padding", Json::string)?,
            }
        }
        _ => {
            let f = j.object(&["permit_name", "padding"])?;
            ExecuteMsg::RevokePermit {
                permit_name: f.req("permit_name", Json::string)?,
                padding: f.opt("padding", Json::string)?,
            }
        }
    })
}

fn receive_msg(j: &Json) -> Read<ReceiveMsg> {
    let (variant, body) = j.variant(&["subscribe", "deposit"], false)?;
    Ok(if variant == 0 {
        let f = body.object(&["org_id", "plan_id", "periods"])?;
        ReceiveMsg::Subscribe {
            org_id: f.req("org_id", Json::u64)?,
            plan_id: f.req("plan_id", Json::u64)?,
            periods: f.req("periods", Json::u32)?,
        }
    } else {
        ReceiveMsg::Deposit {
            org_id: body.object(&["org_id"])?.req("org_id", Json::u64)?,
        }
    })
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
    Ok(match read_query_auth(j, billing_permission)? {
        Auth::ViewingKey { address, key } => QueryAuth::ViewingKey { address, key },
        Auth::Permit(permit) => QueryAuth::Permit(permit),
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

    fn read<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
        from_json_bytes::<T>(json.as_bytes()).map_err(|e| e.to_string())
    }

    fn round_trips<T>(msg: T)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let json = String::from_utf8(to_json_bytes(&msg).unwrap()).unwrap();
        assert_eq!(read::<T>(&json), Ok(msg), "{json}");
    }

    fn plan() -> PlanInput {
        PlanInput {
            name: "pro".into(),
            price: AssetAmount {
                asset: Asset::Native {
                    denom: "uscrt".into(),
                },
                amount: Uint128::new(u128::MAX),
            },
            period_seconds: 30,
            quotas: Quotas {
                messages: Some(1),
                bots: None,
                knowledge_bytes: Some(u64::MAX),
            },
            stake_amount: Some(Uint128::new(5)),
            restricted_to: Some(vec![1, 2]),
        }
    }

    use privexbot_shared::cosmwasm_std::Uint128;
    use privexbot_shared::token::TokenInput;

    /// Every execute, instantiate and receive message, written by the derived `Serialize`
    /// (the schema's shape), reads back.
    #[test]
    fn every_message_round_trips() {
        let token = || Asset::Token {
            address: "t".into(),
        };
        for msg in [
            ExecuteMsg::UpdateConfig {
                treasury: Some("t".into()),
                usage_contract: None,
                max_orgs_per_creator: Some(3),
            },
            ExecuteMsg::AddAcceptedToken {
                token: TokenInput {
                    address: "a".into(),
                    code_hash: Some("h".into()),
                },
            },
            ExecuteMsg::ProposeAdmin { admin: "a".into() },
            ExecuteMsg::AcceptAdmin {},
            ExecuteMsg::CreateOrg { name: "o".into() },
            ExecuteMsg::RenameOrg {
                org_id: 1,
                name: "n".into(),
            },
            ExecuteMsg::AddOrgRole {
                org_id: 1,
                role: Role::Admin,
                address: "a".into(),
            },
            ExecuteMsg::RemoveOrgRole {
                org_id: 1,
                role: Role::Auditor,
                address: "a".into(),
            },
            ExecuteMsg::ProposeOrgOwner {
                org_id: 1,
                new_owner: "b".into(),
            },
            ExecuteMsg::AcceptOrgOwnership { org_id: 1 },
            ExecuteMsg::CreatePlan { plan: plan() },
            ExecuteMsg::UpdatePlan {
                plan_id: 2,
                plan: plan(),
            },
            ExecuteMsg::RetirePlan { plan_id: 2 },
            ExecuteMsg::Subscribe {
                org_id: 1,
                plan_id: 2,
                periods: u32::MAX,
            },
            ExecuteMsg::Deposit { org_id: 1 },
            ExecuteMsg::CancelSubscription { org_id: 1 },
            ExecuteMsg::ResumeSubscription { org_id: 1 },
            ExecuteMsg::ChangePlan {
                org_id: 1,
                plan_id: 3,
            },
            ExecuteMsg::WithdrawBalance {
                org_id: 1,
                asset: token(),
                amount: None,
            },
            ExecuteMsg::Stake {
                org_id: 1,
                plan_id: 3,
            },
            ExecuteMsg::Unstake {
                org_id: 1,
                amount: Uint128::new(9),
            },
            ExecuteMsg::WithdrawUnbonded { org_id: 1 },
            ExecuteMsg::ClaimStakingRewards {},
            ExecuteMsg::WithdrawRevenue {
                asset: token(),
                amount: Some(Uint128::new(1)),
            },
            ExecuteMsg::SetViewingKey {
                key: "k".into(),
                padding: Some("   ".into()),
            },
            ExecuteMsg::CreateViewingKey {
                entropy: "e".into(),
                padding: None,
            },
            ExecuteMsg::RevokePermit {
                permit_name: "p".into(),
                padding: None,
            },
        ] {
            round_trips(msg);
        }
        round_trips(InstantiateMsg {
            admin: None,
            treasury: "t".into(),
            accepted_tokens: vec![TokenInput {
                address: "a".into(),
                code_hash: None,
            }],
            native_denom: Some("uscrt".into()),
            usage_contract: None,
            staking: StakingSettings {
                stake_denom: "uscrt".into(),
                unbonding_seconds: 60,
                validator: Some("v".into()),
            },
            address_prefix: Some("secret".into()),
            max_orgs_per_creator: None,
        });
        round_trips(ReceiveMsg::Subscribe {
            org_id: 1,
            plan_id: 2,
            periods: 3,
        });
        round_trips(ReceiveMsg::Deposit { org_id: 1 });
        // The token callback of this target, as the token sends it.
        #[cfg(feature = "vanilla")]
        let receive = r#"{"receive":{"sender":"s","amount":"5","msg":"e30="}}"#;
        #[cfg(feature = "secret")]
        let receive = r#"{"receive":{"sender":"s","from":"f","amount":"5","msg":"e30="}}"#;
        match read::<ExecuteMsg>(receive) {
            Ok(ExecuteMsg::Receive(r)) => assert_eq!(r.amount, Uint128::new(5)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_messages_are_refused_with_the_reason() {
        let bad = |json: &str, why: &str| {
            let err = read::<ExecuteMsg>(json).expect_err(json);
            assert!(err.contains(why), "{json}: {err}");
        };
        bad(
            r#"{"create_org":{"name":"o","owner":"x"}}"#,
            "unknown field `owner`",
        );
        bad(
            r#"{"create_org":{"name":7}}"#,
            "name: invalid type: a number",
        );
        bad(
            r#"{"subscribe":{"org_id":1,"plan_id":2,"periods":4294967296}}"#,
            "out of range for u32",
        );
        bad(
            r#"{"unstake":{"org_id":1,"amount":5}}"#,
            "amount: invalid type: a number",
        );
        bad(
            r#"{"unstake":{"org_id":1,"amount":"-5"}}"#,
            "invalid Uint128",
        );
        bad(
            r#"{"unstake":{"org_id":1,"amount":"340282366920938463463374607431768211456"}}"#,
            "invalid Uint128",
        );
        bad(
            r#"{"add_org_role":{"org_id":1,"role":"owner","address":"a"}}"#,
            "unknown variant `owner`",
        );
        bad(
            r#"{"withdraw_revenue":{"asset":{"coin":{"denom":"u"}}}}"#,
            "unknown variant `coin`",
        );
        bad(
            r#"{"withdraw_revenue":{"asset":{"native":{"denom":"u","x":1}}}}"#,
            "unknown field `x`",
        );
        bad(
            r#"{"create_plan":{"plan":{"name":"p"}}}"#,
            "missing field `price`",
        );
        bad(r#"{"receive":{"sender":"s"}}"#, "missing field");
        bad(
            r#"{"accept_admin":{},"deposit":{"org_id":1}}"#,
            "expected an enum variant",
        );
        let err = read::<ReceiveMsg>(r#"{"deposit":{"org_id":1,"x":null}}"#).unwrap_err();
        assert!(err.contains("unknown field `x`"), "{err}");
        let err = read::<InstantiateMsg>(r#"{"treasury":"t","accepted_tokens":[]}"#).unwrap_err();
        assert!(err.contains("missing field `staking`"), "{err}");
        let deep = format!(
            r#"{{"create_org":{{"name":{}{}}}}}"#,
            "[".repeat(MAX_DEPTH as usize + 5),
            "]".repeat(MAX_DEPTH as usize + 5)
        );
        bad(&deep, "nested too deeply");
    }
}
