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
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What the contract said about a rejected batch, read from its error text (contracts/usage/src/error.rs). */
export type BatchRejection =
  | { kind: 'sequence'; message: string }
  | { kind: 'revoked_signer'; message: string }
  | { kind: 'unknown_signer'; message: string }
  | { kind: 'bad_record'; index: number; reason: 'bad_signature' | 'malformed'; message: string }
  | { kind: 'timestamp_in_future'; message: string }
  | { kind: 'unauthorized_relayer'; message: string }
  | { kind: 'other'; message: string };

export function classifyBatchRejection(error: ContractError): BatchRejection {
  const message = error.contractMessage;
  if (/^sequence (replay|gap):/.test(message)) return { kind: 'sequence', message };
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
