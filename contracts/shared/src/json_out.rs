//! The result a contract returns to the host, written with the shared [`JsonWriter`] instead of
//! serde's derived `Serialize` of `ContractResult`, `Response`, `SubMsg`, `CosmosMsg`,
//! `Attribute` and `Event`. Why: size (contracts README, "Size"); serde instantiated its
//! serializer per type, down to every chain message kind. The output is what those derives
//! wrote, byte for byte (the tests compare both), so the host (wasmd, Secret's enclave, the
//! devnet's cw-simulate) reads it unchanged.
//!
//! Of the chain messages, only the kinds the contracts send are written (bank send, delegate,
//! undelegate, the two distribution messages, wasm execute); any other kind makes the result
//! an error naming this writer, so a contract that starts sending one fails its tests instead
//! of sending something else.

use crate::cosmwasm_std::{
    Attribute, BankMsg, Binary, Coin, CosmosMsg, DistributionMsg, Event, ReplyOn, Response,
    StakingMsg, SubMsg, WasmMsg,
};
use crate::json_writer::{JsonWriter, ToJson};

/// The tags of `ContractResult`'s two variants: cosmwasm-std renames them to snake case (and
/// `Err` to `error`); secret-cosmwasm-std 1.1 keeps Rust's names.
#[cfg(feature = "vanilla")]
const TAGS: (&str, &str) = ("ok", "error");
#[cfg(feature = "secret")]
const TAGS: (&str, &str) = ("Ok", "Err");

/// `{"ok": <response>}` or `{"error": "<message>"}` (Secret: `Ok`, `Err`): the
/// `ContractResult<Response>` of `instantiate`, `execute` and `migrate`.
pub fn write_result(result: &Result<Response, String>) -> Vec<u8> {
    let written = match result {
        Ok(response) => written(response),
        Err(e) => Err(e.clone()),
    };
    match written {
        Ok(json) => json,
        Err(e) => JsonWriter::to_vec(&Tagged(TAGS.1, &e)),
    }
}

/// `{"ok": "<base64>"}` or `{"error": "<message>"}` (Secret: `Ok`, `Err`): the
/// `ContractResult<Binary>` of `query`.
pub fn write_query_result(result: &Result<Binary, String>) -> Vec<u8> {
    match result {
        Ok(data) => JsonWriter::to_vec(&Tagged(TAGS.0, data)),
        Err(e) => JsonWriter::to_vec(&Tagged(TAGS.1, e)),
    }
}

/// The response's JSON, or why one of its messages cannot be written.
fn written(response: &Response) -> Result<Vec<u8>, String> {
    // No `Debug` of the message in the error: its formatting code would cost more than it tells.
    if !response.messages.iter().all(|sub| writes(&sub.msg)) {
        return Err(
            "the contract's result writer (json_out) does not write one of its chain messages"
                .into(),
        );
    }
    Ok(JsonWriter::to_vec(&Tagged(TAGS.0, response)))
}

/// `{"tag": value}`: an enum variant with a value, as serde writes one.
struct Tagged<'a, T: ?Sized>(&'a str, &'a T);

impl<T: ToJson + ?Sized> ToJson for Tagged<'_, T> {
    fn write_json(&self, out: &mut JsonWriter) {
        out.variant(self.0);
        self.1.write_json(out);
        out.end();
    }
}

impl ToJson for Response {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("messages", &self.messages)
            .field("attributes", &self.attributes)
            .field("events", &self.events)
            .field("data", &self.data)
            .end();
    }
}

impl ToJson for SubMsg {
    fn write_json(&self, out: &mut JsonWriter) {
        let reply_on = match self.reply_on {
            ReplyOn::Always => "always",
            ReplyOn::Error => "error",
            ReplyOn::Success => "success",
            ReplyOn::Never => "never",
        };
        out.begin()
            .field("id", &self.id)
            .field("msg", &self.msg)
            .field("gas_limit", &self.gas_limit)
            .field("reply_on", reply_on)
            .end();
    }
}

impl ToJson for Attribute {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("key", &self.key)
            .field("value", &self.value);
        #[cfg(feature = "secret")]
        out.field("encrypted", &self.encrypted);
        out.end();
    }
}

impl ToJson for Event {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("type", &self.ty)
            .field("attributes", &self.attributes)
            .end();
    }
}

/// Whether [`CosmosMsg`]'s writer knows this kind of message.
fn writes(msg: &CosmosMsg) -> bool {
    matches!(
        msg,
        CosmosMsg::Bank(BankMsg::Send { .. })
            | CosmosMsg::Staking(StakingMsg::Delegate { .. } | StakingMsg::Undelegate { .. })
            | CosmosMsg::Distribution(
                DistributionMsg::SetWithdrawAddress { .. }
                    | DistributionMsg::WithdrawDelegatorReward { .. }
            )
            | CosmosMsg::Wasm(WasmMsg::Execute { .. })
    )
}

impl ToJson for CosmosMsg {
    /// `{"module":{"kind":{fields}}}`; only the kinds [`writes`] accepts reach here.
    fn write_json(&self, out: &mut JsonWriter) {
        match self {
            CosmosMsg::Bank(BankMsg::Send { to_address, amount }) => {
                out.variant("bank").variant("send").begin();
                out.field("to_address", to_address).field("amount", amount);
            }
            CosmosMsg::Staking(StakingMsg::Delegate { validator, amount }) => {
                staking(out, "delegate", validator, amount)
            }
            CosmosMsg::Staking(StakingMsg::Undelegate { validator, amount }) => {
                staking(out, "undelegate", validator, amount)
            }
            CosmosMsg::Distribution(DistributionMsg::SetWithdrawAddress { address }) => {
                out.variant("distribution")
                    .variant("set_withdraw_address")
                    .begin();
                out.field("address", address);
            }
            CosmosMsg::Distribution(DistributionMsg::WithdrawDelegatorReward { validator }) => {
                out.variant("distribution")
                    .variant("withdraw_delegator_reward")
                    .begin();
                out.field("validator", validator);
            }
            #[cfg(feature = "vanilla")]
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr,
                msg,
                funds,
            }) => {
                out.variant("wasm").variant("execute").begin();
                out.field("contract_addr", contract_addr)
                    .field("msg", msg)
                    .field("funds", funds);
            }
            // Secret's execute carries the callee's code hash, and its funds are named `send`.
            #[cfg(feature = "secret")]
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr,
                code_hash,
                msg,
                funds,
            }) => {
                out.variant("wasm").variant("execute").begin();
                out.field("contract_addr", contract_addr)
                    .field("code_hash", code_hash)
                    .field("msg", msg)
                    .field("send", funds);
            }
            _ => unreachable!("write_result checks every message with `writes` first"),
        }
        out.end();
        out.end();
        out.end();
    }
}

fn staking(out: &mut JsonWriter, kind: &str, validator: &str, amount: &Coin) {
    out.variant("staking").variant(kind).begin();
    out.field("validator", validator).field("amount", amount);
}
