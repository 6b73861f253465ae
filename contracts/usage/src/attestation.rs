//! Attestation encoding v1, its hash and the batch Merkle root, exactly as the crate README
//! fixes them. Pure functions over bytes: no storage, no chain types, so the test vectors and
//! other languages can rely on them alone.

use sha2::{Digest, Sha256};

pub const VERSION: u8 = 1;
pub const PUBKEY_LEN: usize = 33;
pub const SIGNATURE_LEN: usize = 64;
pub const MAX_MODEL_LEN: usize = 64;
/// Canonical bytes before the model name: v, signer, seq, org, bot, ts, tokens, req_hash, model_len.
pub const CANONICAL_FIXED_LEN: usize = 1 + 33 + 8 + 8 + 16 + 8 + 4 + 4 + 32 + 1;
/// A wire record is `WIRE_FIXED_LEN + model_len` bytes (no signer, no seq, plus the signature).
pub const WIRE_FIXED_LEN: usize = CANONICAL_FIXED_LEN - 33 - 8 + SIGNATURE_LEN;

/// One gateway's signed statement that it answered one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attestation {
    pub signer: [u8; PUBKEY_LEN],
    pub seq: u64,
    pub org: u64,
    pub bot: [u8; 16],
    pub ts: u64,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub req_hash: [u8; 32],
    pub model: String,
}

/// Why bytes are not a valid attestation or wire record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    Version(u8),
    Length { expected: usize, actual: usize },
    ModelLength(usize),
    ModelNotUtf8,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Version(v) => write!(f, "unsupported version {v} (expected {VERSION})"),
            DecodeError::Length { expected, actual } => {
                write!(f, "length {actual} bytes, expected {expected}")
            }
            DecodeError::ModelLength(n) => {
                write!(f, "model_len {n} is outside 1..={MAX_MODEL_LEN}")
            }
            DecodeError::ModelNotUtf8 => write!(f, "model name is not valid UTF-8"),
        }
    }
}

impl Attestation {
    /// The canonical bytes (README table): the signed content.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(CANONICAL_FIXED_LEN + self.model.len());
        out.push(VERSION);
        out.extend_from_slice(&self.signer);
        out.extend_from_slice(&self.seq.to_be_bytes());
        self.push_body(&mut out);
        out
    }

    /// SHA-256 of the canonical bytes: the digest the gateway signs and the Merkle leaf input.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.canonical_bytes()).into()
    }

    /// The wire record of this attestation with its signature.
    pub fn wire_record(&self, signature: &[u8; SIGNATURE_LEN]) -> Vec<u8> {
        let mut out = Vec::with_capacity(WIRE_FIXED_LEN + self.model.len());
        out.push(VERSION);
        self.push_body(&mut out);
        out.extend_from_slice(signature);
        out
    }

    // Everything after `seq`, shared by the canonical bytes and the wire record.
    fn push_body(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.org.to_be_bytes());
        out.extend_from_slice(&self.bot);
        out.extend_from_slice(&self.ts.to_be_bytes());
        out.extend_from_slice(&self.prompt_tokens.to_be_bytes());
        out.extend_from_slice(&self.completion_tokens.to_be_bytes());
        out.extend_from_slice(&self.req_hash);
        // Model length is checked on decode; an encoder given a longer name is a caller bug.
        out.push(self.model.len() as u8);
        out.extend_from_slice(self.model.as_bytes());
    }

    /// Parses canonical bytes, refusing anything that does not parse exactly.
    pub fn from_canonical_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes, CANONICAL_FIXED_LEN)?;
        let signer = r.array::<PUBKEY_LEN>();
        let seq = r.u64();
        let (body, sig_len) = r.body(0)?;
        debug_assert_eq!(sig_len.len(), 0);
        Ok(body.into_attestation(signer, seq))
    }

    /// Parses a wire record from a batch: `signer` and `seq` come from the batch.
    pub fn from_wire_record(
        record: &[u8],
        signer: [u8; PUBKEY_LEN],
        seq: u64,
    ) -> Result<(Self, [u8; SIGNATURE_LEN]), DecodeError> {
        let mut r = Reader::new(record, WIRE_FIXED_LEN)?;
        let (body, signature) = r.body(SIGNATURE_LEN)?;
        let mut sig = [0u8; SIGNATURE_LEN];
        sig.copy_from_slice(signature);
        Ok((body.into_attestation(signer, seq), sig))
    }
}

struct Body {
    org: u64,
    bot: [u8; 16],
    ts: u64,
    prompt_tokens: u32,
    completion_tokens: u32,
    req_hash: [u8; 32],
    model: String,
}

impl Body {
    fn into_attestation(self, signer: [u8; PUBKEY_LEN], seq: u64) -> Attestation {
        Attestation {
            signer,
            seq,
            org: self.org,
            bot: self.bot,
            ts: self.ts,
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens,
            req_hash: self.req_hash,
            model: self.model,
        }
    }
}

/// A cursor over a record whose length was checked to hold at least the fixed part.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    fixed_len: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], fixed_len: usize) -> Result<Self, DecodeError> {
        if bytes.len() < fixed_len + 1 {
            return Err(DecodeError::Length {
                expected: fixed_len + 1,
                actual: bytes.len(),
            });
        }
        if bytes[0] != VERSION {
            return Err(DecodeError::Version(bytes[0]));
        }
        Ok(Reader {
            bytes,
            pos: 1,
            fixed_len,
        })
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        out.copy_from_slice(&self.bytes[self.pos..self.pos + N]);
        self.pos += N;
        out
    }

    fn u64(&mut self) -> u64 {
        u64::from_be_bytes(self.array::<8>())
    }

    fn u32(&mut self) -> u32 {
        u32::from_be_bytes(self.array::<4>())
    }

    /// Reads org..model, checks the total length (with `trailer_len` bytes after the model),
    /// and returns the body and the trailer.
    fn body(&mut self, trailer_len: usize) -> Result<(Body, &'a [u8]), DecodeError> {
        let org = self.u64();
        let bot = self.array::<16>();
        let ts = self.u64();
        let prompt_tokens = self.u32();
        let completion_tokens = self.u32();
        let req_hash = self.array::<32>();
        let model_len = self.bytes[self.pos] as usize;
        self.pos += 1;
        if model_len == 0 || model_len > MAX_MODEL_LEN {
            return Err(DecodeError::ModelLength(model_len));
        }
        let expected = self.fixed_len + model_len;
        if self.bytes.len() != expected {
            return Err(DecodeError::Length {
                expected,
                actual: self.bytes.len(),
            });
        }
        let model = std::str::from_utf8(&self.bytes[self.pos..self.pos + model_len])
            .map_err(|_| DecodeError::ModelNotUtf8)?
            .to_string();
        let trailer = &self.bytes[self.pos + model_len..self.pos + model_len + trailer_len];
        Ok((
            Body {
                org,
                bot,
                ts,
                prompt_tokens,
                completion_tokens,
                req_hash,
                model,
            },
            trailer,
        ))
    }
}

/// Half the order of secp256k1, big-endian: signatures must have `s` at most this (low-S), so
/// that each attestation has exactly one valid signature encoding.
const HALF_ORDER: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// Whether the `s` half of a compact signature is in the lower half of the group order.
pub fn is_low_s(signature: &[u8; SIGNATURE_LEN]) -> bool {
    signature[32..] <= HALF_ORDER[..]
}

/// `SHA-256(0x00 || attestation_hash)`.
pub fn merkle_leaf(attestation_hash: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(attestation_hash);
    h.finalize().into()
}

fn merkle_node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The batch Merkle root over attestation hashes in sequence order (README "Batch Merkle
/// root"); `None` for no leaves.
pub fn merkle_root(attestation_hashes: &[[u8; 32]]) -> Option<[u8; 32]> {
    let mut level: Vec<[u8; 32]> = attestation_hashes.iter().map(merkle_leaf).collect();
    if level.is_empty() {
        return None;
    }
    while level.len() > 1 {
        // An odd last node is carried up unchanged, never paired with itself.
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [l, r] => merkle_node(l, r),
                [single] => *single,
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
    }
    level.pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(model: &str) -> Attestation {
        Attestation {
            signer: [2u8; 33],
            seq: 7,
            org: 42,
            bot: [0xab; 16],
            ts: 1_790_000_000,
            prompt_tokens: 120,
            completion_tokens: 345,
            req_hash: [0x11; 32],
            model: model.to_string(),
        }
    }

    #[test]
    fn canonical_bytes_follow_the_readme_layout() {
        let a = sample("gpt-4o-mini");
        let b = a.canonical_bytes();
        assert_eq!(b.len(), 115 + 11);
        assert_eq!(b[0], 1);
        assert_eq!(&b[1..34], &[2u8; 33]);
        assert_eq!(&b[34..42], &7u64.to_be_bytes());
        assert_eq!(&b[42..50], &42u64.to_be_bytes());
        assert_eq!(&b[50..66], &[0xab; 16]);
        assert_eq!(&b[66..74], &1_790_000_000u64.to_be_bytes());
        assert_eq!(&b[74..78], &120u32.to_be_bytes());
        assert_eq!(&b[78..82], &345u32.to_be_bytes());
        assert_eq!(&b[82..114], &[0x11; 32]);
        assert_eq!(b[114], 11);
        assert_eq!(&b[115..], b"gpt-4o-mini");
        assert_eq!(Attestation::from_canonical_bytes(&b).unwrap(), a);
    }

    #[test]
    fn wire_record_round_trips_and_is_138_plus_model() {
        let a = sample("m");
        let sig = [9u8; 64];
        let w = a.wire_record(&sig);
        assert_eq!(w.len(), 138 + 1);
        let (back, s) = Attestation::from_wire_record(&w, a.signer, a.seq).unwrap();
        assert_eq!(back, a);
        assert_eq!(s, sig);
    }

    #[test]
    fn anything_inexact_is_refused() {
        let a = sample("abc");
        let w = a.wire_record(&[1u8; 64]);
        let parse = |b: &[u8]| Attestation::from_wire_record(b, a.signer, 1).map(|_| ());
        assert_eq!(
            parse(&w[..w.len() - 1]),
            Err(DecodeError::Length {
                expected: 141,
                actual: 140
            })
        );
        let mut long = w.clone();
        long.push(0);
        assert_eq!(
            parse(&long),
            Err(DecodeError::Length {
                expected: 141,
                actual: 142
            })
        );
        let mut v2 = w.clone();
        v2[0] = 2;
        assert_eq!(parse(&v2), Err(DecodeError::Version(2)));
        let mut zero = w.clone();
        zero[73] = 0;
        assert_eq!(parse(&zero), Err(DecodeError::ModelLength(0)));
        let mut big = w.clone();
        big[73] = 65;
        assert_eq!(parse(&big), Err(DecodeError::ModelLength(65)));
        let mut bad_utf8 = w.clone();
        bad_utf8[74] = 0xff;
        assert_eq!(parse(&bad_utf8), Err(DecodeError::ModelNotUtf8));
        assert!(matches!(parse(&[]), Err(DecodeError::Length { .. })));
        assert!(matches!(parse(&[1u8; 10]), Err(DecodeError::Length { .. })));
        let c = a.canonical_bytes();
        assert!(Attestation::from_canonical_bytes(&c[..c.len() - 1]).is_err());
    }

    #[test]
    fn merkle_root_shapes() {
        let h = |i: u8| [i; 32];
        assert_eq!(merkle_root(&[]), None);
        assert_eq!(merkle_root(&[h(1)]), Some(merkle_leaf(&h(1))));
        let l: Vec<_> = (1..=5).map(|i| merkle_leaf(&h(i))).collect();
        assert_eq!(merkle_root(&[h(1), h(2)]), Some(merkle_node(&l[0], &l[1])));
        // Three leaves: the third is carried up, not duplicated.
        assert_eq!(
            merkle_root(&[h(1), h(2), h(3)]),
            Some(merkle_node(&merkle_node(&l[0], &l[1]), &l[2]))
        );
        let five = merkle_node(
            &merkle_node(&merkle_node(&l[0], &l[1]), &merkle_node(&l[2], &l[3])),
            &l[4],
        );
        assert_eq!(merkle_root(&[h(1), h(2), h(3), h(4), h(5)]), Some(five));
        // A leaf never equals the root of a tree over other leaves of the same bytes.
        assert_ne!(
            merkle_root(&[h(1), h(2)]),
            merkle_root(&[merkle_node(&l[0], &l[1])])
        );
    }

    #[test]
    fn low_s_boundary() {
        let mut sig = [0u8; 64];
        sig[32..].copy_from_slice(&HALF_ORDER);
        assert!(is_low_s(&sig));
        sig[63] += 1;
        assert!(!is_low_s(&sig));
    }
}
