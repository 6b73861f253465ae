/**
 * Leads cannot be flooded or forged (issue 17, item 3, the api's part): per-visitor and per-bot
 * limits, a body cap, and consent recorded as the exact text shown, its version and the time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';

const frame = { origin: TEST_PUBLIC_URL, 'sec-fetch-site': 'same-origin' };
let api: PlatformTestApi;
let org: { orgId: string; token: string };

beforeAll(async () => {
  api = await startPlatformTestApi({
    env: { TRUSTED_PROXIES: 'loopback', LEADS_PER_VISITOR_PER_HOUR: '3', LEADS_PER_BOT_PER_HOUR: '8' },
  });
  org = await api.createOrg('191');
});
afterAll(async () => {
  await api?.close();
});

async function leadBot(consentText?: string): Promise<string> {
  const bot = await api.createBot(org, {
    leadCapture: { enabled: true, ...(consentText ? { consentText } : {}) },
  });
  await api.request('post', `/v1/orgs/191/bots/${bot}/publish`, { token: org.token });
  return bot;
}

function lead(bot: string, body: Record<string, unknown>, from: string) {
  return api.request('post', `/v1/bots/${bot}/leads`, {
    headers: { ...frame, 'x-forwarded-for': from },
    body: { consent: true, ...body },
  });
}

describe('lead capture', () => {
  it('refuses a flood from one visitor with 429, also when it rotates addresses inside its /64', async () => {
    const bot = await leadBot();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await lead(bot, { email: `v${i}@example.com` }, `2001:db8:7:7::${i + 1}`)).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
    const refused = await lead(bot, { email: 'more@example.com' }, '2001:db8:7:7::99');
    expect(refused.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { reason: 'LEAD_VISITOR_RATE_LIMIT' },
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await api.db.lead.count({ where: { botId: bot } })).toBe(3);
    // Another visitor still gets through.
    expect((await lead(bot, { email: 'other@example.com' }, '203.0.113.20')).status).toBe(201);
  });

  it('refuses a flood spread over many visitors with the per-bot limit', async () => {
    const bot = await leadBot();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await lead(bot, { email: `many${i}@example.com` }, `198.51.100.${i + 1}`)).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(8);
    const refused = await lead(bot, { email: 'late@example.com' }, '198.51.100.200');
    expect(refused.status).toBe(429);
    expect(refused.body.error.details.reason).toBe('LEAD_BOT_RATE_LIMIT');
    expect(await api.db.lead.count({ where: { botId: bot } })).toBe(8);
  });

  it('caps the body of a lead request: 413 past 4 KB, nothing written', async () => {
    const bot = await leadBot();
    const big = await lead(bot, { email: 'big@example.com', name: 'x'.repeat(5000) }, '203.0.113.30');
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await api.db.lead.count({ where: { botId: bot } })).toBe(0);
  });

  it('records the exact consent text shown, its version and the time, and returns them to the inbox', async () => {
    const text = 'Yes, Acme may email me about my order. I can withdraw at privacy@acme.example.';
    const bot = await leadBot(text);
    const shown = await api.request('get', `/v1/bots/${bot}/public`);
    expect(shown.body.leadCapture).toMatchObject({
      consentText: text,
      consentVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    const version = shown.body.leadCapture.consentVersion as string;
    const before = api.clock.now.getTime();
    const created = await lead(bot, { email: 'ada@example.com', consentVersion: version }, '203.0.113.40');
    expect(created.status).toBe(201);
    const inbox = await api.request('get', `/v1/orgs/191/bots/${bot}/leads`, { token: org.token });
    const [stored] = inbox.body.leads;
    expect(stored).toMatchObject({
      email: 'ada@example.com',
      consent: true,
      consentText: text,
      consentVersion: version,
    });
    expect(Date.parse(stored.consentAt)).toBeGreaterThanOrEqual(before - 1000);

    // The owner rewrites the sentence: a form still showing the old one is refused, nothing written.
    const changed = await api.request('patch', `/v1/orgs/191/bots/${bot}`, {
      token: org.token,
      body: { leadCapture: { enabled: true, consentText: 'Acme may send me offers.' } },
    });
    expect(changed.status).toBe(200);
    const stale = await lead(bot, { email: 'bob@example.com', consentVersion: version }, '203.0.113.41');
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'CONSENT_TEXT_CHANGED',
      details: { consentText: 'Acme may send me offers.' },
    });
    expect(await api.db.lead.count({ where: { botId: bot } })).toBe(1);

    // Without a configured sentence the default one is shown and recorded.
    const plain = await leadBot();
    const plainView = await api.request('get', `/v1/bots/${plain}/public`);
    expect(plainView.body.leadCapture.consentText).toMatch(/may contact me at this email address/);
    expect((await lead(plain, { email: 'cy@example.com' }, '203.0.113.42')).status).toBe(201);
    const plainInbox = await api.request('get', `/v1/orgs/191/bots/${plain}/leads`, { token: org.token });
    expect(plainInbox.body.leads[0]).toMatchObject({
      consentText: plainView.body.leadCapture.consentText,
      consentVersion: plainView.body.leadCapture.consentVersion,
    });
  });
});
