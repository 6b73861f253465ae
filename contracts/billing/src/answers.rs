//! The JSON of the query answers (and of execute responses' data), written by the shared
//! [`JsonWriter`] instead of serde's derived `Serialize` per type (contracts README, "Size").
//! Fields in the order `msg.rs` declares them: the derived schemas stay the published API, and
//! the tests check that both writers give the same bytes.

use privexbot_shared::json_writer::{JsonWriter, ToJson};

use crate::msg::{
    ActiveVia, Asset, AssetAmount, AssetTotals, ConfigResponse, FindOrgResponse, OrgMembership,
    OrgPlanResponse, OrgResponse, OrgsOfResponse, PaidSubscription, PaymentEntry,
    PaymentHistoryResponse, PaymentKind, PlanResponse, PlansResponse, Quotas, Role, StakeResponse,
    SubscriptionResponse, TotalsResponse, UnbondingEntry, ViewingKeyResponse,
};

impl ToJson for Asset {
    fn write_json(&self, out: &mut JsonWriter) {
        match self {
            Asset::Token { address } => out.variant("token").begin().field("address", address),
            Asset::Native { denom } => out.variant("native").begin().field("denom", denom),
        }
        .end();
        out.end();
    }
}

impl ToJson for AssetAmount {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("asset", &self.asset)
            .field("amount", &self.amount)
            .end();
    }
}

impl ToJson for Quotas {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("messages", &self.messages)
            .field("bots", &self.bots)
            .field("knowledge_bytes", &self.knowledge_bytes)
            .end();
    }
}

impl ToJson for Role {
    fn write_json(&self, out: &mut JsonWriter) {
        out.string(match self {
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Auditor => "auditor",
        });
    }
}

impl ToJson for ActiveVia {
    fn write_json(&self, out: &mut JsonWriter) {
        out.string(match self {
            ActiveVia::Payment => "payment",
            ActiveVia::Stake => "stake",
        });
    }
}

impl ToJson for PaymentKind {
    fn write_json(&self, out: &mut JsonWriter) {
        out.string(match self {
            PaymentKind::Deposit => "deposit",
            PaymentKind::Subscribe => "subscribe",
            PaymentKind::Renewal => "renewal",
            PaymentKind::PlanChange => "plan_change",
            PaymentKind::Withdrawal => "withdrawal",
            PaymentKind::Stake => "stake",
            PaymentKind::Unstake => "unstake",
            PaymentKind::StakeWithdrawal => "stake_withdrawal",
        });
    }
}

impl ToJson for ConfigResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("admin", &self.admin)
            .field("pending_admin", &self.pending_admin)
            .field("treasury", &self.treasury)
            .field("accepted_tokens", &self.accepted_tokens)
            .field("native_denom", &self.native_denom)
            .field("usage_contract", &self.usage_contract)
            .field("stake_denom", &self.stake_denom)
            .field("unbonding_seconds", &self.unbonding_seconds)
            .field("validator", &self.validator)
            .field("address_prefix", &self.address_prefix)
            .field("max_orgs_per_creator", &self.max_orgs_per_creator)
            .end();
    }
}

impl ToJson for OrgResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("id", &self.id)
            .field("name", &self.name)
            .field("owner", &self.owner)
            .field("admins", &self.admins)
            .field("members", &self.members)
            .field("auditors", &self.auditors)
            .field("pending_owner", &self.pending_owner)
            .end();
    }
}

impl ToJson for FindOrgResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("org", &self.org)
            .field("org_count", &self.org_count)
            .end();
    }
}

impl ToJson for OrgMembership {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("org_id", &self.org_id)
            .field("name", &self.name)
            .field("is_owner", &self.is_owner)
            .field("is_pending_owner", &self.is_pending_owner)
            .field("roles", &self.roles)
            .end();
    }
}

impl ToJson for OrgsOfResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("orgs", &self.orgs)
            .field("total", &self.total)
            .end();
    }
}

impl ToJson for PlanResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("id", &self.id)
            .field("name", &self.name)
            .field("price", &self.price)
            .field("period_seconds", &self.period_seconds)
            .field("quotas", &self.quotas)
            .field("stake_amount", &self.stake_amount)
            .field("restricted_to", &self.restricted_to)
            .field("retired", &self.retired)
            .end();
    }
}

impl ToJson for PlansResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin().field("plans", &self.plans).end();
    }
}

impl ToJson for OrgPlanResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("org_id", &self.org_id)
            .field("active", &self.active)
            .field("plan_id", &self.plan_id)
            .field("via", &self.via)
            .field("quotas", &self.quotas)
            .end();
    }
}

impl ToJson for PaidSubscription {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("plan_id", &self.plan_id)
            .field("price", &self.price)
            .field("period_seconds", &self.period_seconds)
            .field("period_start", &self.period_start)
            .field("paid_until", &self.paid_until)
            .field("active", &self.active)
            .field("cancel_at_period_end", &self.cancel_at_period_end)
            .field("lapsed", &self.lapsed)
            .field("next_plan_id", &self.next_plan_id)
            .end();
    }
}

impl ToJson for SubscriptionResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("org_id", &self.org_id)
            .field("active", &self.active)
            .field("plan_id", &self.plan_id)
            .field("via", &self.via)
            .field("quotas", &self.quotas)
            .field("paid", &self.paid)
            .field("balances", &self.balances)
            .field("next_renewal", &self.next_renewal)
            .field("covers_next_renewal", &self.covers_next_renewal)
            .end();
    }
}

impl ToJson for PaymentEntry {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("kind", &self.kind)
            .field("asset", &self.asset)
            .field("amount", &self.amount)
            .field("account", &self.account)
            .field("plan_id", &self.plan_id)
            .field("periods", &self.periods)
            .field("time", &self.time)
            .field("height", &self.height)
            .end();
    }
}

impl ToJson for PaymentHistoryResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("entries", &self.entries)
            .field("total", &self.total)
            .end();
    }
}

impl ToJson for UnbondingEntry {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("amount", &self.amount)
            .field("release_at", &self.release_at)
            .field("from_delegation", &self.from_delegation)
            .end();
    }
}

impl ToJson for StakeResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("org_id", &self.org_id)
            .field("plan_id", &self.plan_id)
            .field("amount", &self.amount)
            .field("required", &self.required)
            .field("active", &self.active)
            .field("unbonding", &self.unbonding)
            .end();
    }
}

impl ToJson for AssetTotals {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("asset", &self.asset)
            .field("org_balances", &self.org_balances)
            .field("revenue", &self.revenue)
            .end();
    }
}

impl ToJson for TotalsResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("assets", &self.assets)
            .field("stake_denom", &self.stake_denom)
            .field("staked", &self.staked)
            .field("delegated", &self.delegated)
            .field("unbonding", &self.unbonding)
            .field("unbonding_from_delegation", &self.unbonding_from_delegation)
            .end();
    }
}

impl ToJson for ViewingKeyResponse {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin().field("key", &self.key).end();
    }
}

#[cfg(test)]
mod tests {
    use privexbot_shared::cosmwasm_std::{Addr, Timestamp, Uint128};
    use privexbot_shared::token::Token;

    use super::*;

    use privexbot_shared::storage::assert_written_like_serde as same;

    fn addr(s: &str) -> Addr {
        Addr::unchecked(s)
    }

    fn token_amount(n: u128) -> AssetAmount {
        AssetAmount {
            asset: Asset::Token {
                address: "secret1token\"\\".into(),
            },
            amount: Uint128::new(n),
        }
    }

    fn native_amount(n: u128) -> AssetAmount {
        AssetAmount {
            asset: Asset::Native {
                denom: "uscrt".into(),
            },
            amount: Uint128::new(n),
        }
    }

    fn quotas() -> Quotas {
        Quotas {
            messages: Some(1000),
            bots: None,
            knowledge_bytes: Some(u64::MAX),
        }
    }

    fn org(id: u64, pending: Option<Addr>) -> OrgResponse {
        OrgResponse {
            id,
            name: "Café \"東京\" \n\u{1}".into(),
            owner: addr("owner"),
            admins: vec![addr("a1"), addr("a2")],
            members: vec![],
            auditors: vec![addr("au")],
            pending_owner: pending,
        }
    }

    fn plan(id: u64, restricted: Option<Vec<u64>>) -> PlanResponse {
        PlanResponse {
            id,
            name: "Pro".into(),
            price: native_amount(5_000_000),
            period_seconds: 2_592_000,
            quotas: quotas(),
            stake_amount: Some(Uint128::MAX),
            restricted_to: restricted,
            retired: id % 2 == 0,
        }
    }

    #[test]
    fn config_and_orgs_as_serde_writes_them() {
        for (pending, tokens) in [
            (None, vec![]),
            (
                Some(addr("next")),
                vec![
                    Token {
                        address: addr("t1"),
                        code_hash: Some("ab".into()),
                    },
                    Token {
                        address: addr("t2"),
                        code_hash: None,
                    },
                ],
            ),
        ] {
            same(&ConfigResponse {
                admin: addr("admin"),
                pending_admin: pending.clone(),
                treasury: addr("treasury"),
                accepted_tokens: tokens,
                native_denom: pending.as_ref().map(|_| "uscrt".to_string()),
                usage_contract: pending.clone(),
                stake_denom: "uscrt".into(),
                unbonding_seconds: 1_814_400,
                validator: None,
                address_prefix: "secret".into(),
                max_orgs_per_creator: pending.as_ref().map(|_| 3),
            });
            same(&org(7, pending.clone()));
        }
        same(&FindOrgResponse {
            org: None,
            org_count: 0,
        });
        same(&FindOrgResponse {
            org: Some(org(1, None)),
            org_count: 1,
        });
        same(&OrgsOfResponse {
            orgs: vec![
                OrgMembership {
                    org_id: 1,
                    name: "One".into(),
                    is_owner: true,
                    is_pending_owner: false,
                    roles: vec![],
                },
                OrgMembership {
                    org_id: 2,
                    name: "Two".into(),
                    is_owner: false,
                    is_pending_owner: true,
                    roles: vec![Role::Admin, Role::Member, Role::Auditor],
                },
            ],
            total: 2,
        });
        same(&OrgsOfResponse {
            orgs: vec![],
            total: 0,
        });
    }

    #[test]
    fn plans_and_subscriptions_as_serde_writes_them() {
        same(&plan(1, None));
        same(&PlansResponse {
            plans: vec![plan(1, Some(vec![])), plan(2, Some(vec![3, 4]))],
        });
        same(&PlansResponse { plans: vec![] });
        for via in [None, Some(ActiveVia::Payment), Some(ActiveVia::Stake)] {
            same(&OrgPlanResponse {
                org_id: 3,
                active: via.is_some(),
                plan_id: via.map(|_| 2),
                via,
                quotas: via.map(|_| quotas()),
            });
        }
        let paid = PaidSubscription {
            plan_id: 2,
            price: token_amount(10),
            period_seconds: 60,
            period_start: Timestamp::from_seconds(1_700_000_000),
            paid_until: Timestamp::from_nanos(1_700_000_060_000_000_001),
            active: true,
            cancel_at_period_end: false,
            lapsed: true,
            next_plan_id: Some(1),
        };
        same(&SubscriptionResponse {
            org_id: 3,
            active: true,
            plan_id: Some(2),
            via: Some(ActiveVia::Payment),
            quotas: Some(Quotas::default()),
            paid: Some(paid),
            balances: vec![token_amount(0), native_amount(u128::MAX)],
            next_renewal: Some(token_amount(10)),
            covers_next_renewal: true,
        });
        same(&SubscriptionResponse {
            org_id: 3,
            active: false,
            plan_id: None,
            via: None,
            quotas: None,
            paid: None,
            balances: vec![],
            next_renewal: None,
            covers_next_renewal: false,
        });
    }

    #[test]
    fn payments_stakes_and_totals_as_serde_writes_them() {
        let kinds = [
            PaymentKind::Deposit,
            PaymentKind::Subscribe,
            PaymentKind::Renewal,
            PaymentKind::PlanChange,
            PaymentKind::Withdrawal,
            PaymentKind::Stake,
            PaymentKind::Unstake,
            PaymentKind::StakeWithdrawal,
        ];
        let entries = kinds
            .iter()
            .enumerate()
            .map(|(i, kind)| PaymentEntry {
                kind: *kind,
                asset: if i % 2 == 0 {
                    token_amount(0).asset
                } else {
                    native_amount(0).asset
                },
                amount: Uint128::new(i as u128 * 1_000_000_007),
                account: (i % 3 == 0).then(|| addr("payer")),
                plan_id: (i % 2 == 1).then_some(i as u64),
                periods: (i == 2).then_some(12),
                time: Timestamp::from_nanos(i as u64 * 999_999_999),
                height: i as u64 * 100,
            })
            .collect();
        same(&PaymentHistoryResponse { entries, total: 8 });
        same(&PaymentHistoryResponse {
            entries: vec![],
            total: 0,
        });
        same(&StakeResponse {
            org_id: 1,
            plan_id: Some(4),
            amount: Uint128::new(100),
            required: Uint128::new(50),
            active: true,
            unbonding: vec![
                UnbondingEntry {
                    amount: Uint128::new(1),
                    release_at: Timestamp::from_seconds(5),
                    from_delegation: true,
                },
                UnbondingEntry {
                    amount: Uint128::zero(),
                    release_at: Timestamp::from_nanos(0),
                    from_delegation: false,
                },
            ],
        });
        same(&TotalsResponse {
            assets: vec![
                AssetTotals {
                    asset: native_amount(0).asset,
                    org_balances: Uint128::new(3),
                    revenue: Uint128::zero(),
                },
                AssetTotals {
                    asset: token_amount(0).asset,
                    org_balances: Uint128::MAX,
                    revenue: Uint128::new(9),
                },
            ],
            stake_denom: "uscrt".into(),
            staked: Uint128::new(1),
            delegated: Uint128::new(2),
            unbonding: Uint128::new(3),
            unbonding_from_delegation: Uint128::new(4),
        });
        same(&ViewingKeyResponse {
            key: "api_key_+/=".into(),
        });
        same(&42u64);
    }
}
