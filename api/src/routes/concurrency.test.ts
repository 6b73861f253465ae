import { nativeFetch } from '@privexbot/schema/fetch';
import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';

/**
 * The embedded database under concurrent load, the way main.ts connects to it (the pool size
 * resolvePoolSize picks): chats streaming while signed-in users read their own data. With
 * several connections, pglite-socket interleaved their queries (electric-sql/pglite#1046):
 * 401s naming another session and "bind message supplies N parameters" 500s.
 */
const frame = { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' };
let standin: LlmStandin;
let api: PlatformTestApi;
const orgs: { orgId: string; token: string; address: string }[] = [];
let botId: string;

beforeAll(async () => {
  standin = await startLlmStandin({ port: 0, ttftMs: 5, tokenDelayMs: 1, answerTokens: 12 });
  api = await startPlatformTestApi({ env: { LLM_BASE_URL: standin.url, QUOTA_CACHE_SECONDS: '0' } });
  for (const id of ['71', '72', '73', '74', '75']) {
    const org = await api.createOrg(id);
    orgs.push({ orgId: id, token: org.token, address: org.owner.address });
  }
  const owner = orgs[0] as (typeof orgs)[number];
  botId = await api.createBot(owner, {
    rateLimits: { visitorPerMinute: 600, botPerMinute: 100_000, visitorDailyTokens: 10_000_000 },
  });
  await api.request('post', `/v1/orgs/${owner.orgId}/bots/${botId}/sources`, {
    token: owner.token,
    body: { type: 'text', name: 'Shipping', text: '# Shipping\n\nExpress delivery takes two working days.' },
  });
  await api.platform.ingestion.idle();
  await api.request('post', `/v1/orgs/${owner.orgId}/bots/${botId}/publish`, { token: owner.token });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await standin?.close();
});

async function chat(i: number): Promise<{ status: number; events: string[]; body: string }> {
  const response = await nativeFetch(`${api.baseUrl}/v1/bots/${botId}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...frame },
    body: JSON.stringify({ message: `How fast is express delivery? (${i})`, visitorId: `visitor-${i}` }),
  });
  const body = await response.text();
  const events = [...body.matchAll(/^event: (.*)$/gm)].map((m) => m[1] as string);
  return { status: response.status, events, body };
}

describe('the api on the embedded database under concurrency', () => {
  it('answers 50 concurrent chats and 100 signed-in requests with no 5xx and no wrong session', async () => {
    const chats = Array.from({ length: 50 }, (_, i) => chat(i));
    const reads = Array.from({ length: 100 }, async (_, i) => {
      const org = orgs[i % orgs.length] as (typeof orgs)[number];
      const path = i % 2 === 0 ? '/v1/me' : `/v1/orgs/${org.orgId}/bots`;
      const response = await api.request('get', path, { token: org.token });
      return { org, path, response };
    });
    const [chatResults, readResults] = await Promise.all([Promise.all(chats), Promise.all(reads)]);

    const failedChats = chatResults.filter((r) => r.status !== 200 || r.events.at(-1) !== 'done');
    expect(failedChats.map((r) => `${r.status} ${r.body.slice(0, 200)}`)).toEqual([]);
    const failedReads = readResults.filter((r) => r.response.status !== 200);
    expect(
      failedReads.map((r) => `${r.path} ${r.response.status} ${JSON.stringify(r.response.body)}`),
    ).toEqual([]);
    // Each token resolved to its own wallet, and each org listed only its own bots.
    for (const { org, path, response } of readResults) {
      if (path === '/v1/me') expect(response.body.address).toBe(org.address);
      else expect(response.body.bots.length).toBe(org.orgId === orgs[0]?.orgId ? 1 : 0);
    }

    // Every answered chat was stored and counted exactly once.
    const owner = orgs[0] as (typeof orgs)[number];
    const analytics = await api.request('get', `/v1/orgs/${owner.orgId}/bots/${botId}/analytics`, {
      token: owner.token,
    });
    // UsageDaily.messages counts answers (what the plan's quota counts).
    expect(analytics.body.totals).toMatchObject({ conversations: 50, messages: 50 });
    const assistantMessages = await api.db.message.count({
      where: { role: 'assistant', conversation: { botId } },
    });
    expect(assistantMessages).toBe(50);
  }, 120_000);
});
