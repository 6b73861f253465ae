import type { ServerResponse } from 'node:http';

/** Stable error codes of the gateway's HTTP surface; each maps to one status. */
export const GATEWAY_ERROR_STATUS = {
  invalid_request: 400,
  invalid_json: 400,
  unknown_model: 400,
  unauthorized: 401,
  bad_signature: 401,
  stale_timestamp: 401,
  replayed_request: 401,
  not_found: 404,
  /** A stop for a request id this gateway never saw is answered `not_started`; this is a reuse. */
  duplicate_request: 409,
  /** Receipts: a range overlapping one already receipted, other than that very range. */
  receipt_conflict: 409,
  /** Receipts: a range that does not start right after the last receipt. */
  receipt_not_contiguous: 409,
  /** Receipts: a range reaching past the last attested sequence number. */
  range_not_attested: 409,
  method_not_allowed: 405,
  payload_too_large: 413,
  upstream_error: 502,
  attestation_failed: 500,
  internal_error: 500,
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_STATUS;

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
