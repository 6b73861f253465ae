//! The registry of gateway signing keys: registered and revoked by the admin, read by anyone.

use privexbot_shared::cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Response, Uint64};

use crate::admin::ensure_admin;
use crate::attestation::PUBKEY_LEN;
use crate::error::ContractError;
use crate::msg::{
    LastSeqResponse, SignerMode, SignerResponse, SignersResponse, DEFAULT_PAGE_LIMIT,
    MAX_PAGE_LIMIT,
};
use crate::state::{signer_list, Signer, SIGNERS};

/// Refuses anything but a compressed secp256k1 point on the curve.
fn validate_pubkey(deps: Deps, pubkey: &[u8]) -> Result<(), ContractError> {
    if pubkey.len() != PUBKEY_LEN || !(pubkey[0] == 0x02 || pubkey[0] == 0x03) {
        return Err(ContractError::InvalidPubkey {
            reason: format!(
                "expected 33 bytes starting with 0x02 or 0x03, got {} bytes",
                pubkey.len()
            ),
        });
    }
    // The chain's crypto has no "is this a point" call; verifying a well-formed dummy
    // signature fails with an error (rather than `false`) exactly when the key is not on the curve.
    let mut dummy_signature = [0u8; 64];
    dummy_signature[31] = 1;
    dummy_signature[63] = 1;
    deps.api
        .secp256k1_verify(&[0u8; 32], &dummy_signature, pubkey)
        .map(|_| ())
        .map_err(|_| ContractError::InvalidPubkey {
            reason: "not a point on secp256k1".into(),
        })
}

pub fn execute_register_signer(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    pubkey: Binary,
    attestation_hash: Binary,
    mode: SignerMode,
) -> Result<Response, ContractError> {
    ensure_admin(deps.as_ref(), &info)?;
    validate_pubkey(deps.as_ref(), &pubkey)?;
    if attestation_hash.len() != 32 {
        return Err(ContractError::InvalidAttestationHash {
            len: attestation_hash.len(),
        });
    }
    if SIGNERS.has(deps.storage, pubkey.as_slice()) {
        return Err(ContractError::SignerAlreadyRegistered {
            signer: pubkey.to_base64(),
        });
    }
    let signer = Signer {
        pubkey: pubkey.clone(),
        attestation_hash,
        mode: mode.clone(),
        registered_by: info.sender,
        registered_at: env.block.time,
        revoked_at: None,
        last_seq: 0,
    };
    SIGNERS.save(deps.storage, pubkey.as_slice(), &signer)?;
    signer_list().push(deps.storage, &pubkey)?;
    Ok(Response::new()
        .add_attribute("action", "register_signer")
        .add_attribute("signer", pubkey.to_base64())
        .add_attribute(
            "mode",
            match mode {
                SignerMode::Tee => "tee",
                SignerMode::Dev => "dev",
            },
        ))
}

pub fn execute_revoke_signer(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    pubkey: Binary,
) -> Result<Response, ContractError> {
    ensure_admin(deps.as_ref(), &info)?;
    let mut signer = load_signer(deps.as_ref(), &pubkey)?;
    if signer.revoked_at.is_some() {
        return Err(ContractError::SignerAlreadyRevoked {
            signer: pubkey.to_base64(),
        });
    }
    signer.revoked_at = Some(env.block.time);
    SIGNERS.save(deps.storage, pubkey.as_slice(), &signer)?;
    Ok(Response::new()
        .add_attribute("action", "revoke_signer")
        .add_attribute("signer", pubkey.to_base64())
        .add_attribute("last_seq", signer.last_seq.to_string()))
}

pub fn load_signer(deps: Deps, pubkey: &Binary) -> Result<Signer, ContractError> {
    SIGNERS
        .may_load(deps.storage, pubkey.as_slice())?
        .ok_or_else(|| ContractError::UnknownSigner {
            signer: pubkey.to_base64(),
        })
}

/// The signer, refused when unknown or revoked: what every settlement starts from.
pub fn load_active_signer(deps: Deps, pubkey: &Binary) -> Result<Signer, ContractError> {
    let signer = load_signer(deps, pubkey)?;
    if signer.revoked_at.is_some() {
        return Err(ContractError::RevokedSigner {
            signer: pubkey.to_base64(),
        });
    }
    Ok(signer)
}

fn to_response(s: Signer) -> SignerResponse {
    SignerResponse {
        pubkey: s.pubkey,
        attestation_hash: s.attestation_hash,
        mode: s.mode,
        registered_by: s.registered_by,
        registered_at: s.registered_at,
        revoked_at: s.revoked_at,
        last_seq: Uint64::new(s.last_seq),
    }
}

pub fn query_signer(deps: Deps, pubkey: Binary) -> Result<SignerResponse, ContractError> {
    Ok(to_response(load_signer(deps, &pubkey)?))
}

pub fn query_signers(
    deps: Deps,
    start: Option<u64>,
    limit: Option<u32>,
) -> Result<SignersResponse, ContractError> {
    let list = signer_list();
    let limit = limit.unwrap_or(DEFAULT_PAGE_LIMIT).min(MAX_PAGE_LIMIT) as u64;
    let mut signers = Vec::new();
    for pubkey in list.page(deps.storage, start.unwrap_or(0), limit)? {
        signers.push(to_response(load_signer(deps, &pubkey)?));
    }
    Ok(SignersResponse {
        signers,
        total: list.len(deps.storage)?,
    })
}

/// 0 for a registered signer without batches; unknown signers are an error, so a typo is not
/// mistaken for a fresh signer.
pub fn query_last_seq(deps: Deps, signer: Binary) -> Result<LastSeqResponse, ContractError> {
    let last_seq = Uint64::new(load_signer(deps, &signer)?.last_seq);
    Ok(LastSeqResponse { signer, last_seq })
}
