//! `submit_receipt` (settlement v2) and the public receipt queries. A receipt is checked whole
//! before anything is written: relayer, signer, sequence, root, lines, message count, then its
//! one signature; its lines then go to the same counters as v1's attestations.

use privexbot_shared::cosmwasm_std::{
    Binary, Deps, DepsMut, Env, MessageInfo, Response, StdError, Uint64,
};
use sha2::{Digest, Sha256};

use crate::attestation::{is_low_s, PUBKEY_LEN, SIGNATURE_LEN};
use crate::counters::{day_of, Tally};
use crate::error::ContractError;
use crate::msg::{ReceiptHeader, ReceiptsResponse, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use crate::receipt::{canonical_bytes, decode_lines, first_unsorted_line, ROOT_LEN};
use crate::relayers::ensure_allowed_relayer;
use crate::signers::load_active_signer;
use crate::state::{receipts, Signer, CONFIG, SIGNERS};

/// The parts of a `submit_receipt` message.
pub struct SubmittedReceipt {
    pub signer: Binary,
    pub first_seq: Uint64,
    pub last_seq: Uint64,
    pub root: Binary,
    pub lines: Binary,
    pub signature: Binary,
}

pub fn execute_submit_receipt(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    submitted: SubmittedReceipt,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    ensure_allowed_relayer(deps.storage, &info.sender)?;
    let SubmittedReceipt {
        signer,
        first_seq,
        last_seq,
        root,
        lines,
        signature,
    } = submitted;
    let mut record = load_active_signer(deps.as_ref(), &signer)?;
    let (first_seq, last_seq) = (first_seq.u64(), last_seq.u64());
    if first_seq == 0 || last_seq < first_seq {
        return Err(ContractError::InvalidReceiptRange {
            first_seq,
            last_seq,
        });
    }
    ensure_continues(&record, first_seq, last_seq)?;
    let root: [u8; ROOT_LEN] =
        root.as_slice()
            .try_into()
            .map_err(|_| ContractError::InvalidReceiptRoot {
                reason: format!("must be {ROOT_LEN} bytes, got {}", root.len()),
            })?;
    if root == [0u8; ROOT_LEN] {
        return Err(ContractError::InvalidReceiptRoot {
            reason: "must not be all zeros".into(),
        });
    }
    let parsed = decode_lines(&lines).map_err(|_| ContractError::MalformedReceiptLines {
        len: lines.len() as u64,
    })?;
    if parsed.is_empty() {
        return Err(ContractError::EmptyReceipt {});
    }
    if parsed.len() > config.max_receipt_lines as usize {
        return Err(ContractError::ReceiptTooLarge {
            lines: parsed.len() as u64,
            max: config.max_receipt_lines,
        });
    }
    if let Some(index) = first_unsorted_line(&parsed) {
        return Err(ContractError::ReceiptLinesNotSorted {
            index: index as u32,
        });
    }
    let max_day = day_of(
        env.block
            .time
            .seconds()
            .saturating_add(config.max_future_skew_secs),
    )?;
    let answers = last_seq - first_seq + 1; // cannot overflow: first_seq >= 1
    let mut messages: u128 = 0;
    let mut tally = Tally::default();
    for (i, line) in parsed.iter().enumerate() {
        let index = i as u32;
        if line.messages == 0 {
            return Err(ContractError::EmptyReceiptLine { index });
        }
        if line.day > max_day {
            return Err(ContractError::ReceiptDayInFuture {
                index,
                day: line.day,
                max: max_day,
            });
        }
        messages += u128::from(line.messages);
        tally.add_line(line)?;
    }
    if messages != u128::from(answers) {
        return Err(ContractError::ReceiptCountMismatch { messages, answers });
    }

    let signer_key: [u8; PUBKEY_LEN] =
        signer
            .as_slice()
            .try_into()
            .map_err(|_| ContractError::InvalidPubkey {
                reason: "signer must be 33 bytes".into(),
            })?;
    let hash: [u8; 32] = Sha256::digest(canonical_bytes(
        &signer_key,
        first_seq,
        last_seq,
        &root,
        &lines,
    ))
    .into();
    let signature: [u8; SIGNATURE_LEN] = signature
        .as_slice()
        .try_into()
        .map_err(|_| ContractError::BadReceiptSignature {})?;
    let verified = is_low_s(&signature)
        && deps
            .api
            .secp256k1_verify(&hash, &signature, &signer_key)
            .unwrap_or(false);
    if !verified {
        return Err(ContractError::BadReceiptSignature {});
    }

    let sums = tally.total.clone();
    tally.apply(deps.storage, config.legacy_counters)?;
    record.last_seq = last_seq;
    SIGNERS.save(deps.storage, signer.as_slice(), &record)?;
    let list = receipts();
    let id = list.len(deps.storage)?;
    list.push(
        deps.storage,
        &ReceiptHeader {
            id,
            signer: signer.clone(),
            first_seq: Uint64::new(first_seq),
            last_seq: Uint64::new(last_seq),
            answers: Uint64::new(answers),
            lines: parsed.len() as u32,
            root: Binary::from(root.to_vec()),
            receipt_hash: Binary::from(hash.to_vec()),
            time: env.block.time,
            height: env.block.height,
            relayer: info.sender,
            prompt_tokens: sums.prompt_tokens,
            completion_tokens: sums.completion_tokens,
        },
    )?;

    Ok(Response::new()
        .add_attribute("action", "submit_receipt")
        .add_attribute("receipt_id", id.to_string())
        .add_attribute("signer", signer.to_base64())
        .add_attribute("first_seq", first_seq.to_string())
        .add_attribute("last_seq", last_seq.to_string())
        .add_attribute("count", answers.to_string())
        .add_attribute("lines", parsed.len().to_string())
        .add_attribute("merkle_root", hex::encode(root))
        .add_attribute("receipt_hash", hex::encode(hash)))
}

/// The range must start right after the signer's last settled sequence: a range wholly
/// settled is a replay (skip it), one partly settled an overlap, one further on a gap.
fn ensure_continues(record: &Signer, first_seq: u64, last_seq: u64) -> Result<(), ContractError> {
    let settled = record.last_seq;
    if last_seq <= settled {
        return Err(ContractError::SequenceReplay {
            first_seq,
            last_seq: settled,
        });
    }
    if first_seq <= settled {
        return Err(ContractError::SequenceOverlap {
            first_seq,
            last_seq,
            settled,
        });
    }
    let expected = settled + 1; // cannot overflow: last_seq > settled
    if first_seq != expected {
        return Err(ContractError::SequenceGap {
            first_seq,
            expected,
        });
    }
    Ok(())
}

pub fn query_receipt(deps: Deps, id: u64) -> Result<ReceiptHeader, ContractError> {
    receipts()
        .get(deps.storage, id)?
        .ok_or_else(|| StdError::not_found(format!("receipt {id}")).into())
}

pub fn query_receipts(
    deps: Deps,
    start: Option<u64>,
    limit: Option<u32>,
) -> Result<ReceiptsResponse, ContractError> {
    let list = receipts();
    let limit = limit.unwrap_or(DEFAULT_PAGE_LIMIT).min(MAX_PAGE_LIMIT) as u64;
    Ok(ReceiptsResponse {
        receipts: list.page(deps.storage, start.unwrap_or(0), limit)?,
        total: list.len(deps.storage)?,
    })
}
