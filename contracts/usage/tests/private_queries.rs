//! Specifications of the private usage queries: a viewing key or a SNIP-24 permit proves an
//! address, and the billing contract's org roles decide whether it may read.
#![cfg(feature = "vanilla")]

mod common;

use common::*;
use privexbot_billing::msg::Role;
use privexbot_shared::cosmwasm_std::{Binary, Uint64};
use privexbot_shared::permit::PermitError;
use privexbot_usage::msg::*;
use privexbot_usage::ContractError;

fn with_usage() -> Suite {
    let mut s = Suite::new();
    let gw = Gateway::from_seed(7);
    let now = s.now();
    s.submit(&gw.batch(1, &[gw.attestation(1, s.org, BOT_A, now, 3, 4)]))
        .unwrap();
    s
}

fn org_usage(s: &Suite, auth: QueryAuth) -> Result<UsageResponse, String> {
    let today = day(s.now());
    s.query(&QueryMsg::OrgUsage {
        org_id: s.org,
        from_day: today,
        to_day: today,
        auth,
    })
}

fn assert_refused<T: std::fmt::Debug>(result: Result<T, String>, expected: ContractError) {
    let err = result.unwrap_err();
    assert!(
        err.contains(&expected.to_string()),
        "expected {expected:?}, got {err}"
    );
}

#[test]
fn a_permit_signed_by_the_owner_reads_usage() {
    let s = with_usage();
    let permit = s.owner.permit("dashboard", &[s.usage.as_str()], &["usage"]);
    let usage = org_usage(&s, QueryAuth::Permit(permit)).unwrap();
    assert_eq!(usage.total.messages, Uint64::new(1));
    let owner_permission = s
        .owner
        .permit("all", &["other-contract", s.usage.as_str()], &["owner"]);
    assert!(org_usage(&s, QueryAuth::Permit(owner_permission)).is_ok());
}

#[test]
fn tampered_wrong_contract_revoked_or_unrelated_permits_are_refused() {
    let mut s = with_usage();
    let usage_addr = s.usage.to_string();

    // Tampered: the signed name differs from the presented one.
    let mut tampered = s.owner.permit("dashboard", &[&usage_addr], &["usage"]);
    tampered.params.permit_name = "other".into();
    assert_refused(
        org_usage(&s, QueryAuth::Permit(tampered)),
        PermitError::InvalidSignature {}.into(),
    );

    // Someone else's key presented with the owner's signature.
    let mut swapped = s.owner.permit("dashboard", &[&usage_addr], &["usage"]);
    swapped.signature.pub_key.value = Binary::from(Account::from_seed(22).pubkey);
    assert_refused(
        org_usage(&s, QueryAuth::Permit(swapped)),
        PermitError::InvalidSignature {}.into(),
    );

    // For another contract only.
    let elsewhere = s
        .owner
        .permit("dashboard", &["cosmwasm1someothercontract"], &["usage"]);
    assert_refused(
        org_usage(&s, QueryAuth::Permit(elsewhere)),
        PermitError::WrongContract {
            contract: usage_addr.clone(),
        }
        .into(),
    );

    // Without the usage permission: "owner" and "usage" are the only ones that grant reading.
    let bad_key = QueryAuth::ViewingKey {
        address: s.owner.addr.to_string(),
        key: "guess".into(),
    };
    assert_refused(
        org_usage(&s, bad_key),
        ContractError::InvalidViewingKey {
            address: s.owner.addr.to_string(),
        },
    );

    // Revoked by its signer.
    let permit = s.owner.permit("dashboard", &[&usage_addr], &["usage"]);
    assert!(org_usage(&s, QueryAuth::Permit(permit.clone())).is_ok());
    let owner = s.owner.addr.clone();
    s.exec(
        &owner,
        &ExecuteMsg::RevokePermit {
            permit_name: "dashboard".into(),
            padding: None,
        },
    )
    .unwrap();
    assert_refused(
        org_usage(&s, QueryAuth::Permit(permit)),
        PermitError::Revoked {
            name: "dashboard".into(),
            account: owner.to_string(),
        }
        .into(),
    );
    // Another permit of the same account still works.
    let fresh = s.owner.permit("dashboard-2", &[&usage_addr], &["usage"]);
    assert!(org_usage(&s, QueryAuth::Permit(fresh)).is_ok());

    // A valid permit of an account with no role in the org.
    let outsider = Account::from_seed(30);
    let theirs = outsider.permit("peek", &[&usage_addr], &["usage"]);
    assert_refused(
        org_usage(&s, QueryAuth::Permit(theirs)),
        ContractError::NotAllowedToReadUsage {
            address: outsider.addr.to_string(),
            org_id: s.org,
        },
    );
}

#[test]
fn a_permit_needs_the_usage_permission() {
    let s = with_usage();
    let json = serde_json::json!({
        "org_usage": { "org_id": s.org, "from_day": 0, "to_day": 1, "auth": { "permit": {
            "params": { "allowed_tokens": [s.usage.as_str()], "permit_name": "x", "chain_id": "c", "permissions": ["balance"] },
            "signature": { "pub_key": { "type": "tendermint/PubKeySecp256k1", "value": "AA==" }, "signature": "AA==" } } } }
    });
    // "balance" is not a usage permission: the message does not even parse.
    let err = s
        .app
        .wrap()
        .query_wasm_smart::<UsageResponse>(s.usage.clone(), &json)
        .unwrap_err();
    assert!(err.to_string().contains("unknown variant"), "{err}");
    let permit = s.owner.permit("p", &[s.usage.as_str()], &[]);
    assert_refused(
        org_usage(&s, QueryAuth::Permit(permit)),
        ContractError::PermitMissingPermission {},
    );
}

#[test]
fn admins_and_auditors_read_members_and_strangers_do_not() {
    let mut s = with_usage();
    let (admin, auditor, member) = (
        Account::from_seed(31),
        Account::from_seed(32),
        Account::from_seed(33),
    );
    let org = s.org;
    s.add_role(org, Role::Admin, &admin.addr);
    s.add_role(org, Role::Auditor, &auditor.addr);
    s.add_role(org, Role::Member, &member.addr);
    for (who, allowed) in [(&admin, true), (&auditor, true), (&member, false)] {
        s.exec(
            &who.addr,
            &ExecuteMsg::SetViewingKey {
                key: "k".into(),
                padding: None,
            },
        )
        .unwrap();
        let auth = QueryAuth::ViewingKey {
            address: who.addr.to_string(),
            key: "k".into(),
        };
        let result = org_usage(&s, auth.clone());
        if allowed {
            assert_eq!(result.unwrap().total.messages, Uint64::new(1));
        } else {
            assert_refused(
                result,
                ContractError::NotAllowedToReadUsage {
                    address: who.addr.to_string(),
                    org_id: org,
                },
            );
        }
        let bots: Result<OrgBotsResponse, _> = s.query(&QueryMsg::OrgBots {
            org_id: org,
            start: None,
            limit: None,
            auth,
        });
        assert_eq!(bots.is_ok(), allowed);
    }
}

#[test]
fn created_viewing_keys_work_and_replace_the_old_one() {
    let mut s = with_usage();
    let owner = s.owner.addr.clone();
    let res = s
        .exec(
            &owner,
            &ExecuteMsg::CreateViewingKey {
                entropy: "dice".into(),
                padding: None,
            },
        )
        .unwrap();
    let created: ViewingKeyResponse = serde_json::from_slice(res.data.unwrap().as_slice()).unwrap();
    assert!(created.key.starts_with("api_key_"));
    let with = |key: &str| QueryAuth::ViewingKey {
        address: owner.to_string(),
        key: key.into(),
    };
    assert!(org_usage(&s, with(&created.key)).is_ok());
    assert_refused(
        org_usage(&s, with("owner key")),
        ContractError::InvalidViewingKey {
            address: owner.to_string(),
        },
    );
}

#[test]
fn usage_queries_check_their_arguments() {
    let s = with_usage();
    let q = |from_day, to_day| {
        s.query::<UsageResponse>(&QueryMsg::OrgUsage {
            org_id: s.org,
            from_day,
            to_day,
            auth: s.owner_auth(),
        })
    };
    assert!(q(1000, 1365).is_ok());
    assert_refused(
        q(1000, 1366),
        ContractError::DayRangeTooLong {
            days: 367,
            max: 366,
        },
    );
    assert_refused(
        q(10, 9),
        ContractError::InvalidDayRange {
            from_day: 10,
            to_day: 9,
        },
    );
    assert_refused(
        s.query::<UsageResponse>(&QueryMsg::BotUsage {
            org_id: s.org,
            bot: "not-a-uuid".into(),
            from_day: 0,
            to_day: 0,
            auth: s.owner_auth(),
        }),
        ContractError::InvalidBotId {
            value: "not-a-uuid".into(),
        },
    );
    // An org that billing does not know.
    let err = s
        .query::<UsageResponse>(&QueryMsg::OrgUsage {
            org_id: 999,
            from_day: 0,
            to_day: 0,
            auth: s.owner_auth(),
        })
        .unwrap_err();
    assert!(
        err.contains("could not read org 999 from the billing contract"),
        "{err}"
    );
    let err = s
        .query::<BatchHeader>(&QueryMsg::Batch { id: 5 })
        .unwrap_err();
    assert!(err.contains("batch 5 not found"), "{err}");
}
