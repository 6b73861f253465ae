/**
 * Usage is never lost: a deleted bot's answers stay in the org's off-chain counters (as they
 * stay in the usage contract's) and in its quota, while its conversations and leads (visitors'
 * personal data) go with it and its widget stops answering.
 */

import { nativeFetch } from '@privexbot/schema/fetch';
import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';
import { recordChatTurn } from '../services/chat/record-chat-turn.js';
import { InMemoryPlanQuotaSource } from '../services/quotas/in-memory-plan-quota-source.js';

const frame = { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' };
const plans = new InMemoryPlanQuotaSource();
let standin: LlmStandin;
let api: PlatformTestApi;
let org: { orgId: string; token: string };

async function chat(botId: string): Promise<{ status: number; body: string }> {
  const response = await nativeFetch(`${api.baseUrl}/v1/bots/${botId}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...frame },
    body: JSON.stringify({ message: 'What are your opening hours?' }),
  });
  return { status: response.status, body: await response.text() };
}

async function publishedBot(settings: Record<string, unknown> = {}): Promise<string> {
  const botId = await api.createBot(org, settings);
  const published = await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/publish`, {
    token: org.token,
  });
  expect(published.status).toBe(200);
  return botId;
}

async function orgTotals() {
  const response = await api.request('get', `/v1/orgs/${org.orgId}/usage`, { token: org.token });
  expect(response.status).toBe(200);
  const totals = { conversations: 0, messages: 0, promptTokens: 0, completionTokens: 0, leads: 0 };
  for (const day of response.body.days as (typeof totals)[]) {
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += day[key];
  }
  return totals;
}

beforeAll(async () => {
  standin = await startLlmStandin({ port: 0, ttftMs: 1, tokenDelayMs: 0, answerTokens: 4 });
  api = await startPlatformTestApi({
    overrides: { planQuotaSource: plans },
    env: { LLM_BASE_URL: standin.url, QUOTA_CACHE_SECONDS: '0', BOT_CACHE_SECONDS: '60' },
  });
  org = await api.createOrg('81');
}, 60_000);
afterAll(async () => {
  await api?.close();
  await standin?.close();
});

describe('deleting a bot', () => {
  it('keeps its usage in the org totals and the quota; removes its conversations and leads; silences its widget', async () => {
    const kept = await publishedBot({ name: 'Kept' });
    const doomed = await publishedBot({ name: 'Doomed', leadCapture: { enabled: true } });
    for (const botId of [doomed, doomed, kept]) expect((await chat(botId)).status).toBe(200);
    const lead = await api.request('post', `/v1/bots/${doomed}/leads`, {
      headers: frame,
      body: { email: 'ada@example.com', consent: true },
    });
    expect(lead.status).toBe(201);

    const before = await orgTotals();
    expect(before).toMatchObject({ conversations: 3, messages: 3, leads: 1 });
    expect(before.completionTokens).toBeGreaterThan(0);

    const deleted = await api.request('delete', `/v1/orgs/${org.orgId}/bots/${doomed}`, { token: org.token });
    expect(deleted.status).toBe(204);

    // Off chain, the org still counts every answer the chain counts.
    expect(await orgTotals()).toEqual(before);
    expect(await api.db.usageDaily.count({ where: { botId: doomed } })).toBe(1);
    // Visitors' messages and lead emails go with the bot.
    expect(await api.db.conversation.count({ where: { botId: doomed } })).toBe(0);
    expect(await api.db.lead.count({ where: { botId: doomed } })).toBe(0);
    // The bot itself is gone from every route: its analytics, its widget, its chat.
    const analytics = await api.request('get', `/v1/orgs/${org.orgId}/bots/${doomed}/analytics`, {
      token: org.token,
    });
    expect(analytics.status).toBe(404);
    expect((await api.request('get', `/v1/bots/${doomed}/public`, { headers: frame })).status).toBe(404);
    expect((await chat(doomed)).status).toBe(404);

    // Deleting a bot does not hand its messages back to the plan: 3 used of 4, one answer left.
    plans.setPlan(org.orgId, { quotas: { messages: 4 } });
    expect((await chat(kept)).status).toBe(200);
    const exhausted = await chat(kept);
    expect(exhausted.status).toBe(402);
    expect(exhausted.body).toContain('QUOTA_EXHAUSTED');
    expect((await orgTotals()).messages).toBe(4);
  }, 60_000);

  it('still counts an answer that finished streaming after its bot was deleted', async () => {
    const botId = await publishedBot({ name: 'Deleted mid-answer' });
    const before = await orgTotals();
    const deleted = await api.request('delete', `/v1/orgs/${org.orgId}/bots/${botId}`, { token: org.token });
    expect(deleted.status).toBe(204);
    // What the chat route does when the stream it started ends: the bot is gone by now.
    const conversationId = crypto.randomUUID();
    await recordChatTurn({
      db: api.db,
      botId,
      orgId: org.orgId,
      conversationId,
      isNewConversation: true,
      visitorId: 'visitor-late',
      origin: TEST_PUBLIC_URL,
      question: 'Are you still there?',
      askedAt: new Date(),
      answer: {
        id: crypto.randomUUID(),
        content: 'Yes.',
        citations: [],
        promptTokens: 11,
        completionTokens: 2,
        answeredAt: new Date(),
      },
      spendKey: `spend:${botId}:ip:test`,
      reservation: null,
    });
    const after = await orgTotals();
    expect(after.messages).toBe(before.messages + 1);
    expect(after.completionTokens).toBe(before.completionTokens + 2);
    expect(await api.db.conversation.count({ where: { id: conversationId } })).toBe(0);
  }, 60_000);
});
