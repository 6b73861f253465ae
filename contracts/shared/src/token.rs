//! Payment tokens: the one place where CW20 (vanilla CosmWasm) and SNIP-20 (Secret Network)
//! differ for a contract that is paid in tokens.
//!
//! - [`TokenReceiveMsg`]: the body of the `receive` callback a token sends after `Send`
//!   (CW20 `{sender, amount, msg}`, SNIP-20 `{sender, from, amount, memo?, msg?}`), turned by
//!   [`received`] into one [`ReceivedTokens`] that names the paying address.
//! - [`transfer_msg`]: an outgoing transfer (CW20 `transfer`, or SNIP-20 `transfer` with the
//!   token's `code_hash` in the `WasmMsg`).
//! - [`register_receive_msgs`]: on Secret, a token only calls a contract back after that
//!   contract sent it `register_receive { code_hash }`; on vanilla there is nothing to send.
//!
//! A token is identified by its address, plus its code hash on Secret ([`Token`]).

use crate::json_writer::{quoted, JsonWriter, ToJson};
use cosmwasm_schema::cw_serde;
use thiserror::Error;

use crate::cosmwasm_std::{Addr, Api, Binary, CosmosMsg, Env, StdResult, Uint128};

/// Block size to which SNIP-20 messages sent by our contracts are padded, so that their
/// length does not reveal the amounts inside them.
pub const PADDING_BLOCK_SIZE: usize = 256;

/// Whether tokens on this target are identified by a code hash as well as an address.
pub const CODE_HASH_REQUIRED: bool = cfg!(feature = "secret");

/// A token contract as given in a message (not yet validated).
#[cw_serde]
pub struct TokenInput {
    pub address: String,
    /// Hex SHA-256 of the token's wasm. Required on Secret Network, ignored elsewhere.
    pub code_hash: Option<String>,
}

/// A validated token contract.
#[cw_serde]
pub struct Token {
    pub address: Addr,
    /// Always `Some` on Secret Network, always `None` on vanilla CosmWasm.
    pub code_hash: Option<String>,
}

#[derive(Error, Debug, PartialEq)]
pub enum TokenError {
    #[error("invalid token address {}", quoted(.address))]
    InvalidAddress { address: String },

    #[error("token {address} needs its code hash on this chain")]
    MissingCodeHash { address: String },

    #[error("invalid code hash {}: expected 64 hex characters", quoted(.code_hash))]
    InvalidCodeHash { code_hash: String },
}

/// Validates a token given in a message.
pub fn validate_token(api: &dyn Api, input: &TokenInput) -> Result<Token, TokenError> {
    let address = api
        .addr_validate(&input.address)
        .map_err(|_| TokenError::InvalidAddress {
            address: input.address.clone(),
        })?;
    if !CODE_HASH_REQUIRED {
        return Ok(Token {
            address,
            code_hash: None,
        });
    }
    let code_hash = input
        .code_hash
        .clone()
        .ok_or_else(|| TokenError::MissingCodeHash {
            address: input.address.clone(),
        })?;
    if code_hash.len() != 64 || !code_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(TokenError::InvalidCodeHash { code_hash });
    }
    Ok(Token {
        address,
        code_hash: Some(code_hash.to_ascii_lowercase()),
    })
}

/// The `receive` callback of a CW20 token (`{sender, amount, msg}`).
#[cfg(feature = "vanilla")]
pub type TokenReceiveMsg = Cw20ReceiveMsg;

// The two CW20 wire shapes a paid contract needs are written here rather than taken from the
// `cw20` crate: that crate turns on cosmwasm-std's default `iterator` feature, whose
// `db_next_*` imports the devnet's VM (cw-simulate) does not provide, so a contract linking it
// could not run there. The shapes are the CW20 specification's; the billing specifications
// exchange them with the real cw20-base contract.

/// What a CW20 token sends to a contract after `Send`.
#[cfg(feature = "vanilla")]
#[cw_serde]
pub struct Cw20ReceiveMsg {
    /// Who executed the `Send` (the owner, or a spender with an allowance).
    pub sender: String,
    pub amount: Uint128,
    pub msg: Binary,
}

/// The CW20 `transfer` execute message.
#[cfg(feature = "vanilla")]
#[cw_serde]
enum Cw20ExecuteMsg {
    Transfer { recipient: String, amount: Uint128 },
}

/// The `receive` callback of a SNIP-20 token (`{sender, from, amount, memo?, msg?}`).
#[cfg(feature = "secret")]
pub type TokenReceiveMsg = Snip20ReceiveMsg;

/// What a SNIP-20 token sends to a registered receiver after `Send` or `SendFrom`.
/// secret-toolkit has only the sending side of this callback, so the receiving side is here.
#[cfg(feature = "secret")]
#[cw_serde]
pub struct Snip20ReceiveMsg {
    /// Who executed the `Send` (the owner, or a spender with an allowance).
    pub sender: Addr,
    /// Whose tokens were sent.
    pub from: Addr,
    pub amount: Uint128,
    pub memo: Option<String>,
    pub msg: Option<Binary>,
}

/// Reads the `receive` callback from a message's JSON tree ([`crate::json`]).
#[cfg(feature = "vanilla")]
pub fn read_receive_msg(j: &crate::json::Json) -> crate::json::Read<TokenReceiveMsg> {
    use crate::json::Json;
    let f = j.object(&["sender", "amount", "msg"])?;
    Ok(Cw20ReceiveMsg {
        sender: f.req("sender", Json::string)?,
        amount: f.req("amount", Json::uint128)?,
        msg: f.req("msg", Json::binary)?,
    })
}

/// Reads the `receive` callback from a message's JSON tree ([`crate::json`]).
#[cfg(feature = "secret")]
pub fn read_receive_msg(j: &crate::json::Json) -> crate::json::Read<TokenReceiveMsg> {
    use crate::json::Json;
    let f = j.object(&["sender", "from", "amount", "memo", "msg"])?;
    Ok(Snip20ReceiveMsg {
        sender: Addr::unchecked(f.req("sender", Json::string)?),
        from: Addr::unchecked(f.req("from", Json::string)?),
        amount: f.req("amount", Json::uint128)?,
        memo: f.opt("memo", Json::string)?,
        msg: f.opt("msg", Json::binary)?,
    })
}

/// Reads a [`TokenInput`] from a message's JSON tree ([`crate::json`]).
pub fn read_token_input(j: &crate::json::Json) -> crate::json::Read<TokenInput> {
    use crate::json::Json;
    let f = j.object(&["address", "code_hash"])?;
    Ok(TokenInput {
        address: f.req("address", Json::string)?,
        code_hash: f.opt("code_hash", Json::string)?,
    })
}

/// A token payment, the same on both targets.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedTokens {
    /// The token contract that called back (`info.sender` of the callback).
    pub token: Addr,
    /// Whose tokens paid: CW20's `sender`, SNIP-20's `from`.
    pub payer: Addr,
    pub amount: Uint128,
    /// The inner message the payer attached, if any.
    pub msg: Option<Binary>,
}

/// Normalizes a `receive` callback. `token` must be `info.sender` of the callback: only the
/// token contract itself can vouch for the amount.
pub fn received(api: &dyn Api, token: Addr, msg: TokenReceiveMsg) -> StdResult<ReceivedTokens> {
    #[cfg(feature = "vanilla")]
    {
        let payer = api.addr_validate(&msg.sender)?;
        let inner = if msg.msg.is_empty() {
            None
        } else {
            Some(msg.msg)
        };
        Ok(ReceivedTokens {
            token,
            payer,
            amount: msg.amount,
            msg: inner,
        })
    }
    #[cfg(feature = "secret")]
    {
        let payer = api.addr_validate(msg.from.as_str())?;
        let inner = msg.msg.filter(|m| !m.is_empty());
        Ok(ReceivedTokens {
            token,
            payer,
            amount: msg.amount,
            msg: inner,
        })
    }
}

/// A transfer of `amount` of `token` from the calling contract to `recipient`.
pub fn transfer_msg(token: &Token, recipient: &Addr, amount: Uint128) -> StdResult<CosmosMsg> {
    #[cfg(feature = "vanilla")]
    {
        let msg = Cw20ExecuteMsg::Transfer {
            recipient: recipient.to_string(),
            amount,
        };
        Ok(crate::cosmwasm_std::WasmMsg::Execute {
            contract_addr: token.address.to_string(),
            msg: Binary::from(crate::storage::to_json_bytes(&msg)?),
            funds: vec![],
        }
        .into())
    }
    #[cfg(feature = "secret")]
    {
        snip20_execute(
            token,
            &Snip20ExecuteMsg::Transfer {
                recipient: recipient.to_string(),
                amount,
                memo: None,
                padding: None,
            },
        )
    }
}

/// Messages registering the calling contract as a receiver with each token (Secret only).
pub fn register_receive_msgs(env: &Env, tokens: &[Token]) -> StdResult<Vec<CosmosMsg>> {
    #[cfg(feature = "vanilla")]
    {
        let _ = (env, tokens);
        Ok(vec![])
    }
    #[cfg(feature = "secret")]
    {
        tokens
            .iter()
            .map(|token| {
                snip20_execute(
                    token,
                    &Snip20ExecuteMsg::RegisterReceive {
                        code_hash: env.contract.code_hash.clone(),
                        padding: None,
                    },
                )
            })
            .collect()
    }
}

/// The two SNIP-20 messages our contracts send. secret-toolkit's `snip20::HandleMsg` has the
/// same JSON for them, but serializing that enum links the serializer of all its ~40 variants
/// (about 12 KB of the Secret wasm); this enum keeps only what is sent. The bytes are the
/// same (a test compares them with secret-toolkit's).
#[cfg(feature = "secret")]
#[derive(serde::Serialize)]
#[serde(rename_all = "snake_case")]
enum Snip20ExecuteMsg {
    Transfer {
        recipient: String,
        amount: Uint128,
        memo: Option<String>,
        padding: Option<String>,
    },
    RegisterReceive {
        code_hash: String,
        padding: Option<String>,
    },
}

/// A SNIP-20 execute padded with spaces to [`PADDING_BLOCK_SIZE`], as secret-toolkit pads it.
#[cfg(feature = "secret")]
fn snip20_execute(token: &Token, msg: &Snip20ExecuteMsg) -> StdResult<CosmosMsg> {
    let mut bytes = crate::storage::to_json_bytes(msg)?;
    secret_toolkit::utils::space_pad(&mut bytes, PADDING_BLOCK_SIZE);
    Ok(crate::cosmwasm_std::WasmMsg::Execute {
        contract_addr: token.address.to_string(),
        code_hash: secret_code_hash(token)?,
        msg: Binary::from(bytes),
        funds: vec![],
    }
    .into())
}

#[cfg(feature = "secret")]
fn secret_code_hash(token: &Token) -> StdResult<String> {
    token.code_hash.clone().ok_or_else(|| {
        crate::cosmwasm_std::StdError::generic_err(format!(
            "token {} has no code hash",
            token.address
        ))
    })
}

impl ToJson for Token {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("address", &self.address)
            .field("code_hash", &self.code_hash)
            .end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosmwasm_std::testing::{mock_dependencies, mock_env};
    use crate::cosmwasm_std::WasmMsg;
    use crate::storage::from_json_bytes;

    const HASH: &str = "AB0000000000000000000000000000000000000000000000000000000000CDEF";

    fn token() -> Token {
        let deps = mock_dependencies();
        validate_token(
            &deps.api,
            &TokenInput {
                address: "token".into(),
                code_hash: Some(HASH.into()),
            },
        )
        .unwrap()
    }

    #[test]
    fn rejects_a_malformed_address() {
        let deps = mock_dependencies();
        let err = validate_token(
            &deps.api,
            &TokenInput {
                address: "".into(),
                code_hash: Some(HASH.into()),
            },
        )
        .unwrap_err();
        assert_eq!(err, TokenError::InvalidAddress { address: "".into() });
    }

    #[cfg(feature = "vanilla")]
    #[test]
    fn cw20_receive_names_the_sender_as_payer_and_transfer_is_cw20() {
        let deps = mock_dependencies();
        let token = token();
        assert_eq!(token.code_hash, None);
        let msg: TokenReceiveMsg =
            from_json_bytes(br#"{"sender":"alice","amount":"5","msg":"eyJhIjoxfQ=="}"#).unwrap();
        let got = received(&deps.api, token.address.clone(), msg).unwrap();
        assert_eq!(got.payer, Addr::unchecked("alice"));
        assert_eq!(got.amount, Uint128::new(5));
        assert_eq!(got.msg, Some(Binary::from(br#"{"a":1}"#.to_vec())));

        let out = transfer_msg(&token, &Addr::unchecked("bob"), Uint128::new(7)).unwrap();
        let CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr,
            msg,
            funds,
        }) = out
        else {
            panic!("expected a wasm execute");
        };
        assert_eq!(contract_addr, "token");
        assert!(funds.is_empty());
        assert_eq!(
            msg.as_slice(),
            br#"{"transfer":{"recipient":"bob","amount":"7"}}"#
        );
        assert!(register_receive_msgs(&mock_env(), &[token])
            .unwrap()
            .is_empty());
    }

    #[cfg(feature = "secret")]
    #[test]
    fn secret_tokens_need_a_valid_code_hash() {
        let deps = mock_dependencies();
        let missing = validate_token(
            &deps.api,
            &TokenInput {
                address: "token".into(),
                code_hash: None,
            },
        )
        .unwrap_err();
        assert_eq!(
            missing,
            TokenError::MissingCodeHash {
                address: "token".into()
            }
        );
        let bad = validate_token(
            &deps.api,
            &TokenInput {
                address: "token".into(),
                code_hash: Some("xyz".into()),
            },
        )
        .unwrap_err();
        assert_eq!(
            bad,
            TokenError::InvalidCodeHash {
                code_hash: "xyz".into()
            }
        );
        assert_eq!(
            token().code_hash.as_deref(),
            Some(HASH.to_ascii_lowercase().as_str())
        );
    }

    #[cfg(feature = "secret")]
    #[test]
    fn snip20_receive_names_from_as_payer() {
        let deps = mock_dependencies();
        let msg: TokenReceiveMsg = from_json_bytes(
            br#"{"sender":"spender","from":"owner","amount":"9","memo":null,"msg":"eyJhIjoxfQ=="}"#,
        )
        .unwrap();
        let got = received(&deps.api, Addr::unchecked("token"), msg).unwrap();
        assert_eq!(got.payer, Addr::unchecked("owner"));
        assert_eq!(got.amount, Uint128::new(9));
        assert_eq!(got.msg, Some(Binary::from(br#"{"a":1}"#.to_vec())));
    }

    #[cfg(feature = "secret")]
    #[test]
    fn snip20_messages_are_byte_identical_to_secret_toolkits() {
        let token = token();
        let hash = HASH.to_ascii_lowercase();
        assert_eq!(
            transfer_msg(&token, &Addr::unchecked("bob"), Uint128::new(7)).unwrap(),
            secret_toolkit::snip20::transfer_msg(
                "bob".into(),
                Uint128::new(7),
                None,
                None,
                PADDING_BLOCK_SIZE,
                hash.clone(),
                "token".into(),
            )
            .unwrap()
        );
        let mut env = mock_env();
        env.contract.code_hash = "ours".into();
        assert_eq!(
            register_receive_msgs(&env, &[token]).unwrap(),
            vec![secret_toolkit::snip20::register_receive_msg(
                "ours".into(),
                None,
                PADDING_BLOCK_SIZE,
                hash,
                "token".into(),
            )
            .unwrap()]
        );
    }

    #[cfg(feature = "secret")]
    #[test]
    fn snip20_messages_carry_the_code_hash_and_are_padded() {
        let token = token();
        let out = transfer_msg(&token, &Addr::unchecked("bob"), Uint128::new(7)).unwrap();
        let CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr,
            code_hash,
            msg,
            ..
        }) = out
        else {
            panic!("expected a wasm execute");
        };
        assert_eq!(contract_addr, "token");
        assert_eq!(code_hash, HASH.to_ascii_lowercase());
        assert_eq!(msg.len() % PADDING_BLOCK_SIZE, 0);
        let body: serde_json::Value = serde_json::from_slice(msg.as_slice()).unwrap();
        assert_eq!(body["transfer"]["recipient"], "bob");
        assert_eq!(body["transfer"]["amount"], "7");

        let mut env = mock_env();
        env.contract.code_hash = "ours".into();
        let regs = register_receive_msgs(&env, &[token]).unwrap();
        assert_eq!(regs.len(), 1);
        let CosmosMsg::Wasm(WasmMsg::Execute { code_hash, msg, .. }) = &regs[0] else {
            panic!("expected a wasm execute");
        };
        assert_eq!(code_hash, &HASH.to_ascii_lowercase());
        let body: serde_json::Value = serde_json::from_slice(msg.as_slice()).unwrap();
        assert_eq!(body["register_receive"]["code_hash"], "ours");
    }
}
