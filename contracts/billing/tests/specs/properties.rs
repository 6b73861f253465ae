//! Property test: random sequences of payments, subscriptions, plan changes, withdrawals,
//! stakes and time jumps. After every step the books balance against the real bank, token and
//! staking module, no money is created or destroyed, and histories and paid periods only move
//! forward. A refused step must change nothing.

use std::collections::BTreeMap;

use privexbot_billing::msg::{ExecuteMsg, PlanInput, QueryMsg, ReceiveMsg, TotalsResponse};
use privexbot_shared::cosmwasm_std::{Addr, Uint128};
use proptest::prelude::*;

use crate::suite::*;

#[derive(Clone, Debug)]
enum Op {
    DepositToken {
        org: usize,
        amount: u128,
    },
    DepositNative {
        org: usize,
        amount: u128,
    },
    SubscribeToken {
        org: usize,
        plan: usize,
        periods: u32,
        amount: u128,
    },
    SubscribeNative {
        org: usize,
        plan: usize,
        periods: u32,
        amount: u128,
    },
    Cancel {
        org: usize,
    },
    Resume {
        org: usize,
    },
    ChangePlan {
        org: usize,
        plan: usize,
    },
    WithdrawBalance {
        org: usize,
        native: bool,
        amount: Option<u128>,
    },
    WithdrawRevenue {
        native: bool,
    },
    Stake {
        org: usize,
        amount: u128,
    },
    Unstake {
        org: usize,
        amount: u128,
    },
    WithdrawUnbonded {
        org: usize,
    },
    Advance {
        seconds: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let org = 0..2usize;
    let plan = 0..4usize;
    prop_oneof![
        (org.clone(), 1..600u128).prop_map(|(org, amount)| Op::DepositToken { org, amount }),
        (org.clone(), 1..3000u128).prop_map(|(org, amount)| Op::DepositNative { org, amount }),
        (org.clone(), plan.clone(), 0..4u32, 0..900u128).prop_map(
            |(org, plan, periods, amount)| Op::SubscribeToken {
                org,
                plan,
                periods,
                amount
            }
        ),
        (org.clone(), plan.clone(), 1..4u32, 0..4000u128).prop_map(
            |(org, plan, periods, amount)| Op::SubscribeNative {
                org,
                plan,
                periods,
                amount
            }
        ),
        org.clone().prop_map(|org| Op::Cancel { org }),
        org.clone().prop_map(|org| Op::Resume { org }),
        (org.clone(), plan).prop_map(|(org, plan)| Op::ChangePlan { org, plan }),
        (org.clone(), any::<bool>(), proptest::option::of(1..500u128)).prop_map(
            |(org, native, amount)| Op::WithdrawBalance {
                org,
                native,
                amount
            }
        ),
        any::<bool>().prop_map(|native| Op::WithdrawRevenue { native }),
        (org.clone(), 1..8000u128).prop_map(|(org, amount)| Op::Stake { org, amount }),
        (org.clone(), 1..6000u128).prop_map(|(org, amount)| Op::Unstake { org, amount }),
        org.prop_map(|org| Op::WithdrawUnbonded { org }),
        (0..40 * DAY).prop_map(|seconds| Op::Advance { seconds }),
    ]
}

struct World {
    s: Suite,
    orgs: [u64; 2],
    owners: [&'static str; 2],
    plans: Vec<u64>,
    history_len: BTreeMap<u64, u64>,
    paid_until: BTreeMap<u64, u64>,
}

impl World {
    fn new() -> Self {
        let mut s = Suite::new();
        let orgs = [s.create_org(ALICE, "Acme"), s.create_org(BOB, "Beta")];
        let plans = vec![
            s.create_plan(PlanInput {
                stake_amount: Some(Uint128::new(5_000)),
                ..plan("Starter", s.token_asset(), 100, MONTH)
            }),
            s.create_plan(plan("Pro", s.token_asset(), 300, MONTH)),
            s.create_plan(plan("Weekly", s.native_asset(), 1_000, 7 * DAY)),
            s.create_plan(plan("Free", s.token_asset(), 0, MONTH)),
        ];
        World {
            s,
            orgs,
            owners: [ALICE, BOB],
            plans,
            history_len: BTreeMap::new(),
            paid_until: BTreeMap::new(),
        }
    }

    fn apply(&mut self, op: &Op) -> bool {
        let s = &mut self.s;
        let token = s.token.clone();
        let res = match *op {
            Op::DepositToken { org, amount } => s.send_tokens(
                self.owners[org],
                &token,
                amount,
                &ReceiveMsg::Deposit {
                    org_id: self.orgs[org],
                },
            ),
            Op::DepositNative { org, amount } => s.exec_funds(
                self.owners[org],
                &ExecuteMsg::Deposit {
                    org_id: self.orgs[org],
                },
                &uscrt(amount),
            ),
            Op::SubscribeToken {
                org,
                plan,
                periods,
                amount,
            } => {
                let msg = ReceiveMsg::Subscribe {
                    org_id: self.orgs[org],
                    plan_id: self.plans[plan],
                    periods,
                };
                if amount == 0 {
                    let msg = ExecuteMsg::Subscribe {
                        org_id: self.orgs[org],
                        plan_id: self.plans[plan],
                        periods,
                    };
                    s.exec(self.owners[org], &msg)
                } else {
                    s.send_tokens(self.owners[org], &token, amount, &msg)
                }
            }
            Op::SubscribeNative {
                org,
                plan,
                periods,
                amount,
            } => {
                let msg = ExecuteMsg::Subscribe {
                    org_id: self.orgs[org],
                    plan_id: self.plans[plan],
                    periods,
                };
                s.exec_funds(self.owners[org], &msg, &uscrt(amount.max(1)))
            }
            Op::Cancel { org } => s.exec(
                self.owners[org],
                &ExecuteMsg::CancelSubscription {
                    org_id: self.orgs[org],
                },
            ),
            Op::Resume { org } => s.exec(
                self.owners[org],
                &ExecuteMsg::ResumeSubscription {
                    org_id: self.orgs[org],
                },
            ),
            Op::ChangePlan { org, plan } => s.exec(
                self.owners[org],
                &ExecuteMsg::ChangePlan {
                    org_id: self.orgs[org],
                    plan_id: self.plans[plan],
                },
            ),
            Op::WithdrawBalance {
                org,
                native,
                amount,
            } => {
                let asset = if native {
                    s.native_asset()
                } else {
                    s.token_asset()
                };
                let msg = ExecuteMsg::WithdrawBalance {
                    org_id: self.orgs[org],
                    asset,
                    amount: amount.map(Uint128::new),
                };
                s.exec(self.owners[org], &msg)
            }
            Op::WithdrawRevenue { native } => {
                let asset = if native {
                    s.native_asset()
                } else {
                    s.token_asset()
                };
                s.exec(
                    ADMIN,
                    &ExecuteMsg::WithdrawRevenue {
                        asset,
                        amount: None,
                    },
                )
            }
            Op::Stake { org, amount } => s.exec_funds(
                self.owners[org],
                &ExecuteMsg::Stake {
                    org_id: self.orgs[org],
                    plan_id: self.plans[0],
                },
                &uscrt(amount),
            ),
            Op::Unstake { org, amount } => s.exec(
                self.owners[org],
                &ExecuteMsg::Unstake {
                    org_id: self.orgs[org],
                    amount: Uint128::new(amount),
                },
            ),
            Op::WithdrawUnbonded { org } => s.exec(
                self.owners[org],
                &ExecuteMsg::WithdrawUnbonded {
                    org_id: self.orgs[org],
                },
            ),
            Op::Advance { seconds } => {
                s.advance(seconds);
                return true;
            }
        };
        res.is_ok()
    }

    fn check(&mut self) {
        let s = &self.s;
        s.assert_books();
        // No money created or destroyed: users, treasury, contract and staking module.
        let holders = USERS.iter().copied().chain([TREASURY, s.billing.as_str()]);
        let tokens: u128 = holders.clone().map(|h| s.token_balance(&s.token, h)).sum();
        assert_eq!(tokens, START_FUNDS * USERS.len() as u128);
        let now = s.now();
        let in_flight: u128 = self
            .orgs
            .iter()
            .flat_map(|id| s.stake(*id).unbonding)
            .filter(|u| u.from_delegation && u.release_at.seconds() - UNBONDING_MARGIN > now)
            .map(|u| u.amount.u128())
            .sum();
        let native: u128 =
            holders.map(|h| s.bank_balance(h)).sum::<u128>() + s.delegated_on_chain() + in_flight;
        assert_eq!(native, START_FUNDS * USERS.len() as u128);
        // Balances as of now never exceed what the ledger holds for orgs (pending renewals
        // only move money from balances to revenue).
        let totals: TotalsResponse = s.query(&QueryMsg::Totals {});
        for t in &totals.assets {
            let sum: u128 = self.orgs.iter().map(|id| s.balance_of(*id, &t.asset)).sum();
            assert!(sum <= t.org_balances.u128());
        }
        for id in self.orgs {
            let len = s.history(id).total;
            let before = self.history_len.insert(id, len).unwrap_or(0);
            assert!(len >= before, "history only grows");
            if let Some(paid) = s.subscription(id).paid {
                let until = paid.paid_until.seconds();
                let before = self.paid_until.insert(id, until).unwrap_or(0);
                assert!(until >= before, "paid_until only moves forward");
            }
        }
        let _ = Addr::unchecked("");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_the_books_balanced(ops in proptest::collection::vec(op(), 1..30)) {
        let mut w = World::new();
        w.check();
        for op in &ops {
            let before = w.s.snapshot();
            let ok = w.apply(op);
            if !ok {
                prop_assert_eq!(&w.s.snapshot(), &before, "refused {:?} changed state", op);
            }
            w.check();
        }
    }
}
