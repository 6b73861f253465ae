//! A chain for the specifications: cw-multi-test with the billing contract, two cw20-base
//! tokens (one accepted, one not), a bank with funded users and a staking module with one
//! validator.

use cw20::{BalanceResponse, Cw20Coin, Cw20ExecuteMsg, Cw20QueryMsg};
use cw_multi_test::{App, AppBuilder, AppResponse, ContractWrapper, Executor, StakingInfo};
use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
use privexbot_billing::msg::{
    Asset, AssetAmount, ExecuteMsg, InstantiateMsg, OrgResponse, PaymentHistoryResponse, PlanInput,
    PlansResponse, QueryMsg, Quotas, ReceiveMsg, StakeResponse, StakingSettings,
    SubscriptionResponse, TotalsResponse,
};
use privexbot_billing::msg::{BillingPermission, QueryAuth};
use privexbot_billing::ContractError;
use privexbot_shared::cosmwasm_std::testing::mock_env;
use privexbot_shared::cosmwasm_std::Binary;
use privexbot_shared::cosmwasm_std::{
    coin, coins, from_json, to_json_binary, Addr, Coin, Decimal, Uint128, Validator,
};
use privexbot_shared::permit::{
    account_from_pubkey, Permit, PermitParams, PermitSignature, PubKey,
};
use privexbot_shared::token::TokenInput;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const DENOM: &str = "uscrt";
/// Bech32 prefix of accounts on this chain (permit signers' addresses use it).
pub const PREFIX: &str = "cosmwasm";
/// The chain id cw-multi-test runs under (its default block info).
pub const TEST_CHAIN_ID: &str = "cosmos-testnet-14002";
/// A native coin the contract does not accept.
pub const OTHER_DENOM: &str = "uatom";
pub const VALIDATOR: &str = "validator";
pub const DAY: u64 = 86_400;
pub const MONTH: u64 = 30 * DAY;
/// The chain's unbonding time.
pub const CHAIN_UNBONDING: u64 = 21 * DAY;
/// The contract's cooldown: longer than the chain's, as the README advises, so that unbonded
/// coins are back before the owner can withdraw them.
pub const UNBONDING_MARGIN: u64 = 3_600;
pub const UNBONDING: u64 = CHAIN_UNBONDING + UNBONDING_MARGIN;
pub const START_FUNDS: u128 = 100_000_000;

pub const ADMIN: &str = "admin";
pub const TREASURY: &str = "treasury";
pub const ALICE: &str = "alice";
pub const BOB: &str = "bob";
pub const CAROL: &str = "carol";
pub const MALLORY: &str = "mallory";
pub const USERS: [&str; 4] = [ALICE, BOB, CAROL, MALLORY];

pub struct Suite {
    pub app: App,
    pub billing: Addr,
    /// Accepted payment token.
    pub token: Addr,
    /// A cw20 token the contract does not accept.
    pub other_token: Addr,
    /// Every org created through the suite, for the invariant.
    pub orgs: Vec<u64>,
}

fn cw20_token(app: &mut App, symbol: &str) -> Addr {
    let code = app.store_code(Box::new(ContractWrapper::new(
        cw20_base::contract::execute,
        cw20_base::contract::instantiate,
        cw20_base::contract::query,
    )));
    let msg = cw20_base::msg::InstantiateMsg {
        name: format!("{symbol} token"),
        symbol: symbol.to_string(),
        decimals: 6,
        initial_balances: USERS
            .iter()
            .map(|u| Cw20Coin {
                address: u.to_string(),
                amount: Uint128::new(START_FUNDS),
            })
            .collect(),
        mint: None,
        marketing: None,
    };
    app.instantiate_contract(code, Addr::unchecked(ADMIN), &msg, &[], symbol, None)
        .unwrap()
}

pub fn default_instantiate(token: &Addr, validator: bool) -> InstantiateMsg {
    InstantiateMsg {
        admin: Some(ADMIN.to_string()),
        treasury: TREASURY.to_string(),
        accepted_tokens: vec![TokenInput {
            address: token.to_string(),
            code_hash: None,
        }],
        native_denom: Some(DENOM.to_string()),
        usage_contract: None,
        staking: StakingSettings {
            stake_denom: DENOM.to_string(),
            unbonding_seconds: UNBONDING,
            validator: validator.then(|| VALIDATOR.to_string()),
        },
        address_prefix: Some(PREFIX.to_string()),
        max_orgs_per_creator: None,
    }
}

/// A chain with the tokens and the staking module, but no billing contract yet.
pub fn chain() -> (App, Addr, Addr) {
    let mut app = AppBuilder::new().build(|router, api, storage| {
        for user in USERS {
            router
                .bank
                .init_balance(
                    storage,
                    &Addr::unchecked(user),
                    vec![coin(START_FUNDS, DENOM), coin(START_FUNDS, OTHER_DENOM)],
                )
                .unwrap();
        }
        router
            .staking
            .setup(
                storage,
                StakingInfo {
                    bonded_denom: DENOM.to_string(),
                    unbonding_time: CHAIN_UNBONDING,
                    apr: Decimal::percent(10),
                },
            )
            .unwrap();
        router
            .staking
            .add_validator(
                api,
                storage,
                &mock_env().block,
                Validator {
                    address: VALIDATOR.to_string(),
                    commission: Decimal::percent(5),
                    max_commission: Decimal::percent(20),
                    max_change_rate: Decimal::percent(1),
                },
            )
            .unwrap();
    });
    let token = cw20_token(&mut app, "PAY");
    let other_token = cw20_token(&mut app, "OTHER");
    (app, token, other_token)
}

pub fn billing_code(app: &mut App) -> u64 {
    app.store_code(Box::new(ContractWrapper::new(
        privexbot_billing::contract::execute,
        privexbot_billing::contract::instantiate,
        privexbot_billing::contract::query,
    )))
}

pub fn plan(name: &str, asset: Asset, price: u128, period: u64) -> PlanInput {
    PlanInput {
        name: name.to_string(),
        price: AssetAmount {
            asset,
            amount: Uint128::new(price),
        },
        period_seconds: period,
        quotas: Quotas {
            messages: Some(5_000),
            bots: Some(5),
            knowledge_bytes: Some(50 << 20),
        },
        stake_amount: None,
        restricted_to: None,
    }
}

/// Turns a multi-test error into the contract's error (panics on any other failure, so a test
/// never mistakes a harness problem for the expected refusal).
pub fn contract_result(res: anyhow::Result<AppResponse>) -> Result<AppResponse, ContractError> {
    res.map_err(|e| {
        e.downcast::<ContractError>()
            .unwrap_or_else(|e| panic!("not a contract error: {e:?}"))
    })
}

impl Suite {
    pub fn new() -> Self {
        Self::with_validator(true)
    }

    pub fn with_validator(validator: bool) -> Self {
        Self::with_instantiate(|token| default_instantiate(token, validator))
    }

    /// A suite whose billing contract is instantiated with `msg(accepted token)`.
    pub fn with_instantiate(msg: impl FnOnce(&Addr) -> InstantiateMsg) -> Self {
        let (mut app, token, other_token) = chain();
        let code = billing_code(&mut app);
        let billing = app
            .instantiate_contract(
                code,
                Addr::unchecked(ADMIN),
                &msg(&token),
                &[],
                "billing",
                None,
            )
            .unwrap();
        let mut suite = Suite {
            app,
            billing,
            token,
            other_token,
            orgs: vec![],
        };
        for user in USERS {
            let msg = ExecuteMsg::SetViewingKey {
                key: viewing_key(user),
                padding: None,
            };
            suite.exec(user, &msg).unwrap();
        }
        suite
    }

    /// Proof of the org's current owner, for its private queries.
    pub fn owner_auth(&self, org_id: u64) -> QueryAuth {
        let owner = self.org(org_id).owner.to_string();
        QueryAuth::ViewingKey {
            key: viewing_key(&owner),
            address: owner,
        }
    }

    pub fn token_asset(&self) -> Asset {
        Asset::Token {
            address: self.token.to_string(),
        }
    }

    pub fn native_asset(&self) -> Asset {
        Asset::Native {
            denom: DENOM.to_string(),
        }
    }

    pub fn now(&self) -> u64 {
        self.app.block_info().time.seconds()
    }

    /// Moves time forward, then ends that block (multi-test completes unbondings due by the
    /// block being left, like a chain's end-blocker).
    pub fn advance(&mut self, seconds: u64) {
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(seconds);
            b.height += seconds / 5 + 1;
        });
        self.app.update_block(|b| b.height += 1);
    }

    pub fn exec_funds(
        &mut self,
        sender: &str,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> Result<AppResponse, ContractError> {
        let billing = self.billing.clone();
        contract_result(
            self.app
                .execute_contract(Addr::unchecked(sender), billing, msg, funds),
        )
    }

    pub fn exec(&mut self, sender: &str, msg: &ExecuteMsg) -> Result<AppResponse, ContractError> {
        self.exec_funds(sender, msg, &[])
    }

    /// A cw20 `Send` of `amount` of `token` to the billing contract with `msg` attached.
    pub fn send_tokens(
        &mut self,
        sender: &str,
        token: &Addr,
        amount: u128,
        msg: &ReceiveMsg,
    ) -> Result<AppResponse, ContractError> {
        self.send_raw(sender, token, amount, to_json_binary(msg).unwrap().to_vec())
    }

    pub fn send_raw(
        &mut self,
        sender: &str,
        token: &Addr,
        amount: u128,
        msg: Vec<u8>,
    ) -> Result<AppResponse, ContractError> {
        let send = Cw20ExecuteMsg::Send {
            contract: self.billing.to_string(),
            amount: Uint128::new(amount),
            msg: msg.into(),
        };
        contract_result(self.app.execute_contract(
            Addr::unchecked(sender),
            token.clone(),
            &send,
            &[],
        ))
    }

    pub fn query<T: DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(&self.billing, msg)
            .unwrap()
    }

    /// The error message of a refused query.
    pub fn query_error(&self, msg: &QueryMsg) -> String {
        self.app
            .wrap()
            .query_wasm_smart::<serde_json::Value>(&self.billing, msg)
            .unwrap_err()
            .to_string()
    }

    pub fn create_org(&mut self, owner: &str, name: &str) -> u64 {
        let res = self
            .exec(
                owner,
                &ExecuteMsg::CreateOrg {
                    name: name.to_string(),
                },
            )
            .unwrap();
        let id: u64 = from_json(res.data.unwrap()).unwrap();
        self.orgs.push(id);
        id
    }

    pub fn create_plan(&mut self, input: PlanInput) -> u64 {
        let res = self
            .exec(ADMIN, &ExecuteMsg::CreatePlan { plan: input })
            .unwrap();
        from_json(res.data.unwrap()).unwrap()
    }

    pub fn subscription(&self, org_id: u64) -> SubscriptionResponse {
        self.query(&QueryMsg::Subscription {
            org_id,
            auth: self.owner_auth(org_id),
        })
    }

    pub fn stake(&self, org_id: u64) -> StakeResponse {
        self.query(&QueryMsg::Stake {
            org_id,
            auth: self.owner_auth(org_id),
        })
    }

    pub fn org(&self, id: u64) -> OrgResponse {
        self.query(&QueryMsg::Org { id })
    }

    pub fn history(&self, org_id: u64) -> PaymentHistoryResponse {
        self.query(&QueryMsg::PaymentHistory {
            org_id,
            start: None,
            limit: Some(100),
            auth: self.owner_auth(org_id),
        })
    }

    pub fn balance_of(&self, org_id: u64, asset: &Asset) -> u128 {
        self.subscription(org_id)
            .balances
            .iter()
            .find(|b| &b.asset == asset)
            .map_or(0, |b| b.amount.u128())
    }

    pub fn token_balance(&self, token: &Addr, holder: &str) -> u128 {
        let res: BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                token,
                &Cw20QueryMsg::Balance {
                    address: holder.to_string(),
                },
            )
            .unwrap();
        res.balance.u128()
    }

    pub fn bank_balance(&self, holder: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(holder, DENOM)
            .unwrap()
            .amount
            .u128()
    }

    pub fn delegated_on_chain(&self) -> u128 {
        self.app
            .wrap()
            .query_delegation(&self.billing, VALIDATOR)
            .unwrap()
            .map_or(0, |d| d.amount.amount.u128())
    }

    /// The accounting invariant: what the contract holds (in the bank, in each token, and
    /// delegated or unbonding in the staking module) equals what it owes (org balances,
    /// unwithdrawn revenue, stakes and unbonding stakes).
    pub fn assert_books(&self) {
        let totals: TotalsResponse = self.query(&QueryMsg::Totals {});
        let now = self.now();
        // Unstaked delegated coins that the chain has not returned yet.
        let in_flight: u128 = self
            .orgs
            .iter()
            .flat_map(|id| self.stake(*id).unbonding)
            .filter(|u| u.from_delegation && u.release_at.seconds() - UNBONDING_MARGIN > now)
            .map(|u| u.amount.u128())
            .sum();
        let staked_held =
            totals.staked.u128() - totals.delegated.u128() + totals.unbonding.u128() - in_flight;
        assert_eq!(
            self.delegated_on_chain(),
            totals.delegated.u128(),
            "delegation"
        );
        assert!(totals.unbonding_from_delegation.u128() >= in_flight);
        let mut native_seen = false;
        for t in &totals.assets {
            let owed = t.org_balances.u128() + t.revenue.u128();
            match &t.asset {
                Asset::Token { address } => assert_eq!(
                    self.token_balance(&Addr::unchecked(address), self.billing.as_str()),
                    owed,
                    "holdings of {address}"
                ),
                Asset::Native { denom } => {
                    assert_eq!(denom, DENOM);
                    native_seen = true;
                    assert_eq!(
                        self.bank_balance(self.billing.as_str()),
                        owed + staked_held,
                        "bank"
                    );
                }
            }
        }
        if !native_seen {
            assert_eq!(
                self.bank_balance(self.billing.as_str()),
                staked_held,
                "bank"
            );
        }
        // Nothing but the contract's own books may ever be in it.
        assert_eq!(
            self.token_balance(&self.other_token, self.billing.as_str()),
            0
        );
    }

    /// Everything a client can observe, to prove that a refused message changed nothing.
    pub fn snapshot(&self) -> String {
        let mut parts: Vec<serde_json::Value> = vec![
            json(&self.query::<serde_json::Value>(&QueryMsg::Config {})),
            json(&self.query::<TotalsResponse>(&QueryMsg::Totals {})),
            json(&self.query::<PlansResponse>(&QueryMsg::Plans {
                include_retired: Some(true),
            })),
            json(&self.token_balance(&self.token, self.billing.as_str())),
            json(&self.bank_balance(self.billing.as_str())),
        ];
        for id in &self.orgs {
            parts.push(json(&self.org(*id)));
            parts.push(json(&self.subscription(*id)));
            parts.push(json(&self.stake(*id)));
            parts.push(json(&self.history(*id)));
        }
        for user in USERS {
            parts.push(json(&self.query::<serde_json::Value>(&QueryMsg::OrgsOf {
                address: user.to_string(),
                start: None,
                limit: None,
            })));
            parts.push(json(&self.token_balance(&self.token, user)));
            parts.push(json(&self.bank_balance(user)));
        }
        serde_json::to_string(&parts).unwrap()
    }
}

fn json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

/// The viewing key every user sets in a new suite.
pub fn viewing_key(user: &str) -> String {
    format!("key-of-{user}")
}

pub fn uscrt(amount: u128) -> Vec<Coin> {
    coins(amount, DENOM)
}

/// An account with a real secp256k1 key, to sign SNIP-24 query permits.
pub struct PermitSigner(SigningKey);

impl PermitSigner {
    pub fn new(seed: u8) -> Self {
        PermitSigner(SigningKey::from_bytes(&[seed; 32].into()).unwrap())
    }

    pub fn pubkey(&self) -> Vec<u8> {
        self.0
            .verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .to_vec()
    }

    pub fn address(&self) -> String {
        account_from_pubkey(&self.pubkey(), PREFIX).unwrap()
    }

    /// A permit for the test chain over the amino JSON that Keplr signs.
    pub fn permit(
        &self,
        name: &str,
        allowed: &str,
        permissions: Vec<BillingPermission>,
    ) -> Permit<BillingPermission> {
        self.permit_on(TEST_CHAIN_ID, name, allowed, permissions)
    }

    /// A permit signed for `chain_id` (serde_json sorts the keys, as amino JSON does).
    pub fn permit_on(
        &self,
        chain_id: &str,
        name: &str,
        allowed: &str,
        permissions: Vec<BillingPermission>,
    ) -> Permit<BillingPermission> {
        let doc = serde_json::json!({
            "account_number": "0", "chain_id": chain_id,
            "fee": { "amount": [{ "amount": "0", "denom": "uscrt" }], "gas": "1" },
            "memo": "",
            "msgs": [{ "type": "query_permit", "value": {
                "allowed_tokens": [allowed], "permissions": permissions, "permit_name": name } }],
            "sequence": "0",
        });
        let digest = Sha256::digest(serde_json::to_vec(&doc).unwrap());
        let sig: Signature = self.0.sign_prehash(&digest).unwrap();
        Permit {
            params: PermitParams {
                allowed_tokens: vec![allowed.to_string()],
                permit_name: name.to_string(),
                chain_id: chain_id.to_string(),
                permissions,
            },
            signature: PermitSignature {
                pub_key: PubKey {
                    r#type: "tendermint/PubKeySecp256k1".into(),
                    value: Binary::from(self.pubkey()),
                },
                signature: Binary::from(sig.to_bytes().to_vec()),
            },
        }
    }
}
