//! Unit tests over mock dependencies, run on both targets (`cargo test -p privexbot-usage` and
//! `... --no-default-features --features secret`). They cover what multi-test cannot reach
//! (a counter overflow) and what only the Secret build does (secret-toolkit permits and
//! viewing keys, response padding, the billing code hash on the org query).

use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
use sha2::{Digest, Sha256};

use privexbot_shared::cosmwasm_std::testing::{
    mock_dependencies, mock_env, mock_info, MockApi, MockQuerier, MockStorage, MOCK_CONTRACT_ADDR,
};
use privexbot_shared::cosmwasm_std::Storage;
use privexbot_shared::cosmwasm_std::{
    coins, Binary, ContractResult, Env, OwnedDeps, SystemResult, Timestamp, Uint64, WasmQuery,
};
use privexbot_shared::permit::{
    account_from_pubkey, Permit, PermitParams, PermitSignature, PubKey,
};
use privexbot_shared::storage::from_json_bytes;

use crate::attestation::Attestation;
use crate::bot_id::BotId;
use crate::compact::encode_org_day;
use crate::contract::{execute, instantiate, query};
use crate::msg::*;
use crate::receipt::Receipt;
use crate::state::{legacy, org_day_key, CONFIG};
use crate::ContractError;

const PREFIX: &str = "secret";
const BILLING_HASH: &str = "2f1e8a6c9b0d4e3f7a5c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5";
const ORG: u64 = 5;

type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier>;

struct Key(SigningKey);

impl Key {
    fn new(seed: u8) -> Self {
        Key(SigningKey::from_bytes(&[seed; 32].into()).unwrap())
    }
    fn pubkey(&self) -> [u8; 33] {
        self.0
            .verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .try_into()
            .unwrap()
    }
    fn sign(&self, digest: &[u8]) -> [u8; 64] {
        let sig: Signature = self.0.sign_prehash(digest).unwrap();
        sig.to_bytes().into()
    }
    fn address(&self) -> String {
        account_from_pubkey(&self.pubkey(), PREFIX).unwrap()
    }
    /// A SNIP-24 permit for the mock chain.
    fn permit(&self, name: &str, allowed: &str) -> Permit<UsagePermission> {
        self.permit_on(&mock_env().block.chain_id, name, allowed)
    }
    /// A SNIP-24 permit over the amino JSON that Keplr signs (serde_json sorts the keys).
    fn permit_on(&self, chain_id: &str, name: &str, allowed: &str) -> Permit<UsagePermission> {
        let doc = serde_json::json!({
            "account_number": "0", "chain_id": chain_id,
            "fee": { "amount": [{ "amount": "0", "denom": "uscrt" }], "gas": "1" },
            "memo": "",
            "msgs": [{ "type": "query_permit", "value": {
                "allowed_tokens": [allowed], "permissions": ["usage"], "permit_name": name } }],
            "sequence": "0",
        });
        let sig = self.sign(&Sha256::digest(serde_json::to_vec(&doc).unwrap()));
        Permit {
            params: PermitParams {
                allowed_tokens: vec![allowed.to_string()],
                permit_name: name.to_string(),
                chain_id: chain_id.to_string(),
                permissions: vec![UsagePermission::Usage],
            },
            signature: PermitSignature {
                pub_key: PubKey {
                    r#type: "tendermint/PubKeySecp256k1".into(),
                    value: Binary::from(self.pubkey().to_vec()),
                },
                signature: Binary::from(sig.to_vec()),
            },
        }
    }
}

fn env_at(ts: u64) -> Env {
    let mut env = mock_env();
    env.block.time = Timestamp::from_seconds(ts);
    env
}

/// Instantiated with a billing contract whose org `ORG` is owned by `owner`; the mock billing
/// answers only when the query carries the configured code hash (on Secret).
fn setup(owner: String, gateway: &Key) -> Deps {
    let mut deps = mock_dependencies();
    deps.querier.update_wasm(move |q| match q {
        #[cfg(feature = "secret")]
        WasmQuery::Smart {
            contract_addr,
            code_hash,
            msg,
        } if contract_addr == "billing" => {
            if code_hash != BILLING_HASH {
                return SystemResult::Ok(ContractResult::Err(format!(
                    "wrong code hash {code_hash}"
                )));
            }
            org_answer(msg, &owner)
        }
        #[cfg(feature = "vanilla")]
        WasmQuery::Smart { contract_addr, msg } if contract_addr == "billing" => {
            org_answer(msg, &owner)
        }
        _ => SystemResult::Ok(ContractResult::Err("no such contract".into())),
    });
    let msg = InstantiateMsg {
        admin: None,
        billing: BillingContract {
            address: "billing".into(),
            code_hash: Some(BILLING_HASH.into()),
        },
        relayers: vec!["relayer".into()],
        max_batch_size: None,
        max_future_skew_secs: None,
        address_prefix: Some(PREFIX.into()),
        max_receipt_lines: None,
    };
    instantiate(deps.as_mut(), mock_env(), mock_info("admin", &[]), msg).unwrap();
    let register = ExecuteMsg::RegisterSigner {
        pubkey: Binary::from(gateway.pubkey().to_vec()),
        attestation_hash: Binary::from(vec![1u8; 32]),
        mode: SignerMode::Tee,
    };
    execute(deps.as_mut(), mock_env(), mock_info("admin", &[]), register).unwrap();
    deps
}

fn org_answer(msg: &Binary, owner: &str) -> privexbot_shared::cosmwasm_std::QuerierResult {
    let asked: serde_json::Value = serde_json::from_slice(msg.as_slice()).unwrap();
    if asked != serde_json::json!({ "org": { "id": ORG } }) {
        return SystemResult::Ok(ContractResult::Err("org not found".into()));
    }
    let org = serde_json::json!({
        "id": ORG, "name": "Acme", "owner": owner, "admins": [], "members": [], "auditors": [],
        "pending_owner": null,
    });
    SystemResult::Ok(ContractResult::Ok(Binary::from(
        serde_json::to_vec(&org).unwrap(),
    )))
}

fn batch(gateway: &Key, first_seq: u64, atts: &[Attestation]) -> ExecuteMsg {
    ExecuteMsg::SubmitBatch {
        signer: Binary::from(gateway.pubkey().to_vec()),
        first_seq: Uint64::new(first_seq),
        attestations: atts
            .iter()
            .map(|a| Binary::from(a.wire_record(&gateway.sign(&a.hash()))))
            .collect(),
    }
}

fn attestation(gateway: &Key, seq: u64, ts: u64) -> Attestation {
    Attestation {
        signer: gateway.pubkey(),
        seq,
        org: ORG,
        bot: [3u8; 16],
        ts,
        prompt_tokens: 10,
        completion_tokens: 20,
        req_hash: [4u8; 32],
        model: "model".into(),
    }
}

const NOW: u64 = 1_795_348_800;

#[test]
fn a_counter_overflow_is_refused_and_writes_nothing() {
    let gateway = Key::new(1);
    let mut deps = setup("owner".into(), &gateway);
    let day = (NOW / 86_400) as u32;
    let relayer = mock_info("relayer", &[]);
    let msg = batch(&gateway, 1, &[attestation(&gateway, 1, NOW)]);
    execute(deps.as_mut(), env_at(NOW), relayer.clone(), msg).unwrap();
    // A history that already fills the bot's message counter for today.
    let full = encode_org_day(&[(
        0,
        UsageCounters {
            messages: Uint64::MAX,
            ..Default::default()
        },
    )]);
    deps.storage.set(&org_day_key(ORG, day), &full);
    let msg = batch(&gateway, 2, &[attestation(&gateway, 2, NOW)]);
    let err = execute(deps.as_mut(), env_at(NOW), relayer, msg).unwrap_err();
    assert_eq!(err, ContractError::Overflow {});
    // Nothing of the batch was written: counters, sequence and batch list are as before.
    assert_eq!(deps.storage.get(&org_day_key(ORG, day)), Some(full));
    let seq: LastSeqResponse = from_json_bytes(
        &query(
            deps.as_ref(),
            mock_env(),
            QueryMsg::LastSeq {
                signer: Binary::from(gateway.pubkey().to_vec()),
            },
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(seq.last_seq, Uint64::one());
    let totals: TotalsResponse =
        from_json_bytes(&query(deps.as_ref(), mock_env(), QueryMsg::Totals {}).unwrap()).unwrap();
    assert_eq!(totals.batches, 1);
    assert_eq!(totals.counters.messages, Uint64::one());
}

fn counters(messages: u64, prompt: u128, completion: u128) -> UsageCounters {
    UsageCounters {
        messages: Uint64::new(messages),
        prompt_tokens: prompt.into(),
        completion_tokens: completion.into(),
    }
}

/// Gives the org's owner the viewing key `vk`.
fn owner_viewing_key(deps: &mut Deps) -> QueryAuth {
    let set = ExecuteMsg::SetViewingKey {
        key: "vk".into(),
        padding: None,
    };
    execute(deps.as_mut(), mock_env(), mock_info("owner", &[]), set).unwrap();
    QueryAuth::ViewingKey {
        address: "owner".into(),
        key: "vk".into(),
    }
}

fn ask<T: serde::de::DeserializeOwned>(deps: &Deps, msg: QueryMsg) -> T {
    from_json_bytes(&query(deps.as_ref(), mock_env(), msg).unwrap()).unwrap()
}

fn org_days(
    deps: &Deps,
    auth: &QueryAuth,
    from_day: u32,
    to_day: u32,
) -> Vec<(u32, UsageCounters)> {
    let usage: UsageResponse = ask(
        deps,
        QueryMsg::OrgUsage {
            org_id: ORG,
            from_day,
            to_day,
            auth: auth.clone(),
        },
    );
    usage
        .days
        .into_iter()
        .map(|d| (d.day, d.counters))
        .collect()
}

fn bot_days(
    deps: &Deps,
    auth: &QueryAuth,
    bot: [u8; 16],
    from_day: u32,
    to_day: u32,
) -> Vec<(u32, UsageCounters)> {
    let usage: UsageResponse = ask(
        deps,
        QueryMsg::BotUsage {
            org_id: ORG,
            bot: BotId(bot).to_string(),
            from_day,
            to_day,
            auth: auth.clone(),
        },
    );
    usage
        .days
        .into_iter()
        .map(|d| (d.day, d.counters))
        .collect()
}

fn bots_of_org(deps: &Deps, auth: &QueryAuth) -> Vec<String> {
    let bots: OrgBotsResponse = ask(
        deps,
        QueryMsg::OrgBots {
            org_id: ORG,
            start: None,
            limit: None,
            auth: auth.clone(),
        },
    );
    assert_eq!(bots.total, bots.bots.len() as u64);
    bots.bots
}

/// A contract whose state predates the compact counters (its config has no
/// `legacy_counters`, its counters are JSON under the old keys) keeps every count exact: the
/// queries add the old counters to the new ones, and new bots follow the old ones in the list.
#[test]
fn counters_of_the_legacy_layout_stay_exact_and_are_added_to() {
    let gateway = Key::new(1);
    let mut deps = setup("owner".into(), &gateway);
    let mut config = serde_json::to_value(CONFIG.load(&deps.storage).unwrap()).unwrap();
    config.as_object_mut().unwrap().remove("legacy_counters");
    CONFIG
        .save(
            deps.as_mut().storage,
            &serde_json::from_value(config).unwrap(),
        )
        .unwrap();
    let today = (NOW / 86_400) as u32;
    let (old_bot, bot, new_bot) = ([9u8; 16], [3u8; 16], [5u8; 16]);
    let store = deps.as_mut().storage;
    for b in [old_bot, bot] {
        legacy::org_bots(ORG)
            .push(store, &BotId(b).to_string())
            .unwrap();
    }
    legacy::ORG_DAY
        .save(store, &(ORG, today - 1), &counters(4, 40, 80))
        .unwrap();
    legacy::ORG_DAY
        .save(store, &(ORG, today), &counters(2, 20, 40))
        .unwrap();
    legacy::BOT_DAY
        .save(
            store,
            &(ORG, BotId(old_bot), today - 1),
            &counters(4, 40, 80),
        )
        .unwrap();
    legacy::BOT_DAY
        .save(store, &(ORG, BotId(bot), today), &counters(2, 20, 40))
        .unwrap();
    let auth = owner_viewing_key(&mut deps);
    let names = |bots: &[[u8; 16]]| {
        bots.iter()
            .map(|b| BotId(*b).to_string())
            .collect::<Vec<_>>()
    };

    // Before anything new is settled, the old layout answers alone.
    assert_eq!(bots_of_org(&deps, &auth), names(&[old_bot, bot]));
    assert_eq!(
        org_days(&deps, &auth, today - 1, today),
        vec![
            (today - 1, counters(4, 40, 80)),
            (today, counters(2, 20, 40))
        ]
    );

    // Three answers of `bot` today (10 prompt and 20 completion tokens each), by receipt.
    let atts: Vec<Attestation> = (1..=3).map(|seq| attestation(&gateway, seq, NOW)).collect();
    let receipt = Receipt::over(&atts).unwrap();
    let relayer = mock_info("relayer", &[]);
    let msg = receipt_msg(&receipt, &gateway.sign(&receipt.hash()));
    execute(deps.as_mut(), env_at(NOW), relayer.clone(), msg).unwrap();
    // Then one answer of a bot the org never used, by batch.
    let mut first_answer = attestation(&gateway, 4, NOW);
    first_answer.bot = new_bot;
    let msg = batch(&gateway, 4, &[first_answer]);
    execute(deps.as_mut(), env_at(NOW), relayer, msg).unwrap();

    assert_eq!(
        org_days(&deps, &auth, today - 1, today),
        vec![
            (today - 1, counters(4, 40, 80)),
            (today, counters(6, 60, 120))
        ]
    );
    assert_eq!(
        bot_days(&deps, &auth, bot, today - 1, today),
        vec![(today, counters(5, 50, 100))]
    );
    assert_eq!(
        bot_days(&deps, &auth, old_bot, today - 1, today),
        vec![(today - 1, counters(4, 40, 80))]
    );
    assert_eq!(
        bot_days(&deps, &auth, new_bot, today - 1, today),
        vec![(today, counters(1, 10, 20))]
    );
    assert_eq!(bots_of_org(&deps, &auth), names(&[old_bot, bot, new_bot]));
    // The old keys were only read: they hold what they held.
    assert_eq!(
        legacy::ORG_DAY.load(&deps.storage, &(ORG, today)).unwrap(),
        counters(2, 20, 40)
    );
    assert_eq!(legacy::org_bots(ORG).len(&deps.storage).unwrap(), 2);
}

/// Where the old counter and the new one together would not fit, the settlement is refused
/// whole: a query must never be unable to add what was settled.
#[test]
fn a_legacy_counter_counts_toward_overflow() {
    let gateway = Key::new(1);
    let mut deps = setup("owner".into(), &gateway);
    let mut config = CONFIG.load(&deps.storage).unwrap();
    config.legacy_counters = true;
    CONFIG.save(deps.as_mut().storage, &config).unwrap();
    let today = (NOW / 86_400) as u32;
    let store = deps.as_mut().storage;
    legacy::org_bots(ORG)
        .push(store, &BotId([3u8; 16]).to_string())
        .unwrap();
    let full = counters(u64::MAX, 0, 0);
    legacy::ORG_DAY.save(store, &(ORG, today), &full).unwrap();
    legacy::BOT_DAY
        .save(store, &(ORG, BotId([3u8; 16]), today), &full)
        .unwrap();
    let msg = batch(&gateway, 1, &[attestation(&gateway, 1, NOW)]);
    let err = execute(deps.as_mut(), env_at(NOW), mock_info("relayer", &[]), msg).unwrap_err();
    assert_eq!(err, ContractError::Overflow {});
    assert_eq!(deps.storage.get(&org_day_key(ORG, today)), None);
}

fn receipt_msg(receipt: &Receipt, signature: &[u8; 64]) -> ExecuteMsg {
    ExecuteMsg::SubmitReceipt {
        signer: Binary::from(receipt.signer.to_vec()),
        first_seq: Uint64::new(receipt.first_seq),
        last_seq: Uint64::new(receipt.last_seq),
        root: Binary::from(receipt.root.to_vec()),
        lines: Binary::from(receipt.lines_bytes()),
        signature: Binary::from(signature.to_vec()),
    }
}

/// The receipt path on this target's crypto and storage: one host `secp256k1_verify` over the
/// SHA-256 of the rebuilt canonical bytes, forged deltas refused, counters added once.
#[test]
fn a_receipt_settles_and_a_forged_one_does_not() {
    let gateway = Key::new(1);
    let mut deps = setup("owner".into(), &gateway);
    let atts: Vec<Attestation> = (1..=3).map(|seq| attestation(&gateway, seq, NOW)).collect();
    let receipt = Receipt::over(&atts).unwrap();
    let signature = gateway.sign(&receipt.hash());
    let mut forged = receipt.clone();
    forged.lines[0].completion_tokens += 1;
    let relayer = mock_info("relayer", &[]);
    let err = execute(
        deps.as_mut(),
        env_at(NOW),
        relayer.clone(),
        receipt_msg(&forged, &signature),
    );
    assert_eq!(err.unwrap_err(), ContractError::BadReceiptSignature {});
    let paid = mock_info("relayer", &coins(5, "uscrt"));
    let err = execute(
        deps.as_mut(),
        env_at(NOW),
        paid,
        receipt_msg(&receipt, &signature),
    );
    assert_eq!(
        err.unwrap_err(),
        ContractError::FundsNotAccepted {
            denoms: "uscrt".into()
        }
    );
    execute(
        deps.as_mut(),
        env_at(NOW),
        relayer.clone(),
        receipt_msg(&receipt, &signature),
    )
    .unwrap();
    let err = execute(
        deps.as_mut(),
        env_at(NOW),
        relayer,
        receipt_msg(&receipt, &signature),
    );
    assert_eq!(
        err.unwrap_err(),
        ContractError::SequenceReplay {
            first_seq: 1,
            last_seq: 3
        }
    );
    let day = (NOW / 86_400) as u32;
    let auth = owner_viewing_key(&mut deps);
    assert_eq!(
        org_days(&deps, &auth, day, day),
        vec![(day, counters(3, 30, 60))]
    );
    let header: ReceiptHeader =
        from_json_bytes(&query(deps.as_ref(), mock_env(), QueryMsg::Receipt { id: 0 }).unwrap())
            .unwrap();
    assert_eq!(header.receipt_hash, Binary::from(receipt.hash().to_vec()));
}

#[test]
fn instantiate_refuses_bad_config() {
    let mut deps = mock_dependencies();
    let base = InstantiateMsg {
        admin: None,
        billing: BillingContract {
            address: "billing".into(),
            code_hash: Some(BILLING_HASH.into()),
        },
        relayers: vec![],
        max_batch_size: None,
        max_future_skew_secs: None,
        address_prefix: None,
        max_receipt_lines: None,
    };
    // The mock contract address is not bech32, so the prefix must be given.
    let err = instantiate(
        deps.as_mut(),
        mock_env(),
        mock_info("admin", &[]),
        base.clone(),
    )
    .unwrap_err();
    assert!(
        matches!(err, ContractError::InvalidConfig { .. }),
        "{err:?}"
    );
    let bad_prefix = InstantiateMsg {
        address_prefix: Some("Bad Prefix".into()),
        max_receipt_lines: None,
        ..base.clone()
    };
    let err = instantiate(
        deps.as_mut(),
        mock_env(),
        mock_info("admin", &[]),
        bad_prefix,
    )
    .unwrap_err();
    assert!(matches!(err, ContractError::Permit(_)), "{err:?}");
    let zero = InstantiateMsg {
        address_prefix: Some(PREFIX.into()),
        max_receipt_lines: None,
        max_batch_size: Some(0),
        ..base
    };
    let err = instantiate(deps.as_mut(), mock_env(), mock_info("admin", &[]), zero).unwrap_err();
    assert!(
        matches!(err, ContractError::InvalidConfig { .. }),
        "{err:?}"
    );
}

#[test]
fn a_permit_signed_by_a_real_key_reads_usage_and_a_tampered_one_does_not() {
    let gateway = Key::new(1);
    let owner = Key::new(2);
    let mut deps = setup(owner.address(), &gateway);
    execute(
        deps.as_mut(),
        env_at(NOW),
        mock_info("relayer", &[]),
        batch(&gateway, 1, &[attestation(&gateway, 1, NOW)]),
    )
    .unwrap();
    let day = (NOW / 86_400) as u32;
    let ask = |permit| QueryMsg::OrgUsage {
        org_id: ORG,
        from_day: day,
        to_day: day,
        auth: QueryAuth::Permit(permit),
    };

    let permit = owner.permit("dash", MOCK_CONTRACT_ADDR);
    let usage: UsageResponse =
        from_json_bytes(&query(deps.as_ref(), mock_env(), ask(permit.clone())).unwrap()).unwrap();
    assert_eq!(usage.total.messages, Uint64::new(1));

    let mut tampered = permit.clone();
    tampered.params.permit_name = "dash2".into();
    assert_eq!(
        query(deps.as_ref(), mock_env(), ask(tampered)).unwrap_err(),
        ContractError::Permit(privexbot_shared::permit::PermitError::InvalidSignature {})
    );
    let elsewhere = owner.permit("dash", "secret1other");
    assert!(matches!(
        query(deps.as_ref(), mock_env(), ask(elsewhere)).unwrap_err(),
        ContractError::Permit(privexbot_shared::permit::PermitError::WrongContract { .. })
    ));
    // Correctly signed for this contract, but for another chain: refused on both targets.
    let mainnet = owner.permit_on("secret-4", "dash", MOCK_CONTRACT_ADDR);
    assert_eq!(
        query(deps.as_ref(), mock_env(), ask(mainnet)).unwrap_err(),
        ContractError::Permit(privexbot_shared::permit::PermitError::WrongChain {
            permit_chain_id: "secret-4".into(),
            chain_id: mock_env().block.chain_id,
        })
    );
    let other = Key::new(3).permit("dash", MOCK_CONTRACT_ADDR);
    assert_eq!(
        query(deps.as_ref(), mock_env(), ask(other)).unwrap_err(),
        ContractError::NotAllowedToReadUsage {
            address: Key::new(3).address(),
            org_id: ORG
        }
    );
    execute(
        deps.as_mut(),
        mock_env(),
        mock_info(&owner.address(), &[]),
        ExecuteMsg::RevokePermit {
            permit_name: "dash".into(),
            padding: None,
        },
    )
    .unwrap();
    assert!(matches!(
        query(deps.as_ref(), mock_env(), ask(permit)).unwrap_err(),
        ContractError::Permit(privexbot_shared::permit::PermitError::Revoked { .. })
    ));
}

#[test]
fn viewing_keys_read_usage() {
    let gateway = Key::new(1);
    let mut deps = setup("owner".into(), &gateway);
    let set = ExecuteMsg::SetViewingKey {
        key: "vk".into(),
        padding: None,
    };
    execute(deps.as_mut(), mock_env(), mock_info("owner", &[]), set).unwrap();
    let ask = |key: &str| QueryMsg::OrgBots {
        org_id: ORG,
        start: None,
        limit: None,
        auth: QueryAuth::ViewingKey {
            address: "owner".into(),
            key: key.into(),
        },
    };
    assert!(query(deps.as_ref(), mock_env(), ask("vk")).is_ok());
    assert_eq!(
        query(deps.as_ref(), mock_env(), ask("wrong")).unwrap_err(),
        ContractError::InvalidViewingKey {
            address: "owner".into()
        }
    );
}

#[test]
fn the_org_query_reaches_billing_with_its_code_hash() {
    // `setup`'s billing answers only with the right code hash on Secret; reading usage through
    // it proves the hash was sent. With another configured hash the same query fails.
    let gateway = Key::new(1);
    let mut deps = setup("owner".into(), &gateway);
    execute(
        deps.as_mut(),
        mock_env(),
        mock_info("owner", &[]),
        ExecuteMsg::SetViewingKey {
            key: "vk".into(),
            padding: None,
        },
    )
    .unwrap();
    let ask = || QueryMsg::OrgBots {
        org_id: ORG,
        start: None,
        limit: None,
        auth: QueryAuth::ViewingKey {
            address: "owner".into(),
            key: "vk".into(),
        },
    };
    assert!(query(deps.as_ref(), mock_env(), ask()).is_ok());
    let other_hash = "0".repeat(64);
    let update = ExecuteMsg::UpdateConfig {
        billing: Some(BillingContract {
            address: "billing".into(),
            code_hash: Some(other_hash.clone()),
        }),
        max_batch_size: None,
        max_future_skew_secs: None,
        max_receipt_lines: None,
        accept_v1: None,
    };
    execute(deps.as_mut(), mock_env(), mock_info("admin", &[]), update).unwrap();
    let result = query(deps.as_ref(), mock_env(), ask());
    if cfg!(feature = "secret") {
        let err = result.unwrap_err();
        assert!(
            matches!(&err, ContractError::BillingQueryFailed { reason, .. } if reason.contains(&format!("wrong code hash {other_hash}"))),
            "{err:?}"
        );
    } else {
        assert!(result.is_ok(), "vanilla chains have no code hash");
    }
}

#[cfg(feature = "secret")]
mod secret_only {
    use super::*;

    #[test]
    fn responses_are_padded_to_256_byte_blocks() {
        let gateway = Key::new(1);
        let mut deps = setup("owner".into(), &gateway);
        let res = execute(
            deps.as_mut(),
            mock_env(),
            mock_info("owner", &[]),
            ExecuteMsg::CreateViewingKey {
                entropy: "e".into(),
                padding: None,
            },
        )
        .unwrap();
        let data = res.data.unwrap();
        assert_eq!(data.len() % 256, 0);
        let key: ViewingKeyResponse = from_json_bytes(data.as_slice()).unwrap();
        assert!(key.key.starts_with("api_key_"));
        for attr in res.attributes.iter().filter(|a| a.encrypted) {
            assert_eq!(attr.key.len() % 256, 0);
            assert_eq!(attr.value.len() % 256, 0);
        }
        let answer = query(deps.as_ref(), mock_env(), QueryMsg::Totals {}).unwrap();
        assert_eq!(answer.len() % 256, 0);
        let totals: TotalsResponse = from_json_bytes(answer.as_slice()).unwrap();
        assert_eq!(totals.batches, 0);
    }

    #[test]
    fn instantiate_requires_the_billing_code_hash() {
        let mut deps = mock_dependencies();
        let msg = InstantiateMsg {
            admin: None,
            billing: BillingContract {
                address: "billing".into(),
                code_hash: None,
            },
            relayers: vec![],
            max_batch_size: None,
            max_future_skew_secs: None,
            address_prefix: Some(PREFIX.into()),
            max_receipt_lines: None,
        };
        let err = instantiate(deps.as_mut(), mock_env(), mock_info("admin", &[]), msg).unwrap_err();
        assert!(
            matches!(err, ContractError::InvalidConfig { .. }),
            "{err:?}"
        );
    }
}
