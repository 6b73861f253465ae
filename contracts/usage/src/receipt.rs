//! Usage receipt v2: the canonical bytes one gateway signature covers, their hash, and the
//! rules a receipt's lines obey, exactly as the crate README ("Usage receipt, version 2")
//! fixes them. Pure functions over bytes, like `attestation`: no storage, no chain types.

use sha2::{Digest, Sha256};

use crate::attestation::{merkle_root, Attestation, PUBKEY_LEN};

/// Every receipt's canonical bytes start with this tag. An attestation's start with its
/// version byte `0x01`, so no byte string is both, and a signature over one can never verify
/// as a signature over the other.
pub const RECEIPT_DOMAIN: &[u8; 23] = b"privexbot/usage-receipt";
pub const RECEIPT_VERSION: u8 = 2;
/// Canonical bytes before the lines: domain, v, signer, first_seq, last_seq, root, line_count.
pub const RECEIPT_HEADER_LEN: usize = 23 + 1 + PUBKEY_LEN + 8 + 8 + 32 + 4;
/// One line: org(8) bot(16) day(4) messages(8) prompt_tokens(8) completion_tokens(8).
pub const RECEIPT_LINE_LEN: usize = 8 + 16 + 4 + 8 + 8 + 8;
pub const ROOT_LEN: usize = 32;

/// The sums of one (org, bot, UTC day) over a receipt's range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptLine {
    pub org: u64,
    pub bot: [u8; 16],
    pub day: u32,
    pub messages: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl ReceiptLine {
    /// The order lines must follow, strictly: by org, then bot bytes, then day.
    pub fn key(&self) -> (u64, [u8; 16], u32) {
        (self.org, self.bot, self.day)
    }

    fn push(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.org.to_be_bytes());
        out.extend_from_slice(&self.bot);
        out.extend_from_slice(&self.day.to_be_bytes());
        out.extend_from_slice(&self.messages.to_be_bytes());
        out.extend_from_slice(&self.prompt_tokens.to_be_bytes());
        out.extend_from_slice(&self.completion_tokens.to_be_bytes());
    }

    fn read(bytes: &[u8]) -> ReceiptLine {
        let u64_at = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        ReceiptLine {
            org: u64_at(0),
            bot: bytes[8..24].try_into().expect("16 bytes"),
            day: u32::from_be_bytes(bytes[24..28].try_into().expect("4 bytes")),
            messages: u64_at(28),
            prompt_tokens: u64_at(36),
            completion_tokens: u64_at(44),
        }
    }
}

/// A gateway's signed statement of the usage sums over its sequence range
/// `first_seq..=last_seq`, and the Merkle root of that range's attestation hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub signer: [u8; PUBKEY_LEN],
    pub first_seq: u64,
    pub last_seq: u64,
    pub root: [u8; ROOT_LEN],
    pub lines: Vec<ReceiptLine>,
}

impl Receipt {
    /// The canonical bytes (README table): the signed content.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        canonical_bytes(
            &self.signer,
            self.first_seq,
            self.last_seq,
            &self.root,
            &self.lines_bytes(),
        )
    }

    /// The lines as they travel in `submit_receipt.lines`: the canonical bytes' tail.
    pub fn lines_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(RECEIPT_LINE_LEN * self.lines.len());
        for line in &self.lines {
            line.push(&mut out);
        }
        out
    }

    /// SHA-256 of the canonical bytes: the digest the gateway signs.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.canonical_bytes()).into()
    }

    /// The receipt over consecutive attestations of one signer, in seq order: what the gateway
    /// signs (tools and tests; the contract never sees attestations of a receipt). `None` when
    /// `attestations` is empty, not consecutive, of several signers, or a sum overflows.
    pub fn over(attestations: &[Attestation]) -> Option<Receipt> {
        let first = attestations.first()?;
        let mut sums: std::collections::BTreeMap<(u64, [u8; 16], u32), ReceiptLine> =
            std::collections::BTreeMap::new();
        for (i, a) in attestations.iter().enumerate() {
            if a.signer != first.signer || a.seq != first.seq.checked_add(i as u64)? {
                return None;
            }
            let day = u32::try_from(a.ts / 86_400).ok()?;
            let line = sums.entry((a.org, a.bot, day)).or_insert(ReceiptLine {
                org: a.org,
                bot: a.bot,
                day,
                messages: 0,
                prompt_tokens: 0,
                completion_tokens: 0,
            });
            line.messages += 1;
            line.prompt_tokens = line.prompt_tokens.checked_add(a.prompt_tokens.into())?;
            line.completion_tokens = line
                .completion_tokens
                .checked_add(a.completion_tokens.into())?;
        }
        let hashes: Vec<[u8; 32]> = attestations.iter().map(Attestation::hash).collect();
        Some(Receipt {
            signer: first.signer,
            first_seq: first.seq,
            last_seq: attestations.last()?.seq,
            root: merkle_root(&hashes)?,
            lines: sums.into_values().collect(),
        })
    }

    /// Answers in the range; `None` when `last_seq < first_seq`.
    pub fn answers(&self) -> Option<u64> {
        self.last_seq
            .checked_sub(self.first_seq)
            .and_then(|d| d.checked_add(1))
    }

    /// Parses canonical bytes, refusing anything that does not parse exactly.
    pub fn from_canonical_bytes(bytes: &[u8]) -> Result<Self, ReceiptDecodeError> {
        if bytes.len() < RECEIPT_HEADER_LEN {
            return Err(ReceiptDecodeError::Length {
                expected: RECEIPT_HEADER_LEN,
                actual: bytes.len(),
            });
        }
        if &bytes[..23] != RECEIPT_DOMAIN {
            return Err(ReceiptDecodeError::Domain);
        }
        if bytes[23] != RECEIPT_VERSION {
            return Err(ReceiptDecodeError::Version(bytes[23]));
        }
        let u64_at = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        let count = u32::from_be_bytes(bytes[105..109].try_into().expect("4 bytes")) as usize;
        let expected = RECEIPT_HEADER_LEN + count * RECEIPT_LINE_LEN;
        if bytes.len() != expected {
            return Err(ReceiptDecodeError::Length {
                expected,
                actual: bytes.len(),
            });
        }
        Ok(Receipt {
            signer: bytes[24..57].try_into().expect("33 bytes"),
            first_seq: u64_at(57),
            last_seq: u64_at(65),
            root: bytes[73..105].try_into().expect("32 bytes"),
            lines: decode_lines(&bytes[RECEIPT_HEADER_LEN..])?,
        })
    }
}

/// The canonical bytes from a `submit_receipt`'s parts, whose packed lines are already the
/// bytes' tail: the contract hashes exactly what it was sent, without decoding and re-encoding.
/// `lines` must be a whole number of lines (see `decode_lines`).
pub fn canonical_bytes(
    signer: &[u8; PUBKEY_LEN],
    first_seq: u64,
    last_seq: u64,
    root: &[u8; ROOT_LEN],
    lines: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(RECEIPT_HEADER_LEN + lines.len());
    out.extend_from_slice(RECEIPT_DOMAIN);
    out.push(RECEIPT_VERSION);
    out.extend_from_slice(signer);
    out.extend_from_slice(&first_seq.to_be_bytes());
    out.extend_from_slice(&last_seq.to_be_bytes());
    out.extend_from_slice(root);
    // More than u32::MAX lines cannot be sent: the contract caps lines far lower.
    out.extend_from_slice(&((lines.len() / RECEIPT_LINE_LEN) as u32).to_be_bytes());
    out.extend_from_slice(lines);
    out
}

/// Parses packed lines (`submit_receipt.lines`): a whole number of 52-byte lines.
pub fn decode_lines(bytes: &[u8]) -> Result<Vec<ReceiptLine>, ReceiptDecodeError> {
    if bytes.len() % RECEIPT_LINE_LEN != 0 {
        return Err(ReceiptDecodeError::LinesLength(bytes.len()));
    }
    Ok(bytes
        .chunks_exact(RECEIPT_LINE_LEN)
        .map(ReceiptLine::read)
        .collect())
}

/// Why bytes are not a receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReceiptDecodeError {
    Domain,
    Version(u8),
    Length { expected: usize, actual: usize },
    LinesLength(usize),
}

impl std::fmt::Display for ReceiptDecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReceiptDecodeError::Domain => write!(f, "does not start with the receipt domain tag"),
            ReceiptDecodeError::Version(v) => {
                write!(f, "unsupported version {v} (expected {RECEIPT_VERSION})")
            }
            ReceiptDecodeError::Length { expected, actual } => {
                write!(f, "length {actual} bytes, expected {expected}")
            }
            ReceiptDecodeError::LinesLength(n) => {
                write!(
                    f,
                    "lines are {n} bytes, not a multiple of {RECEIPT_LINE_LEN}"
                )
            }
        }
    }
}

/// Index of the first line not strictly after the one before it (out of order or repeated).
pub fn first_unsorted_line(lines: &[ReceiptLine]) -> Option<usize> {
    lines
        .windows(2)
        .position(|pair| pair[0].key() >= pair[1].key())
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(org: u64, bot: u8, day: u32) -> ReceiptLine {
        ReceiptLine {
            org,
            bot: [bot; 16],
            day,
            messages: 3,
            prompt_tokens: 300,
            completion_tokens: 90,
        }
    }

    fn sample() -> Receipt {
        Receipt {
            signer: [2u8; 33],
            first_seq: 11,
            last_seq: 16,
            root: [0x5a; 32],
            lines: vec![line(1, 0xaa, 20_780), line(2, 0x01, 20_780)],
        }
    }

    #[test]
    fn canonical_bytes_follow_the_readme_layout() {
        let r = sample();
        let b = r.canonical_bytes();
        assert_eq!(b.len(), 109 + 2 * 52);
        assert_eq!(&b[..23], b"privexbot/usage-receipt");
        assert_eq!(b[23], 2);
        assert_eq!(&b[24..57], &[2u8; 33]);
        assert_eq!(&b[57..65], &11u64.to_be_bytes());
        assert_eq!(&b[65..73], &16u64.to_be_bytes());
        assert_eq!(&b[73..105], &[0x5a; 32]);
        assert_eq!(&b[105..109], &2u32.to_be_bytes());
        assert_eq!(&b[109..117], &1u64.to_be_bytes());
        assert_eq!(&b[117..133], &[0xaa; 16]);
        assert_eq!(&b[133..137], &20_780u32.to_be_bytes());
        assert_eq!(&b[137..145], &3u64.to_be_bytes());
        assert_eq!(&b[109..], r.lines_bytes().as_slice());
        assert_eq!(Receipt::from_canonical_bytes(&b).unwrap(), r);
        assert_eq!(r.answers(), Some(6));
    }

    #[test]
    fn anything_inexact_is_refused() {
        let b = sample().canonical_bytes();
        assert!(matches!(
            Receipt::from_canonical_bytes(&b[..b.len() - 1]),
            Err(ReceiptDecodeError::Length { .. })
        ));
        let mut attestation_like = b.clone();
        attestation_like[0] = 1;
        assert_eq!(
            Receipt::from_canonical_bytes(&attestation_like),
            Err(ReceiptDecodeError::Domain)
        );
        let mut v3 = b.clone();
        v3[23] = 3;
        assert_eq!(
            Receipt::from_canonical_bytes(&v3),
            Err(ReceiptDecodeError::Version(3))
        );
        assert_eq!(
            decode_lines(&[0u8; 53]),
            Err(ReceiptDecodeError::LinesLength(53))
        );
    }

    #[test]
    fn lines_must_be_strictly_ordered_by_org_bot_day() {
        assert_eq!(first_unsorted_line(&sample().lines), None);
        assert_eq!(
            first_unsorted_line(&[line(2, 1, 5), line(1, 9, 9)]),
            Some(1)
        );
        assert_eq!(
            first_unsorted_line(&[line(1, 1, 5), line(1, 1, 5)]),
            Some(1)
        );
        assert_eq!(
            first_unsorted_line(&[line(1, 1, 5), line(1, 2, 4), line(1, 2, 4)]),
            Some(2)
        );
        assert_eq!(
            first_unsorted_line(&[line(1, 2, 4), line(1, 1, 5)]),
            Some(1)
        );
    }
}
