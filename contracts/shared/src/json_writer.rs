//! Writes a contract's query answers as JSON by plain code, byte for byte what
//! `serde_json_wasm` writes for the same `#[cw_serde]` type (the answer types keep their derived
//! `Serialize` for the schemas and the tests, which check both writers agree). Why: serde's
//! derived `Serialize` is instantiated per answer type and per field type with the JSON
//! serializer's generic code, which was a large part of the Secret wasm (contracts README,
//! "Size"); one writer with a method per JSON kind is a fraction of it.
//!
//! The output follows `serde_json_wasm` (0.4 and 0.5 agree): compact, fields in declaration
//! order, `None` as `null`, `Uint128`/`Uint64`/`Timestamp` as decimal strings, unit enum
//! variants as their snake_case name, other variants as `{"name":value}`; in strings `"` and
//! `\` escaped, the control characters as `\b \t \n \f \r` or `\u00XX` (upper-case hex), all
//! else as UTF-8.

use crate::cosmwasm_std::{Addr, Binary, Coin, Timestamp, Uint128, Uint64};

/// A value that writes itself as JSON.
pub trait ToJson {
    fn write_json(&self, out: &mut JsonWriter);
}

/// The JSON being written. Separators are placed from the last byte written: a value or key
/// that follows another value gets a comma.
#[derive(Default)]
pub struct JsonWriter(Vec<u8>);

impl JsonWriter {
    /// The JSON of one value.
    pub fn to_vec<T: ToJson + ?Sized>(value: &T) -> Vec<u8> {
        let mut out = JsonWriter(Vec::with_capacity(256));
        value.write_json(&mut out);
        out.0
    }

    /// The JSON of one value, as a query's answer.
    pub fn binary<T: ToJson + ?Sized>(value: &T) -> Binary {
        Binary::from(Self::to_vec(value))
    }

    fn separate(&mut self) {
        if !matches!(self.0.last(), None | Some(b'{' | b'[' | b':')) {
            self.0.push(b',');
        }
    }

    /// Starts an object; write its fields with [`field`](Self::field), then [`end`](Self::end).
    pub fn begin(&mut self) -> &mut Self {
        self.separate();
        self.0.push(b'{');
        self
    }

    /// Ends the object started by [`begin`](Self::begin) or [`variant`](Self::variant).
    pub fn end(&mut self) {
        self.0.push(b'}');
    }

    /// Writes `"name":value` into the open object.
    pub fn field<T: ToJson + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        self.key(name);
        value.write_json(self);
        self
    }

    /// Writes `"name":` into the open object; the value comes next.
    pub fn key(&mut self, name: &str) {
        self.string(name);
        self.0.push(b':');
    }

    /// Starts `{"name":` of an enum variant with a value; [`end`](Self::end) closes it.
    pub fn variant(&mut self, name: &str) -> &mut Self {
        self.begin().key(name);
        self
    }

    /// A JSON string.
    pub fn string(&mut self, s: &str) {
        self.separate();
        self.0.push(b'"');
        for &b in s.as_bytes() {
            // Bytes of multi-byte characters are all >= 0x80, so they are copied as they are.
            let escaped = match b {
                b'\\' => b'\\',
                b'"' => b'"',
                0x08 => b'b',
                0x09 => b't',
                0x0A => b'n',
                0x0C => b'f',
                0x0D => b'r',
                0x00..=0x1F => {
                    const HEX: &[u8; 16] = b"0123456789ABCDEF";
                    self.0.extend_from_slice(b"\\u00");
                    self.0.push(HEX[(b >> 4) as usize]);
                    self.0.push(HEX[(b & 0xF) as usize]);
                    continue;
                }
                _ => {
                    self.0.push(b);
                    continue;
                }
            };
            self.0.push(b'\\');
            self.0.push(escaped);
        }
        self.0.push(b'"');
    }

    /// Digits of `n`, without formatting machinery.
    fn digits(&mut self, mut n: u128) {
        let mut buf = [0u8; 39];
        let mut at = buf.len();
        loop {
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.0.extend_from_slice(&buf[at..]);
    }

    pub fn number(&mut self, n: u64) {
        self.separate();
        self.digits(n as u128);
    }

    /// A number written as a decimal string (`Uint128`, `Uint64`, `Timestamp`).
    pub fn decimal(&mut self, n: u128) {
        self.separate();
        self.0.push(b'"');
        self.digits(n);
        self.0.push(b'"');
    }

    fn raw(&mut self, s: &[u8]) {
        self.separate();
        self.0.extend_from_slice(s);
    }
}

/// `s` as a JSON string literal, for error messages that quote what they refuse: control
/// characters come out escaped, as with `{:?}`, without linking `Debug`'s Unicode tables.
pub fn quoted(s: &str) -> String {
    String::from_utf8(JsonWriter::to_vec(s)).unwrap_or_default()
}

impl ToJson for str {
    fn write_json(&self, out: &mut JsonWriter) {
        out.string(self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut JsonWriter) {
        out.string(self);
    }
}

impl ToJson for Addr {
    fn write_json(&self, out: &mut JsonWriter) {
        out.string(self.as_str());
    }
}

impl ToJson for u64 {
    fn write_json(&self, out: &mut JsonWriter) {
        out.number(*self);
    }
}

impl ToJson for u32 {
    fn write_json(&self, out: &mut JsonWriter) {
        out.number(*self as u64);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut JsonWriter) {
        out.raw(if *self { b"true" } else { b"false" });
    }
}

impl ToJson for Uint128 {
    fn write_json(&self, out: &mut JsonWriter) {
        out.decimal(self.u128());
    }
}

impl ToJson for Uint64 {
    fn write_json(&self, out: &mut JsonWriter) {
        out.decimal(self.u64() as u128);
    }
}

impl ToJson for Timestamp {
    fn write_json(&self, out: &mut JsonWriter) {
        out.decimal(self.nanos() as u128);
    }
}

impl ToJson for Binary {
    fn write_json(&self, out: &mut JsonWriter) {
        out.string(&self.to_base64());
    }
}

impl ToJson for Coin {
    fn write_json(&self, out: &mut JsonWriter) {
        out.begin()
            .field("denom", &self.denom)
            .field("amount", &self.amount)
            .end();
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut JsonWriter) {
        match self {
            Some(value) => value.write_json(out),
            None => out.raw(b"null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut JsonWriter) {
        out.raw(b"[");
        for item in self {
            item.write_json(out);
        }
        out.0.push(b']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut JsonWriter) {
        self.as_slice().write_json(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::Token;

    use crate::storage::assert_written_like_serde as same;

    #[test]
    fn writes_what_serde_json_wasm_writes() {
        same(&String::from("plain"));
        same(&String::from(
            "quote \" backslash \\ slash / tab \t nl \n cr \r ff \x0c bs \x08",
        ));
        same(&String::from("controls \x00 \x01 \x1b \x1f del \x7f"));
        same(&String::from("Café 東京 🚀"));
        same(&String::new());
        same(&Binary::from(b"\x00\xff binary \xfb\xef".to_vec()));
        same(&Binary::default());
        same(&0u64);
        same(&u64::MAX);
        same(&7u32);
        same(&true);
        same(&false);
        same(&Uint128::zero());
        same(&Uint128::MAX);
        same(&Uint64::new(u64::MAX));
        same(&Timestamp::from_nanos(1_700_000_000_123_456_789));
        same(&Some(5u64));
        same(&None::<u64>);
        same(&Vec::<u64>::new());
        same(&vec![1u64, 2, 3]);
        same(&vec![Some(Uint128::new(9)), None]);
        same(&vec![Addr::unchecked("secret1abc"), Addr::unchecked("x")]);
        same(&vec![vec![1u64], vec![], vec![2, 3]]);
        same(&vec![
            Coin::new(u128::MAX, "uscrt"),
            Coin::new(
                0,
                "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2",
            ),
        ]);
        same(&Token {
            address: Addr::unchecked("token1"),
            code_hash: Some("ab".repeat(32)),
        });
        same(&vec![
            Token {
                address: Addr::unchecked("token1"),
                code_hash: None,
            },
            Token {
                address: Addr::unchecked("token2"),
                code_hash: Some("c".into()),
            },
        ]);
    }

    proptest::proptest! {
        #[test]
        fn writes_random_values_as_serde_json_wasm_does(
            text in "(?s).{0,40}",
            controls in "[\\x00-\\x1f\"\\\\a-z]{0,20}",
            n in proptest::prelude::any::<u64>(),
            big in proptest::prelude::any::<u128>(),
            list in proptest::collection::vec(proptest::option::of("(?s).{0,8}"), 0..5),
        ) {
            same(&text);
            same(&controls);
            same(&n);
            same(&Uint128::new(big));
            same(&Timestamp::from_nanos(n));
            same(&list);
            same(&Token { address: Addr::unchecked(text.clone()), code_hash: Some(controls.clone()) });
        }
    }

    #[test]
    fn quotes_as_debug_does_for_plain_text_and_escapes_control_characters() {
        for s in ["secret1abc", "", "Café 東京", "a b"] {
            assert_eq!(quoted(s), format!("{s:?}"));
        }
        assert_eq!(quoted("a\"b\\c\nd\u{1b}"), r#""a\"b\\c\nd\u001B""#);
    }

    #[test]
    fn writes_every_byte_below_0x80_as_serde_json_wasm_does() {
        let all: String = (0u8..0x80).map(char::from).collect();
        same(&all);
    }
}
