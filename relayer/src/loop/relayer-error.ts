import { ChainError, ContractError } from '@privexbot/schema/chain/errors';
import type { RelayerErrorCode } from '@privexbot/schema/errors';

/**
 * How the loop reacts to a failure, decided once where the failure is classified:
 * - `retry`: transient (network, timeout, database blip): back off and try the same step again;
 * - `reconcile`: our view may be stale (a submission whose outcome is unknown, a sequence the
 *   chain refused as replay or gap): re-read the chain's last sequence before anything else;
 * - `fatal`: retrying cannot help (bad configuration, an unauthorized relayer): stop the worker and report.
 */
export type FailureClass = 'retry' | 'reconcile' | 'fatal';

export class RelayerError extends Error {
  override readonly name = 'RelayerError';
  constructor(
    readonly code: RelayerErrorCode,
    message: string,
    readonly failureClass: FailureClass,
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }
  /** what the peer said beyond its code (the gateway's error `details`) */
  readonly details: unknown;
}

/**
 * What the contract said about a refused batch or receipt, read from its error text
 * (contracts/usage/src/error.rs). `sequence` (replay, overlap, gap) means our view of the
 * signer's last settled sequence is stale: reconcile, never resubmit blindly.
 */
export type BatchRejection =
  | { kind: 'sequence'; message: string }
  | { kind: 'v1_retired'; message: string }
  | { kind: 'receipt_too_large'; message: string }
  | { kind: 'receipt_refused'; message: string }
  | { kind: 'revoked_signer'; message: string }
  | { kind: 'unknown_signer'; message: string }
  | { kind: 'bad_record'; index: number; reason: 'bad_signature' | 'malformed'; message: string }
  | { kind: 'timestamp_in_future'; message: string }
  | { kind: 'unauthorized_relayer'; message: string }
  | { kind: 'other'; message: string };

export function classifyBatchRejection(error: ContractError): BatchRejection {
  const message = error.contractMessage;
  if (/^sequence (replay|gap|overlap):/.test(message)) return { kind: 'sequence', message };
  if (/^submit_batch is retired/.test(message)) return { kind: 'v1_retired', message };
  if (/^receipt of \d+ lines exceeds the maximum/.test(message))
    return { kind: 'receipt_too_large', message };
  // The relayer checked the receipt against its leaves before submitting: a contract that
  // still finds it malformed or badly signed disagrees with us, and resubmitting cannot help.
  if (
    /^(invalid receipt (range|root)|receipt lines are|a receipt needs|receipt line \d+ (is not strictly|counts no)|receipt lines count|the receipt signature)/.test(
      message,
    )
  )
    return { kind: 'receipt_refused', message };
  if (/^receipt line \d+ is for day \d+, later than the allowed/.test(message))
    return { kind: 'timestamp_in_future', message };
  if (/^signer .* is revoked$/.test(message)) return { kind: 'revoked_signer', message };
  if (/^unknown signer /.test(message)) return { kind: 'unknown_signer', message };
  const record = /^attestation (\d+) (has a bad signature|is malformed)/.exec(message);
  if (record) {
    return {
      kind: 'bad_record',
      index: Number(record[1]),
      reason: record[2] === 'has a bad signature' ? 'bad_signature' : 'malformed',
      message,
    };
  }
  if (/has timestamp \d+, later than the allowed/.test(message))
    return { kind: 'timestamp_in_future', message };
  if (/is not an allowed relayer$/.test(message)) return { kind: 'unauthorized_relayer', message };
  return { kind: 'other', message };
}

/**
 * Classifies anything thrown outside a submission (fetching, querying, the database).
 * Unknown errors count as retryable: a bounded policy escalates them if they persist.
 */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof RelayerError) return error.failureClass;
  if (error instanceof ContractError) return 'retry';
  if (error instanceof ChainError) {
    switch (error.code) {
      case 'UNAUTHORIZED':
      case 'BAD_SIGNATURE':
      case 'WRONG_CHAIN':
      case 'SIGNER_REQUIRED':
      case 'INVALID_REQUEST':
        return 'fatal';
      default:
        return 'retry';
    }
  }
  return 'retry';
}
