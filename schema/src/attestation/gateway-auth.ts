import { toHex } from '@cosmjs/encoding';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { equalBytes } from './sign-attestation.js';

/**
 * How the api platform authenticates its calls to the inference gateway: an HMAC-SHA256 with
 * a shared secret over `<timestamp>.<raw body>`, sent in two headers. The gateway refuses a
 * timestamp outside its window and a signature it has already seen (replay). Lives here so
 * both sides use one implementation without importing each other.
 */
export const GATEWAY_TIMESTAMP_HEADER = 'x-privexbot-timestamp';
export const GATEWAY_SIGNATURE_HEADER = 'x-privexbot-signature';

export type GatewayAuthFailure = 'missing_auth' | 'stale_timestamp' | 'bad_signature';

export function gatewayRequestSignature(secret: string, timestampMs: number, body: string): string {
  return toHex(hmac(sha256, utf8ToBytes(secret), utf8ToBytes(`${timestampMs}.${body}`)));
}

/** Headers for one call to the gateway; `body` must be the exact string sent. */
export function gatewayAuthHeaders(secret: string, body: string, nowMs = Date.now()): Record<string, string> {
  return {
    [GATEWAY_TIMESTAMP_HEADER]: String(nowMs),
    [GATEWAY_SIGNATURE_HEADER]: gatewayRequestSignature(secret, nowMs, body),
  };
}

/**
 * Checks the headers of one call. Returns the failure, or null when the signature is good and
 * the timestamp within `windowMs` of `nowMs`. Replay tracking is the caller's (it holds state).
 */
export function checkGatewayAuth(options: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
  windowMs: number;
}): GatewayAuthFailure | null {
  const { timestamp, signature } = options;
  if (!timestamp || !signature) return 'missing_auth';
  if (!/^\d{1,16}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) return 'bad_signature';
  const timestampMs = Number(timestamp);
  const expected = utf8ToBytes(gatewayRequestSignature(options.secret, timestampMs, options.body));
  // Constant-time comparison so the signature cannot be guessed byte by byte.
  if (!equalBytes(expected, utf8ToBytes(signature))) return 'bad_signature';
  if (Math.abs(options.nowMs - timestampMs) > options.windowMs) return 'stale_timestamp';
  return null;
}
