//! Private queries: an org's subscription, stake and payments are readable only by its owner,
//! admins and auditors, proven with a viewing key or a SNIP-24 permit signed by a real key.
//! `org_plan` stays public (plan and quotas, no amounts).

use privexbot_billing::msg::{
    BillingPermission, ExecuteMsg, OrgPlanResponse, QueryAuth, QueryMsg, Role,
    SubscriptionResponse, ViewingKeyResponse,
};
use privexbot_billing::ContractError;
use privexbot_shared::cosmwasm_std::from_json;
use privexbot_shared::permit::PermitError;

use crate::suite::*;

/// Checks that a query is refused with `expected` (queries surface errors as text).
pub fn assert_query_refused(s: &Suite, msg: &QueryMsg, expected: &ContractError) {
    let err = s.query_error(msg);
    assert!(
        err.contains(&expected.to_string()),
        "{err} does not say {expected}"
    );
}

fn subscription(org_id: u64, auth: QueryAuth) -> QueryMsg {
    QueryMsg::Subscription { org_id, auth }
}

fn vk(address: &str, key: &str) -> QueryAuth {
    QueryAuth::ViewingKey {
        address: address.into(),
        key: key.into(),
    }
}

#[test]
fn viewing_keys_let_owners_admins_and_auditors_read_and_no_one_else() {
    let mut s = Suite::new();
    let org = s.create_org(ALICE, "Acme");
    s.exec(
        ALICE,
        &ExecuteMsg::AddOrgRole {
            org_id: org,
            role: Role::Admin,
            address: BOB.into(),
        },
    )
    .unwrap();
    s.exec(
        ALICE,
        &ExecuteMsg::AddOrgRole {
            org_id: org,
            role: Role::Member,
            address: CAROL.into(),
        },
    )
    .unwrap();
    for who in [ALICE, BOB] {
        let _: SubscriptionResponse = s.query(&subscription(org, vk(who, &viewing_key(who))));
    }
    assert_query_refused(
        &s,
        &subscription(org, vk(CAROL, &viewing_key(CAROL))),
        &ContractError::NotAllowedToRead {
            address: CAROL.into(),
            org_id: org,
        },
    );
    assert_query_refused(
        &s,
        &QueryMsg::Stake {
            org_id: org,
            auth: vk(ALICE, "guess"),
        },
        &ContractError::InvalidViewingKey {
            address: ALICE.into(),
        },
    );
    // A member made auditor can read; a created key replaces the old one.
    s.exec(
        ALICE,
        &ExecuteMsg::AddOrgRole {
            org_id: org,
            role: Role::Auditor,
            address: CAROL.into(),
        },
    )
    .unwrap();
    let res = s
        .exec(
            CAROL,
            &ExecuteMsg::CreateViewingKey {
                entropy: "dice".into(),
                padding: None,
            },
        )
        .unwrap();
    let created: ViewingKeyResponse = from_json(res.data.unwrap()).unwrap();
    assert!(created.key.starts_with("api_key_"));
    let history = QueryMsg::PaymentHistory {
        org_id: org,
        start: None,
        limit: None,
        auth: vk(CAROL, &created.key),
    };
    let _: serde_json::Value = s.query(&history);
    assert_query_refused(
        &s,
        &subscription(org, vk(CAROL, &viewing_key(CAROL))),
        &ContractError::InvalidViewingKey {
            address: CAROL.into(),
        },
    );

    // The public view says which plan, never how much.
    let public: OrgPlanResponse = s.query(&QueryMsg::OrgPlan { org_id: org });
    assert_eq!((public.active, public.plan_id), (false, None));
}

#[test]
fn permits_signed_by_an_auditor_are_accepted_and_tampered_or_revoked_ones_refused() {
    let mut s = Suite::new();
    let org = s.create_org(ALICE, "Acme");
    let auditor = PermitSigner::new(7);
    s.exec(
        ALICE,
        &ExecuteMsg::AddOrgRole {
            org_id: org,
            role: Role::Auditor,
            address: auditor.address(),
        },
    )
    .unwrap();
    let billing = s.billing.to_string();
    let permit = auditor.permit("audit", &billing, vec![BillingPermission::Billing]);
    let _: SubscriptionResponse = s.query(&subscription(org, QueryAuth::Permit(permit.clone())));

    let mut tampered = permit.clone();
    tampered.params.permit_name = "audit2".into();
    assert_query_refused(
        &s,
        &subscription(org, QueryAuth::Permit(tampered)),
        &ContractError::Permit(PermitError::InvalidSignature {}),
    );
    let elsewhere = auditor.permit("audit", "another-contract", vec![BillingPermission::Owner]);
    assert_query_refused(
        &s,
        &subscription(org, QueryAuth::Permit(elsewhere)),
        &ContractError::Permit(PermitError::WrongContract {
            contract: billing.clone(),
        }),
    );
    // Correctly signed, for this contract, but on mainnet: must not open a testnet's data
    // (nor the other way round).
    let other_chain = auditor.permit_on(
        "secret-4",
        "audit",
        &billing,
        vec![BillingPermission::Billing],
    );
    assert_query_refused(
        &s,
        &subscription(org, QueryAuth::Permit(other_chain)),
        &ContractError::Permit(PermitError::WrongChain {
            permit_chain_id: "secret-4".into(),
            chain_id: TEST_CHAIN_ID.into(),
        }),
    );
    let no_permission = auditor.permit("none", &billing, vec![]);
    assert_query_refused(
        &s,
        &subscription(org, QueryAuth::Permit(no_permission)),
        &ContractError::PermitMissingPermission {},
    );
    let stranger = PermitSigner::new(9).permit("x", &billing, vec![BillingPermission::Owner]);
    assert_query_refused(
        &s,
        &subscription(org, QueryAuth::Permit(stranger)),
        &ContractError::NotAllowedToRead {
            address: PermitSigner::new(9).address(),
            org_id: org,
        },
    );

    let auditor_addr: &'static str = Box::leak(auditor.address().into_boxed_str());
    s.exec(
        auditor_addr,
        &ExecuteMsg::RevokePermit {
            permit_name: "audit".into(),
            padding: None,
        },
    )
    .unwrap();
    assert_query_refused(
        &s,
        &subscription(org, QueryAuth::Permit(permit)),
        &ContractError::Permit(PermitError::Revoked {
            name: "audit".into(),
            account: auditor.address(),
        }),
    );
}
