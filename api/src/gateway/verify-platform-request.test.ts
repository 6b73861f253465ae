import { gatewayAuthHeaders } from '@privexbot/schema/attestation';
import { describe, expect, it } from 'vitest';
import type { GatewayError } from './gateway-error.js';
import { PlatformRequestVerifier } from './verify-platform-request.js';

const SECRET = 'shared-secret-of-the-platform';

function codeOf(f: () => void): string | undefined {
  try {
    f();
  } catch (error) {
    return (error as GatewayError).code;
  }
  return undefined;
}

describe('PlatformRequestVerifier', () => {
  it('accepts a fresh request once, and refuses old, future, replayed and pre-start ones', () => {
    let clock = 1_000_000;
    const verifier = new PlatformRequestVerifier(SECRET, 30_000, () => clock);
    clock += 100_000;
    const body = '{"org":"1"}';
    const fresh = gatewayAuthHeaders(SECRET, body, clock - 5_000);
    expect(codeOf(() => verifier.verify(fresh, body))).toBeUndefined();
    expect(codeOf(() => verifier.verify(fresh, body))).toBe('REPLAYED_REQUEST');
    expect(codeOf(() => verifier.verify(gatewayAuthHeaders(SECRET, body, clock - 31_000), body))).toBe(
      'STALE_TIMESTAMP',
    );
    expect(codeOf(() => verifier.verify(gatewayAuthHeaders(SECRET, body, clock + 31_000), body))).toBe(
      'STALE_TIMESTAMP',
    );
    expect(codeOf(() => verifier.verify(gatewayAuthHeaders(SECRET, body, 999_000), body))).toBe(
      'STALE_TIMESTAMP',
    );
    expect(
      codeOf(() => verifier.verify(gatewayAuthHeaders('another-secret-entirely', body, clock), body)),
    ).toBe('BAD_SIGNATURE');
    expect(codeOf(() => verifier.verify({ 'x-privexbot-timestamp': String(clock) }, body))).toBe(
      'UNAUTHORIZED',
    );
    // Once its timestamp is out of the window the signature is forgotten: it is refused as stale instead.
    clock += 60_000;
    expect(codeOf(() => verifier.verify(fresh, body))).toBe('STALE_TIMESTAMP');
  });
});
