/**
 * One visitor is one visitor (issue 17, item 1): an IPv6 client is counted by its /64, an IPv4
 * client by its address, and X-Forwarded-For counts only when the peer is a trusted proxy.
 */

import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';

const frame = { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' };
const LIMIT = 5;
let standin: LlmStandin;
let behindProxy: PlatformTestApi;
let exposed: PlatformTestApi;

beforeAll(async () => {
  standin = await startLlmStandin({ port: 0, ttftMs: 1, tokenDelayMs: 0 });
  // The test client connects from 127.0.0.1: to the first api it is the trusted proxy, to the
  // second an ordinary client whose X-Forwarded-For must not count.
  behindProxy = await startPlatformTestApi({
    env: { LLM_BASE_URL: standin.url, TRUSTED_PROXIES: 'loopback' },
  });
  exposed = await startPlatformTestApi({
    env: { LLM_BASE_URL: standin.url, TRUSTED_PROXIES: '10.0.0.0/8, 2001:db8:ffff::/48' },
  });
});
afterAll(async () => {
  await behindProxy?.close();
  await exposed?.close();
  await standin?.close();
});

async function publishedBot(api: PlatformTestApi, orgId: string): Promise<string> {
  const org = await api.createOrg(orgId);
  const bot = await api.createBot(org, { rateLimits: { visitorPerMinute: LIMIT } });
  await api.request('post', `/v1/orgs/${orgId}/bots/${bot}/publish`, { token: org.token });
  return bot;
}

/** Sends one chat per address (20 at a time) and counts the answered ones and the 429s. */
async function flood(api: PlatformTestApi, bot: string, addresses: string[]) {
  const statuses: number[] = [];
  for (let i = 0; i < addresses.length; i += 20) {
    const batch = addresses.slice(i, i + 20).map(async (address) => {
      const reply = await api.request('post', `/v1/bots/${bot}/chat`, {
        body: { message: 'hello' },
        headers: { ...frame, 'x-forwarded-for': address },
      });
      if (reply.status === 429) expect(reply.body.error.details.reason).toBe('VISITOR_RATE_LIMIT');
      return reply.status;
    });
    statuses.push(...(await Promise.all(batch)));
  }
  return {
    answered: statuses.filter((s) => s === 200).length,
    limited: statuses.filter((s) => s === 429).length,
  };
}

/** Moves the test clock to the start of a minute, so a flood stays in one rate-limit window. */
function startOfMinute(api: PlatformTestApi): void {
  const now = api.clock.now;
  api.clock.advance(60 - now.getUTCSeconds() - now.getUTCMilliseconds() / 1000 + 0.01);
}

const inOneSlash64 = Array.from(
  { length: 200 },
  (_, i) => `2001:db8:aa:1:${((i * 7919) % 65536).toString(16)}:${i.toString(16)}::${(i + 1).toString(16)}`,
);

describe('visitor limits count one client once', () => {
  it('200 requests from 200 addresses of one /64 hit the limit exactly like 200 from one address', async () => {
    const bot = await publishedBot(behindProxy, '171');
    startOfMinute(behindProxy);
    const oneAddress = await flood(behindProxy, bot, Array(200).fill('203.0.113.9'));
    expect(oneAddress).toEqual({ answered: LIMIT, limited: 200 - LIMIT });
    const rotating = await flood(behindProxy, bot, inOneSlash64);
    expect(new Set(inOneSlash64).size).toBe(200);
    expect(rotating).toEqual(oneAddress);
    // A neighbouring /64 is another client, with its own limit; so is another IPv4 address.
    expect(await flood(behindProxy, bot, ['2001:db8:aa:2::1', '2001:db8:aa:2::2'])).toEqual({
      answered: 2,
      limited: 0,
    });
    expect(await flood(behindProxy, bot, ['203.0.113.10'])).toEqual({ answered: 1, limited: 0 });
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const bot = await publishedBot(exposed, '172');
    startOfMinute(exposed);
    const spoofed = Array.from({ length: 200 }, (_, i) => `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    // Every request comes from 127.0.0.1, whatever it claims: one visitor, one limit.
    expect(await flood(exposed, bot, spoofed)).toEqual({ answered: LIMIT, limited: 200 - LIMIT });
  });
});
