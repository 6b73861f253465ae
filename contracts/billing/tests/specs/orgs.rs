//! Organizations: sequential ids, roles, the per-address index, two-step ownership transfer.

use privexbot_billing::msg::{ExecuteMsg, FindOrgResponse, OrgsOfResponse, QueryMsg, Role};
use privexbot_billing::ContractError;
use privexbot_shared::cosmwasm_std::Addr;

use crate::suite::*;

fn orgs_of(s: &Suite, who: &str) -> Vec<(u64, bool, bool, Vec<Role>)> {
    let res: OrgsOfResponse = s.query(&QueryMsg::OrgsOf {
        address: who.to_string(),
        start: None,
        limit: None,
    });
    assert_eq!(res.total as usize, res.orgs.len());
    res.orgs
        .into_iter()
        .map(|m| (m.org_id, m.is_owner, m.is_pending_owner, m.roles))
        .collect()
}

fn add(org_id: u64, role: Role, who: &str) -> ExecuteMsg {
    ExecuteMsg::AddOrgRole {
        org_id,
        role,
        address: who.to_string(),
    }
}

fn remove(org_id: u64, role: Role, who: &str) -> ExecuteMsg {
    ExecuteMsg::RemoveOrgRole {
        org_id,
        role,
        address: who.to_string(),
    }
}

#[test]
fn orgs_get_sequential_ids_and_roles_keep_the_address_index_exact() {
    let mut s = Suite::new();
    let acme = s.create_org(ALICE, "  Acme  ");
    let beta = s.create_org(BOB, "Beta");
    assert_eq!((acme, beta), (1, 2));
    assert_eq!(s.org(acme).name, "Acme", "names are trimmed");
    assert_eq!(orgs_of(&s, ALICE), vec![(acme, true, false, vec![])]);

    s.exec(ALICE, &add(acme, Role::Admin, BOB)).unwrap();
    s.exec(BOB, &add(acme, Role::Member, CAROL)).unwrap();
    s.exec(BOB, &add(acme, Role::Auditor, CAROL)).unwrap();
    let org = s.org(acme);
    assert_eq!(org.admins, vec![Addr::unchecked(BOB)]);
    assert_eq!(org.members, vec![Addr::unchecked(CAROL)]);
    assert_eq!(org.auditors, vec![Addr::unchecked(CAROL)]);
    assert_eq!(
        orgs_of(&s, BOB),
        vec![
            (beta, true, false, vec![]),
            (acme, false, false, vec![Role::Admin])
        ]
    );
    assert_eq!(
        orgs_of(&s, CAROL),
        vec![(acme, false, false, vec![Role::Member, Role::Auditor])]
    );
    assert_eq!(
        s.exec(BOB, &add(acme, Role::Member, CAROL)).unwrap_err(),
        ContractError::RoleAlreadyGranted {
            org_id: acme,
            role: "member".into(),
            address: CAROL.into()
        }
    );

    // Removing one role keeps the org listed; removing the last one unlists it.
    s.exec(BOB, &remove(acme, Role::Member, CAROL)).unwrap();
    assert_eq!(
        orgs_of(&s, CAROL),
        vec![(acme, false, false, vec![Role::Auditor])]
    );
    // Anyone may give up their own role.
    s.exec(CAROL, &remove(acme, Role::Auditor, CAROL)).unwrap();
    assert_eq!(orgs_of(&s, CAROL), vec![]);
    assert_eq!(
        s.exec(BOB, &remove(acme, Role::Auditor, CAROL))
            .unwrap_err(),
        ContractError::RoleNotGranted {
            org_id: acme,
            role: "auditor".into(),
            address: CAROL.into()
        }
    );

    s.exec(
        BOB,
        &ExecuteMsg::RenameOrg {
            org_id: acme,
            name: "Acme Inc".into(),
        },
    )
    .unwrap();
    assert_eq!(s.org(acme).name, "Acme Inc");
    s.assert_books();
}

#[test]
fn ownership_moves_in_two_steps_and_the_index_follows() {
    let mut s = Suite::new();
    let acme = s.create_org(ALICE, "Acme");
    assert_eq!(
        s.exec(BOB, &ExecuteMsg::AcceptOrgOwnership { org_id: acme })
            .unwrap_err(),
        ContractError::NoPendingProposal {}
    );
    s.exec(
        ALICE,
        &ExecuteMsg::ProposeOrgOwner {
            org_id: acme,
            new_owner: CAROL.into(),
        },
    )
    .unwrap();
    assert_eq!(orgs_of(&s, CAROL), vec![(acme, false, true, vec![])]);
    // A new proposal replaces the old one, and the index forgets the old candidate.
    s.exec(
        ALICE,
        &ExecuteMsg::ProposeOrgOwner {
            org_id: acme,
            new_owner: BOB.into(),
        },
    )
    .unwrap();
    assert_eq!(orgs_of(&s, CAROL), vec![]);
    assert_eq!(s.org(acme).pending_owner, Some(Addr::unchecked(BOB)));
    assert_eq!(
        s.exec(CAROL, &ExecuteMsg::AcceptOrgOwnership { org_id: acme })
            .unwrap_err(),
        ContractError::Unauthorized {}
    );
    s.exec(BOB, &ExecuteMsg::AcceptOrgOwnership { org_id: acme })
        .unwrap();
    let org = s.org(acme);
    assert_eq!((org.owner, org.pending_owner), (Addr::unchecked(BOB), None));
    assert_eq!(orgs_of(&s, ALICE), vec![]);
    assert_eq!(orgs_of(&s, BOB), vec![(acme, true, false, vec![])]);
    // The old owner lost every power.
    assert_eq!(
        s.exec(
            ALICE,
            &ExecuteMsg::RenameOrg {
                org_id: acme,
                name: "x".into()
            }
        )
        .unwrap_err(),
        ContractError::Unauthorized {}
    );
}

#[test]
fn the_contract_admin_moves_in_two_steps() {
    let mut s = Suite::new();
    s.exec(ADMIN, &ExecuteMsg::ProposeAdmin { admin: BOB.into() })
        .unwrap();
    assert_eq!(
        s.exec(MALLORY, &ExecuteMsg::AcceptAdmin {}).unwrap_err(),
        ContractError::Unauthorized {}
    );
    s.exec(BOB, &ExecuteMsg::AcceptAdmin {}).unwrap();
    assert_eq!(
        s.exec(BOB, &ExecuteMsg::AcceptAdmin {}).unwrap_err(),
        ContractError::NoPendingProposal {}
    );
    let p = plan("Starter", s.token_asset(), 1, MONTH);
    assert_eq!(
        s.exec(ADMIN, &ExecuteMsg::CreatePlan { plan: p.clone() })
            .unwrap_err(),
        ContractError::Unauthorized {}
    );
    s.exec(BOB, &ExecuteMsg::CreatePlan { plan: p }).unwrap();
    s.exec(
        BOB,
        &ExecuteMsg::UpdateConfig {
            treasury: Some(CAROL.into()),
            usage_contract: Some(MALLORY.into()),
            max_orgs_per_creator: None,
        },
    )
    .unwrap();
    let config: serde_json::Value = s.query(&QueryMsg::Config {});
    assert_eq!(config["treasury"], CAROL);
    assert_eq!(config["usage_contract"], MALLORY);
    assert_eq!(config["admin"], BOB);
}

#[test]
fn the_address_index_pages_and_fills_holes_with_its_last_entry() {
    let mut s = Suite::new();
    let ids: Vec<u64> = (0..4)
        .map(|i| s.create_org(ALICE, &format!("Org {i}")))
        .collect();
    for id in &ids {
        s.exec(ALICE, &add(*id, Role::Member, CAROL)).unwrap();
    }
    let page = |s: &Suite, start, limit| -> (Vec<u64>, u64) {
        let res: OrgsOfResponse = s.query(&QueryMsg::OrgsOf {
            address: CAROL.into(),
            start: Some(start),
            limit: Some(limit),
        });
        (res.orgs.iter().map(|m| m.org_id).collect(), res.total)
    };
    assert_eq!(page(&s, 0, 2), (vec![ids[0], ids[1]], 4));
    assert_eq!(page(&s, 2, 10), (vec![ids[2], ids[3]], 4));
    s.exec(ALICE, &remove(ids[0], Role::Member, CAROL)).unwrap();
    assert_eq!(page(&s, 0, 10), (vec![ids[3], ids[1], ids[2]], 3));
    s.exec(ALICE, &remove(ids[2], Role::Member, CAROL)).unwrap();
    s.exec(ALICE, &remove(ids[3], Role::Member, CAROL)).unwrap();
    s.exec(ALICE, &remove(ids[1], Role::Member, CAROL)).unwrap();
    assert_eq!(page(&s, 0, 10), (vec![], 0));
    s.exec(ALICE, &add(ids[2], Role::Auditor, CAROL)).unwrap();
    assert_eq!(page(&s, 0, 10), (vec![ids[2]], 1));
}

/// `find_org` answers "no such org" as data, never as an error, so that a platform mirroring
/// orgs can tell it from a failure on the way.
#[test]
fn find_org_answers_a_missing_org_with_null_and_the_org_count() {
    let mut s = Suite::new();
    let none: FindOrgResponse = s.query(&QueryMsg::FindOrg { id: 1 });
    assert_eq!(
        none,
        FindOrgResponse {
            org: None,
            org_count: 0
        }
    );
    let acme = s.create_org(ALICE, "Acme");
    let found: FindOrgResponse = s.query(&QueryMsg::FindOrg { id: acme });
    assert_eq!(found.org_count, 1);
    let org = found.org.unwrap();
    assert_eq!(
        (org.id, org.name.as_str(), org.owner.as_str()),
        (acme, "Acme", ALICE)
    );
    let later: FindOrgResponse = s.query(&QueryMsg::FindOrg { id: acme + 1 });
    assert_eq!(later.org, None);
    // The plain `org` query keeps its typed error.
    assert!(s
        .query_error(&QueryMsg::Org { id: acme + 1 })
        .contains(&ContractError::OrgNotFound { id: acme + 1 }.to_string()));
}
