//! What only the Secret Network build does, tested with secret-cosmwasm-std's mock
//! dependencies: SNIP-20 `receive` callbacks (the payer is `from`), `register_receive` with
//! each accepted token at instantiate, `code_hash` on every outgoing token message, padded
//! responses.

use privexbot_shared::cosmwasm_std::testing::{
    mock_dependencies, mock_env, mock_info, MockApi, MockQuerier, MockStorage,
};
use privexbot_shared::cosmwasm_std::{
    Binary, CosmosMsg, Env, OwnedDeps, Response, Uint128, WasmMsg,
};
use privexbot_shared::storage::{from_json_bytes, to_json_bytes};
use privexbot_shared::token::{TokenError, TokenInput};

use crate::contract::{execute, instantiate, query};
use crate::msg::{
    Asset, AssetAmount, ExecuteMsg, InstantiateMsg, PaymentHistoryResponse, PlanInput, QueryAuth,
    QueryMsg, Quotas, ReceiveMsg, StakingSettings, SubscriptionResponse,
};
use crate::ContractError;

const TOKEN: &str = "snip20";
const TOKEN_HASH: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const OUR_HASH: &str = "2222222222222222222222222222222222222222222222222222222222222222";
const BLOCK: usize = 256;

type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier>;

fn env() -> Env {
    let mut env = mock_env();
    env.contract.code_hash = OUR_HASH.to_string();
    env
}

fn instantiate_msg(code_hash: Option<&str>) -> InstantiateMsg {
    InstantiateMsg {
        admin: Some("admin".into()),
        treasury: "treasury".into(),
        accepted_tokens: vec![TokenInput {
            address: TOKEN.into(),
            code_hash: code_hash.map(Into::into),
        }],
        native_denom: Some("uscrt".into()),
        usage_contract: None,
        staking: StakingSettings {
            stake_denom: "uscrt".into(),
            unbonding_seconds: 22 * 86_400,
            validator: None,
        },
        address_prefix: Some("secret".into()),
        max_orgs_per_creator: None,
    }
}

fn setup() -> (Deps, Response) {
    let mut deps = mock_dependencies();
    let res = instantiate(
        deps.as_mut(),
        env(),
        mock_info("admin", &[]),
        instantiate_msg(Some(TOKEN_HASH)),
    )
    .unwrap();
    (deps, res)
}

fn wasm_execute(msg: &CosmosMsg) -> (String, String, serde_json::Value) {
    let CosmosMsg::Wasm(WasmMsg::Execute {
        contract_addr,
        code_hash,
        msg,
        ..
    }) = msg
    else {
        panic!("expected a wasm execute, got {msg:?}");
    };
    assert_eq!(msg.len() % BLOCK, 0, "SNIP-20 messages are padded");
    let body = serde_json::from_slice(msg.as_slice()).unwrap();
    (contract_addr.clone(), code_hash.clone(), body)
}

#[test]
fn instantiate_registers_with_each_token_using_its_code_hash() {
    let (_, res) = setup();
    assert_eq!(res.messages.len(), 1);
    let (addr, code_hash, body) = wasm_execute(&res.messages[0].msg);
    assert_eq!((addr.as_str(), code_hash.as_str()), (TOKEN, TOKEN_HASH));
    assert_eq!(body["register_receive"]["code_hash"], OUR_HASH);

    let mut deps = mock_dependencies();
    let err = instantiate(
        deps.as_mut(),
        env(),
        mock_info("admin", &[]),
        instantiate_msg(None),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::Token(TokenError::MissingCodeHash {
            address: TOKEN.into()
        })
    );
}

#[test]
fn snip20_receive_pays_for_the_from_address_and_withdrawals_carry_the_code_hash() {
    let (mut deps, _) = setup();
    let res = execute(
        deps.as_mut(),
        env(),
        mock_info("alice", &[]),
        ExecuteMsg::CreateOrg {
            name: "Acme".into(),
        },
    )
    .unwrap();
    let data = res.data.unwrap();
    assert_eq!(data.len() % BLOCK, 0, "response data is padded");
    let org_id: u64 = from_json_bytes(data.as_slice()).unwrap();
    let plan = PlanInput {
        name: "Starter".into(),
        price: AssetAmount {
            asset: Asset::Token {
                address: TOKEN.into(),
            },
            amount: Uint128::new(100),
        },
        period_seconds: 30 * 86_400,
        quotas: Quotas::default(),
        stake_amount: None,
        restricted_to: None,
    };
    execute(
        deps.as_mut(),
        env(),
        mock_info("admin", &[]),
        ExecuteMsg::CreatePlan { plan },
    )
    .unwrap();

    // A spender sends alice's tokens: the org owner is `from`, so the subscription is allowed.
    let inner = Binary::from(
        to_json_bytes(&ReceiveMsg::Subscribe {
            org_id,
            plan_id: 1,
            periods: 3,
        })
        .unwrap(),
    );
    let receive: ExecuteMsg = from_json_bytes(
        &serde_json::to_vec(&serde_json::json!({ "receive": {
            "sender": "spender", "from": "alice", "amount": "350", "memo": "for acme", "msg": inner,
        }}))
        .unwrap(),
    )
    .unwrap();
    execute(deps.as_mut(), env(), mock_info(TOKEN, &[]), receive.clone()).unwrap();
    // The same callback from anything but the token is refused.
    let err = execute(deps.as_mut(), env(), mock_info("mallory", &[]), receive).unwrap_err();
    assert_eq!(
        err,
        ContractError::AssetNotAccepted {
            asset: "token:mallory".into()
        }
    );

    let set_key = ExecuteMsg::SetViewingKey {
        key: "alice-key".into(),
        padding: None,
    };
    execute(deps.as_mut(), env(), mock_info("alice", &[]), set_key).unwrap();
    let auth = QueryAuth::ViewingKey {
        address: "alice".into(),
        key: "alice-key".into(),
    };
    let wrong = QueryAuth::ViewingKey {
        address: "alice".into(),
        key: "guess".into(),
    };
    let err = query(
        deps.as_ref(),
        env(),
        QueryMsg::Subscription {
            org_id,
            auth: wrong,
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::InvalidViewingKey {
            address: "alice".into()
        }
    );
    let raw = query(
        deps.as_ref(),
        env(),
        QueryMsg::Subscription {
            org_id,
            auth: auth.clone(),
        },
    )
    .unwrap();
    assert_eq!(raw.len() % BLOCK, 0, "query results are padded");
    let sub: SubscriptionResponse = from_json_bytes(raw.as_slice()).unwrap();
    assert!(sub.active);
    assert_eq!(sub.balances[0].amount, Uint128::new(250));
    let history: PaymentHistoryResponse = from_json_bytes(
        query(
            deps.as_ref(),
            env(),
            QueryMsg::PaymentHistory {
                org_id,
                start: None,
                limit: None,
                auth,
            },
        )
        .unwrap()
        .as_slice(),
    )
    .unwrap();
    assert_eq!(
        history.entries[0].account.as_ref().unwrap().as_str(),
        "alice"
    );

    let withdraw = ExecuteMsg::WithdrawBalance {
        org_id,
        asset: Asset::Token {
            address: TOKEN.into(),
        },
        amount: None,
    };
    let res = execute(deps.as_mut(), env(), mock_info("alice", &[]), withdraw).unwrap();
    let (addr, code_hash, body) = wasm_execute(&res.messages[0].msg);
    assert_eq!((addr.as_str(), code_hash.as_str()), (TOKEN, TOKEN_HASH));
    assert_eq!(body["transfer"]["recipient"], "alice");
    assert_eq!(body["transfer"]["amount"], "250");
}

#[test]
fn an_added_token_is_registered_with_too() {
    let (mut deps, _) = setup();
    let token = TokenInput {
        address: "other".into(),
        code_hash: Some("ab".repeat(32)),
    };
    let res = execute(
        deps.as_mut(),
        env(),
        mock_info("admin", &[]),
        ExecuteMsg::AddAcceptedToken { token },
    )
    .unwrap();
    let (addr, code_hash, body) = wasm_execute(&res.messages[0].msg);
    assert_eq!((addr.as_str(), code_hash), ("other", "ab".repeat(32)));
    assert_eq!(body["register_receive"]["code_hash"], OUR_HASH);
    let bad = TokenInput {
        address: "third".into(),
        code_hash: Some("not hex".into()),
    };
    let err = execute(
        deps.as_mut(),
        env(),
        mock_info("admin", &[]),
        ExecuteMsg::AddAcceptedToken { token: bad },
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::Token(TokenError::InvalidCodeHash {
            code_hash: "not hex".into()
        })
    );
}

/// The per-creator cap holds on the Secret build too (its storage has no iterator: the
/// counter is one key per creator).
#[test]
fn the_org_cap_refuses_a_creator_past_it_on_the_secret_build() {
    let mut deps = mock_dependencies();
    instantiate(
        deps.as_mut(),
        env(),
        mock_info("admin", &[]),
        InstantiateMsg {
            max_orgs_per_creator: Some(2),
            ..instantiate_msg(Some(TOKEN_HASH))
        },
    )
    .unwrap();
    let create = |deps: &mut Deps, who: &str| {
        execute(
            deps.as_mut(),
            env(),
            mock_info(who, &[]),
            ExecuteMsg::CreateOrg { name: "Org".into() },
        )
    };
    create(&mut deps, "alice").unwrap();
    create(&mut deps, "alice").unwrap();
    assert_eq!(
        create(&mut deps, "alice").unwrap_err(),
        ContractError::OrgCreationCapReached {
            owner: "alice".into(),
            cap: 2,
        }
    );
    create(&mut deps, "bob").unwrap();
}
