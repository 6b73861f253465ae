/** GET /v1/orgs/:orgId/usage: the org's off-chain counters per day, summed over its bots. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '../services/bots/test-support/start-platform-test-api.js';

let api: PlatformTestApi;
let org: { orgId: string; token: string };
let other: { orgId: string; token: string };

async function seed(orgId: string, botId: string, day: string, counters: Record<string, number>) {
  await api.db.usageDaily.create({ data: { orgId, botId, day: new Date(`${day}T00:00:00Z`), ...counters } });
}

beforeAll(async () => {
  api = await startPlatformTestApi();
  org = await api.createOrg('71');
  other = await api.createOrg('72');
  const [first, second, foreign] = [
    await api.createBot(org),
    await api.createBot(org, { name: 'Second' }),
    await api.createBot(other),
  ];
  await seed('71', first, '2026-11-01', {
    conversations: 2,
    messages: 5,
    promptTokens: 100,
    completionTokens: 40,
    leads: 1,
  });
  await seed('71', second, '2026-11-01', {
    conversations: 1,
    messages: 3,
    promptTokens: 60,
    completionTokens: 20,
  });
  await seed('71', second, '2026-11-03', { messages: 1, promptTokens: 10, completionTokens: 5 });
  await seed('71', first, '2025-10-01', { messages: 9 });
  await seed('72', foreign, '2026-11-01', { messages: 1000 });
}, 60_000);
afterAll(() => api?.close());

const usage = (query: string, who = org) =>
  api.request('get', `/v1/orgs/${who.orgId}/usage${query}`, { token: who.token });

describe('GET /v1/orgs/:orgId/usage', () => {
  it('sums the bots of the org per day, inside the range only, and never another org’s', async () => {
    const response = await usage('?fromDay=2026-11-01&toDay=2026-11-30');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      days: [
        {
          day: '2026-11-01',
          conversations: 3,
          messages: 8,
          promptTokens: 160,
          completionTokens: 60,
          leads: 1,
        },
        { day: '2026-11-03', conversations: 0, messages: 1, promptTokens: 10, completionTokens: 5, leads: 0 },
      ],
    });
    const oneDay = await usage('?fromDay=2026-11-03&toDay=2026-11-03');
    expect(oneDay.body.days.map((d: { day: string }) => d.day)).toEqual(['2026-11-03']);
  });

  it('defaults to the 30 days up to today', async () => {
    const today = api.clock.now.toISOString().slice(0, 10);
    await seed('71', (await api.db.bot.findFirstOrThrow({ where: { orgId: '71' } })).id, today, {
      messages: 2,
    });
    const response = await usage('');
    expect(response.status).toBe(200);
    expect(response.body.days.at(-1)).toMatchObject({ day: today, messages: 2 });
  });

  it('serves at most 366 days, with a clear code above', async () => {
    expect((await usage('?fromDay=2025-11-01&toDay=2026-11-01')).status).toBe(200);
    const long = await usage('?fromDay=2025-10-01&toDay=2026-11-01');
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ code: 'RANGE_TOO_LONG', details: { maxDays: 366, days: 397 } });
  });

  it('refuses reversed ranges, impossible days and malformed ones with 400', async () => {
    for (const query of [
      '?fromDay=2026-11-05&toDay=2026-11-01',
      '?fromDay=2026-02-30&toDay=2026-03-01',
      '?fromDay=20261101&toDay=2026-11-02',
      '?toDay=2026-13-01',
    ]) {
      const response = await usage(query);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code, query).toBe('VALIDATION_FAILED');
    }
  });

  it('looks like a missing org to someone outside it', async () => {
    const response = await api.request('get', '/v1/orgs/72/usage?fromDay=2026-11-01&toDay=2026-11-02', {
      token: org.token,
    });
    expect(response.status).toBe(404);
    expect(JSON.stringify(response.body)).not.toContain('1000');
  });
});
