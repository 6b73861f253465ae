//! Refusals: every admin and owner action refused to anyone else, bad input rejected with a
//! specific error, and every `ContractError` variant produced. Each refusal must leave every
//! observable state (queries, token and bank balances) unchanged.

use std::collections::BTreeSet;

use cw_multi_test::Executor;
use privexbot_billing::msg::{
    Asset, AssetAmount, BillingPermission, ExecuteMsg, PlanInput, QueryAuth, QueryMsg, ReceiveMsg,
    Role,
};
use privexbot_billing::ContractError;
use privexbot_shared::cosmwasm_std::{coin, to_json_binary, Addr, Coin, StdError, Uint128};
use privexbot_shared::permit::PermitError;
use privexbot_shared::token::Cw20ReceiveMsg;
use privexbot_shared::token::{TokenError, TokenInput};

use crate::privacy::assert_query_refused;
use crate::suite::*;

/// Name of a variant; the exhaustive match makes a new variant fail to compile until a test
/// produces it here.
fn variant(e: &ContractError) -> &'static str {
    match e {
        ContractError::Std(_) => "Std",
        ContractError::Token(_) => "Token",
        ContractError::Permit(_) => "Permit",
        ContractError::Unauthorized {} => "Unauthorized",
        ContractError::InvalidViewingKey { .. } => "InvalidViewingKey",
        ContractError::PermitMissingPermission {} => "PermitMissingPermission",
        ContractError::NotAllowedToRead { .. } => "NotAllowedToRead",
        ContractError::InvalidAddress { .. } => "InvalidAddress",
        ContractError::InvalidName { .. } => "InvalidName",
        ContractError::InvalidValue { .. } => "InvalidValue",
        ContractError::Overflow {} => "Overflow",
        ContractError::NoPendingProposal {} => "NoPendingProposal",
        ContractError::OrgNotFound { .. } => "OrgNotFound",
        ContractError::RoleAlreadyGranted { .. } => "RoleAlreadyGranted",
        ContractError::RoleNotGranted { .. } => "RoleNotGranted",
        ContractError::LimitReached { .. } => "LimitReached",
        ContractError::PlanNotFound { .. } => "PlanNotFound",
        ContractError::PlanRetired { .. } => "PlanRetired",
        ContractError::PlanNotOffered { .. } => "PlanNotOffered",
        ContractError::PlanNotStakeable { .. } => "PlanNotStakeable",
        ContractError::AssetNotAccepted { .. } => "AssetNotAccepted",
        ContractError::TokenAlreadyAccepted { .. } => "TokenAlreadyAccepted",
        ContractError::NoFunds {} => "NoFunds",
        ContractError::WrongFunds { .. } => "WrongFunds",
        ContractError::UnexpectedFunds {} => "UnexpectedFunds",
        ContractError::ZeroAmount {} => "ZeroAmount",
        ContractError::WrongAsset { .. } => "WrongAsset",
        ContractError::InsufficientBalance { .. } => "InsufficientBalance",
        ContractError::AlreadySubscribed { .. } => "AlreadySubscribed",
        ContractError::NoActiveSubscription { .. } => "NoActiveSubscription",
        ContractError::SamePlan { .. } => "SamePlan",
        ContractError::InsufficientStake { .. } => "InsufficientStake",
        ContractError::NothingToWithdraw {} => "NothingToWithdraw",
        ContractError::NoValidator {} => "NoValidator",
        ContractError::MissingReceiveMsg {} => "MissingReceiveMsg",
        ContractError::OrgCreationCapReached { .. } => "OrgCreationCapReached",
    }
}

const ALL_VARIANTS: usize = 36;

/// A scene with two orgs, plans of every kind, an active subscription and a stake.
struct Scene {
    s: Suite,
    acme: u64,
    beta: u64,
    starter: u64,
    native: u64,
    enterprise: u64,
    retired: u64,
    seen: BTreeSet<&'static str>,
}

enum Call {
    Exec(&'static str, ExecuteMsg, Vec<Coin>),
    Send(&'static str, Addr, u128, Vec<u8>),
}

impl Scene {
    fn new() -> Self {
        let mut s = Suite::new();
        let acme = s.create_org(ALICE, "Acme");
        let beta = s.create_org(MALLORY, "Beta");
        s.exec(
            ALICE,
            &ExecuteMsg::AddOrgRole {
                org_id: acme,
                role: Role::Admin,
                address: BOB.into(),
            },
        )
        .unwrap();
        s.exec(
            ALICE,
            &ExecuteMsg::AddOrgRole {
                org_id: acme,
                role: Role::Member,
                address: CAROL.into(),
            },
        )
        .unwrap();
        let starter = s.create_plan(PlanInput {
            stake_amount: Some(Uint128::new(5_000)),
            ..plan("Starter", s.token_asset(), 100, MONTH)
        });
        let native = s.create_plan(plan("Native", s.native_asset(), 1_000, MONTH));
        let enterprise = s.create_plan(PlanInput {
            restricted_to: Some(vec![acme]),
            ..plan("Enterprise", s.token_asset(), 10_000, MONTH)
        });
        let retired = s.create_plan(plan("Old", s.token_asset(), 10, MONTH));
        s.exec(ADMIN, &ExecuteMsg::RetirePlan { plan_id: retired })
            .unwrap();
        let token = s.token.clone();
        s.send_tokens(
            ALICE,
            &token,
            500,
            &ReceiveMsg::Subscribe {
                org_id: acme,
                plan_id: starter,
                periods: 2,
            },
        )
        .unwrap();
        s.exec_funds(
            ALICE,
            &ExecuteMsg::Stake {
                org_id: acme,
                plan_id: starter,
            },
            &uscrt(5_000),
        )
        .unwrap();
        s.exec(
            ALICE,
            &ExecuteMsg::Unstake {
                org_id: acme,
                amount: Uint128::new(1),
            },
        )
        .unwrap();
        s.advance(DAY);
        s.assert_books();
        Scene {
            s,
            acme,
            beta,
            starter,
            native,
            enterprise,
            retired,
            seen: BTreeSet::new(),
        }
    }

    /// Runs a call that must fail with `expected` and change nothing.
    fn refused(&mut self, call: Call, expected: ContractError) {
        let before = self.s.snapshot();
        let err = match call {
            Call::Exec(sender, msg, funds) => self.s.exec_funds(sender, &msg, &funds).unwrap_err(),
            Call::Send(sender, token, amount, msg) => {
                self.s.send_raw(sender, &token, amount, msg).unwrap_err()
            }
        };
        assert_eq!(err, expected);
        assert_eq!(
            self.s.snapshot(),
            before,
            "state changed after {expected:?}"
        );
        self.s.assert_books();
        self.seen.insert(variant(&err));
    }

    fn unauthorized(&mut self, sender: &'static str, msg: ExecuteMsg) {
        self.refused(
            Call::Exec(sender, msg, vec![]),
            ContractError::Unauthorized {},
        );
    }
}

fn exec(sender: &'static str, msg: ExecuteMsg) -> Call {
    Call::Exec(sender, msg, vec![])
}

fn json(msg: &ReceiveMsg) -> Vec<u8> {
    to_json_binary(msg).unwrap().to_vec()
}

#[test]
fn admin_and_owner_actions_are_refused_to_everyone_else() {
    let mut c = Scene::new();
    let (acme, starter) = (c.acme, c.starter);
    let token = c.s.token_asset();
    let p = plan("X", token.clone(), 1, MONTH);
    // Contract admin only.
    for who in [ALICE, MALLORY, TREASURY] {
        c.unauthorized(
            who,
            ExecuteMsg::UpdateConfig {
                treasury: Some(MALLORY.into()),
                usage_contract: None,
                max_orgs_per_creator: None,
            },
        );
        c.unauthorized(
            who,
            ExecuteMsg::AddAcceptedToken {
                token: TokenInput {
                    address: c.s.other_token.to_string(),
                    code_hash: None,
                },
            },
        );
        c.unauthorized(
            who,
            ExecuteMsg::ProposeAdmin {
                admin: MALLORY.into(),
            },
        );
        c.unauthorized(who, ExecuteMsg::CreatePlan { plan: p.clone() });
        c.unauthorized(
            who,
            ExecuteMsg::UpdatePlan {
                plan_id: starter,
                plan: p.clone(),
            },
        );
        c.unauthorized(who, ExecuteMsg::RetirePlan { plan_id: starter });
        c.unauthorized(
            who,
            ExecuteMsg::WithdrawRevenue {
                asset: token.clone(),
                amount: None,
            },
        );
    }
    // Owner or admin: not members, not strangers.
    for who in [CAROL, MALLORY] {
        c.unauthorized(
            who,
            ExecuteMsg::RenameOrg {
                org_id: acme,
                name: "Mine".into(),
            },
        );
        c.unauthorized(
            who,
            ExecuteMsg::AddOrgRole {
                org_id: acme,
                role: Role::Member,
                address: MALLORY.into(),
            },
        );
        c.unauthorized(
            who,
            ExecuteMsg::RemoveOrgRole {
                org_id: acme,
                role: Role::Admin,
                address: BOB.into(),
            },
        );
        c.unauthorized(who, ExecuteMsg::CancelSubscription { org_id: acme });
        c.unauthorized(who, ExecuteMsg::ResumeSubscription { org_id: acme });
        c.unauthorized(
            who,
            ExecuteMsg::ChangePlan {
                org_id: acme,
                plan_id: c.enterprise,
            },
        );
        c.unauthorized(
            who,
            ExecuteMsg::Subscribe {
                org_id: acme,
                plan_id: starter,
                periods: 1,
            },
        );
        let send = json(&ReceiveMsg::Subscribe {
            org_id: acme,
            plan_id: starter,
            periods: 1,
        });
        c.refused(
            Call::Send(who, c.s.token.clone(), 100, send),
            ContractError::Unauthorized {},
        );
    }
    // Owner only: admins included in the refused.
    for who in [BOB, CAROL, MALLORY] {
        c.unauthorized(
            who,
            ExecuteMsg::AddOrgRole {
                org_id: acme,
                role: Role::Admin,
                address: MALLORY.into(),
            },
        );
        c.unauthorized(
            who,
            ExecuteMsg::ProposeOrgOwner {
                org_id: acme,
                new_owner: who.into(),
            },
        );
        c.unauthorized(
            who,
            ExecuteMsg::WithdrawBalance {
                org_id: acme,
                asset: token.clone(),
                amount: None,
            },
        );
        c.refused(
            Call::Exec(
                who,
                ExecuteMsg::Stake {
                    org_id: acme,
                    plan_id: starter,
                },
                uscrt(5_000),
            ),
            ContractError::Unauthorized {},
        );
        c.unauthorized(
            who,
            ExecuteMsg::Unstake {
                org_id: acme,
                amount: Uint128::new(1),
            },
        );
        c.unauthorized(who, ExecuteMsg::WithdrawUnbonded { org_id: acme });
    }
    c.s.exec(
        ALICE,
        &ExecuteMsg::ProposeOrgOwner {
            org_id: acme,
            new_owner: CAROL.into(),
        },
    )
    .unwrap();
    for who in [ALICE, BOB, MALLORY] {
        c.unauthorized(who, ExecuteMsg::AcceptOrgOwnership { org_id: acme });
    }
    c.s.exec(ADMIN, &ExecuteMsg::ProposeAdmin { admin: BOB.into() })
        .unwrap();
    c.unauthorized(MALLORY, ExecuteMsg::AcceptAdmin {});
}

#[test]
fn bad_input_gets_a_specific_error_and_changes_nothing_and_every_error_is_produced() {
    let mut c = Scene::new();
    let (acme, beta, starter, native) = (c.acme, c.beta, c.starter, c.native);
    let token = c.s.token.clone();
    let other = c.s.other_token.clone();
    let token_asset = c.s.token_asset();

    // Names and addresses.
    c.refused(
        exec(ALICE, ExecuteMsg::CreateOrg { name: "  ".into() }),
        ContractError::InvalidName {
            reason: "must not be empty".into(),
        },
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::CreateOrg {
                name: "x".repeat(65),
            },
        ),
        ContractError::InvalidName {
            reason: "at most 64 characters".into(),
        },
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::RenameOrg {
                org_id: acme,
                name: "a\nb".into(),
            },
        ),
        ContractError::InvalidName {
            reason: "must not contain control characters".into(),
        },
    );
    for bad in ["", "AL", "Alice"] {
        c.refused(
            exec(
                ALICE,
                ExecuteMsg::AddOrgRole {
                    org_id: acme,
                    role: Role::Member,
                    address: bad.into(),
                },
            ),
            ContractError::InvalidAddress {
                address: bad.into(),
            },
        );
    }
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::ProposeOrgOwner {
                org_id: acme,
                new_owner: "NOPE".into(),
            },
        ),
        ContractError::InvalidAddress {
            address: "NOPE".into(),
        },
    );
    c.refused(
        exec(
            ADMIN,
            ExecuteMsg::UpdateConfig {
                treasury: Some("X".into()),
                usage_contract: None,
                max_orgs_per_creator: None,
            },
        ),
        ContractError::InvalidAddress {
            address: "X".into(),
        },
    );
    c.refused(
        exec(
            ADMIN,
            ExecuteMsg::AddAcceptedToken {
                token: TokenInput {
                    address: "Bad".into(),
                    code_hash: None,
                },
            },
        ),
        ContractError::Token(TokenError::InvalidAddress {
            address: "Bad".into(),
        }),
    );
    c.refused(
        exec(
            ADMIN,
            ExecuteMsg::AddAcceptedToken {
                token: TokenInput {
                    address: token.to_string(),
                    code_hash: None,
                },
            },
        ),
        ContractError::TokenAlreadyAccepted {
            address: token.to_string(),
        },
    );

    // Unknown ids and pending proposals.
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::RenameOrg {
                org_id: 99,
                name: "x".into(),
            },
        ),
        ContractError::OrgNotFound { id: 99 },
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::Subscribe {
                org_id: 0,
                plan_id: starter,
                periods: 1,
            },
        ),
        ContractError::OrgNotFound { id: 0 },
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::ChangePlan {
                org_id: acme,
                plan_id: 42,
            },
        ),
        ContractError::PlanNotFound { id: 42 },
    );
    c.refused(
        exec(ADMIN, ExecuteMsg::RetirePlan { plan_id: 42 }),
        ContractError::PlanNotFound { id: 42 },
    );
    c.refused(
        exec(ALICE, ExecuteMsg::AcceptOrgOwnership { org_id: acme }),
        ContractError::NoPendingProposal {},
    );
    c.refused(
        exec(ALICE, ExecuteMsg::AcceptAdmin {}),
        ContractError::NoPendingProposal {},
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::AddOrgRole {
                org_id: acme,
                role: Role::Admin,
                address: BOB.into(),
            },
        ),
        ContractError::RoleAlreadyGranted {
            org_id: acme,
            role: "admin".into(),
            address: BOB.into(),
        },
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::RemoveOrgRole {
                org_id: acme,
                role: Role::Auditor,
                address: BOB.into(),
            },
        ),
        ContractError::RoleNotGranted {
            org_id: acme,
            role: "auditor".into(),
            address: BOB.into(),
        },
    );

    // Plans.
    let bad_plan = |f: &dyn Fn(&mut PlanInput)| {
        let mut p = plan(
            "P",
            Asset::Token {
                address: token.to_string(),
            },
            1,
            MONTH,
        );
        f(&mut p);
        exec(ADMIN, ExecuteMsg::CreatePlan { plan: p })
    };
    c.refused(
        bad_plan(&|p| p.period_seconds = 0),
        ContractError::InvalidValue {
            field: "period_seconds".into(),
            reason: "must be between 1 and 316224000".into(),
        },
    );
    c.refused(
        bad_plan(&|p| p.stake_amount = Some(Uint128::zero())),
        ContractError::ZeroAmount {},
    );
    c.refused(
        bad_plan(&|p| p.restricted_to = Some(vec![7])),
        ContractError::OrgNotFound { id: 7 },
    );
    c.refused(
        bad_plan(&|p| {
            p.price.asset = Asset::Token {
                address: other.to_string(),
            }
        }),
        ContractError::AssetNotAccepted {
            asset: format!("token:{other}"),
        },
    );
    c.refused(
        bad_plan(&|p| {
            p.price.asset = Asset::Native {
                denom: "uatom".into(),
            }
        }),
        ContractError::AssetNotAccepted {
            asset: "native:uatom".into(),
        },
    );
    c.refused(
        exec(ADMIN, ExecuteMsg::RetirePlan { plan_id: c.retired }),
        ContractError::PlanRetired { id: c.retired },
    );

    // Subscribing.
    c.refused(
        Call::Send(
            MALLORY,
            token.clone(),
            10,
            json(&ReceiveMsg::Subscribe {
                org_id: beta,
                plan_id: c.retired,
                periods: 1,
            }),
        ),
        ContractError::PlanRetired { id: c.retired },
    );
    c.refused(
        Call::Send(
            MALLORY,
            token.clone(),
            10_000,
            json(&ReceiveMsg::Subscribe {
                org_id: beta,
                plan_id: c.enterprise,
                periods: 1,
            }),
        ),
        ContractError::PlanNotOffered {
            plan_id: c.enterprise,
            org_id: beta,
        },
    );
    c.refused(
        Call::Send(
            MALLORY,
            token.clone(),
            100,
            json(&ReceiveMsg::Subscribe {
                org_id: beta,
                plan_id: starter,
                periods: 0,
            }),
        ),
        ContractError::InvalidValue {
            field: "periods".into(),
            reason: "must be between 1 and 120".into(),
        },
    );
    c.refused(
        Call::Send(
            MALLORY,
            token.clone(),
            100,
            json(&ReceiveMsg::Subscribe {
                org_id: beta,
                plan_id: starter,
                periods: 2,
            }),
        ),
        ContractError::InsufficientBalance {
            needed: Uint128::new(200),
            available: Uint128::new(100),
        },
    );
    c.refused(
        Call::Send(
            ALICE,
            token.clone(),
            100,
            json(&ReceiveMsg::Subscribe {
                org_id: acme,
                plan_id: starter,
                periods: 1,
            }),
        ),
        ContractError::AlreadySubscribed { org_id: acme },
    );
    c.refused(
        Call::Send(
            MALLORY,
            token.clone(),
            100,
            json(&ReceiveMsg::Subscribe {
                org_id: beta,
                plan_id: native,
                periods: 1,
            }),
        ),
        ContractError::WrongAsset {
            plan_id: native,
            expected: "native:uscrt".into(),
            paid: format!("token:{token}"),
        },
    );
    c.refused(
        Call::Exec(
            MALLORY,
            ExecuteMsg::Subscribe {
                org_id: beta,
                plan_id: starter,
                periods: 1,
            },
            uscrt(100),
        ),
        ContractError::WrongAsset {
            plan_id: starter,
            expected: format!("token:{token}"),
            paid: "native:uscrt".into(),
        },
    );
    // The wrong token, an empty or malformed inner message.
    c.refused(
        Call::Send(
            MALLORY,
            other.clone(),
            100,
            json(&ReceiveMsg::Deposit { org_id: beta }),
        ),
        ContractError::AssetNotAccepted {
            asset: format!("token:{other}"),
        },
    );
    c.refused(
        Call::Send(MALLORY, token.clone(), 100, vec![]),
        ContractError::MissingReceiveMsg {},
    );
    let malformed = Call::Send(
        MALLORY,
        token.clone(),
        100,
        br#"{"subscribe":{"org_id":"x"}}"#.to_vec(),
    );
    let before = c.s.snapshot();
    let Call::Send(sender, t, amount, msg) = malformed else {
        unreachable!()
    };
    let err = c.s.send_raw(sender, &t, amount, msg).unwrap_err();
    assert!(
        matches!(&err, ContractError::Std(StdError::ParseErr { .. })),
        "{err:?}"
    );
    assert_eq!(c.s.snapshot(), before);
    c.seen.insert(variant(&err));
    // A receive callback that does not come from a token (a forged one) is refused too.
    let forged = ExecuteMsg::Receive(Cw20ReceiveMsg {
        sender: MALLORY.into(),
        amount: Uint128::new(1_000_000),
        msg: to_json_binary(&ReceiveMsg::Deposit { org_id: beta }).unwrap(),
    });
    c.refused(
        exec(MALLORY, forged),
        ContractError::AssetNotAccepted {
            asset: "token:mallory".into(),
        },
    );
    // A zero amount is refused even if a token called back with it.
    let zero = ExecuteMsg::Receive(Cw20ReceiveMsg {
        sender: MALLORY.into(),
        amount: Uint128::zero(),
        msg: to_json_binary(&ReceiveMsg::Deposit { org_id: beta }).unwrap(),
    });
    let token_str: &'static str = Box::leak(token.to_string().into_boxed_str());
    c.refused(exec(token_str, zero), ContractError::ZeroAmount {});

    // Funds.
    c.refused(
        Call::Exec(ALICE, ExecuteMsg::CreateOrg { name: "x".into() }, uscrt(1)),
        ContractError::UnexpectedFunds {},
    );
    c.refused(
        exec(ALICE, ExecuteMsg::Deposit { org_id: acme }),
        ContractError::NoFunds {},
    );
    c.refused(
        Call::Exec(
            ALICE,
            ExecuteMsg::Deposit { org_id: acme },
            vec![coin(5, "uatom")],
        ),
        ContractError::WrongFunds {
            denom: DENOM.into(),
        },
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::Stake {
                org_id: acme,
                plan_id: starter,
            },
        ),
        ContractError::NoFunds {},
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::Unstake {
                org_id: acme,
                amount: Uint128::zero(),
            },
        ),
        ContractError::ZeroAmount {},
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::WithdrawBalance {
                org_id: acme,
                asset: token_asset.clone(),
                amount: Some(Uint128::zero()),
            },
        ),
        ContractError::ZeroAmount {},
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::WithdrawBalance {
                org_id: acme,
                asset: token_asset.clone(),
                amount: Some(Uint128::new(401)),
            },
        ),
        ContractError::InsufficientBalance {
            needed: Uint128::new(401),
            available: Uint128::new(400),
        },
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::WithdrawBalance {
                org_id: acme,
                asset: Asset::Token {
                    address: other.to_string(),
                },
                amount: None,
            },
        ),
        ContractError::AssetNotAccepted {
            asset: format!("token:{other}"),
        },
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::WithdrawBalance {
                org_id: acme,
                asset: c.s.native_asset(),
                amount: None,
            },
        ),
        ContractError::NothingToWithdraw {},
    );
    c.refused(
        exec(ALICE, ExecuteMsg::WithdrawUnbonded { org_id: acme }),
        ContractError::NothingToWithdraw {},
    );

    // Staking.
    c.refused(
        Call::Exec(
            ALICE,
            ExecuteMsg::Stake {
                org_id: acme,
                plan_id: native,
            },
            uscrt(5_000),
        ),
        ContractError::PlanNotStakeable { id: native },
    );
    c.refused(
        Call::Exec(
            MALLORY,
            ExecuteMsg::Stake {
                org_id: beta,
                plan_id: starter,
            },
            uscrt(4_999),
        ),
        ContractError::InsufficientStake {
            plan_id: starter,
            required: Uint128::new(5_000),
            total: Uint128::new(4_999),
        },
    );

    // Subscription state.
    c.refused(
        exec(MALLORY, ExecuteMsg::CancelSubscription { org_id: beta }),
        ContractError::NoActiveSubscription { org_id: beta },
    );
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::ChangePlan {
                org_id: acme,
                plan_id: starter,
            },
        ),
        ContractError::SamePlan {
            org_id: acme,
            plan_id: starter,
        },
    );
    c.unauthorized(
        MALLORY,
        ExecuteMsg::RenameOrg {
            org_id: acme,
            name: "x".into(),
        },
    );

    // Overflow: a price so large that two periods do not fit in 128 bits.
    let huge =
        c.s.create_plan(plan("Huge", token_asset.clone(), u128::MAX, MONTH));
    c.refused(
        exec(
            MALLORY,
            ExecuteMsg::Subscribe {
                org_id: beta,
                plan_id: huge,
                periods: 2,
            },
        ),
        ContractError::Overflow {},
    );

    // Limits: 50 members per role list.
    for i in 0..50 {
        let who = format!("member{i:02}");
        c.s.exec(
            MALLORY,
            &ExecuteMsg::AddOrgRole {
                org_id: beta,
                role: Role::Auditor,
                address: who,
            },
        )
        .unwrap();
    }
    c.refused(
        exec(
            MALLORY,
            ExecuteMsg::AddOrgRole {
                org_id: beta,
                role: Role::Auditor,
                address: "member50".into(),
            },
        ),
        ContractError::LimitReached {
            what: "auditors per org".into(),
            max: 50,
        },
    );

    // Private queries: their errors come back as text, with the same messages.
    let billing = c.s.billing.to_string();
    let signer = PermitSigner::new(3);
    let vk = |address: &str, key: &str| QueryAuth::ViewingKey {
        address: address.into(),
        key: key.into(),
    };
    let private = [
        (
            vk(CAROL, &viewing_key(CAROL)),
            ContractError::NotAllowedToRead {
                address: CAROL.into(),
                org_id: acme,
            },
        ),
        (
            vk(ALICE, "guess"),
            ContractError::InvalidViewingKey {
                address: ALICE.into(),
            },
        ),
        (
            QueryAuth::Permit(signer.permit("p", &billing, vec![])),
            ContractError::PermitMissingPermission {},
        ),
        (
            QueryAuth::Permit(signer.permit("p", "elsewhere", vec![BillingPermission::Billing])),
            ContractError::Permit(PermitError::WrongContract {
                contract: billing.clone(),
            }),
        ),
    ];
    for (auth, expected) in private {
        assert_query_refused(
            &c.s,
            &QueryMsg::Subscription { org_id: acme, auth },
            &expected,
        );
        c.seen.insert(variant(&expected));
    }

    // Without a validator, claiming rewards is refused.
    let mut no_validator = Scene {
        s: Suite::with_validator(false),
        seen: BTreeSet::new(),
        ..Scene::new()
    };
    no_validator.refused(
        exec(MALLORY, ExecuteMsg::ClaimStakingRewards {}),
        ContractError::NoValidator {},
    );
    c.seen.extend(no_validator.seen);

    // Alice created one org (Acme): a cap of one leaves her no more.
    c.s.exec(
        ADMIN,
        &ExecuteMsg::UpdateConfig {
            treasury: None,
            usage_contract: None,
            max_orgs_per_creator: Some(1),
        },
    )
    .unwrap();
    c.refused(
        exec(
            ALICE,
            ExecuteMsg::CreateOrg {
                name: "More".into(),
            },
        ),
        ContractError::OrgCreationCapReached {
            owner: ALICE.into(),
            cap: 1,
        },
    );

    assert_eq!(
        c.seen.len(),
        ALL_VARIANTS,
        "variants produced: {:?}",
        c.seen
    );
}

#[test]
fn instantiate_rejects_bad_settings() {
    let (mut app, token, _) = chain();
    let code = billing_code(&mut app);
    let mut instantiate = |edit: &dyn Fn(&mut privexbot_billing::msg::InstantiateMsg)| {
        let mut msg = default_instantiate(&token, true);
        edit(&mut msg);
        contract_result(
            app.instantiate_contract(code, Addr::unchecked(ADMIN), &msg, &[], "billing", None)
                .map(|_| cw_multi_test::AppResponse::default()),
        )
        .unwrap_err()
    };
    assert_eq!(
        instantiate(&|m| m.treasury = "T".into()),
        ContractError::InvalidAddress {
            address: "T".into()
        }
    );
    assert_eq!(
        instantiate(&|m| m.admin = Some("".into())),
        ContractError::InvalidAddress { address: "".into() }
    );
    assert_eq!(
        instantiate(&|m| m.accepted_tokens.push(m.accepted_tokens[0].clone())),
        ContractError::TokenAlreadyAccepted {
            address: token.to_string()
        }
    );
    assert_eq!(
        instantiate(&|m| m.native_denom = Some("u".into())),
        ContractError::InvalidValue {
            field: "native_denom".into(),
            reason: "\"u\" is not a denom".into()
        }
    );
    assert_eq!(
        instantiate(&|m| m.staking.stake_denom = "9scrt".into()),
        ContractError::InvalidValue {
            field: "stake_denom".into(),
            reason: "\"9scrt\" is not a denom".into()
        }
    );
    assert_eq!(
        instantiate(&|m| m.staking.validator = Some("nobody".into())),
        ContractError::InvalidValue {
            field: "validator".into(),
            reason: "\"nobody\" is not a validator".into()
        }
    );
    assert_eq!(
        instantiate(&|m| m.accepted_tokens = (0..11)
            .map(|i| TokenInput {
                address: format!("token{i}"),
                code_hash: None
            })
            .collect()),
        ContractError::LimitReached {
            what: "accepted tokens".into(),
            max: 10
        }
    );
    let _ = AssetAmount {
        asset: Asset::Native {
            denom: DENOM.into(),
        },
        amount: Uint128::zero(),
    };
}
