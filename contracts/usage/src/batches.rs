//! `submit_batch` and the public batch queries. A batch is checked whole before anything is
//! written: relayer, size, signer, sequence, then every record (shape, time, signature).

use privexbot_shared::cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Response, Uint64};

use crate::attestation::{is_low_s, merkle_root, Attestation, PUBKEY_LEN};
use crate::counters::Tally;
use crate::error::ContractError;
use crate::msg::{BatchHeader, BatchesResponse, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use crate::relayers::ensure_allowed_relayer;
use crate::signers::load_active_signer;
use crate::state::{batches, CONFIG, SIGNERS};

pub fn execute_submit_batch(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    signer: Binary,
    first_seq: Uint64,
    attestations: Vec<Binary>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if !config.accept_v1 {
        return Err(ContractError::V1Retired {});
    }
    ensure_allowed_relayer(deps.storage, &info.sender)?;
    if attestations.is_empty() {
        return Err(ContractError::EmptyBatch {});
    }
    if attestations.len() > config.max_batch_size as usize {
        return Err(ContractError::BatchTooLarge {
            size: attestations.len() as u64,
            max: config.max_batch_size,
        });
    }
    let mut record = load_active_signer(deps.as_ref(), &signer)?;
    let first_seq = first_seq.u64();
    if first_seq <= record.last_seq {
        return Err(ContractError::SequenceReplay {
            first_seq,
            last_seq: record.last_seq,
        });
    }
    let expected = record.last_seq + 1; // cannot overflow: first_seq > last_seq
    if first_seq != expected {
        return Err(ContractError::SequenceGap {
            first_seq,
            expected,
        });
    }
    let count = attestations.len() as u64;
    let last_seq = first_seq
        .checked_add(count - 1)
        .ok_or(ContractError::Overflow {})?;

    let signer_key: [u8; PUBKEY_LEN] =
        signer
            .as_slice()
            .try_into()
            .map_err(|_| ContractError::InvalidPubkey {
                reason: "signer must be 33 bytes".into(),
            })?;
    let max_ts = env
        .block
        .time
        .seconds()
        .saturating_add(config.max_future_skew_secs);
    let mut hashes = Vec::with_capacity(attestations.len());
    let mut tally = Tally::default();
    for (i, wire) in attestations.iter().enumerate() {
        let index = i as u32;
        let (att, signature) =
            Attestation::from_wire_record(wire, signer_key, first_seq + i as u64).map_err(|e| {
                ContractError::MalformedRecord {
                    index,
                    reason: e.to_string(),
                }
            })?;
        if att.ts > max_ts {
            return Err(ContractError::TimestampInFuture {
                index,
                ts: att.ts,
                max: max_ts,
            });
        }
        let hash = att.hash();
        let verified = is_low_s(&signature)
            && deps
                .api
                .secp256k1_verify(&hash, &signature, &signer_key)
                .unwrap_or(false);
        if !verified {
            return Err(ContractError::BadSignature { index });
        }
        tally.add(&att)?;
        hashes.push(hash);
    }
    let root = merkle_root(&hashes).expect("a batch has at least one attestation");
    let sums = tally.total.clone();
    tally.apply(deps.storage, config.legacy_counters)?;

    record.last_seq = last_seq;
    SIGNERS.save(deps.storage, signer.as_slice(), &record)?;
    let list = batches();
    let id = list.len(deps.storage)?;
    let header = BatchHeader {
        id,
        signer: signer.clone(),
        first_seq: Uint64::new(first_seq),
        last_seq: Uint64::new(last_seq),
        count: attestations.len() as u32,
        merkle_root: Binary::from(root.to_vec()),
        time: env.block.time,
        height: env.block.height,
        relayer: info.sender,
        prompt_tokens: sums.prompt_tokens,
        completion_tokens: sums.completion_tokens,
    };
    list.push(deps.storage, &header)?;

    Ok(Response::new()
        .add_attribute("action", "submit_batch")
        .add_attribute("batch_id", id.to_string())
        .add_attribute("signer", signer.to_base64())
        .add_attribute("first_seq", first_seq.to_string())
        .add_attribute("last_seq", last_seq.to_string())
        .add_attribute("count", count.to_string())
        .add_attribute("merkle_root", hex::encode(root)))
}

pub fn query_batch(deps: Deps, id: u64) -> Result<BatchHeader, ContractError> {
    batches().get(deps.storage, id)?.ok_or_else(|| {
        privexbot_shared::cosmwasm_std::StdError::not_found(format!("batch {id}")).into()
    })
}

pub fn query_batches(
    deps: Deps,
    start: Option<u64>,
    limit: Option<u32>,
) -> Result<BatchesResponse, ContractError> {
    let list = batches();
    let limit = limit.unwrap_or(DEFAULT_PAGE_LIMIT).min(MAX_PAGE_LIMIT) as u64;
    Ok(BatchesResponse {
        batches: list.page(deps.storage, start.unwrap_or(0), limit)?,
        total: list.len(deps.storage)?,
    })
}
