//! The querier the contracts' entry points give their handlers: cosmwasm-std's
//! `ExternalQuerier`, except that the host's answer is read through the JSON tree
//! ([`crate::json`]) instead of serde's derived reader of `SystemResult<ContractResult<Binary>>`
//! and of every `SystemError`. Why: size (contracts README, "Size"); the contracts already
//! write their own raw requests, so this reader was the last serde code on their query path.
//!
//! The answer is what `ExternalQuerier::raw_query` returned for the same bytes: the value, the
//! contract's error, the system error, or an `InvalidResponse` naming why the bytes did not
//! read.

use crate::cosmwasm_std::{
    Binary, ContractResult, QuerierResult, StdError, SystemError, SystemResult,
};
use crate::json::{parse, Json, Read};

/// `ContractResult` and `SystemResult` tags: snake case in cosmwasm-std (`Err` renamed to
/// `error`), Rust's names in secret-cosmwasm-std 1.1.
#[cfg(feature = "vanilla")]
const TAGS: &[&str] = &["ok", "error"];
#[cfg(feature = "secret")]
const TAGS: &[&str] = &["Ok", "Err"];

/// Reads the host's answer to a chain query.
pub fn read_querier_result(response: &[u8]) -> QuerierResult {
    parse(response)
        .and_then(|tree| querier_result(&tree))
        .unwrap_or_else(|error| {
            SystemResult::Err(SystemError::InvalidResponse {
                error: StdError::parse_err("SystemResult<ContractResult<Binary>>", error)
                    .to_string(),
                response: Binary::from(response),
            })
        })
}

fn querier_result(tree: &Json) -> Read<QuerierResult> {
    let (tag, value) = tree.variant(TAGS, false)?;
    if tag == 1 {
        return Ok(SystemResult::Err(system_error(value)?));
    }
    let (tag, value) = value.variant(TAGS, false)?;
    Ok(SystemResult::Ok(if tag == 0 {
        ContractResult::Ok(value.binary()?)
    } else {
        ContractResult::Err(value.string()?)
    }))
}

fn system_error(tree: &Json) -> Read<SystemError> {
    #[cfg(feature = "vanilla")]
    const KINDS: &[&str] = &[
        "invalid_request",
        "invalid_response",
        "no_such_contract",
        "unknown",
        "unsupported_request",
        "no_such_code",
    ];
    #[cfg(feature = "secret")]
    const KINDS: &[&str] = &[
        "invalid_request",
        "invalid_response",
        "no_such_contract",
        "unknown",
        "unsupported_request",
    ];
    let (kind, value) = tree.variant(KINDS, false)?;
    let fields = value.open_object()?;
    Ok(match kind {
        0 => SystemError::InvalidRequest {
            error: fields.req("error", Json::string)?,
            request: fields.req("request", Json::binary)?,
        },
        1 => SystemError::InvalidResponse {
            error: fields.req("error", Json::string)?,
            response: fields.req("response", Json::binary)?,
        },
        2 => SystemError::NoSuchContract {
            addr: fields.req("addr", Json::string)?,
        },
        3 => SystemError::Unknown {},
        4 => SystemError::UnsupportedRequest {
            kind: fields.req("kind", Json::string)?,
        },
        #[cfg(feature = "vanilla")]
        _ => SystemError::NoSuchCode {
            code_id: fields.req("code_id", Json::u64)?,
        },
        #[cfg(feature = "secret")]
        _ => unreachable!("variant() returns an index of KINDS"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{from_json_bytes, to_json_bytes};

    fn std_reader(bytes: &[u8]) -> QuerierResult {
        from_json_bytes(bytes).unwrap()
    }

    #[test]
    fn reads_every_answer_as_the_std_reader_does() {
        let answers: Vec<QuerierResult> = vec![
            SystemResult::Ok(ContractResult::Ok(Binary::from(
                br#"{"validator":null}"#.as_slice(),
            ))),
            SystemResult::Ok(ContractResult::Ok(Binary::default())),
            SystemResult::Ok(ContractResult::Err(
                "Generic error: no org 7 \"x\"\n".into(),
            )),
            SystemResult::Err(SystemError::InvalidRequest {
                error: "unknown variant".into(),
                request: Binary::from(b"{}".as_slice()),
            }),
            SystemResult::Err(SystemError::InvalidResponse {
                error: "bad".into(),
                response: Binary::from(b"\x00\xff".as_slice()),
            }),
            SystemResult::Err(SystemError::NoSuchContract {
                addr: "wasm1nope".into(),
            }),
            SystemResult::Err(SystemError::Unknown {}),
            SystemResult::Err(SystemError::UnsupportedRequest {
                kind: "stargate".into(),
            }),
            #[cfg(feature = "vanilla")]
            SystemResult::Err(SystemError::NoSuchCode { code_id: 9 }),
        ];
        for answer in answers {
            let bytes = to_json_bytes(&answer).unwrap();
            assert_eq!(
                read_querier_result(&bytes),
                std_reader(&bytes),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
            assert_eq!(read_querier_result(&bytes), answer);
        }
    }

    #[test]
    fn a_reply_that_does_not_read_is_an_invalid_response() {
        let replies: &[&[u8]] = &[
            b"",
            b"{}",
            b"[]",
            b"{\"ok\":{\"ok\":\"not base64!\"},\"Ok\":{\"Ok\":\"not base64!\"}}",
            b"{\"ok\":{\"ok\":7}}",
            b"{\"Ok\":{\"Ok\":7}}",
            b"{\"error\":{\"on_fire\":{}}}",
            b"{\"Err\":{\"on_fire\":{}}}",
            b"\xff",
        ];
        for reply in replies {
            match read_querier_result(reply) {
                SystemResult::Err(SystemError::InvalidResponse { error, response }) => {
                    assert!(error.starts_with("Error parsing into type"), "{error}");
                    assert_eq!(response.as_slice(), *reply);
                }
                other => panic!("{other:?} for {}", String::from_utf8_lossy(reply)),
            }
        }
    }
}
