/** Stable codes for every way an attestation can be malformed or fail verification. */
export type AttestationErrorCode =
  | 'invalid_field'
  | 'invalid_encoding'
  | 'invalid_signature'
  | 'invalid_key'
  | 'invalid_merkle_input'
  | 'invalid_gateway_auth';

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
