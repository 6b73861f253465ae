use privexbot_shared::json_writer::quoted;
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

    #[error("this contract accepts no funds; {denoms} attached")]
    FundsNotAccepted { denoms: String },

    #[error("submit_batch is retired: settle with submit_receipt")]
    V1Retired {},

    #[error(
        "sequence overlap: {first_seq}..={last_seq} but the signer is settled up to {settled}"
    )]
    SequenceOverlap {
        first_seq: u64,
        last_seq: u64,
        settled: u64,
    },

    #[error("invalid receipt range {first_seq}..={last_seq}: first_seq must be at least 1 and at most last_seq")]
    InvalidReceiptRange { first_seq: u64, last_seq: u64 },

    #[error("invalid receipt root: {reason}")]
    InvalidReceiptRoot { reason: String },

    #[error("receipt lines are {len} bytes, not a whole number of 52-byte lines")]
    MalformedReceiptLines { len: u64 },

    #[error("a receipt needs at least one line")]
    EmptyReceipt {},

    #[error("receipt of {lines} lines exceeds the maximum of {max}")]
    ReceiptTooLarge { lines: u64, max: u32 },

    #[error("receipt line {index} is not strictly after the line before it (org, bot, day)")]
    ReceiptLinesNotSorted { index: u32 },

    #[error("receipt line {index} counts no message")]
    EmptyReceiptLine { index: u32 },

    #[error("receipt line {index} is for day {day}, later than the allowed {max}")]
    ReceiptDayInFuture { index: u32, day: u32, max: u32 },

    #[error("receipt lines count {messages} messages but the range holds {answers} answers")]
    ReceiptCountMismatch { messages: u128, answers: u64 },

    #[error("the receipt signature does not match the receipt and its signer")]
    BadReceiptSignature {},

    #[error("invalid day range: from_day {from_day} is after to_day {to_day}")]
    InvalidDayRange { from_day: u32, to_day: u32 },

    #[error("day range of {days} days exceeds the maximum of {max}")]
    DayRangeTooLong { days: u64, max: u32 },

    #[error(
        "invalid bot id {}: expected a UUID like 00112233-4455-6677-8899-aabbccddeeff",
        quoted(.value)
    )]
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
