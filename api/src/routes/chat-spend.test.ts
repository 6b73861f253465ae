/**
 * Spend caps count what was spent (issue 17, item 2): the visitor's daily cap counts prompt
 * plus completion tokens, admission holds an estimate before the model is called and the
 * recorded turn settles it, concurrent turns see each other's holds, and no hold outlives its
 * turn (failed, stopped) or, after a crash, its window.
 */

import { nativeFetch } from '@privexbot/schema/fetch';
import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePoolSize } from '../db/resolve-pool-size.js';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';
import { HOLD_WINDOW_MS, holdWindow } from '../services/chat/chat-reservation.js';
import { InMemoryPlanQuotaSource } from '../services/quotas/in-memory-plan-quota-source.js';

const frame = { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' };
const plans = new InMemoryPlanQuotaSource();
let standin: LlmStandin;
let api: PlatformTestApi;

beforeAll(async () => {
  standin = await startLlmStandin({ port: 0, ttftMs: 5, tokenDelayMs: 2, answerTokens: 3 });
  api = await startPlatformTestApi({
    overrides: { planQuotaSource: plans },
    env: { LLM_BASE_URL: standin.url, QUOTA_CACHE_SECONDS: '0' },
  });
});
afterAll(async () => {
  await api?.close();
  await standin?.close();
});

async function publishedBot(orgId: string, settings: Record<string, unknown> = {}) {
  const org = await api.createOrg(orgId);
  const bot = await api.createBot(org, settings);
  await api.request('post', `/v1/orgs/${orgId}/bots/${bot}/publish`, { token: org.token });
  return bot;
}

function chat(bot: string, message: string) {
  return api.request('post', `/v1/bots/${bot}/chat`, { body: { message }, headers: frame });
}

/** Tokens and messages turns still hold (RateLimitCounter `held:` rows). */
async function held(): Promise<number> {
  const rows = await api.db.rateLimitCounter.findMany({ where: { key: { startsWith: 'held:' } } });
  return rows.reduce((sum, row) => sum + row.count, 0);
}

describe('spend caps and quotas', () => {
  it('counts prompt tokens: long questions with one-word answers exhaust the visitor’s cap', async () => {
    const bot = await publishedBot('181', {
      rateLimits: { visitorPerMinute: 600, visitorDailyTokens: 3000 },
    });
    const longQuestion = 'tell me about the returns policy '.repeat(120).trim(); // ~720 words, 3,960 chars
    expect(longQuestion.length).toBeLessThanOrEqual(4000);
    let answered = 0;
    let refusal: { status: number; body: { error: { details: { reason: string } } } } | undefined;
    for (let i = 0; i < 20 && !refusal; i++) {
      const reply = await chat(bot, longQuestion);
      if (reply.status === 200) answered++;
      else refusal = reply;
    }
    // Each turn costs some 730 tokens of prompt and 3 of answer: the 3,000 are gone within 5
    // turns (counting only answers, they would have lasted 1,000 turns).
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThanOrEqual(5);
    expect(refusal?.status).toBe(429);
    expect(refusal?.body.error.details.reason).toBe('VISITOR_SPEND_CAP');
    const usage = await api.db.usageDaily.findFirst({ where: { botId: bot } });
    const spend = await api.db.rateLimitCounter.findFirst({
      where: { key: { startsWith: `spend:${bot}:` } },
    });
    expect(spend?.count).toBe((usage?.promptTokens ?? 0) + (usage?.completionTokens ?? 0));
    expect(spend?.count).toBeGreaterThanOrEqual(3000);
    expect(await held()).toBe(0);
  }, 60_000);

  it('50 concurrent turns against a quota with 5 messages left answer 5 and refuse 45 with 402', async () => {
    plans.setPlan('182', { quotas: { messages: 10 } });
    const bot = await publishedBot('182', { rateLimits: { visitorPerMinute: 600 } });
    // Five answers given earlier today, already relayed and counted on chain too.
    await api.db.usageDaily.create({
      data: { botId: bot, orgId: '182', day: new Date(new Date().toISOString().slice(0, 10)), messages: 5 },
    });
    plans.setChainMessagesUsed('182', 5);
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => chat(bot, `question ${i}`)));
    const statuses = replies.map((reply) => reply.status);
    // The documented bound: one turn per admission statement running at the same time, which
    // the api's pool caps at its size. The embedded database runs one statement at a time
    // (pool of 1): exactly 5. A server with a pool of 8: at most 5 + 7.
    const pool = await resolvePoolSize({ databaseUrl: api.database.url, configured: undefined });
    const answered = statuses.filter((s) => s === 200).length;
    expect(answered).toBeGreaterThanOrEqual(5);
    expect(answered).toBeLessThanOrEqual(5 + (pool.max - 1));
    expect(statuses.filter((s) => s === 402)).toHaveLength(50 - answered);
    for (const reply of replies.filter((r) => r.status === 402))
      expect(reply.body.error).toMatchObject({
        code: 'QUOTA_EXHAUSTED',
        details: { reason: 'MESSAGES_EXHAUSTED' },
      });
    const usage = await api.db.usageDaily.findFirst({ where: { botId: bot } });
    expect(usage?.messages).toBe(5 + answered);
    expect(await held()).toBe(0);
  }, 60_000);

  it('releases what a failed turn held, and settles a stopped one with what it consumed', async () => {
    plans.setPlan('183', { quotas: { messages: 1000 } });
    const bot = await publishedBot('183', { rateLimits: { visitorPerMinute: 600 } });
    // The model fails mid-answer.
    standin.setFailAfterTokens(1);
    try {
      const failed = await chat(bot, 'this answer breaks');
      expect(failed.status).toBe(200);
      expect(String(failed.body)).toContain('event: error');
    } finally {
      standin.setFailAfterTokens(undefined);
    }
    expect(await held()).toBe(0);
    // The visitor leaves while the model is answering.
    const slow = await startLlmStandin({ port: 0, ttftMs: 5, tokenDelayMs: 200 });
    const slowApi = await startPlatformTestApi({ env: { LLM_BASE_URL: slow.url } });
    try {
      const owner = await slowApi.createOrg('184');
      const slowBot = await slowApi.createBot(owner);
      await slowApi.request('post', `/v1/orgs/184/bots/${slowBot}/publish`, { token: owner.token });
      const controller = new AbortController();
      const response = await nativeFetch(`${slowApi.baseUrl}/v1/bots/${slowBot}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...frame },
        body: JSON.stringify({ message: 'a long answer please' }),
        signal: controller.signal,
      });
      const chunks = (response.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      await chunks.next();
      const heldNow = await slowApi.db.rateLimitCounter.findMany({ where: { key: { startsWith: 'held:' } } });
      expect(heldNow.reduce((sum, row) => sum + row.count, 0)).toBeGreaterThan(0);
      const aborted = new Promise((resolve) => slow.events.once('aborted', resolve));
      controller.abort();
      await aborted;
      let left = -1;
      for (let i = 0; i < 100 && left !== 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const rows = await slowApi.db.rateLimitCounter.findMany({ where: { key: { startsWith: 'held:' } } });
        left = rows.reduce((sum, row) => sum + row.count, 0);
      }
      expect(left).toBe(0);
      expect((await slowApi.db.usageDaily.findFirst({ where: { botId: slowBot } }))?.messages).toBe(1);
    } finally {
      await slowApi.close();
      await slow.close();
    }
  }, 60_000);

  it('a hold left by a crashed api stops counting after two windows', async () => {
    plans.setPlan('185', { quotas: { messages: 1 } });
    const bot = await publishedBot('185');
    // An api admitted a turn and died before recording it: its hold is all that is left.
    await api.db.rateLimitCounter.create({
      data: { key: 'held:messages:185', windowStart: holdWindow(api.clock.now), count: 1 },
    });
    expect((await chat(bot, 'anyone?')).status).toBe(402);
    api.clock.advance((2 * HOLD_WINDOW_MS) / 1000);
    expect((await chat(bot, 'anyone now?')).status).toBe(200);
  }, 60_000);
});
