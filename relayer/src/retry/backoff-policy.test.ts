import { describe, expect, it } from 'vitest';
import {
  type BackoffPolicy,
  backoffDelays,
  CHAIN_SUBMIT_POLICY,
  DATABASE_POLICY,
  GATEWAY_FETCH_POLICY,
  WORKER_RESTART_POLICY,
} from './backoff-policy.js';

const take = (policy: BackoffPolicy, random: () => number, n = 100) => {
  const out: number[] = [];
  for (const delay of backoffDelays(policy, random)) {
    out.push(delay);
    if (out.length >= n) break;
  }
  return out;
};

describe('backoff policies', () => {
  it('pins the gateway policy: doubling from 200 ms to a 10 s cap, 12 retries, up to half of each delay random', () => {
    expect(take(GATEWAY_FETCH_POLICY, () => 1)).toEqual([
      200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000,
    ]);
    expect(take(GATEWAY_FETCH_POLICY, () => 0)).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000, 5000, 5000,
    ]);
  });

  it('pins the chain and database policies', () => {
    expect(take(CHAIN_SUBMIT_POLICY, () => 0.5)).toEqual([
      375, 750, 1500, 3000, 6000, 12_000, 22_500, 22_500, 22_500, 22_500,
    ]);
    expect(take(DATABASE_POLICY, () => 1)).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000]);
  });

  it('restarts workers forever, slowly', () => {
    expect(take(WORKER_RESTART_POLICY, () => 1, 6)).toEqual([5000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(take(WORKER_RESTART_POLICY, () => 0, 2)).toEqual([4000, 8000]);
  });

  it('keeps every jittered delay within [1 - jitter, 1] of the nominal delay', () => {
    const nominal = take(CHAIN_SUBMIT_POLICY, () => 1);
    const jittered = take(CHAIN_SUBMIT_POLICY, Math.random);
    jittered.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(Math.round((nominal[i] as number) * 0.5));
      expect(delay).toBeLessThanOrEqual(nominal[i] as number);
    });
  });
});
