import { ApiErrorCode } from '@privexbot/schema/errors';

/**
 * The api's one error type. Services throw `AppError(code, message)`; the error handler turns
 * it into `{ error: { code, message, details?, requestId } }` with the status from
 * `httpStatusOf`. Codes are stable: clients (dapp, widget, integrators) branch on them.
 * Anything that is not an AppError becomes INTERNAL_ERROR with a generic message: internal
 * messages (SQL, stack traces, secrets) never reach a response.
 */
export const AppErrorCode = ApiErrorCode;
export type AppErrorCode = ApiErrorCode;

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

/**
 * What a problem tells beyond its code (field errors, limits). `reason`, when given, is a
 * finer code a client may branch on, so it is spelled like the codes: SCREAMING_SNAKE, which
 * the compiler checks (`'bot_limit'` does not type-check, `'BOT_LIMIT'` does).
 */
export type ProblemDetails = { readonly reason?: Uppercase<string>; readonly [key: string]: unknown };

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: AppErrorCode;
  /** Safe to show to the caller (field errors, limits); never secrets or internals. */
  readonly details: unknown;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { details?: ProblemDetails | readonly unknown[]; cause?: unknown } = {},
  ) {
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
