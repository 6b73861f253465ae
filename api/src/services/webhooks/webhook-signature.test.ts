import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookRetryDelayMs, webhookSignature } from './webhook-signature.js';

describe('webhook delivery', () => {
  it('signs <timestamp>.<body> with HMAC-SHA256', () => {
    expect(webhookSignature('s3cret', 1700000000000, '{"a":1}')).toBe(
      createHmac('sha256', 's3cret').update('1700000000000.{"a":1}').digest('hex'),
    );
  });

  it('backs off exponentially from 10 s, capped at an hour, with at most 10 % jitter', () => {
    const none = () => 0;
    expect([1, 2, 3, 4, 5, 10, 20].map((attempt) => webhookRetryDelayMs(attempt, none))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 3_600_000, 3_600_000,
    ]);
    expect(webhookRetryDelayMs(1, () => 0.999)).toBeLessThanOrEqual(11_000);
  });
});
