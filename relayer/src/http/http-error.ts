import type { RelayerHttpErrorCode } from '@privexbot/schema/errors';

/** The relayer's HTTP error codes (schema's `relayerHttpErrorCodes`), and their status. */
export const HTTP_STATUS = {
  INVALID_REQUEST: 400,
  AUTH_REQUIRED: 401,
  INVALID_SIGNATURE: 401,
  CHALLENGE_REFUSED: 401,
  PERMIT_REFUSED: 403,
  PERMIT_REVOKED: 403,
  NOT_ORG_READER: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL_ERROR: 500,
  CHAIN_UNAVAILABLE: 503,
} as const satisfies Record<RelayerHttpErrorCode, number>;
export type HttpErrorCode = RelayerHttpErrorCode;

export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
