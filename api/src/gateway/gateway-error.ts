import type { ServerResponse } from 'node:http';
import type { GatewayErrorCode } from '@privexbot/schema/errors';

/** The gateway's error codes (schema's `gatewayErrorCodes`), each mapped to one status. */
export const GATEWAY_ERROR_STATUS = {
  INVALID_REQUEST: 400,
  INVALID_JSON: 400,
  UNKNOWN_MODEL: 400,
  UNAUTHORIZED: 401,
  BAD_SIGNATURE: 401,
  STALE_TIMESTAMP: 401,
  REPLAYED_REQUEST: 401,
  NOT_FOUND: 404,
  /** A stop for a request id this gateway never saw is answered `not_started`; this is a reuse. */
  DUPLICATE_REQUEST: 409,
  /** Receipts: a range overlapping one already receipted, other than that very range. */
  RECEIPT_CONFLICT: 409,
  /** Receipts: a range that does not start right after the last receipt. */
  RECEIPT_NOT_CONTIGUOUS: 409,
  /** Receipts: a range reaching past the last attested sequence number. */
  RANGE_NOT_ATTESTED: 409,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UPSTREAM_ERROR: 502,
  ATTESTATION_FAILED: 500,
  INTERNAL_ERROR: 500,
} as const satisfies Record<GatewayErrorCode, number>;

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status(): number {
    return GATEWAY_ERROR_STATUS[this.code];
  }
}

/** The one error body of the project: `{ error: { code, message, details?, requestId } }`. */
export function errorBody(error: GatewayError, requestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      requestId,
    },
  };
}

export function sendError(res: ServerResponse, error: GatewayError, requestId: string): void {
  if (res.headersSent) return;
  res.writeHead(error.status, { 'content-type': 'application/json', 'x-request-id': requestId });
  res.end(JSON.stringify(errorBody(error, requestId)));
}
