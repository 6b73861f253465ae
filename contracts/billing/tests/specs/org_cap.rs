//! The per-creator org cap: orgs cannot be spammed into the contract (and so into the
//! platform that mirrors them) by one address.

use cw_multi_test::Executor;
use privexbot_billing::msg::{ConfigResponse, ExecuteMsg, InstantiateMsg, QueryMsg};
use privexbot_billing::ContractError;
use privexbot_shared::cosmwasm_std::{from_json, Addr};

use crate::suite::*;

fn capped(cap: Option<u64>) -> Suite {
    Suite::with_instantiate(|token| InstantiateMsg {
        max_orgs_per_creator: cap,
        ..default_instantiate(token, false)
    })
}

fn create(s: &mut Suite, who: &str, name: &str) -> Result<u64, ContractError> {
    let res = s.exec(
        who,
        &ExecuteMsg::CreateOrg {
            name: name.to_string(),
        },
    )?;
    Ok(from_json(res.data.unwrap()).unwrap())
}

#[test]
fn the_eleventh_org_of_an_address_with_cap_ten_is_refused_and_another_address_still_creates() {
    let mut s = capped(Some(10));
    let config: ConfigResponse = s.query(&QueryMsg::Config {});
    assert_eq!(config.max_orgs_per_creator, Some(10));
    for i in 1..=10 {
        assert_eq!(create(&mut s, ALICE, &format!("Alice {i}")).unwrap(), i);
    }
    assert_eq!(
        create(&mut s, ALICE, "Alice 11").unwrap_err(),
        ContractError::OrgCreationCapReached {
            owner: ALICE.into(),
            cap: 10,
        }
    );
    // The refusal changed nothing: no id was spent.
    assert_eq!(create(&mut s, BOB, "Bob 1").unwrap(), 11);
}

#[test]
fn handing_orgs_away_frees_no_room_under_the_cap() {
    let mut s = capped(Some(2));
    let first = create(&mut s, ALICE, "One").unwrap();
    let second = create(&mut s, ALICE, "Two").unwrap();
    for org_id in [first, second] {
        s.exec(
            ALICE,
            &ExecuteMsg::ProposeOrgOwner {
                org_id,
                new_owner: CAROL.into(),
            },
        )
        .unwrap();
        s.exec(CAROL, &ExecuteMsg::AcceptOrgOwnership { org_id })
            .unwrap();
    }
    assert_eq!(s.org(first).owner.as_str(), CAROL);
    assert_eq!(
        create(&mut s, ALICE, "Three").unwrap_err(),
        ContractError::OrgCreationCapReached {
            owner: ALICE.into(),
            cap: 2,
        }
    );
    // Owning orgs others created does not count against the new owner.
    create(&mut s, CAROL, "Carol's own").unwrap();
}

#[test]
fn the_admin_changes_the_cap_and_only_the_admin() {
    let mut s = capped(None);
    for i in 0..3 {
        create(&mut s, ALICE, &format!("Org {i}")).unwrap();
    }
    let set_cap = |cap| ExecuteMsg::UpdateConfig {
        treasury: None,
        usage_contract: None,
        max_orgs_per_creator: Some(cap),
    };
    assert_eq!(
        s.exec(MALLORY, &set_cap(1)).unwrap_err(),
        ContractError::Unauthorized {}
    );
    assert_eq!(
        s.exec(ADMIN, &set_cap(0)).unwrap_err(),
        ContractError::InvalidValue {
            field: "max_orgs_per_creator".into(),
            reason: "at least 1 (omit it for no cap)".into(),
        }
    );
    s.exec(ADMIN, &set_cap(3)).unwrap();
    // Orgs created before the cap was set count too.
    assert_eq!(
        create(&mut s, ALICE, "Fourth").unwrap_err(),
        ContractError::OrgCreationCapReached {
            owner: ALICE.into(),
            cap: 3,
        }
    );
    s.exec(ADMIN, &set_cap(4)).unwrap();
    create(&mut s, ALICE, "Fourth").unwrap();
    let config: ConfigResponse = s.query(&QueryMsg::Config {});
    assert_eq!(config.max_orgs_per_creator, Some(4));
}

#[test]
fn a_zero_cap_is_refused_at_instantiate() {
    let (mut app, token, _) = chain();
    let code = billing_code(&mut app);
    let err = app
        .instantiate_contract(
            code,
            Addr::unchecked(ADMIN),
            &InstantiateMsg {
                max_orgs_per_creator: Some(0),
                ..default_instantiate(&token, false)
            },
            &[],
            "billing",
            None,
        )
        .unwrap_err();
    assert_eq!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::InvalidValue {
            field: "max_orgs_per_creator".into(),
            reason: "at least 1 (omit it for no cap)".into(),
        }
    );
}
