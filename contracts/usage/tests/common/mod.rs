//! What the specifications share: a multi-test chain with the real billing and usage
//! contracts, gateway keys that sign attestations with real secp256k1 (k256, RFC 6979), and
//! account keys that sign SNIP-24 permits the way Keplr does.
#![allow(dead_code)]

use cw_multi_test::{
    App, AppBuilder, BankKeeper, ContractWrapper, Executor, MockAddressGenerator, MockApiBech32,
    WasmKeeper,
};
use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
use privexbot_shared::cosmwasm_std::{Addr, Binary, Empty, Uint64};
use sha2::{Digest, Sha256};

use privexbot_billing::msg as billing_msg;
use privexbot_shared::permit::{
    account_from_pubkey, Permit, PermitParams, PermitSignature, PubKey,
};
use privexbot_usage::attestation::Attestation;
use privexbot_usage::msg::*;
use privexbot_usage::receipt::Receipt;
use privexbot_usage::ContractError;

pub const PREFIX: &str = "cosmwasm";
pub type TestApp = App<BankKeeper, MockApiBech32>;

/// 2026-11-22T12:00:00Z, the first block's time in every specification.
pub const GENESIS_TS: u64 = 1_795_348_800;
pub const DAY: u64 = 86_400;
pub const BOT_A: [u8; 16] = [0xa1; 16];
pub const BOT_B: [u8; 16] = [0xb2; 16];
pub const BOT_A_ID: &str = "a1a1a1a1-a1a1-a1a1-a1a1-a1a1a1a1a1a1";

/// A TEE gateway's signing key.
pub struct Gateway {
    pub key: SigningKey,
    pub pubkey: [u8; 33],
}

impl Gateway {
    pub fn from_seed(seed: u8) -> Self {
        let key = SigningKey::from_bytes(&[seed; 32].into()).expect("valid scalar");
        let point = key.verifying_key().to_encoded_point(true);
        let pubkey: [u8; 33] = point.as_bytes().try_into().unwrap();
        Gateway { key, pubkey }
    }

    pub fn pubkey_binary(&self) -> Binary {
        Binary::from(self.pubkey.to_vec())
    }

    pub fn attestation(
        &self,
        seq: u64,
        org: u64,
        bot: [u8; 16],
        ts: u64,
        prompt: u32,
        completion: u32,
    ) -> Attestation {
        Attestation {
            signer: self.pubkey,
            seq,
            org,
            bot,
            ts,
            prompt_tokens: prompt,
            completion_tokens: completion,
            req_hash: Sha256::digest(seq.to_be_bytes()).into(),
            model: "llama-3.3-70b".to_string(),
        }
    }

    pub fn sign(&self, att: &Attestation) -> [u8; 64] {
        let sig: Signature = self.key.sign_prehash(&att.hash()).expect("signs");
        sig.to_bytes().into()
    }

    /// `submit_batch` with every attestation signed by this gateway.
    pub fn batch(&self, first_seq: u64, atts: &[Attestation]) -> ExecuteMsg {
        ExecuteMsg::SubmitBatch {
            signer: self.pubkey_binary(),
            first_seq: Uint64::new(first_seq),
            attestations: atts
                .iter()
                .map(|a| Binary::from(a.wire_record(&self.sign(a))))
                .collect(),
        }
    }
}

impl Gateway {
    /// The receipt this gateway would sign over `atts` (consecutive seqs, in order).
    pub fn receipt(&self, atts: &[Attestation]) -> Receipt {
        Receipt::over(atts).expect("consecutive attestations of one signer")
    }

    pub fn sign_receipt(&self, receipt: &Receipt) -> [u8; 64] {
        let sig: Signature = self.key.sign_prehash(&receipt.hash()).expect("signs");
        sig.to_bytes().into()
    }

    /// `submit_receipt` carrying `receipt` with `signature`, exactly as a relayer sends it.
    pub fn receipt_msg(receipt: &Receipt, signature: &[u8]) -> ExecuteMsg {
        ExecuteMsg::SubmitReceipt {
            signer: Binary::from(receipt.signer.to_vec()),
            first_seq: Uint64::new(receipt.first_seq),
            last_seq: Uint64::new(receipt.last_seq),
            root: Binary::from(receipt.root.to_vec()),
            lines: Binary::from(receipt.lines_bytes()),
            signature: Binary::from(signature.to_vec()),
        }
    }

    /// `submit_receipt` over `atts`, signed by this gateway.
    pub fn settle(&self, atts: &[Attestation]) -> ExecuteMsg {
        let receipt = self.receipt(atts);
        Self::receipt_msg(&receipt, &self.sign_receipt(&receipt))
    }
}

/// A wallet account: its address is derived from its key, as on a real chain.
pub struct Account {
    pub key: SigningKey,
    pub pubkey: Vec<u8>,
    pub addr: Addr,
}

impl Account {
    pub fn from_seed(seed: u8) -> Self {
        let key = SigningKey::from_bytes(&[seed; 32].into()).expect("valid scalar");
        let pubkey = key
            .verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .to_vec();
        let addr = Addr::unchecked(account_from_pubkey(&pubkey, PREFIX).unwrap());
        Account { key, pubkey, addr }
    }

    /// A SNIP-24 permit signed over the amino JSON that Keplr's `signAmino` signs, built
    /// independently of the contract's code (serde_json sorts object keys).
    pub fn permit(
        &self,
        name: &str,
        allowed: &[&str],
        permissions: &[&str],
    ) -> Permit<UsagePermission> {
        let doc = serde_json::json!({
            "account_number": "0",
            "chain_id": "cosmos-testnet-14002",
            "fee": { "amount": [{ "amount": "0", "denom": "uscrt" }], "gas": "1" },
            "memo": "",
            "msgs": [{ "type": "query_permit", "value": {
                "allowed_tokens": allowed, "permissions": permissions, "permit_name": name } }],
            "sequence": "0",
        });
        let digest = Sha256::digest(serde_json::to_vec(&doc).unwrap());
        let sig: Signature = self.key.sign_prehash(&digest).expect("signs");
        let permissions = permissions
            .iter()
            .map(|p| serde_json::from_value(serde_json::json!(p)).unwrap())
            .collect();
        Permit {
            params: PermitParams {
                allowed_tokens: allowed.iter().map(|s| s.to_string()).collect(),
                permit_name: name.to_string(),
                chain_id: "cosmos-testnet-14002".to_string(),
                permissions,
            },
            signature: PermitSignature {
                pub_key: PubKey {
                    r#type: "tendermint/PubKeySecp256k1".to_string(),
                    value: Binary::from(self.pubkey.clone()),
                },
                signature: Binary::from(sig.to_bytes().to_vec()),
            },
        }
    }
}

pub struct Suite {
    pub app: TestApp,
    pub billing: Addr,
    pub usage: Addr,
    /// The usage code, with its `migrate` entry point.
    pub usage_code: u64,
    pub admin: Addr,
    pub relayer: Addr,
    pub stranger: Addr,
    pub gateway: Gateway,
    /// Owner of org `org`, with the usage contract's viewing key "owner key".
    pub owner: Account,
    pub org: u64,
}

pub fn addr(app: &TestApp, name: &str) -> Addr {
    app.api().addr_make(name)
}

impl Suite {
    /// Billing and usage instantiated, one relayer allowed, gateway registered (mode tee),
    /// one org created by `owner`, whose viewing key is set.
    pub fn new() -> Self {
        let mut app: TestApp = AppBuilder::new()
            .with_api(MockApiBech32::new(PREFIX))
            .with_wasm(
                WasmKeeper::<Empty, Empty>::new().with_address_generator(MockAddressGenerator),
            )
            .build(|_, _, _| {});
        app.update_block(|b| {
            b.time = privexbot_shared::cosmwasm_std::Timestamp::from_seconds(GENESIS_TS)
        });
        let admin = addr(&app, "admin");
        let relayer = addr(&app, "relayer");
        let stranger = addr(&app, "stranger");

        let billing_code = app.store_code(Box::new(ContractWrapper::new(
            privexbot_billing::contract::execute,
            privexbot_billing::contract::instantiate,
            privexbot_billing::contract::query,
        )));
        let usage_code = app.store_code(Box::new(
            ContractWrapper::new(
                privexbot_usage::contract::execute,
                privexbot_usage::contract::instantiate,
                privexbot_usage::contract::query,
            )
            .with_migrate(privexbot_usage::contract::migrate),
        ));
        let billing = app
            .instantiate_contract(
                billing_code,
                admin.clone(),
                &billing_msg::InstantiateMsg {
                    admin: None,
                    treasury: admin.to_string(),
                    accepted_tokens: vec![],
                    native_denom: Some("uscrt".into()),
                    usage_contract: None,
                    staking: billing_msg::StakingSettings {
                        stake_denom: "uscrt".into(),
                        unbonding_seconds: 21 * DAY,
                        validator: None,
                    },
                    address_prefix: None,
                    max_orgs_per_creator: None,
                },
                &[],
                "billing",
                None,
            )
            .unwrap();
        let usage = app
            .instantiate_contract(
                usage_code,
                admin.clone(),
                &InstantiateMsg {
                    admin: None,
                    billing: BillingContract {
                        address: billing.to_string(),
                        code_hash: None,
                    },
                    relayers: vec![relayer.to_string()],
                    max_batch_size: None,
                    max_future_skew_secs: None,
                    address_prefix: None,
                    max_receipt_lines: None,
                },
                &[],
                "usage",
                // The chain admin that may migrate it, as the deploy sets it.
                Some(admin.to_string()),
            )
            .unwrap();
        let gateway = Gateway::from_seed(7);
        let owner = Account::from_seed(21);
        let mut suite = Suite {
            app,
            billing,
            usage,
            usage_code,
            admin,
            relayer,
            stranger,
            gateway,
            owner,
            org: 0,
        };
        suite
            .register(&Gateway::from_seed(7), SignerMode::Tee)
            .unwrap();
        suite.org = suite.create_org(&suite.owner.addr.clone(), "Acme");
        let owner = suite.owner.addr.clone();
        suite
            .exec(
                &owner,
                &ExecuteMsg::SetViewingKey {
                    key: "owner key".into(),
                    padding: None,
                },
            )
            .unwrap();
        suite
    }

    pub fn exec(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
    ) -> Result<cw_multi_test::AppResponse, ContractError> {
        self.app
            .execute_contract(sender.clone(), self.usage.clone(), msg, &[])
            .map_err(|e| {
                e.downcast::<ContractError>()
                    .expect("a usage ContractError")
            })
    }

    pub fn submit(
        &mut self,
        msg: &ExecuteMsg,
    ) -> Result<cw_multi_test::AppResponse, ContractError> {
        let relayer = self.relayer.clone();
        self.exec(&relayer, msg)
    }

    pub fn register(
        &mut self,
        gw: &Gateway,
        mode: SignerMode,
    ) -> Result<cw_multi_test::AppResponse, ContractError> {
        let admin = self.admin.clone();
        self.exec(
            &admin,
            &ExecuteMsg::RegisterSigner {
                pubkey: gw.pubkey_binary(),
                attestation_hash: Binary::from(Sha256::digest(b"tee report").to_vec()),
                mode,
            },
        )
    }

    pub fn create_org(&mut self, owner: &Addr, name: &str) -> u64 {
        let res = self
            .app
            .execute_contract(
                owner.clone(),
                self.billing.clone(),
                &billing_msg::ExecuteMsg::CreateOrg { name: name.into() },
                &[],
            )
            .unwrap();
        let attr = res
            .events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == "org_id")
            .expect("org_id attribute");
        attr.value.parse().unwrap()
    }

    pub fn add_role(&mut self, org: u64, role: billing_msg::Role, address: &Addr) {
        let owner = self.owner.addr.clone();
        self.app
            .execute_contract(
                owner,
                self.billing.clone(),
                &billing_msg::ExecuteMsg::AddOrgRole {
                    org_id: org,
                    role,
                    address: address.to_string(),
                },
                &[],
            )
            .unwrap();
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T, String> {
        self.app
            .wrap()
            .query_wasm_smart(self.usage.clone(), msg)
            .map_err(|e| e.to_string())
    }

    pub fn owner_auth(&self) -> QueryAuth {
        QueryAuth::ViewingKey {
            address: self.owner.addr.to_string(),
            key: "owner key".into(),
        }
    }

    pub fn org_usage(&self, org: u64, from_day: u32, to_day: u32) -> UsageResponse {
        self.query(&QueryMsg::OrgUsage {
            org_id: org,
            from_day,
            to_day,
            auth: self.owner_auth(),
        })
        .unwrap()
    }

    pub fn last_seq(&self, gw: &Gateway) -> u64 {
        let r: LastSeqResponse = self
            .query(&QueryMsg::LastSeq {
                signer: gw.pubkey_binary(),
            })
            .unwrap();
        r.last_seq.u64()
    }

    /// Everything a rejected message must leave as it was.
    pub fn snapshot(
        &self,
    ) -> (
        TotalsResponse,
        BatchesResponse,
        UsageResponse,
        Vec<SignerResponse>,
    ) {
        let signers: SignersResponse = self
            .query(&QueryMsg::Signers {
                start: None,
                limit: Some(100),
            })
            .unwrap();
        let today = (self.app.block_info().time.seconds() / DAY) as u32;
        (
            self.query(&QueryMsg::Totals {}).unwrap(),
            self.query(&QueryMsg::Batches {
                start: None,
                limit: Some(100),
            })
            .unwrap(),
            self.org_usage(self.org, today.saturating_sub(365), today),
            signers.signers,
        )
    }

    pub fn advance(&mut self, seconds: u64) {
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(seconds);
            b.height += (seconds / 5).max(1);
        });
    }

    pub fn now(&self) -> u64 {
        self.app.block_info().time.seconds()
    }
}

pub fn day(ts: u64) -> u32 {
    (ts / DAY) as u32
}
