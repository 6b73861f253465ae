import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  createRequester,
  FAILURE_BUDGET,
  MAX_RETRIES,
  RequestFailure,
  retryAfterMs,
} from './request-with-retry.js';

function fakeEnvironment() {
  const sleeps: number[] = [];
  return { sleeps, env: { sleep: async (ms: number) => void sleeps.push(ms), random: () => 1 } };
}

/** A `send` that answers with the given statuses in turn (null = network error) and counts calls. */
function scriptedServer(statuses: (number | null)[], headers: Record<string, string> = {}) {
  let calls = 0;
  const send = async () => {
    const status = statuses[Math.min(calls++, statuses.length - 1)];
    if (status === null || status === undefined) throw new TypeError('Failed to fetch');
    return new Response(status === 204 ? null : '{}', { status, headers });
  };
  return { send, calls: () => calls };
}

describe('backoffDelay', () => {
  it('doubles from 400 ms up to the 8 s cap, with jitter in the upper half', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, () => 1))).toEqual([
      400, 800, 1600, 3200, 6400, 8000, 8000,
    ]);
    expect([0, 1, 2].map((n) => backoffDelay(n, () => 0))).toEqual([200, 400, 800]);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('createRequester', () => {
  it('retries a failing server exactly MAX_RETRIES times with growing delays, then gives up', async () => {
    const { sleeps, env } = fakeEnvironment();
    const server = scriptedServer([500]);
    await expect(createRequester(env)(server.send)).rejects.toEqual(new RequestFailure('server'));
    expect(server.calls()).toBe(1 + MAX_RETRIES);
    expect(sleeps).toEqual([400, 800, 1600]);
  });

  it('returns the first success after transient failures', async () => {
    const { env } = fakeEnvironment();
    const server = scriptedServer([null, 503, 200]);
    const response = await createRequester(env)(server.send);
    expect(response.status).toBe(200);
    expect(server.calls()).toBe(3);
  });

  it('never retries what the client caused: 400, 402, 404', async () => {
    for (const status of [400, 402, 404]) {
      const { sleeps, env } = fakeEnvironment();
      const server = scriptedServer([status, 200]);
      expect((await createRequester(env)(server.send)).status).toBe(status);
      expect(server.calls()).toBe(1);
      expect(sleeps).toEqual([]);
    }
  });

  it('waits as long as Retry-After says on 429', async () => {
    const { sleeps, env } = fakeEnvironment();
    const server = scriptedServer([429, 200], { 'retry-after': '2' });
    expect((await createRequester(env)(server.send)).status).toBe(200);
    expect(sleeps).toEqual([2000]);
  });

  it('does not sleep through a long Retry-After: reports it instead', async () => {
    const { sleeps, env } = fakeEnvironment();
    const server = scriptedServer([429], { 'retry-after': '120' });
    await expect(createRequester(env)(server.send)).rejects.toMatchObject({
      reason: 'rate-limited',
      waitMs: 120_000,
    });
    expect(server.calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('stops calling the server once the failure budget of the page load is spent', async () => {
    const { env } = fakeEnvironment();
    const request = createRequester(env);
    const server = scriptedServer([500]);
    const outcomes: string[] = [];
    for (let action = 0; action < 10; action++) {
      outcomes.push(
        await request(server.send).then(
          (r) => String(r.status),
          (e: RequestFailure) => e.reason,
        ),
      );
    }
    expect(server.calls()).toBe(FAILURE_BUDGET);
    expect(outcomes.at(-1)).toBe('budget-exhausted');
  });
});
