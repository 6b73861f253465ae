//! Bot ids: 16 bytes on chain (in attestations and storage keys), a UUID string in messages.
//! Hand-written rather than the `uuid` crate: only the canonical hyphenated form is needed,
//! and every dependency adds to the wasm size that Secret Network's 250 KB goal bounds.

use privexbot_shared::storage::MapKey;

use crate::error::ContractError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BotId(pub [u8; 16]);

const HYPHENS: [usize; 4] = [8, 13, 18, 23];

impl BotId {
    /// Accepts `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in either case.
    pub fn parse(value: &str) -> Result<Self, ContractError> {
        let invalid = || ContractError::InvalidBotId {
            value: value.chars().take(64).collect(),
        };
        let bytes = value.as_bytes();
        if bytes.len() != 36 || HYPHENS.iter().any(|&i| bytes[i] != b'-') {
            return Err(invalid());
        }
        let hex: Vec<u8> = bytes.iter().copied().filter(|&b| b != b'-').collect();
        let mut out = [0u8; 16];
        hex::decode_to_slice(&hex, &mut out).map_err(|_| invalid())?;
        Ok(BotId(out))
    }
}

impl std::fmt::Display for BotId {
    /// Lower-case hyphenated UUID.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let h = hex::encode(self.0);
        write!(
            f,
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }
}

impl MapKey for BotId {
    fn key_bytes(&self) -> Vec<u8> {
        self.0.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let s = "00112233-4455-6677-8899-aabbccddeeff";
        let id = BotId::parse(s).unwrap();
        assert_eq!(id.0[0], 0x00);
        assert_eq!(id.0[15], 0xff);
        assert_eq!(id.to_string(), s);
        assert_eq!(BotId::parse(&s.to_uppercase()).unwrap(), id);
        for bad in [
            "",
            "00112233445566778899aabbccddeeff",
            "00112233-4455-6677-8899-aabbccddeefg",
            "0011223-34455-6677-8899-aabbccddeeff",
            "00112233-4455-6677-8899-aabbccddeeff0",
        ] {
            assert!(
                matches!(BotId::parse(bad), Err(ContractError::InvalidBotId { .. })),
                "{bad}"
            );
        }
        // The refused value is quoted and escaped, so a hostile one cannot bend the message.
        assert_eq!(
            BotId::parse("x\"\n\u{1}é").unwrap_err().to_string(),
            "invalid bot id \"x\\\"\\n\\u0001é\": expected a UUID like 00112233-4455-6677-8899-aabbccddeeff"
        );
    }
}
