import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nativeFetch } from '@privexbot/schema/fetch';
import { parseSseText } from '@privexbot/schema/sse';
import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';
import { InMemoryPlanQuotaSource } from '../services/quotas/in-memory-plan-quota-source.js';

const frame = { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' };
const plans = new InMemoryPlanQuotaSource();
let standin: LlmStandin;
let api: PlatformTestApi;
let org: { orgId: string; token: string };
let botId: string;

interface SseEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed SSE payloads, checked by the assertions
  data: any;
}

async function chat(
  bot: string,
  body: unknown,
  headers: Record<string, string> = frame,
): Promise<{ status: number; headers: Headers; events: SseEvent[]; error?: SseEvent['data'] }> {
  const response = await nativeFetch(`${api.baseUrl}/v1/bots/${bot}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (process.env.DEBUG_CHAT) console.log(response.status, [...response.headers], text.slice(0, 300));
  if (!response.headers.get('content-type')?.startsWith('text/event-stream'))
    return { status: response.status, headers: response.headers, events: [], error: JSON.parse(text).error };
  const events = parseSseText(text).map(({ event, data }) => ({ event, data: JSON.parse(data) }));
  return { status: response.status, headers: response.headers, events };
}

beforeAll(async () => {
  standin = await startLlmStandin({ port: 0, ttftMs: 5, tokenDelayMs: 2 });
  api = await startPlatformTestApi({
    overrides: { planQuotaSource: plans },
    env: {
      LLM_BASE_URL: standin.url,
      QUOTA_CACHE_SECONDS: '0',
      URL_FETCH_ALLOW_LOOPBACK: 'true',
      WEBHOOK_TIMEOUT_MS: '2000',
    },
  });
  org = await api.createOrg('31');
  botId = await api.createBot(org, {
    allowedOrigins: ['https://shop.example.com'],
    systemPrompt: 'You help shoppers.',
  });
  await api.request('post', `/v1/orgs/31/bots/${botId}/sources`, {
    token: org.token,
    body: {
      type: 'text',
      name: 'Returns policy',
      text: '# Returns\n\nUnused items can be returned within 30 days for a full refund.',
    },
  });
  await api.platform.ingestion.idle();
  await api.request('post', `/v1/orgs/31/bots/${botId}/publish`, { token: org.token });
});
afterAll(async () => {
  await api?.close();
  await standin?.close();
});

describe('public chat', () => {
  it('streams tokens, then citations, usage and done, and records the conversation', async () => {
    const first = await chat(botId, { message: 'Can I return an item?', visitorId: 'visitor-1' });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-accel-buffering')).toBe('no');
    const kinds = first.events.map((e) => e.event);
    expect(kinds.filter((k) => k === 'token').length).toBeGreaterThan(3);
    expect(kinds.slice(-3)).toEqual(['citations', 'usage', 'done']);
    expect(kinds.indexOf('citations')).toBe(kinds.lastIndexOf('token') + 1);
    const answer = first.events
      .filter((e) => e.event === 'token')
      .map((e) => e.data.text)
      .join('');
    expect(answer).toMatch(/^Stand-in answer about/);
    expect(first.events.at(-3)?.data.citations).toEqual([
      expect.objectContaining({
        title: 'Returns policy',
        snippet: expect.stringContaining('returned within 30 days'),
      }),
    ]);
    const usage = first.events.at(-2)?.data;
    expect(usage.completionTokens).toBeGreaterThan(0);
    const conversationId = first.events.at(-1)?.data.conversationId;
    // The stand-in saw the citable passage and the bot's system prompt.
    const sent = JSON.stringify(standin.stats.lastChatRequest);
    expect(sent).toContain('returned within 30 days');
    expect(sent).toContain('You help shoppers.');

    const second = await chat(botId, {
      message: 'And after 40 days?',
      visitorId: 'visitor-1',
      conversationId,
    });
    if (process.env.DEBUG_CHAT) console.log(JSON.stringify(second.events.at(-1)));
    expect(second.events.at(-1)).toMatchObject({ event: 'done', data: { conversationId } });
    const history = standin.stats.lastChatRequest?.messages?.map((m: { role: string }) => m.role);
    expect(history).toEqual(['system', 'system', 'user', 'assistant', 'user']);

    const conversation = await api.request(
      'get',
      `/v1/orgs/31/bots/${botId}/conversations/${conversationId}`,
      { token: org.token },
    );
    expect(conversation.body.messages.map((m: { role: string }) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(conversation.body.messages[1].content).toBe(answer);
    const analytics = await api.request('get', `/v1/orgs/31/bots/${botId}/analytics`, { token: org.token });
    expect(analytics.body.totals).toMatchObject({ conversations: 1, messages: 2 });
    expect(analytics.body.totals.completionTokens).toBeGreaterThan(0);
  });

  it('refuses a conversation id of another visitor', async () => {
    const first = await chat(botId, { message: 'Hello', visitorId: 'visitor-a' });
    const conversationId = first.events.at(-1)?.data.conversationId;
    const stolen = await chat(botId, { message: 'Hello', visitorId: 'visitor-b', conversationId });
    expect(stolen.status).toBe(404);
  });

  it('checks access: allowed origin yes, others no, servers need an API key, unpublished bots are hidden', async () => {
    expect((await chat(botId, { message: 'hi' }, { origin: 'https://shop.example.com' })).status).toBe(200);
    const foreign = await chat(botId, { message: 'hi' }, { origin: 'https://evil.example.net' });
    expect(foreign.status).toBe(403);
    expect(foreign.error.details.reason).toBe('ORIGIN_NOT_ALLOWED');
    const server = await chat(botId, { message: 'hi' }, {});
    expect(server.status).toBe(403);
    expect(server.error.message).toMatch(/API key/);
    const key = await api.request('post', '/v1/orgs/31/api-keys', {
      token: org.token,
      body: { name: 'backend', scopes: ['chat'] },
    });
    expect((await chat(botId, { message: 'hi' }, { authorization: `Bearer ${key.body.key}` })).status).toBe(
      200,
    );
    const draft = await api.createBot(org, { name: 'Draft' });
    expect((await chat(draft, { message: 'hi' })).status).toBe(404);
    // The dashboard's test chat works before publishing, for members.
    expect((await chat(draft, { message: 'hi' }, { authorization: `Bearer ${org.token}` })).status).toBe(200);
    const bad = await chat(botId, { message: '', extra: 1 });
    expect(bad.status).toBe(400);
  });

  it('rate-limits a flooding visitor with 429 and Retry-After, without hurting others', async () => {
    const bot = await api.createBot(org, { name: 'Limited', rateLimits: { visitorPerMinute: 2 } });
    await api.request('post', `/v1/orgs/31/bots/${bot}/publish`, { token: org.token });
    expect((await chat(bot, { message: 'one' })).status).toBe(200);
    expect((await chat(bot, { message: 'two' })).status).toBe(200);
    const third = await chat(bot, { message: 'three' });
    expect(third.status).toBe(429);
    expect(third.error).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'VISITOR_RATE_LIMIT' } });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another visitor (another address, through a key here) still gets answers.
    const key = await api.request('post', '/v1/orgs/31/api-keys', {
      token: org.token,
      body: { name: 'other', scopes: ['chat'] },
    });
    expect((await chat(bot, { message: 'four' }, { authorization: `Bearer ${key.body.key}` })).status).toBe(
      200,
    );
  });

  it('caps a visitor’s daily spend', async () => {
    const bot = await api.createBot(org, { name: 'Capped', rateLimits: { visitorDailyTokens: 100 } });
    await api.request('post', `/v1/orgs/31/bots/${bot}/publish`, { token: org.token });
    let status = 200;
    let answers = 0;
    while (status === 200 && answers < 10) {
      const reply = await chat(bot, { message: 'tell me everything' });
      status = reply.status;
      if (status === 200) answers++;
      else expect(reply.error.details.reason).toBe('VISITOR_SPEND_CAP');
    }
    expect(status).toBe(429);
    expect(answers).toBeGreaterThan(0);
  });

  it('answers 402 once the org’s plan has no message left, and records 70/85/95 % warnings once', async () => {
    const capped = await api.createOrg('32');
    plans.setPlan('32', { quotas: { messages: 10 } });
    const bot = await api.createBot(capped);
    await api.request('post', `/v1/orgs/32/bots/${bot}/publish`, { token: capped.token });
    // Six answers given earlier today, all six already relayed and counted on chain.
    await api.db.usageDaily.create({
      data: { botId: bot, orgId: '32', day: new Date(new Date().toISOString().slice(0, 10)), messages: 6 },
    });
    plans.setChainMessagesUsed('32', 6);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await chat(bot, { message: `question ${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 402, 402]);
    const refused = await chat(bot, { message: 'again' });
    expect(refused.error).toMatchObject({
      code: 'QUOTA_EXHAUSTED',
      details: { reason: 'MESSAGES_EXHAUSTED', used: 10, limit: 10 },
    });
    const warnings = await api.db.quotaWarning.findMany({
      where: { orgId: '32' },
      orderBy: { thresholdPct: 'asc' },
    });
    expect(warnings.map((w) => w.thresholdPct)).toEqual([70, 85, 95]);
    // The chain ahead of this database (answers served elsewhere) counts too.
    const other = await api.createOrg('34');
    plans.setPlan('34', { quotas: { messages: 3 } });
    plans.setChainMessagesUsed('34', 3);
    const otherBot = await api.createBot(other);
    await api.request('post', `/v1/orgs/34/bots/${otherBot}/publish`, { token: other.token });
    expect((await chat(otherBot, { message: 'hello' })).status).toBe(402);
  });

  it('stops the upstream call when the visitor disconnects, and still counts the answer as a message', async () => {
    const slow = await startLlmStandin({ port: 0, ttftMs: 5, tokenDelayMs: 200 });
    const slowApi = await startPlatformTestApi({ env: { LLM_BASE_URL: slow.url } });
    try {
      const owner = await slowApi.createOrg('33');
      const bot = await slowApi.createBot(owner);
      await slowApi.request('post', `/v1/orgs/33/bots/${bot}/publish`, { token: owner.token });
      const controller = new AbortController();
      const response = await nativeFetch(`${slowApi.baseUrl}/v1/bots/${bot}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...frame },
        body: JSON.stringify({ message: 'a long answer please' }),
        signal: controller.signal,
      });
      const chunks = (response.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      await chunks.next(); // the first token arrived
      const aborted = new Promise((resolve) => slow.events.once('aborted', resolve));
      controller.abort();
      await aborted;
      expect(slow.stats.abortedStreams).toBe(1);
      expect(slow.stats.completedStreams).toBe(0);
      // Without a gateway no one attests tokens (development only): the model was called, so
      // the stopped answer is one message; tests/metering covers the gateway's exact counts.
      let usage: { messages: number } | null = null;
      for (let i = 0; i < 100 && !usage?.messages; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        usage = await slowApi.db.usageDaily.findFirst({ where: { botId: bot } });
      }
      expect(usage?.messages).toBe(1);
    } finally {
      await slowApi.close();
      await slow.close();
    }
  });
});

describe('leads and webhooks', () => {
  it('needs consent, stores the email encrypted, and delivers a signed webhook, retrying on failure', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let failuresLeft = 1;
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (part) => (body += part));
      req.on('end', () => {
        if (failuresLeft-- > 0) return res.writeHead(503).end();
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const secret = 'whsec-test-0123456789';
    try {
      const bot = await api.createBot(org, {
        name: 'Leads',
        leadCapture: { enabled: true },
        webhook: { url, secret },
      });
      await api.request('post', `/v1/orgs/31/bots/${bot}/publish`, { token: org.token });
      const noConsent = await api.request('post', `/v1/bots/${bot}/leads`, {
        headers: frame,
        body: { email: 'ada@example.com', consent: false },
      });
      expect(noConsent.status).toBe(400);
      expect(await api.db.lead.count({ where: { botId: bot } })).toBe(0);
      const foreign = await api.request('post', `/v1/bots/${bot}/leads`, {
        headers: { origin: 'https://evil.example.net' },
        body: { email: 'ada@example.com', consent: true },
      });
      expect(foreign.status).toBe(403);

      const lead = await api.request('post', `/v1/bots/${bot}/leads`, {
        headers: frame,
        body: { email: 'Ada@Example.com', name: 'Ada', consent: true },
      });
      expect(lead.status).toBe(201);
      const again = await api.request('post', `/v1/bots/${bot}/leads`, {
        headers: frame,
        body: { email: 'ada@example.com', consent: true },
      });
      expect(again.body).toEqual({ id: lead.body.id, duplicate: true });
      const row = await api.db.lead.findUniqueOrThrow({ where: { id: lead.body.id } });
      expect(row.emailEncrypted).not.toContain('ada');
      expect(JSON.stringify(await api.db.webhookDelivery.findMany())).not.toContain('ada@example.com');

      await api.platform.webhooks.idle(); // first attempt: 503
      const failed = await api.request('get', `/v1/orgs/31/bots/${bot}/webhook-deliveries`, {
        token: org.token,
      });
      expect(failed.body.deliveries[0]).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatusCode: 503,
      });
      expect(Date.parse(failed.body.deliveries[0].nextAttemptAt)).toBeGreaterThan(Date.now() + 5000);
      await api.db.webhookDelivery.updateMany({ data: { nextAttemptAt: new Date() } }); // time passes
      api.platform.webhooks.kick();
      await api.platform.webhooks.idle();
      const delivered = await api.request('get', `/v1/orgs/31/bots/${bot}/webhook-deliveries`, {
        token: org.token,
      });
      expect(delivered.body.deliveries[0]).toMatchObject({
        status: 'delivered',
        attempts: 2,
        lastStatusCode: 204,
      });

      expect(received).toHaveLength(1);
      const [delivery] = received;
      const timestamp = String(delivery?.headers['x-privexbot-timestamp']);
      const expected = createHmac('sha256', secret).update(`${timestamp}.${delivery?.body}`).digest('hex');
      expect(delivery?.headers['x-privexbot-signature']).toBe(expected);
      expect(JSON.parse(delivery?.body as string)).toMatchObject({
        event: 'lead.created',
        data: { email: 'ada@example.com', name: 'Ada', consent: true },
      });

      const leads = await api.request('get', `/v1/orgs/31/bots/${bot}/leads`, { token: org.token });
      expect(leads.body.leads).toEqual([expect.objectContaining({ email: 'ada@example.com', name: 'Ada' })]);
      const analytics = await api.request('get', `/v1/orgs/31/bots/${bot}/analytics`, { token: org.token });
      expect(analytics.body.totals.leads).toBe(1);
    } finally {
      receiver.close();
    }
  });
});

describe('widget routes', () => {
  it('serves the loader and the frame page with frame-ancestors from the bot’s allowed origins', async () => {
    const loader = await nativeFetch(`${api.baseUrl}/widget.js`);
    expect(loader.status).toBe(200);
    expect(loader.headers.get('content-type')).toMatch(/javascript/);
    const page = await nativeFetch(`${api.baseUrl}/embed/${botId}`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'self' https://shop.example.com");
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    expect(await page.text()).toContain(`nonce="${nonce}"`);
    expect((await nativeFetch(`${api.baseUrl}/embed/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });
});
