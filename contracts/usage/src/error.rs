use thiserror::Error;

use privexbot_shared::cosmwasm_std::StdError;
use privexbot_shared::permit::PermitError;

/// Every way the usage contract refuses a message or a query. Messages never contain a
/// viewing key, a signature or anything else secret.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("only the admin may do this")]
    Unauthorized {},

    #[error("{sender} is not the proposed admin")]
    NotPendingAdmin { sender: String },

    #[error("invalid config: {reason}")]
    InvalidConfig { reason: String },

    #[error("invalid signer public key: {reason}")]
    InvalidPubkey { reason: String },

    #[error("attestation_hash must be 32 bytes, got {len}")]
    InvalidAttestationHash { len: usize },

    #[error("signer {signer} is already registered")]
    SignerAlreadyRegistered { signer: String },

    #[error("signer {signer} is already revoked")]
    SignerAlreadyRevoked { signer: String },

    #[error("relayer {address} is already allowed")]
    RelayerAlreadyAllowed { address: String },

    #[error("{address} is not an allowed relayer")]
    RelayerNotFound { address: String },

    #[error("{sender} is not an allowed relayer")]
    UnauthorizedRelayer { sender: String },

    #[error("unknown signer {signer}")]
    UnknownSigner { signer: String },

    #[error("signer {signer} is revoked")]
    RevokedSigner { signer: String },

    #[error("a batch needs at least one attestation")]
    EmptyBatch {},

    #[error("batch of {size} attestations exceeds the maximum of {max}")]
    BatchTooLarge { size: u64, max: u32 },

    #[error("sequence replay: first_seq {first_seq} but the signer's last sequence is already {last_seq}")]
    SequenceReplay { first_seq: u64, last_seq: u64 },

    #[error("sequence gap: first_seq {first_seq} but the next expected sequence is {expected}")]
    SequenceGap { first_seq: u64, expected: u64 },

    #[error("attestation {index} is malformed: {reason}")]
    MalformedRecord { index: u32, reason: String },

    #[error("attestation {index} has a bad signature")]
    BadSignature { index: u32 },

    #[error("attestation {index} has timestamp {ts}, later than the allowed {max}")]
    TimestampInFuture { index: u32, ts: u64, max: u64 },

    #[error("counter overflow")]
    Overflow {},

    #[error("invalid day range: from_day {from_day} is after to_day {to_day}")]
    InvalidDayRange { from_day: u32, to_day: u32 },

    #[error("day range of {days} days exceeds the maximum of {max}")]
    DayRangeTooLong { days: u64, max: u32 },

    #[error("invalid bot id {value:?}: expected a UUID like 00112233-4455-6677-8899-aabbccddeeff")]
    InvalidBotId { value: String },

    #[error("wrong viewing key for {address}")]
    InvalidViewingKey { address: String },

    #[error(transparent)]
    Permit(#[from] PermitError),

    #[error("the permit does not grant the usage permission")]
    PermitMissingPermission {},

    #[error("{address} may not read the usage of org {org_id} (owner, admin or auditor only)")]
    NotAllowedToReadUsage { address: String, org_id: u64 },

    #[error("could not read org {org_id} from the billing contract: {reason}")]
    BillingQueryFailed { org_id: u64, reason: String },
}
