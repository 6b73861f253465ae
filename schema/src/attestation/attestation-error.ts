import type { AttestationErrorCode } from '../errors/error-codes.js';

export type { AttestationErrorCode } from '../errors/error-codes.js';

/**
 * The one error type of the attestation codec. `field` names the offending field when there
 * is one, so a relayer can report "seq: must be at least 1" instead of a stack trace.
 */
export class AttestationError extends Error {
  override readonly name = 'AttestationError';
  constructor(
    readonly code: AttestationErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}
