import type { IncomingHttpHeaders } from 'node:http';
import {
  checkGatewayAuth,
  GATEWAY_SIGNATURE_HEADER,
  GATEWAY_TIMESTAMP_HEADER,
} from '@privexbot/schema/attestation';
import { GatewayError } from './gateway-error.js';

/**
 * Authenticates calls from the api platform (HMAC-SHA256 over `<timestamp>.<body>`, see
 * @privexbot/schema/attestation gateway-auth) and refuses a signature seen before within the
 * window: a captured request cannot be replayed to sign a second attestation.
 */
export class PlatformRequestVerifier {
  /** Signature → time after which its timestamp is stale anyway and it can be forgotten. */
  private readonly seen = new Map<string, number>();
  /**
   * The replay memory lives in this process only, so a request signed before it started could
   * be replayed once after a restart and be attested twice. Refusing timestamps older than the
   * start closes that hole; the cost is that requests signed in flight across a restart (or by
   * an api clock running behind) are refused as stale, and the api signs its retry anew.
   */
  private readonly notBeforeMs: number;

  constructor(
    private readonly secret: string,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.notBeforeMs = now();
  }

  verify(headers: IncomingHttpHeaders, body: string): void {
    const nowMs = this.now();
    const timestamp = headerValue(headers[GATEWAY_TIMESTAMP_HEADER]);
    const signature = headerValue(headers[GATEWAY_SIGNATURE_HEADER]);
    const failure = checkGatewayAuth({
      secret: this.secret,
      body,
      timestamp,
      signature,
      nowMs,
      windowMs: this.windowMs,
    });
    if (failure === 'missing_auth') {
      throw new GatewayError(
        'UNAUTHORIZED',
        `missing ${GATEWAY_TIMESTAMP_HEADER} or ${GATEWAY_SIGNATURE_HEADER} header`,
      );
    }
    if (failure === 'bad_signature')
      throw new GatewayError('BAD_SIGNATURE', 'the request signature does not match');
    if (failure === 'stale_timestamp') {
      throw new GatewayError(
        'STALE_TIMESTAMP',
        `the request timestamp is more than ${this.windowMs / 1000}s away from now`,
      );
    }
    if (Number(timestamp) < this.notBeforeMs) {
      throw new GatewayError(
        'STALE_TIMESTAMP',
        'the request was signed before this gateway started; sign it again',
      );
    }
    this.forgetExpired(nowMs);
    const key = signature as string;
    if (this.seen.has(key))
      throw new GatewayError('REPLAYED_REQUEST', 'this signed request was already received');
    this.seen.set(key, Number(timestamp) + this.windowMs);
  }

  private forgetExpired(nowMs: number): void {
    for (const [signature, expiresAt] of this.seen) {
      if (expiresAt >= nowMs) continue;
      this.seen.delete(signature);
    }
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
