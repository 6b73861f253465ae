//! The contracts' wasm entry points, hand-written instead of cosmwasm-std's `do_instantiate`,
//! `do_execute`, `do_migrate` and `do_query`. Why: those read `Env` and `MessageInfo` with
//! serde's derived readers and write the `ContractResult` with serde's derived writers, code
//! instantiated once per type that made up a large share of each Secret wasm, whose size
//! Secret Network bounds (contracts README, "Size"). Here `Env` and `MessageInfo` are read
//! through the one JSON tree every message already goes through ([`crate::json`]), and the
//! result is written by [`crate::json_out`]. The handlers' querier is cosmwasm-std's, except
//! that the host's answer is read by [`crate::querier`].
//!
//! What the host sees is unchanged: the same regions are consumed and returned, a malformed
//! env, info or message is an `{"error": ...}` result (never a trap), and unknown fields of
//! env and info are ignored as serde's derived readers ignored them (each host adds its own:
//! Secret's `block.random`, newer wasmd's `transaction.hash`).

use serde::de::DeserializeOwned;

use crate::cosmwasm_std::{
    Binary, BlockInfo, Coin, ContractInfo, Deps, DepsMut, Env, MessageInfo, Response, StdError,
    TransactionInfo,
};
use crate::json::{parse, Json, Read};
use crate::json_out::{write_query_result, write_result};
use crate::storage::from_json_bytes;

/// The `Env` the host passes: `block`, `transaction` (absent outside a transaction) and
/// `contract`; on Secret also `transaction.hash` and `contract.code_hash`, which default to
/// `""` as secret-cosmwasm-std's own reader lets them, and `block.random`.
pub fn read_env(bytes: &[u8]) -> Result<Env, StdError> {
    parsed("Env", bytes, env)
}

/// The `MessageInfo` the host passes with `instantiate` and `execute`: `sender` and `funds`.
pub fn read_info(bytes: &[u8]) -> Result<MessageInfo, StdError> {
    parsed("MessageInfo", bytes, info)
}

fn parsed<T>(ty: &str, bytes: &[u8], read: fn(&Json) -> Read<T>) -> Result<T, StdError> {
    parse(bytes)
        .and_then(|tree| read(&tree))
        .map_err(|e| StdError::parse_err(ty, e))
}

fn env(tree: &Json) -> Read<Env> {
    let env = tree.open_object()?;
    Ok(Env {
        block: env.req("block", block)?,
        transaction: env.opt("transaction", transaction)?,
        contract: env.req("contract", contract)?,
    })
}

fn block(tree: &Json) -> Read<BlockInfo> {
    let block = tree.open_object()?;
    Ok(BlockInfo {
        height: block.req("height", Json::u64)?,
        time: block.req("time", Json::timestamp)?,
        chain_id: block.req("chain_id", Json::string)?,
        // Secret's per-block randomness (secret-toolkit turns on secret-cosmwasm-std's
        // `random` feature); absent before Secret 1.9 and in tests.
        #[cfg(feature = "secret")]
        random: block.opt("random", Json::binary)?,
    })
}

fn transaction(tree: &Json) -> Read<TransactionInfo> {
    let tx = tree.open_object()?;
    Ok(TransactionInfo {
        index: tx.req("index", Json::u32)?,
        #[cfg(feature = "secret")]
        hash: tx.or("hash", Json::string, String::new())?,
    })
}

fn contract(tree: &Json) -> Read<ContractInfo> {
    let contract = tree.open_object()?;
    Ok(ContractInfo {
        address: contract.req("address", Json::addr)?,
        #[cfg(feature = "secret")]
        code_hash: contract.or("code_hash", Json::string, String::new())?,
    })
}

fn info(tree: &Json) -> Read<MessageInfo> {
    let info = tree.open_object()?;
    Ok(MessageInfo {
        sender: info.req("sender", Json::addr)?,
        funds: info.req("funds", |funds| funds.list(coin))?,
    })
}

/// A `Coin`: `{"denom": "...", "amount": "<Uint128>"}`.
pub fn coin(tree: &Json) -> Read<Coin> {
    let coin = tree.open_object()?;
    Ok(Coin {
        denom: coin.req("denom", Json::string)?,
        amount: coin.req("amount", Json::uint128)?,
    })
}

/// `instantiate` and `execute`: env, info and message in, the handler's `Response` out, as
/// the JSON of a `ContractResult<Response>`.
pub fn run_with_info<M: DeserializeOwned, E: ToString>(
    deps: DepsMut,
    handler: fn(DepsMut, Env, MessageInfo, M) -> Result<Response, E>,
    env: &[u8],
    info: &[u8],
    msg: &[u8],
) -> Vec<u8> {
    let result = (|| {
        let env = read_env(env).map_err(|e| e.to_string())?;
        let info = read_info(info).map_err(|e| e.to_string())?;
        let msg = from_json_bytes::<M>(msg).map_err(|e| e.to_string())?;
        handler(deps, env, info, msg).map_err(|e| e.to_string())
    })();
    write_result(&result)
}

/// `migrate`: env and message in, `ContractResult<Response>` out.
pub fn run_without_info<M: DeserializeOwned, E: ToString>(
    deps: DepsMut,
    handler: fn(DepsMut, Env, M) -> Result<Response, E>,
    env: &[u8],
    msg: &[u8],
) -> Vec<u8> {
    let result = (|| {
        let env = read_env(env).map_err(|e| e.to_string())?;
        let msg = from_json_bytes::<M>(msg).map_err(|e| e.to_string())?;
        handler(deps, env, msg).map_err(|e| e.to_string())
    })();
    write_result(&result)
}

/// `query`: env and message in, `ContractResult<Binary>` out.
pub fn run_query<M: DeserializeOwned, E: ToString>(
    deps: Deps,
    handler: fn(Deps, Env, M) -> Result<Binary, E>,
    env: &[u8],
    msg: &[u8],
) -> Vec<u8> {
    let result = (|| {
        let env = read_env(env).map_err(|e| e.to_string())?;
        let msg = from_json_bytes::<M>(msg).map_err(|e| e.to_string())?;
        handler(deps, env, msg).map_err(|e| e.to_string())
    })();
    write_query_result(&result)
}

/// The host's side of memory: a `Region` is three `u32`s (offset, capacity, length) that
/// describe a buffer in linear memory, allocated by the `allocate` export cosmwasm-std still
/// provides (so the same allocator frees it here).
#[cfg(target_arch = "wasm32")]
pub mod wasm {
    use super::*;
    use crate::cosmwasm_std::{ExternalApi, ExternalStorage, OwnedDeps, Querier, QuerierResult};
    use crate::querier::read_querier_result;
    use std::marker::PhantomData;

    #[repr(C)]
    struct Region {
        offset: u32,
        capacity: u32,
        length: u32,
    }

    /// Takes ownership of a region the host allocated and filled, and of its buffer.
    ///
    /// # Safety
    /// `ptr` must be a region returned by `allocate` and not yet consumed or freed: the host
    /// passes each argument region exactly once.
    unsafe fn consume_region(ptr: u32) -> Vec<u8> {
        assert!(ptr != 0, "Region pointer is null");
        let region = Box::from_raw(ptr as *mut Region);
        assert!(region.offset != 0, "Region starts at null pointer");
        Vec::from_raw_parts(
            region.offset as *mut u8,
            region.length as usize,
            region.capacity as usize,
        )
    }

    /// Hands `data` to the host as a region; the host frees it with `deallocate`.
    fn release(data: Vec<u8>) -> u32 {
        let data = std::mem::ManuallyDrop::new(data);
        let region = Box::new(Region {
            offset: data.as_ptr() as u32,
            capacity: data.capacity() as u32,
            length: data.len() as u32,
        });
        Box::into_raw(region) as u32
    }

    extern "C" {
        /// The host's chain query: the import cosmwasm-std's `ExternalQuerier` calls.
        fn query_chain(request: u32) -> u32;
    }

    /// cosmwasm-std's `ExternalQuerier` with the answer read by [`read_querier_result`].
    struct HostQuerier;

    impl Querier for HostQuerier {
        fn raw_query(&self, request: &[u8]) -> QuerierResult {
            // The host reads the request and leaves its region to us.
            let region = Box::new(Region {
                offset: request.as_ptr() as u32,
                capacity: request.len() as u32,
                length: request.len() as u32,
            });
            let response = unsafe { consume_region(query_chain(&*region as *const Region as u32)) };
            read_querier_result(&response)
        }
    }

    fn host() -> OwnedDeps<ExternalStorage, ExternalApi, HostQuerier> {
        OwnedDeps {
            storage: ExternalStorage::new(),
            api: ExternalApi::new(),
            querier: HostQuerier,
            custom_query_type: PhantomData,
        }
    }

    pub fn instantiate_or_execute<M: DeserializeOwned, E: ToString>(
        handler: fn(DepsMut, Env, MessageInfo, M) -> Result<Response, E>,
        env: u32,
        info: u32,
        msg: u32,
    ) -> u32 {
        let (env, info, msg) = unsafe {
            (
                consume_region(env),
                consume_region(info),
                consume_region(msg),
            )
        };
        release(run_with_info(host().as_mut(), handler, &env, &info, &msg))
    }

    pub fn migrate<M: DeserializeOwned, E: ToString>(
        handler: fn(DepsMut, Env, M) -> Result<Response, E>,
        env: u32,
        msg: u32,
    ) -> u32 {
        let (env, msg) = unsafe { (consume_region(env), consume_region(msg)) };
        release(run_without_info(host().as_mut(), handler, &env, &msg))
    }

    pub fn query<M: DeserializeOwned, E: ToString>(
        handler: fn(Deps, Env, M) -> Result<Binary, E>,
        env: u32,
        msg: u32,
    ) -> u32 {
        let (env, msg) = unsafe { (consume_region(env), consume_region(msg)) };
        release(run_query(host().as_ref(), handler, &env, &msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosmwasm_std::testing::mock_dependencies;
    use crate::cosmwasm_std::{
        Addr, BankMsg, ContractResult, CosmosMsg, DistributionMsg, Event, StakingMsg, StdResult,
        Storage, SubMsg, Timestamp, Uint128, WasmMsg,
    };
    use crate::storage::to_json_bytes;
    use serde_json::{json, Value};

    /// The env cw-simulate (the devnet) passes: no `transaction`, nothing Secret-specific.
    const DEVNET_ENV: &str = r#"{"block":{"height":12,"time":"1733580000000000000","chain_id":"privexbot-devnet"},"contract":{"address":"wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d"}}"#;
    const DEVNET_INFO: &str =
        r#"{"sender":"wasm1qyfud4pp0qhnzm6hlz9lu0q4c5xjskt5j5d6v5","funds":[]}"#;
    /// The env a wasmd 0.61 node (wasmvm 3) passes: `transaction.hash` as base64 bytes, which
    /// cosmwasm-std 1.5 does not know and ignores.
    const WASMD_ENV: &str = r#"{"block":{"height":57,"time":"1765123456789012345","chain_id":"privexbot-local"},"transaction":{"index":0,"hash":"q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k="},"contract":{"address":"wasm1nc5tatafv6eyq7llkr2gv50ff9e22mnf70qgjlv737ktmt4eswrqr5j2ht"}}"#;
    const WASMD_INFO: &str = r#"{"sender":"wasm1cyyzpxplxdzkeea7kwsydadg87357qnahakaks","funds":[{"denom":"stake","amount":"1000"}]}"#;
    /// The env Secret's enclave passes (secret-cosmwasm-std 1.1): `block.random`,
    /// `transaction.hash` as hex and `contract.code_hash`.
    const SECRET_ENV: &str = r#"{"block":{"height":12345,"time":"1571797419879305533","chain_id":"secret-4","random":"wLsKdf/sYqvSMI0G0aWRjob25mrIB0VQVjTjDXnDafk="},"transaction":{"index":3,"hash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},"contract":{"address":"secret1ufrqnxzgaaw2c2l4v3kxkg4rw3rxd5gggk4d4g","code_hash":"4c0a4b2a0d6c5e2f7f3e9c1a8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d"}}"#;

    #[test]
    fn reads_the_env_of_each_host() {
        let devnet = read_env(DEVNET_ENV.as_bytes()).unwrap();
        assert_eq!(devnet.block.height, 12);
        assert_eq!(
            devnet.block.time,
            Timestamp::from_nanos(1_733_580_000_000_000_000)
        );
        assert_eq!(devnet.block.chain_id, "privexbot-devnet");
        assert_eq!(devnet.transaction, None);
        assert_eq!(
            devnet.contract.address,
            Addr::unchecked("wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d")
        );

        let wasmd = read_env(WASMD_ENV.as_bytes()).unwrap();
        assert_eq!(wasmd.block.height, 57);
        assert_eq!(wasmd.transaction.as_ref().map(|tx| tx.index), Some(0));

        let secret = read_env(SECRET_ENV.as_bytes()).unwrap();
        assert_eq!(secret.transaction.as_ref().map(|tx| tx.index), Some(3));
        #[cfg(feature = "secret")]
        {
            assert_eq!(
                secret.contract.code_hash,
                "4c0a4b2a0d6c5e2f7f3e9c1a8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d"
            );
            assert_eq!(
                secret.transaction.unwrap().hash,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            );
            assert_eq!(
                secret.block.random.unwrap().to_base64(),
                "wLsKdf/sYqvSMI0G0aWRjob25mrIB0VQVjTjDXnDafk="
            );
            // Hosts without these fields leave them empty, as secret-cosmwasm-std's reader did.
            assert_eq!(devnet.contract.code_hash, "");
            assert_eq!(devnet.block.random, None);
        }
    }

    #[test]
    fn reads_the_env_as_the_std_reader_does() {
        // The std's derived reader is the reference: same value from the same bytes.
        for env in [DEVNET_ENV, WASMD_ENV, SECRET_ENV] {
            let ours = read_env(env.as_bytes()).unwrap();
            let theirs: Env = crate::storage::from_json_bytes(env.as_bytes()).unwrap();
            assert_eq!(ours, theirs, "{env}");
        }
        for info in [DEVNET_INFO, WASMD_INFO] {
            let ours = read_info(info.as_bytes()).unwrap();
            let theirs: MessageInfo = crate::storage::from_json_bytes(info.as_bytes()).unwrap();
            assert_eq!(ours, theirs, "{info}");
        }
    }

    #[test]
    fn reads_the_info_with_funds() {
        let info = read_info(WASMD_INFO.as_bytes()).unwrap();
        assert_eq!(
            info.sender,
            Addr::unchecked("wasm1cyyzpxplxdzkeea7kwsydadg87357qnahakaks")
        );
        assert_eq!(
            info.funds,
            vec![Coin {
                denom: "stake".into(),
                amount: Uint128::new(1000)
            }]
        );
        assert!(read_info(DEVNET_INFO.as_bytes()).unwrap().funds.is_empty());
    }

    #[test]
    fn refuses_hostile_env_and_info_with_a_parse_error() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let envs: &[&[u8]] = &[
            b"",
            b"null",
            b"[]",
            b"{\"block\":{}}",
            br#"{"block":{"height":"12","time":"1","chain_id":"c"},"contract":{"address":"a"}}"#,
            br#"{"block":{"height":-1,"time":"1","chain_id":"c"},"contract":{"address":"a"}}"#,
            br#"{"block":{"height":1,"time":1,"chain_id":"c"},"contract":{"address":"a"}}"#,
            br#"{"block":{"height":1,"time":"18446744073709551616","chain_id":"c"},"contract":{"address":"a"}}"#,
            br#"{"block":{"height":1,"time":"1","chain_id":"c"},"transaction":{"index":4294967296},"contract":{"address":"a"}}"#,
            br#"{"block":{"height":1,"time":"1","chain_id":"c"}}"#,
            br#"{"block":{"height":1,"time":"1","chain_id":"c"},"contract":{"address":"a"},"contract":{"address":"b"}}"#,
            b"\xff\xfe{}",
            deep.as_bytes(),
        ];
        for env in envs {
            let err = read_env(env).unwrap_err().to_string();
            assert!(err.starts_with("Error parsing into type Env"), "{err}");
        }
        let infos: &[&[u8]] = &[
            br#"{"funds":[]}"#,
            br#"{"sender":7,"funds":[]}"#,
            br#"{"sender":"a"}"#,
            br#"{"sender":"a","funds":[{"denom":"x","amount":"-1"}]}"#,
            br#"{"sender":"a","funds":[{"denom":"x","amount":"1e3"}]}"#,
            br#"{"sender":"a","funds":[{"denom":"x","amount":"340282366920938463463374607431768211456"}]}"#,
            br#"{"sender":"a","funds":{"denom":"x","amount":"1"}}"#,
        ];
        for info in infos {
            let err = read_info(info).unwrap_err().to_string();
            assert!(
                err.starts_with("Error parsing into type MessageInfo"),
                "{err}"
            );
        }
    }

    #[derive(serde::Deserialize)]
    struct Note {
        text: String,
    }

    /// A handler that leaves a trace of everything it was given.
    fn remember(deps: DepsMut, env: Env, info: MessageInfo, msg: Note) -> StdResult<Response> {
        if msg.text == "fail" {
            return Err(StdError::generic_err("refused \"fail\""));
        }
        deps.storage.set(b"note", msg.text.as_bytes());
        Ok(Response::new()
            .add_attribute("height", env.block.height.to_string())
            .add_attribute("sender", info.sender.as_str())
            .add_attribute("funds", info.funds.len().to_string()))
    }

    fn result(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).expect("the result is JSON")
    }

    #[cfg(feature = "vanilla")]
    const TAGS: (&str, &str) = ("ok", "error");
    #[cfg(feature = "secret")]
    const TAGS: (&str, &str) = ("Ok", "Err");

    #[test]
    fn runs_the_handler_with_what_the_host_passed() {
        let mut deps = mock_dependencies();
        let out = run_with_info(
            deps.as_mut(),
            remember,
            WASMD_ENV.as_bytes(),
            WASMD_INFO.as_bytes(),
            br#"{"text":"caf\u00e9 \u6771\u4eac"}"#,
        );
        let out = result(&out);
        let attributes = &out[TAGS.0]["attributes"];
        assert_eq!(attributes[0]["value"], "57");
        assert_eq!(
            attributes[1]["value"],
            "wasm1cyyzpxplxdzkeea7kwsydadg87357qnahakaks"
        );
        assert_eq!(attributes[2]["value"], "1");
        assert_eq!(deps.storage.get(b"note").unwrap(), "café 東京".as_bytes());
    }

    #[test]
    fn a_bad_env_info_or_message_is_an_error_result_and_writes_nothing() {
        let cases: [(&[u8], &[u8], &[u8], &str); 4] = [
            (
                b"{",
                WASMD_INFO.as_bytes(),
                br#"{"text":"x"}"#,
                "Error parsing into type Env",
            ),
            (
                WASMD_ENV.as_bytes(),
                b"[]",
                br#"{"text":"x"}"#,
                "Error parsing into type MessageInfo",
            ),
            (
                WASMD_ENV.as_bytes(),
                WASMD_INFO.as_bytes(),
                br#"{"txt":"x"}"#,
                "Error parsing into type",
            ),
            (
                WASMD_ENV.as_bytes(),
                WASMD_INFO.as_bytes(),
                br#"{"text":"fail"}"#,
                "Generic error: refused \"fail\"",
            ),
        ];
        for (env, info, msg, expected) in cases {
            let mut deps = mock_dependencies();
            let out = result(&run_with_info(deps.as_mut(), remember, env, info, msg));
            let error = out[TAGS.1]
                .as_str()
                .unwrap_or_else(|| panic!("an error result: {out}"));
            assert!(error.starts_with(expected), "{error}");
            assert_eq!(out.as_object().unwrap().len(), 1);
            assert_eq!(deps.storage.get(b"note"), None);
        }
    }

    fn query_note(deps: Deps, env: Env, msg: Note) -> StdResult<Binary> {
        let stored = deps.storage.get(b"note").unwrap_or_default();
        to_json_bytes(&(
            msg.text,
            env.block.height,
            String::from_utf8(stored).unwrap(),
        ))
        .map(Binary::from)
    }

    #[test]
    fn runs_a_query() {
        let mut deps = mock_dependencies();
        deps.storage.set(b"note", b"kept");
        let out = result(&run_query(
            deps.as_ref(),
            query_note,
            DEVNET_ENV.as_bytes(),
            br#"{"text":"q"}"#,
        ));
        let answer = Binary::from_base64(out[TAGS.0].as_str().unwrap()).unwrap();
        assert_eq!(result(answer.as_slice()), json!(["q", 12, "kept"]));
        let out = result(&run_query(
            deps.as_ref(),
            query_note,
            b"7",
            br#"{"text":"q"}"#,
        ));
        assert!(out[TAGS.1]
            .as_str()
            .unwrap()
            .starts_with("Error parsing into type Env"));
    }

    #[test]
    fn runs_a_migration() {
        fn migrate(deps: DepsMut, env: Env, msg: Note) -> StdResult<Response> {
            deps.storage.set(b"note", msg.text.as_bytes());
            Ok(Response::new().add_attribute("chain", env.block.chain_id))
        }
        let mut deps = mock_dependencies();
        let out = result(&run_without_info(
            deps.as_mut(),
            migrate,
            SECRET_ENV.as_bytes(),
            br#"{"text":"v2"}"#,
        ));
        assert_eq!(out[TAGS.0]["attributes"][0]["value"], "secret-4");
        assert_eq!(deps.storage.get(b"note").unwrap(), b"v2");
    }

    fn every_part() -> Response {
        let tricky = "quote\" back\\ nl\n tab\t bell\u{7} del\u{7f} café 東京 😀 </script>";
        #[cfg(feature = "vanilla")]
        let execute = WasmMsg::Execute {
            contract_addr: "token".into(),
            msg: Binary::from(br#"{"transfer":{}}"#.as_slice()),
            funds: vec![],
        };
        #[cfg(feature = "secret")]
        let execute = WasmMsg::Execute {
            contract_addr: "token".into(),
            code_hash: "abc123".into(),
            msg: Binary::from(br#"{"transfer":{}}"#.as_slice()),
            funds: vec![Coin {
                denom: "uscrt".into(),
                amount: Uint128::new(5),
            }],
        };
        let coin = Coin {
            denom: "uscrt".into(),
            amount: Uint128::new(u128::MAX),
        };
        Response::new()
            .add_message(BankMsg::Send {
                to_address: "treasury".into(),
                amount: vec![coin.clone(), coin.clone()],
            })
            .add_message(BankMsg::Send {
                to_address: "nobody".into(),
                amount: vec![],
            })
            .add_message(CosmosMsg::Wasm(execute))
            .add_message(StakingMsg::Undelegate {
                validator: tricky.into(),
                amount: coin.clone(),
            })
            .add_message(DistributionMsg::SetWithdrawAddress {
                address: "treasury".into(),
            })
            .add_message(DistributionMsg::WithdrawDelegatorReward {
                validator: "val".into(),
            })
            .add_submessage(
                SubMsg::reply_on_error(
                    StakingMsg::Delegate {
                        validator: "val".into(),
                        amount: coin,
                    },
                    7,
                )
                .with_gas_limit(u64::MAX),
            )
            .add_attribute("action", tricky)
            .add_attribute("", "")
            .add_event(Event::new("privexbot").add_attribute(tricky, "1"))
            .set_data(Binary::from(b"\x00\x01data".as_slice()))
    }

    #[test]
    fn writes_what_the_std_writer_writes() {
        for response in [Response::new(), every_part()] {
            let ours = write_result(&Ok(response.clone()));
            let theirs = to_json_bytes(&ContractResult::Ok(response)).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
        let error = "Generic error: \"quoted\" \n 東京".to_string();
        let ours = write_result(&Err(error.clone()));
        let theirs = to_json_bytes(&ContractResult::<Response>::Err(error.clone())).unwrap();
        assert_eq!(ours, theirs);
        let data = Binary::from(b"{\"answer\":42}".as_slice());
        let ours = write_query_result(&Ok(data.clone()));
        assert_eq!(ours, to_json_bytes(&ContractResult::Ok(data)).unwrap());
        let ours = write_query_result(&Err(error.clone()));
        assert_eq!(
            ours,
            to_json_bytes(&ContractResult::<Binary>::Err(error)).unwrap()
        );
    }

    #[test]
    fn a_chain_message_it_does_not_write_is_an_error_result() {
        let burn = Response::new().add_message(BankMsg::Burn { amount: vec![] });
        let out = result(&write_result(&Ok(burn)));
        let error = out[TAGS.1].as_str().unwrap();
        assert!(error.contains("json_out"), "{error}");
    }

    #[test]
    fn escapes_every_control_character() {
        let all: String = (0u8..0x20).map(char::from).collect();
        let out = write_result(&Err(all.clone()));
        assert_eq!(
            out,
            to_json_bytes(&ContractResult::<Response>::Err(all.clone())).unwrap()
        );
        assert_eq!(result(&out)[TAGS.1], Value::String(all));
        assert!(
            out.iter().all(|b| *b >= 0x20),
            "raw control bytes in {out:?}"
        );
    }
}
