import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nativeFetch } from '@privexbot/schema/fetch';
import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../bots/test-support/start-platform-test-api.js';
import { InMemoryPlanQuotaSource } from './in-memory-plan-quota-source.js';
import { recordQuotaNotices } from './record-quota-notices.js';

/**
 * Quota notices: crossing 70, 85 and 95 % of the plan's message quota records one notice per
 * mark and billing period, however many turns cross it at once, and sends it once to the org's
 * webhook as a `quota.threshold_crossed` event; the dapp reads them from /quota-notices.
 */
const frame = { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' };
const plans = new InMemoryPlanQuotaSource();
let standin: LlmStandin;
let api: PlatformTestApi;
let receiver: Server;
const received: { event: string; body: { data: Record<string, unknown> } }[] = [];

beforeAll(async () => {
  standin = await startLlmStandin({ port: 0, ttftMs: 5, tokenDelayMs: 2 });
  api = await startPlatformTestApi({
    overrides: { planQuotaSource: plans },
    env: { LLM_BASE_URL: standin.url, QUOTA_CACHE_SECONDS: '0', URL_FETCH_ALLOW_LOOPBACK: 'true' },
  });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (part) => (body += part));
    req.on('end', () => {
      received.push({ event: String(req.headers['x-privexbot-event']), body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await api?.close();
  await standin?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const chat = (bot: string, message: string) =>
  nativeFetch(`${api.baseUrl}/v1/bots/${bot}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...frame },
    body: JSON.stringify({ message }),
  }).then(async (response) => ({ status: response.status, text: await response.text() }));

describe('quota notices', () => {
  it('concurrent turns crossing 70 % produce one notice and one webhook event; a new period starts afresh', async () => {
    const org = await api.createOrg('61');
    const period = 30 * 86_400_000;
    const firstPeriod = new Date(Math.floor(Date.now() / period) * period);
    plans.setPlan('61', { quotas: { messages: 100 }, periodStart: firstPeriod });
    // 69 messages already counted on chain: every one of the concurrent turns is admitted as
    // the 70th, so they all cross the 70 % mark together.
    plans.setChainMessagesUsed('61', 69);
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const bots = [
      await api.createBot(org, {
        name: 'Shop',
        rateLimits: { visitorPerMinute: 600 },
        webhook: { url, secret: 'whsec-quota-0123456789' },
      }),
      // A second bot sending to the same URL: the org's event still arrives once.
      await api.createBot(org, {
        name: 'Help',
        rateLimits: { visitorPerMinute: 600 },
        webhook: { url, secret: 'whsec-quota-0123456789' },
      }),
    ];
    for (const bot of bots)
      expect(
        (await api.request('post', `/v1/orgs/61/bots/${bot}/publish`, { token: org.token })).status,
      ).toBe(200);

    const turns = await Promise.all(
      Array.from({ length: 12 }, (_, i) => chat(bots[i % 2] as string, `question ${i}`)),
    );
    expect(turns.map((turn) => turn.status)).toEqual(turns.map(() => 200));
    api.platform.webhooks.kick();
    await api.platform.webhooks.idle();

    const notices = await api.db.quotaWarning.findMany({ where: { orgId: '61' } });
    expect(notices.map((n) => n.thresholdPct)).toEqual([70]);
    const events = received.filter((r) => r.event === 'quota.threshold_crossed');
    expect(events).toHaveLength(1);
    expect(events[0]?.body.data).toEqual({
      orgId: '61',
      quota: 'messages',
      thresholdPct: 70,
      used: 70,
      limit: 100,
      periodStart: firstPeriod.toISOString(),
      crossedAt: expect.any(String),
    });

    // Past 85 and 95 in one step: each mark once.
    plans.setChainMessagesUsed('61', 96);
    expect((await chat(bots[0] as string, 'one more')).status).toBe(200);
    expect((await chat(bots[1] as string, 'and another')).status).toBe(200);
    api.platform.webhooks.kick();
    await api.platform.webhooks.idle();
    const marks = received
      .filter((r) => r.event === 'quota.threshold_crossed')
      .map((r) => r.body.data.thresholdPct);
    expect(marks.sort()).toEqual([70, 85, 95]);

    // The next billing period: its marks are crossed afresh.
    const nextPeriod = new Date(firstPeriod.getTime() + period);
    plans.setPlan('61', { quotas: { messages: 100 }, periodStart: nextPeriod });
    plans.setChainMessagesUsed('61', 75);
    expect((await chat(bots[0] as string, 'new period')).status).toBe(200);
    api.platform.webhooks.kick();
    await api.platform.webhooks.idle();
    const listed = await api.request('get', '/v1/orgs/61/quota-notices', { token: org.token });
    expect(listed.status).toBe(200);
    expect(
      listed.body.notices.map((n: { periodStart: string; thresholdPct: number }) => [
        n.periodStart,
        n.thresholdPct,
      ]),
    ).toEqual([
      [nextPeriod.toISOString(), 70],
      [firstPeriod.toISOString(), 95],
      [firstPeriod.toISOString(), 85],
      [firstPeriod.toISOString(), 70],
    ]);
    expect(received.filter((r) => r.event === 'quota.threshold_crossed')).toHaveLength(4);

    // Another org sees none of them.
    const stranger = await api.createOrg('62');
    const foreign = await api.request('get', '/v1/orgs/61/quota-notices', { token: stranger.token });
    expect(foreign.status).toBe(404);
  });

  it('20 recorders racing on one mark insert one notice and queue one event between them', async () => {
    const org = await api.createOrg('63');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/race`;
    await api.createBot(org, { name: 'Race', webhook: { url, secret: 'whsec-race-0123456789' } });
    const periodStart = new Date('2026-12-01T00:00:00Z');
    const won = await Promise.all(
      Array.from({ length: 20 }, () =>
        recordQuotaNotices({ db: api.db, orgId: '63', periodStart, used: 7, limit: 10, now: new Date() }),
      ),
    );
    expect(won.flat()).toEqual([70]);
    expect(await api.db.quotaWarning.count({ where: { orgId: '63' } })).toBe(1);
    expect(await api.db.webhookDelivery.count({ where: { webhook: { url } } })).toBe(1);
  });
});
