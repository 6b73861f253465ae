//! Bech32 (BIP-173) for a permit signer's address and the prefix of the contract's own
//! address. Our own, and not the `bech32` crate (0.9), for size: the crate writes its output
//! through `core::fmt` and lower-cases an upper-case prefix with `str::to_lowercase`, whose
//! Unicode tables and code were several KB of each contract's wasm; every character bech32
//! allows is ASCII, so ASCII case mapping is the same thing here. The crate stays a
//! dev-dependency: the tests check that both give the same answers, on the standard's test
//! vectors and on random inputs.

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR: [u32; 5] = [
    0x3b6a_57b2,
    0x2650_8e6d,
    0x1ea1_19fa,
    0x3d42_33dd,
    0x2a14_62b3,
];
/// What the checksum leaves for bech32 and for bech32m (BIP-350); a prefix is read from both,
/// as the crate's `decode` does.
const BECH32: u32 = 1;
const BECH32M: u32 = 0x2bc8_30a3;

fn polymod_step(chk: u32, value: u8) -> u32 {
    let top = chk >> 25;
    let mut chk = ((chk & 0x01ff_ffff) << 5) ^ value as u32;
    for (i, g) in GENERATOR.iter().enumerate() {
        if (top >> i) & 1 == 1 {
            chk ^= g;
        }
    }
    chk
}

/// The checksum state after a lower-case prefix and its separator.
fn polymod_prefix(prefix: &[u8]) -> u32 {
    let mut chk = 1;
    for b in prefix {
        chk = polymod_step(chk, b >> 5);
    }
    chk = polymod_step(chk, 0);
    for b in prefix {
        chk = polymod_step(chk, b & 31);
    }
    chk
}

/// A valid prefix (1 to 83 characters of ASCII 33..=126, not of mixed case), in lower case.
fn lower_prefix(prefix: &str) -> Option<String> {
    let bytes = prefix.as_bytes();
    let valid = (1..=83).contains(&bytes.len())
        && bytes.iter().all(|b| (33..=126).contains(b))
        && !(bytes.iter().any(u8::is_ascii_lowercase) && bytes.iter().any(u8::is_ascii_uppercase));
    valid.then(|| prefix.to_ascii_lowercase())
}

/// `prefix` + `1` + `data` in groups of 5 bits (the last padded with zeros) + the checksum;
/// `None` when the prefix is not valid.
pub fn encode(prefix: &str, data: &[u8]) -> Option<String> {
    let prefix = lower_prefix(prefix)?;
    let mut out = prefix.clone().into_bytes();
    out.push(b'1');
    let mut chk = polymod_prefix(prefix.as_bytes());
    let mut push = |out: &mut Vec<u8>, value: u8| {
        chk = polymod_step(chk, value);
        out.push(CHARSET[value as usize]);
    };
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in data {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            push(&mut out, ((acc >> bits) & 31) as u8);
        }
    }
    if bits > 0 {
        push(&mut out, ((acc << (5 - bits)) & 31) as u8);
    }
    for _ in 0..6 {
        chk = polymod_step(chk, 0);
    }
    chk ^= BECH32;
    for i in 0..6 {
        out.push(CHARSET[((chk >> (5 * (5 - i))) & 31) as usize]);
    }
    // Only ASCII was written.
    String::from_utf8(out).ok()
}

/// The prefix, in lower case, of a valid bech32 or bech32m string; `None` for anything else
/// (no separator, a bad character, mixed case, a checksum that does not match).
pub fn decode_prefix(s: &str) -> Option<String> {
    let (raw_prefix, data) = s.rsplit_once('1')?;
    let prefix = lower_prefix(raw_prefix)?;
    let data = data.as_bytes();
    if data.len() < 6 {
        return None;
    }
    let case_of = |b: &u8| (b.is_ascii_lowercase(), b.is_ascii_uppercase());
    let (mut lower, mut upper) = raw_prefix
        .as_bytes()
        .iter()
        .map(case_of)
        .fold((false, false), |(l, u), (bl, bu)| (l || bl, u || bu));
    let mut chk = polymod_prefix(prefix.as_bytes());
    for b in data {
        lower |= b.is_ascii_lowercase();
        upper |= b.is_ascii_uppercase();
        let value = CHARSET.iter().position(|c| *c == b.to_ascii_lowercase())?;
        chk = polymod_step(chk, value as u8);
    }
    (!(lower && upper) && (chk == BECH32 || chk == BECH32M)).then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::bech32 as crate_bech32;
    use crate_bech32::ToBase32;
    use proptest::prelude::*;

    fn crate_encode(prefix: &str, data: &[u8]) -> Option<String> {
        crate_bech32::encode(prefix, data.to_base32(), crate_bech32::Variant::Bech32).ok()
    }

    fn crate_prefix(s: &str) -> Option<String> {
        crate_bech32::decode(s).ok().map(|(hrp, _, _)| hrp)
    }

    #[test]
    fn the_standards_test_vectors_read_as_the_crate_reads_them() {
        // BIP-173 valid and invalid strings, and BIP-350's bech32m ones.
        let vectors = [
            "A12UEL5L",
            "a12uel5l",
            "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
            "?1ezyfcl",
            "A1LQFN3A",
            "a1lqfn3a",
            "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
            "?1v759aa",
            " 1nwldj5",
            "\u{7f}1axkwrx",
            "\u{80}1eym55h",
            "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
            "pzry9x0s0muk",
            "1pzry9x0s0muk",
            "x1b4n0q5v",
            "li1dgmt3",
            "de1lg7wt\u{ff}",
            "A1G7SGD8",
            "10a06t8",
            "1qzzfhee",
            "a12UEL5L",
            "A12uel5l",
            "secret1399pyvvk3hvwgxwt3udkslsc5jl3rqv4yshfrl",
            "secret1399pyvvk3hvwgxwt3udkslsc5jl3rqv4yshfrm",
            "SECRET1399PYVVK3HVWGXWT3UDKSLSC5JL3RQV4YSHFRL",
            "secret1399pyvvk3hvwgxwt3udkslsc5jl3rqv4yshfrL",
            "contract0",
            "",
            "1",
        ];
        for s in vectors {
            assert_eq!(decode_prefix(s), crate_prefix(s), "{s:?}");
        }
        assert_eq!(decode_prefix("A12UEL5L").as_deref(), Some("a"));
        assert_eq!(decode_prefix("x1b4n0q5v"), None);
        assert_eq!(decode_prefix("A1G7SGD8"), None);
        assert_eq!(decode_prefix("a12UEL5L"), None);
    }

    #[test]
    fn encodes_the_standards_examples() {
        assert_eq!(encode("a", &[]).as_deref(), Some("a12uel5l"));
        assert_eq!(encode("A", &[]).as_deref(), Some("a12uel5l"));
        assert_eq!(encode("", &[1]), None);
        assert_eq!(encode("aB", &[1]), None);
        assert_eq!(encode("a b", &[1]), None);
        assert_eq!(encode(&"a".repeat(84), &[1]), None);
    }

    fn prefix_strategy() -> impl Strategy<Value = String> {
        prop_oneof!["[a-z0-9]{1,12}", "[A-Z0-9]{1,12}", "[!-~]{0,85}", ".{0,6}",]
    }

    proptest! {
        #[test]
        fn encodes_as_the_crate_does(prefix in prefix_strategy(), data in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(encode(&prefix, &data), crate_encode(&prefix, &data));
        }

        #[test]
        fn reads_prefixes_as_the_crate_does(
            prefix in prefix_strategy(),
            data in proptest::collection::vec(any::<u8>(), 0..40),
            bech32m in any::<bool>(),
            edit in 0usize..200,
            edit_kind in 0u8..5,
        ) {
            let variant = if bech32m { crate_bech32::Variant::Bech32m } else { crate_bech32::Variant::Bech32 };
            let Ok(valid) = crate_bech32::encode(&prefix, data.to_base32(), variant) else {
                prop_assert_eq!(decode_prefix(&prefix), crate_prefix(&prefix));
                return Ok(());
            };
            prop_assert_eq!(decode_prefix(&valid), crate_prefix(&valid));
            // One edit: a changed character, one in the other case, all upper case, a
            // character dropped, or a character out of range.
            let mut chars: Vec<char> = valid.chars().collect();
            let at = edit % chars.len();
            match edit_kind {
                0 => chars[at] = if chars[at] == 'q' { 'p' } else { 'q' },
                1 => chars[at] = chars[at].to_ascii_uppercase(),
                2 => chars.iter_mut().for_each(|c| *c = c.to_ascii_uppercase()),
                3 => { chars.remove(at); }
                _ => chars[at] = 'é',
            }
            let edited: String = chars.into_iter().collect();
            prop_assert_eq!(decode_prefix(&edited), crate_prefix(&edited), "{}", edited);
        }

        #[test]
        fn reads_arbitrary_strings_as_the_crate_does(s in "[qpzry9x8gf2tvdw0s3jn54khce6mua7lQPZ1bio ~é]{0,30}") {
            prop_assert_eq!(decode_prefix(&s), crate_prefix(&s));
        }
    }
}
