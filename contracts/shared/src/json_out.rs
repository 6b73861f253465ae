//! The JSON a contract returns to the host, written by hand instead of by serde's derived
//! `Serialize` of `ContractResult`, `Response`, `SubMsg`, `Attribute` and `Event`. Why: size
//! (contracts README, "Size"); this is one small writer where serde instantiated a serializer
//! per type. The output is what those derives wrote, field for field, so the host (wasmd,
//! Secret's enclave, the devnet's cw-simulate) reads it unchanged.

use crate::cosmwasm_std::{Attribute, Binary, ReplyOn, Response, SubMsg};
use crate::storage::to_json_bytes;

/// The tags of `ContractResult`'s two variants: cosmwasm-std renames them to snake case (and
/// `Err` to `error`); secret-cosmwasm-std 1.1 keeps Rust's names.
#[cfg(feature = "vanilla")]
const OK: &str = "{\"ok\":";
#[cfg(feature = "vanilla")]
const ERROR: &str = "{\"error\":";
#[cfg(feature = "secret")]
const OK: &str = "{\"Ok\":";
#[cfg(feature = "secret")]
const ERROR: &str = "{\"Err\":";

/// `{"ok": <response>}` or `{"error": "<message>"}` (Secret: `Ok`, `Err`): the
/// `ContractResult<Response>` of `instantiate`, `execute` and `migrate`.
pub fn write_result(result: &Result<Response, String>) -> Vec<u8> {
    let mut out = Out(Vec::with_capacity(256));
    match result {
        Ok(response) => {
            out.raw(OK);
            if let Err(e) = out.response(response) {
                return write_error(&e);
            }
            out.raw("}");
            out.0
        }
        Err(e) => write_error(e),
    }
}

/// `{"ok": "<base64>"}` or `{"error": "<message>"}` (Secret: `Ok`, `Err`): the `ContractResult<Binary>` of `query`.
pub fn write_query_result(result: &Result<Binary, String>) -> Vec<u8> {
    match result {
        Ok(data) => {
            let mut out = Out(Vec::with_capacity(16 + data.len() * 4 / 3));
            out.raw(OK);
            out.string(&data.to_base64());
            out.raw("}");
            out.0
        }
        Err(e) => write_error(e),
    }
}

fn write_error(message: &str) -> Vec<u8> {
    let mut out = Out(Vec::with_capacity(16 + message.len()));
    out.raw(ERROR);
    out.string(message);
    out.raw("}");
    out.0
}

struct Out(Vec<u8>);

impl Out {
    fn raw(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    fn u64(&mut self, n: u64) {
        self.raw(&n.to_string());
    }

    /// A JSON string, escaped byte for byte as serde_json_wasm escapes it (so a result is
    /// the same bytes as before): `"` and `\`, the five control characters JSON names by a
    /// letter, the other control characters as `\u00XX`; everything else stays UTF-8.
    fn string(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        self.0.push(b'"');
        for &b in s.as_bytes() {
            let named = match b {
                b'"' | b'\\' => b,
                0x08 => b'b',
                0x09 => b't',
                0x0a => b'n',
                0x0c => b'f',
                0x0d => b'r',
                0..=0x1f => {
                    let hex = [HEX[(b >> 4) as usize], HEX[(b & 0xf) as usize]];
                    self.0.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex[0], hex[1]]);
                    continue;
                }
                _ => {
                    self.0.push(b);
                    continue;
                }
            };
            self.0.extend_from_slice(&[b'\\', named]);
        }
        self.0.push(b'"');
    }

    fn list<T>(&mut self, items: &[T], mut write: impl FnMut(&mut Self, &T) -> Result<(), String>) -> Result<(), String> {
        self.0.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.0.push(b',');
            }
            write(self, item)?;
        }
        self.0.push(b']');
        Ok(())
    }

    fn response(&mut self, response: &Response) -> Result<(), String> {
        self.raw("{\"messages\":");
        self.list(&response.messages, Out::sub_msg)?;
        self.raw(",\"attributes\":");
        self.list(&response.attributes, Out::attribute)?;
        self.raw(",\"events\":");
        self.list(&response.events, |out, event| {
            out.raw("{\"type\":");
            out.string(&event.ty);
            out.raw(",\"attributes\":");
            out.list(&event.attributes, Out::attribute)?;
            out.raw("}");
            Ok(())
        })?;
        self.raw(",\"data\":");
        match &response.data {
            Some(data) => self.string(&data.to_base64()),
            None => self.raw("null"),
        }
        self.raw("}");
        Ok(())
    }

    fn sub_msg(&mut self, sub: &SubMsg) -> Result<(), String> {
        self.raw("{\"id\":");
        self.u64(sub.id);
        self.raw(",\"msg\":");
        let msg = to_json_bytes(&sub.msg).map_err(|e| e.to_string())?;
        self.0.extend_from_slice(&msg);
        self.raw(",\"gas_limit\":");
        match sub.gas_limit {
            Some(limit) => self.u64(limit),
            None => self.raw("null"),
        }
        self.raw(",\"reply_on\":");
        self.string(match sub.reply_on {
            ReplyOn::Always => "always",
            ReplyOn::Error => "error",
            ReplyOn::Success => "success",
            ReplyOn::Never => "never",
        });
        self.raw("}");
        Ok(())
    }

    fn attribute(&mut self, attribute: &Attribute) -> Result<(), String> {
        self.raw("{\"key\":");
        self.string(&attribute.key);
        self.raw(",\"value\":");
        self.string(&attribute.value);
        #[cfg(feature = "secret")]
        self.raw(if attribute.encrypted {
            ",\"encrypted\":true"
        } else {
            ",\"encrypted\":false"
        });
        self.raw("}");
        Ok(())
    }
}
