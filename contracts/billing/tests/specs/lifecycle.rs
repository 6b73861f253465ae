//! The subscription lifecycle: paying with a token `Send` or native funds, lazy renewal from
//! the prepaid balance, cancel, lapse, plan changes with proration, withdrawals, revenue.

use privexbot_billing::msg::{ActiveVia, AssetAmount, ExecuteMsg, PaymentKind, ReceiveMsg};
use privexbot_billing::ContractError;
use privexbot_shared::cosmwasm_std::{coin, Uint128};

use crate::suite::*;

fn amount(asset: privexbot_billing::msg::Asset, n: u128) -> Option<AssetAmount> {
    Some(AssetAmount {
        asset,
        amount: Uint128::new(n),
    })
}

#[test]
fn token_subscription_renews_from_prepaid_balance_until_cancelled_then_withdraws() {
    let mut s = Suite::new();
    let org = s.create_org(ALICE, "Acme");
    let starter = s.create_plan(plan("Starter", s.token_asset(), 100, MONTH));
    let t0 = s.now();
    s.assert_books();

    s.send_tokens(
        ALICE,
        &s.token.clone(),
        350,
        &ReceiveMsg::Subscribe {
            org_id: org,
            plan_id: starter,
            periods: 3,
        },
    )
    .unwrap();
    s.assert_books();
    let sub = s.subscription(org);
    assert!(sub.active);
    assert_eq!(sub.via, Some(ActiveVia::Payment));
    assert_eq!(sub.plan_id, Some(starter));
    assert_eq!(sub.quotas.unwrap().messages, Some(5_000));
    let paid = sub.paid.unwrap();
    assert_eq!(paid.paid_until.seconds(), t0 + MONTH);
    assert_eq!(s.balance_of(org, &s.token_asset()), 250);
    assert_eq!(sub.next_renewal, amount(s.token_asset(), 100));
    assert!(sub.covers_next_renewal);
    assert_eq!(s.token_balance(&s.token, ALICE), START_FUNDS - 350);

    // 65 days later two renewals are due; the query applies them without a transaction.
    s.advance(2 * MONTH + 5 * DAY);
    let sub = s.subscription(org);
    assert!(sub.active);
    assert_eq!(sub.paid.unwrap().paid_until.seconds(), t0 + 3 * MONTH);
    assert_eq!(s.balance_of(org, &s.token_asset()), 50);
    assert!(!sub.covers_next_renewal, "50 does not pay a 100 renewal");
    s.assert_books();

    // Anyone may top up; the renewals due are recorded first.
    s.send_tokens(
        BOB,
        &s.token.clone(),
        100,
        &ReceiveMsg::Deposit { org_id: org },
    )
    .unwrap();
    s.assert_books();
    assert_eq!(s.balance_of(org, &s.token_asset()), 150);
    assert!(s.subscription(org).covers_next_renewal);
    let kinds: Vec<_> = s
        .history(org)
        .entries
        .iter()
        .map(|e| (e.kind, e.amount.u128(), e.periods))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (PaymentKind::Deposit, 350, None),
            (PaymentKind::Subscribe, 100, Some(1)),
            (PaymentKind::Renewal, 200, Some(2)),
            (PaymentKind::Deposit, 100, None),
        ]
    );

    s.exec(ALICE, &ExecuteMsg::CancelSubscription { org_id: org })
        .unwrap();
    let sub = s.subscription(org);
    assert!(
        sub.active,
        "cancelled subscriptions run to the end of the paid period"
    );
    assert!(sub.paid.as_ref().unwrap().cancel_at_period_end);
    assert_eq!(sub.next_renewal, None);
    assert!(!sub.covers_next_renewal);

    s.advance(MONTH);
    let sub = s.subscription(org);
    assert!(!sub.active);
    assert_eq!(sub.plan_id, None);
    assert_eq!(
        s.balance_of(org, &s.token_asset()),
        150,
        "no renewal after cancel"
    );
    assert_eq!(
        s.exec(ALICE, &ExecuteMsg::ResumeSubscription { org_id: org })
            .unwrap_err(),
        ContractError::NoActiveSubscription { org_id: org }
    );

    let withdraw = ExecuteMsg::WithdrawBalance {
        org_id: org,
        asset: s.token_asset(),
        amount: None,
    };
    assert_eq!(
        s.exec(BOB, &withdraw).unwrap_err(),
        ContractError::Unauthorized {}
    );
    s.exec(ALICE, &withdraw).unwrap();
    s.assert_books();
    assert_eq!(s.token_balance(&s.token, ALICE), START_FUNDS - 350 + 150);
    assert_eq!(s.balance_of(org, &s.token_asset()), 0);
    assert_eq!(
        s.exec(ALICE, &withdraw).unwrap_err(),
        ContractError::NothingToWithdraw {}
    );

    // The platform collected 100 + 200.
    let revenue = ExecuteMsg::WithdrawRevenue {
        asset: s.token_asset(),
        amount: None,
    };
    assert_eq!(
        s.exec(ALICE, &revenue).unwrap_err(),
        ContractError::Unauthorized {}
    );
    s.exec(ADMIN, &revenue).unwrap();
    s.assert_books();
    assert_eq!(s.token_balance(&s.token, TREASURY), 300);
    assert_eq!(
        s.exec(ADMIN, &revenue).unwrap_err(),
        ContractError::NothingToWithdraw {}
    );
}

#[test]
fn a_subscription_lapses_when_the_balance_runs_out_and_can_start_again() {
    let mut s = Suite::new();
    let org = s.create_org(ALICE, "Acme");
    let starter = s.create_plan(plan("Starter", s.token_asset(), 100, MONTH));
    let token = s.token.clone();
    s.send_tokens(
        ALICE,
        &token,
        150,
        &ReceiveMsg::Subscribe {
            org_id: org,
            plan_id: starter,
            periods: 1,
        },
    )
    .unwrap();
    let first_end = s.subscription(org).paid.unwrap().paid_until.seconds();

    // At the boundary 50 cannot pay 100: the plan lapses and stays lapsed.
    s.advance(MONTH + 1);
    let sub = s.subscription(org);
    assert!(!sub.active);
    assert!(sub.paid.as_ref().unwrap().lapsed);
    assert_eq!(sub.paid.as_ref().unwrap().paid_until.seconds(), first_end);
    assert_eq!(sub.next_renewal, None);
    // A deposit does not pay for the lapsed time.
    s.send_tokens(BOB, &token, 100, &ReceiveMsg::Deposit { org_id: org })
        .unwrap();
    assert!(!s.subscription(org).active);
    assert_eq!(s.balance_of(org, &s.token_asset()), 150);
    s.assert_books();

    // Subscribing again starts a fresh period now, from the balance (no payment attached).
    s.exec(
        ALICE,
        &ExecuteMsg::Subscribe {
            org_id: org,
            plan_id: starter,
            periods: 1,
        },
    )
    .unwrap();
    let sub = s.subscription(org);
    assert!(sub.active);
    assert!(!sub.paid.as_ref().unwrap().lapsed);
    assert_eq!(sub.paid.unwrap().paid_until.seconds(), s.now() + MONTH);
    assert_eq!(s.balance_of(org, &s.token_asset()), 50);
    s.assert_books();
    // An active subscription cannot be bought twice.
    assert_eq!(
        s.exec(
            ALICE,
            &ExecuteMsg::Subscribe {
                org_id: org,
                plan_id: starter,
                periods: 1
            }
        )
        .unwrap_err(),
        ContractError::AlreadySubscribed { org_id: org }
    );
}

#[test]
fn plan_changes_upgrade_now_with_proration_and_downgrade_at_period_end() {
    let mut s = Suite::new();
    let org = s.create_org(ALICE, "Acme");
    let basic = s.create_plan(plan("Basic", s.token_asset(), 100, MONTH));
    let pro = s.create_plan(plan("Pro", s.token_asset(), 300, MONTH));
    let native = s.create_plan(plan("Native", s.native_asset(), 1_000, MONTH));
    let token = s.token.clone();
    let t0 = s.now();
    s.send_tokens(
        ALICE,
        &token,
        1_000,
        &ReceiveMsg::Subscribe {
            org_id: org,
            plan_id: basic,
            periods: 1,
        },
    )
    .unwrap();

    // 20 of 30 days left: credit floor(100*20/30) = 66, cost ceil(300*20/30) = 200.
    s.advance(10 * DAY);
    let res = s
        .exec(
            ALICE,
            &ExecuteMsg::ChangePlan {
                org_id: org,
                plan_id: pro,
            },
        )
        .unwrap();
    assert!(res.events.iter().any(|e| e
        .attributes
        .iter()
        .any(|a| a.key == "charged" && a.value == "134")));
    s.assert_books();
    let sub = s.subscription(org);
    assert_eq!(sub.plan_id, Some(pro));
    assert_eq!(
        sub.paid.as_ref().unwrap().paid_until.seconds(),
        t0 + MONTH,
        "the period is unchanged"
    );
    assert_eq!(s.balance_of(org, &s.token_asset()), 1_000 - 100 - 134);
    assert_eq!(
        s.history(org).entries.last().unwrap().kind,
        PaymentKind::PlanChange
    );

    // Back to basic: cheaper, so scheduled for the end of the period, nothing refunded.
    s.exec(
        BOB,
        &ExecuteMsg::ChangePlan {
            org_id: org,
            plan_id: basic,
        },
    )
    .unwrap_err();
    s.exec(
        ALICE,
        &ExecuteMsg::ChangePlan {
            org_id: org,
            plan_id: basic,
        },
    )
    .unwrap();
    let sub = s.subscription(org);
    assert_eq!(sub.plan_id, Some(pro), "pro stays until the period ends");
    assert_eq!(sub.paid.as_ref().unwrap().next_plan_id, Some(basic));
    assert_eq!(sub.next_renewal, amount(s.token_asset(), 100));
    assert_eq!(s.balance_of(org, &s.token_asset()), 766);

    // At the boundary the renewal switches to basic.
    s.advance(20 * DAY);
    let sub = s.subscription(org);
    assert_eq!(sub.plan_id, Some(basic));
    assert_eq!(
        sub.paid.as_ref().unwrap().paid_until.seconds(),
        t0 + 2 * MONTH
    );
    assert_eq!(s.balance_of(org, &s.token_asset()), 666);

    // A change of asset is scheduled too; asking for the current plan drops it again.
    s.exec(
        ALICE,
        &ExecuteMsg::ChangePlan {
            org_id: org,
            plan_id: native,
        },
    )
    .unwrap();
    let sub = s.subscription(org);
    assert_eq!(sub.next_renewal, amount(s.native_asset(), 1_000));
    assert!(!sub.covers_next_renewal);
    s.exec_funds(ALICE, &ExecuteMsg::Deposit { org_id: org }, &uscrt(1_000))
        .unwrap();
    assert!(s.subscription(org).covers_next_renewal);
    s.assert_books();
    s.exec(
        ALICE,
        &ExecuteMsg::ChangePlan {
            org_id: org,
            plan_id: basic,
        },
    )
    .unwrap();
    assert_eq!(s.subscription(org).paid.unwrap().next_plan_id, None);
    assert_eq!(
        s.exec(
            ALICE,
            &ExecuteMsg::ChangePlan {
                org_id: org,
                plan_id: basic
            }
        )
        .unwrap_err(),
        ContractError::SamePlan {
            org_id: org,
            plan_id: basic
        }
    );
    s.assert_books();
}

#[test]
fn native_payments_subscribe_and_top_up() {
    let mut s = Suite::new();
    let org = s.create_org(ALICE, "Acme");
    let native = s.create_plan(plan("Native", s.native_asset(), 1_000, MONTH));
    let subscribe = ExecuteMsg::Subscribe {
        org_id: org,
        plan_id: native,
        periods: 2,
    };

    assert_eq!(
        s.exec_funds(ALICE, &subscribe, &uscrt(1_999)).unwrap_err(),
        ContractError::InsufficientBalance {
            needed: Uint128::new(2_000),
            available: Uint128::new(1_999)
        }
    );
    s.exec_funds(ALICE, &subscribe, &uscrt(2_500)).unwrap();
    s.assert_books();
    assert_eq!(s.bank_balance(ALICE), START_FUNDS - 2_500);
    assert_eq!(s.balance_of(org, &s.native_asset()), 1_500);
    assert!(s.subscription(org).covers_next_renewal);

    s.advance(MONTH);
    s.exec_funds(CAROL, &ExecuteMsg::Deposit { org_id: org }, &uscrt(10))
        .unwrap();
    assert_eq!(s.balance_of(org, &s.native_asset()), 510);
    s.assert_books();

    s.exec(
        ALICE,
        &ExecuteMsg::WithdrawBalance {
            org_id: org,
            asset: s.native_asset(),
            amount: Some(Uint128::new(500)),
        },
    )
    .unwrap();
    assert_eq!(s.bank_balance(ALICE), START_FUNDS - 2_500 + 500);
    s.assert_books();
    s.exec(
        ADMIN,
        &ExecuteMsg::WithdrawRevenue {
            asset: s.native_asset(),
            amount: Some(Uint128::new(1_500)),
        },
    )
    .unwrap();
    assert_eq!(s.bank_balance(TREASURY), 1_500);
    s.assert_books();
    assert_eq!(
        s.exec(
            ADMIN,
            &ExecuteMsg::WithdrawRevenue {
                asset: s.native_asset(),
                amount: Some(Uint128::new(501))
            }
        )
        .unwrap_err(),
        ContractError::InsufficientBalance {
            needed: Uint128::new(501),
            available: Uint128::new(500)
        }
    );
    let _ = coin(1, DENOM);
}

#[test]
fn a_free_plan_renews_forever_without_payments() {
    let mut s = Suite::new();
    let org = s.create_org(ALICE, "Acme");
    let free = s.create_plan(plan("Free", s.token_asset(), 0, MONTH));
    s.exec(
        ALICE,
        &ExecuteMsg::Subscribe {
            org_id: org,
            plan_id: free,
            periods: 1,
        },
    )
    .unwrap();
    s.advance(10 * 365 * DAY);
    let sub = s.subscription(org);
    assert!(sub.active);
    assert!(sub.covers_next_renewal);
    s.exec(ALICE, &ExecuteMsg::CancelSubscription { org_id: org })
        .unwrap();
    assert_eq!(
        s.history(org).entries.len(),
        1,
        "only the (free) first period is recorded"
    );
    s.assert_books();
}

#[test]
fn retired_plans_keep_running_subscriptions_but_take_no_new_ones() {
    let mut s = Suite::new();
    let acme = s.create_org(ALICE, "Acme");
    let other = s.create_org(BOB, "Other");
    let starter = s.create_plan(plan("Starter", s.token_asset(), 100, MONTH));
    let token = s.token.clone();
    s.send_tokens(
        ALICE,
        &token,
        300,
        &ReceiveMsg::Subscribe {
            org_id: acme,
            plan_id: starter,
            periods: 3,
        },
    )
    .unwrap();
    // A price change does not touch the running subscription's terms.
    s.exec(
        ADMIN,
        &ExecuteMsg::UpdatePlan {
            plan_id: starter,
            plan: plan("Starter", s.token_asset(), 500, MONTH),
        },
    )
    .unwrap();
    s.exec(ADMIN, &ExecuteMsg::RetirePlan { plan_id: starter })
        .unwrap();
    s.advance(MONTH);
    let sub = s.subscription(acme);
    assert!(sub.active);
    assert_eq!(s.balance_of(acme, &s.token_asset()), 100);
    let before = s.snapshot();
    assert_eq!(
        s.send_tokens(
            BOB,
            &token,
            500,
            &ReceiveMsg::Subscribe {
                org_id: other,
                plan_id: starter,
                periods: 1
            }
        )
        .unwrap_err(),
        ContractError::PlanRetired { id: starter }
    );
    assert_eq!(s.snapshot(), before);
    s.assert_books();
}

/// The quota period the platform counts usage in is the one the contract records: it begins at
/// the subscription and at each renewal boundary, an immediate upgrade keeps it, and a
/// scheduled change starts a period of the new length at the boundary, however long.
#[test]
fn the_current_period_start_follows_renewals_and_plan_changes_of_any_length() {
    let mut s = Suite::new();
    let org = s.create_org(ALICE, "Acme");
    let monthly = s.create_plan(plan("Monthly", s.token_asset(), 100, MONTH));
    let weekly = s.create_plan(plan("Weekly", s.token_asset(), 100, 7 * DAY));
    let two_years = s.create_plan(plan("Two years", s.token_asset(), 10, 730 * DAY));
    let token = s.token.clone();
    let t0 = s.now();
    s.send_tokens(
        ALICE,
        &token,
        10_000,
        &ReceiveMsg::Subscribe {
            org_id: org,
            plan_id: monthly,
            periods: 1,
        },
    )
    .unwrap();
    let paid = s.subscription(org).paid.unwrap();
    assert_eq!(paid.period_start.seconds(), t0);
    assert_eq!(paid.paid_until.seconds(), t0 + MONTH);

    // Ten days in, an upgrade to a weekly plan (dearer per second) takes effect now and keeps
    // the period: `paid_until - period` would put the start 23 days in the future.
    s.advance(10 * DAY);
    s.exec(
        ALICE,
        &ExecuteMsg::ChangePlan {
            org_id: org,
            plan_id: weekly,
        },
    )
    .unwrap();
    let sub = s.subscription(org);
    assert_eq!(sub.plan_id, Some(weekly));
    let paid = sub.paid.unwrap();
    assert_eq!(paid.period_seconds, 7 * DAY);
    assert_eq!(paid.period_start.seconds(), t0);
    assert!(paid.period_start.seconds() <= s.now());

    // Past the boundary, weekly periods run from it: 30 days + 2 weeks + 3 days later the
    // third weekly period (started at 30 + 14 days) is current.
    s.advance(20 * DAY + 14 * DAY + 3 * DAY);
    let paid = s.subscription(org).paid.unwrap();
    assert_eq!(paid.period_start.seconds(), t0 + MONTH + 14 * DAY);
    assert_eq!(paid.paid_until.seconds(), t0 + MONTH + 21 * DAY);

    // A downgrade to a two-year plan is scheduled; at the boundary a 730-day period begins.
    s.exec(
        ALICE,
        &ExecuteMsg::ChangePlan {
            org_id: org,
            plan_id: two_years,
        },
    )
    .unwrap();
    assert_eq!(
        s.subscription(org).paid.unwrap().period_start.seconds(),
        t0 + MONTH + 14 * DAY
    );
    s.advance(5 * DAY);
    let sub = s.subscription(org);
    assert_eq!(sub.plan_id, Some(two_years));
    let paid = sub.paid.unwrap();
    assert_eq!(paid.period_start.seconds(), t0 + MONTH + 21 * DAY);
    assert_eq!(paid.paid_until.seconds(), t0 + MONTH + 21 * DAY + 730 * DAY);
    s.assert_books();
}
