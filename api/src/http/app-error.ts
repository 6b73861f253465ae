/**
 * The api's one error type. Services throw `AppError(code, message)`; the error handler turns
 * it into `{ error: { code, message, details?, requestId } }` with the status from
 * `httpStatusOf`. Codes are stable: clients (dapp, widget, integrators) branch on them.
 * Anything that is not an AppError becomes INTERNAL_ERROR with a generic message: internal
 * messages (SQL, stack traces, secrets) never reach a response.
 */
export const AppErrorCode = {
  // 400
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  AUTH_MESSAGE_MALFORMED: 'AUTH_MESSAGE_MALFORMED',
  AUTH_PUBKEY_MALFORMED: 'AUTH_PUBKEY_MALFORMED',
  /** A date range longer than the route serves (`details.maxDays`). */
  RANGE_TOO_LONG: 'RANGE_TOO_LONG',
  /** A URL being ingested redirected to a Location that is not a valid http(s) URL. */
  URL_REDIRECT_INVALID: 'URL_REDIRECT_INVALID',
  /** A bot model the inference gateway does not offer (`details.models`: those it does). */
  MODEL_NOT_OFFERED: 'MODEL_NOT_OFFERED',
  /** A request that must come from a web page carried no Origin, or not a plain http(s) one. */
  ORIGIN_MALFORMED: 'ORIGIN_MALFORMED',
  // 401
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  REFRESH_TOKEN_INVALID: 'REFRESH_TOKEN_INVALID',
  API_KEY_INVALID: 'API_KEY_INVALID',
  AUTH_SIGNATURE_INVALID: 'AUTH_SIGNATURE_INVALID',
  AUTH_PUBKEY_MISMATCH: 'AUTH_PUBKEY_MISMATCH',
  AUTH_ADDRESS_MISMATCH: 'AUTH_ADDRESS_MISMATCH',
  AUTH_DOMAIN_MISMATCH: 'AUTH_DOMAIN_MISMATCH',
  AUTH_URI_MISMATCH: 'AUTH_URI_MISMATCH',
  AUTH_CHAIN_MISMATCH: 'AUTH_CHAIN_MISMATCH',
  AUTH_NONCE_UNKNOWN: 'AUTH_NONCE_UNKNOWN',
  AUTH_NONCE_USED: 'AUTH_NONCE_USED',
  AUTH_CHALLENGE_EXPIRED: 'AUTH_CHALLENGE_EXPIRED',
  AUTH_MESSAGE_TAMPERED: 'AUTH_MESSAGE_TAMPERED',
  // 403
  FORBIDDEN: 'FORBIDDEN',
  /**
   * The chain refuses the platform's reader the org's plan or usage: the org has not named
   * it as an auditor (`details.readerAddress`). An owner or admin fixes it in the dapp.
   */
  CHAIN_READ_NOT_GRANTED: 'CHAIN_READ_NOT_GRANTED',
  // 404
  NOT_FOUND: 'NOT_FOUND',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  // 409
  CONFLICT: 'CONFLICT',
  /** A lead whose consent version is not the bot's current consent text (`details.consentVersion`: the current one). */
  CONSENT_TEXT_CHANGED: 'CONSENT_TEXT_CHANGED',
  // 413, 415
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** An uploaded document past a parsing limit: it inflates, or yields text, beyond the caps (`details.reason`). */
  DOCUMENT_TOO_LARGE: 'DOCUMENT_TOO_LARGE',
  // 422
  /** A document the parser could not finish within its time limit, or that crashed it (`details.reason`). */
  DOCUMENT_UNPARSABLE: 'DOCUMENT_UNPARSABLE',
  // 402, 429 (used by chat and quotas)
  QUOTA_EXHAUSTED: 'QUOTA_EXHAUSTED',
  RATE_LIMITED: 'RATE_LIMITED',
  // 5xx
  /** The language model (through the gateway) failed; sent as a chat stream's `error` event. */
  UPSTREAM_FAILED: 'UPSTREAM_FAILED',
  CHAIN_UNAVAILABLE: 'CHAIN_UNAVAILABLE',
  /**
   * The api's stored copy of this org mirrors another billing contract than the one it is
   * configured for (`details.mirrored`, `details.configured`): an operator's setting. The
   * data is kept and never served as the configured contract's org of the same id.
   */
  ORG_MIRRORS_OTHER_CONTRACT: 'ORG_MIRRORS_OTHER_CONTRACT',
  NOT_READY: 'NOT_READY',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type AppErrorCode = (typeof AppErrorCode)[keyof typeof AppErrorCode];

const httpStatusByCode: Record<AppErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  AUTH_MESSAGE_MALFORMED: 400,
  AUTH_PUBKEY_MALFORMED: 400,
  RANGE_TOO_LONG: 400,
  URL_REDIRECT_INVALID: 400,
  ORIGIN_MALFORMED: 400,
  MODEL_NOT_OFFERED: 400,
  UNAUTHENTICATED: 401,
  SESSION_EXPIRED: 401,
  REFRESH_TOKEN_INVALID: 401,
  API_KEY_INVALID: 401,
  AUTH_SIGNATURE_INVALID: 401,
  AUTH_PUBKEY_MISMATCH: 401,
  AUTH_ADDRESS_MISMATCH: 401,
  AUTH_DOMAIN_MISMATCH: 401,
  AUTH_URI_MISMATCH: 401,
  AUTH_CHAIN_MISMATCH: 401,
  AUTH_NONCE_UNKNOWN: 401,
  AUTH_NONCE_USED: 401,
  AUTH_CHALLENGE_EXPIRED: 401,
  AUTH_MESSAGE_TAMPERED: 401,
  FORBIDDEN: 403,
  CHAIN_READ_NOT_GRANTED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  CONFLICT: 409,
  CONSENT_TEXT_CHANGED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  DOCUMENT_TOO_LARGE: 413,
  DOCUMENT_UNPARSABLE: 422,
  QUOTA_EXHAUSTED: 402,
  RATE_LIMITED: 429,
  UPSTREAM_FAILED: 502,
  CHAIN_UNAVAILABLE: 503,
  ORG_MIRRORS_OTHER_CONTRACT: 503,
  NOT_READY: 503,
  INTERNAL_ERROR: 500,
};

export function httpStatusOf(code: AppErrorCode): number {
  return httpStatusByCode[code];
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: AppErrorCode;
  /** Safe to show to the caller (field errors, limits); never secrets or internals. */
  readonly details: unknown;

  constructor(code: AppErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  get status(): number {
    return httpStatusOf(this.code);
  }
}

export interface ErrorBody {
  error: { code: AppErrorCode; message: string; details?: unknown; requestId: string };
}

export function toErrorBody(error: AppError, requestId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      requestId,
    },
  };
}
