//! Staking the native denom to activate a plan: delegation through the staking module,
//! unbonding cooldown, withdrawal, and rewards going to the treasury.

use privexbot_billing::msg::{ActiveVia, ExecuteMsg, PlanInput};
use privexbot_billing::ContractError;
use privexbot_shared::cosmwasm_std::Uint128;

use crate::suite::*;

fn stakeable(s: &Suite, stake: u128) -> PlanInput {
    PlanInput {
        stake_amount: Some(Uint128::new(stake)),
        ..plan("Starter", s.token_asset(), 100, MONTH)
    }
}

#[test]
fn stake_delegates_activates_the_plan_unbonds_and_withdraws() {
    let mut s = Suite::new();
    let org = s.create_org(ALICE, "Acme");
    let starter = s.create_plan(stakeable(&s, 5_000));
    let stake = ExecuteMsg::Stake {
        org_id: org,
        plan_id: starter,
    };

    let before = s.snapshot();
    assert_eq!(
        s.exec_funds(ALICE, &stake, &uscrt(4_000)).unwrap_err(),
        ContractError::InsufficientStake {
            plan_id: starter,
            required: Uint128::new(5_000),
            total: Uint128::new(4_000)
        }
    );
    assert_eq!(s.snapshot(), before);

    s.exec_funds(ALICE, &stake, &uscrt(3_000)).unwrap_err();
    s.exec_funds(ALICE, &stake, &uscrt(5_000)).unwrap();
    s.assert_books();
    assert_eq!(s.delegated_on_chain(), 5_000);
    let sub = s.subscription(org);
    assert!(sub.active);
    assert_eq!(sub.via, Some(ActiveVia::Stake));
    assert_eq!(sub.plan_id, Some(starter));
    assert!(sub.paid.is_none());

    // Topping up the stake adds to the delegation.
    s.exec_funds(ALICE, &stake, &uscrt(1_000)).unwrap();
    assert_eq!(s.delegated_on_chain(), 6_000);
    s.assert_books();

    // Unstaking below the plan's stake amount deactivates the plan and starts the cooldown.
    let t = s.now();
    s.exec(
        ALICE,
        &ExecuteMsg::Unstake {
            org_id: org,
            amount: Uint128::new(2_000),
        },
    )
    .unwrap();
    s.assert_books();
    assert_eq!(s.delegated_on_chain(), 4_000);
    let st = s.stake(org);
    assert!(!st.active);
    assert_eq!(st.amount.u128(), 4_000);
    assert_eq!(st.unbonding.len(), 1);
    assert_eq!(st.unbonding[0].release_at.seconds(), t + UNBONDING);
    assert!(!s.subscription(org).active);
    assert_eq!(
        s.exec(ALICE, &ExecuteMsg::WithdrawUnbonded { org_id: org })
            .unwrap_err(),
        ContractError::NothingToWithdraw {}
    );
    assert_eq!(
        s.exec(
            ALICE,
            &ExecuteMsg::Unstake {
                org_id: org,
                amount: Uint128::new(4_001)
            }
        )
        .unwrap_err(),
        ContractError::InsufficientBalance {
            needed: Uint128::new(4_001),
            available: Uint128::new(4_000)
        }
    );

    s.advance(UNBONDING - 1);
    s.assert_books();
    s.exec(ALICE, &ExecuteMsg::WithdrawUnbonded { org_id: org })
        .unwrap_err();
    s.advance(1);
    s.assert_books();
    let alice_before = s.bank_balance(ALICE);
    s.exec(ALICE, &ExecuteMsg::WithdrawUnbonded { org_id: org })
        .unwrap();
    assert_eq!(s.bank_balance(ALICE), alice_before + 2_000);
    assert!(s.stake(org).unbonding.is_empty());
    s.assert_books();

    // A year of rewards goes to the treasury, never into the contract's books.
    s.advance(365 * DAY);
    let contract_before = s.bank_balance(s.billing.as_str());
    s.exec(MALLORY, &ExecuteMsg::ClaimStakingRewards {})
        .unwrap();
    assert!(s.bank_balance(TREASURY) > 0, "rewards reach the treasury");
    assert_eq!(s.bank_balance(s.billing.as_str()), contract_before);
    s.assert_books();

    // Unstake everything; the stake record stays, inactive, until withdrawn.
    s.exec(
        ALICE,
        &ExecuteMsg::Unstake {
            org_id: org,
            amount: Uint128::new(4_000),
        },
    )
    .unwrap();
    s.advance(UNBONDING);
    s.exec(ALICE, &ExecuteMsg::WithdrawUnbonded { org_id: org })
        .unwrap();
    assert_eq!(s.bank_balance(ALICE), START_FUNDS);
    assert_eq!(s.delegated_on_chain(), 0);
    s.assert_books();
}

#[test]
fn without_a_validator_stakes_stay_in_the_contract() {
    let mut s = Suite::with_validator(false);
    let org = s.create_org(ALICE, "Acme");
    let starter = s.create_plan(stakeable(&s, 5_000));
    s.exec_funds(
        ALICE,
        &ExecuteMsg::Stake {
            org_id: org,
            plan_id: starter,
        },
        &uscrt(5_000),
    )
    .unwrap();
    assert_eq!(s.delegated_on_chain(), 0);
    assert_eq!(s.bank_balance(s.billing.as_str()), 5_000);
    assert!(s.subscription(org).active);
    s.assert_books();
    assert_eq!(
        s.exec(MALLORY, &ExecuteMsg::ClaimStakingRewards {})
            .unwrap_err(),
        ContractError::NoValidator {}
    );

    s.exec(
        ALICE,
        &ExecuteMsg::Unstake {
            org_id: org,
            amount: Uint128::new(5_000),
        },
    )
    .unwrap();
    s.assert_books();
    s.advance(UNBONDING);
    s.exec(ALICE, &ExecuteMsg::WithdrawUnbonded { org_id: org })
        .unwrap();
    assert_eq!(s.bank_balance(ALICE), START_FUNDS);
    s.assert_books();
}

#[test]
fn a_paid_plan_takes_precedence_over_a_staked_one() {
    let mut s = Suite::new();
    let org = s.create_org(ALICE, "Acme");
    let starter = s.create_plan(stakeable(&s, 5_000));
    let pro = s.create_plan(plan("Pro", s.native_asset(), 1_000, MONTH));
    s.exec_funds(
        ALICE,
        &ExecuteMsg::Stake {
            org_id: org,
            plan_id: starter,
        },
        &uscrt(5_000),
    )
    .unwrap();
    s.exec_funds(
        ALICE,
        &ExecuteMsg::Subscribe {
            org_id: org,
            plan_id: pro,
            periods: 1,
        },
        &uscrt(1_000),
    )
    .unwrap();
    s.assert_books();
    assert_eq!(s.subscription(org).plan_id, Some(pro));
    s.advance(MONTH);
    let sub = s.subscription(org);
    assert_eq!(
        (sub.plan_id, sub.via),
        (Some(starter), Some(ActiveVia::Stake))
    );
    s.assert_books();
}
