import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '../services/bots/test-support/start-platform-test-api.js';
import { InMemoryPlanQuotaSource } from '../services/quotas/in-memory-plan-quota-source.js';

let api: PlatformTestApi;
let org: { orgId: string; token: string };
const plans = new InMemoryPlanQuotaSource();

beforeAll(async () => {
  api = await startPlatformTestApi({
    overrides: { planQuotaSource: plans },
    env: { QUOTA_CACHE_SECONDS: '0' },
  });
  org = await api.createOrg('11');
});
afterAll(() => api?.close());

describe('bots', () => {
  it('creates a bot with every setting, reads it back, and keeps the webhook secret write-only', async () => {
    const created = await api.request('post', `/v1/orgs/${org.orgId}/bots`, {
      token: org.token,
      body: {
        name: 'Support',
        systemPrompt: 'Be brief.',
        model: 'llama3.3-70b',
        temperature: 0.5,
        maxTokens: 300,
        welcomeMessage: 'Hi!',
        theme: { color: '#0a7d4f' },
        position: 'bottom-left',
        allowedOrigins: ['https://shop.example.com/', 'https://shop.example.com'],
        rateLimits: { visitorPerMinute: 5 },
        leadCapture: { enabled: true, prompt: 'Leave your email' },
        webhook: { url: 'https://hooks.example.com/lead', secret: 'a-very-secret-value-123' },
        embedder: 'local',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Support',
      position: 'bottom-left',
      allowedOrigins: ['https://shop.example.com'],
      rateLimits: { visitorPerMinute: 5, botPerMinute: 600 },
      leadCapture: { enabled: true, prompt: 'Leave your email' },
      webhook: { url: 'https://hooks.example.com/lead', hasSecret: true },
      embedder: { id: 'local-hash-384', kind: 'hash' },
      published: false,
    });
    expect(JSON.stringify(created.body)).not.toContain('a-very-secret-value-123');
    const row = await api.db.bot.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.webhookSecretEncrypted).not.toContain('a-very-secret-value-123');

    const read = await api.request('get', `/v1/orgs/${org.orgId}/bots/${created.body.id}`, {
      token: org.token,
    });
    expect(read.body).toEqual(created.body);
    const audit = await api.db.auditLog.findMany({ where: { orgId: org.orgId, action: 'bot.create' } });
    expect(audit).toHaveLength(1);
  });

  it('refuses bad settings with field errors and writes nothing', async () => {
    const before = await api.db.bot.count();
    const bad = await api.request('post', `/v1/orgs/${org.orgId}/bots`, {
      token: org.token,
      body: { name: 'X', allowedOrigins: ['https://*.example.com'], temperature: 7, theme: { color: 'red' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const paths = bad.body.error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['allowedOrigins.0', 'temperature', 'theme.color']));
    expect(await api.db.bot.count()).toBe(before);
  });

  it('updates, publishes, unpublishes and deletes', async () => {
    const botId = await api.createBot(org);
    const patched = await api.request('patch', `/v1/orgs/${org.orgId}/bots/${botId}`, {
      token: org.token,
      body: { welcomeMessage: 'Hello again', webhook: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ welcomeMessage: 'Hello again', webhook: null });
    expect((await api.request('get', `/v1/bots/${botId}/public`)).status).toBe(404);
    const published = await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/publish`, {
      token: org.token,
    });
    expect(published.body.published).toBe(true);
    const publicView = await api.request('get', `/v1/bots/${botId}/public`);
    expect(publicView.status).toBe(200);
    expect(publicView.body).toEqual({
      id: botId,
      name: 'Helpdesk',
      welcomeMessage: 'Hello again',
      theme: { position: 'bottom-right' },
      leadCapture: {
        enabled: false,
        consentText: 'I agree that Helpdesk may contact me at this email address.',
        consentVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
    });
    await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/unpublish`, { token: org.token });
    expect((await api.request('get', `/v1/bots/${botId}/public`)).status).toBe(404);
    expect(
      (await api.request('delete', `/v1/orgs/${org.orgId}/bots/${botId}`, { token: org.token })).status,
    ).toBe(204);
    expect(
      (await api.request('get', `/v1/orgs/${org.orgId}/bots/${botId}`, { token: org.token })).status,
    ).toBe(404);
  });

  it('enforces the plan’s bot limit from the chain, even for simultaneous creations', async () => {
    const limited = await api.createOrg('12');
    plans.setPlan('12', { quotas: { bots: 2 } });
    const attempts = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        api.request('post', `/v1/orgs/12/bots`, { token: limited.token, body: { name: `Bot ${n}` } }),
      ),
    );
    const statuses = attempts.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 402, 402]);
    const refused = attempts.find((a) => a.status === 402);
    expect(refused?.body.error).toMatchObject({
      code: 'QUOTA_EXHAUSTED',
      details: { reason: 'BOT_LIMIT', limit: 2 },
    });
    expect(await api.db.bot.count({ where: { orgId: '12' } })).toBe(2);
  });

  it('hides another org’s bots as missing', async () => {
    const other = await api.createOrg('13');
    const botId = await api.createBot(other);
    expect((await api.request('get', `/v1/orgs/13/bots/${botId}`, { token: org.token })).status).toBe(404);
    expect(
      (await api.request('get', `/v1/orgs/${org.orgId}/bots/${botId}`, { token: org.token })).status,
    ).toBe(404);
    expect(
      (
        await api.request('patch', `/v1/orgs/${org.orgId}/bots/${botId}`, {
          token: org.token,
          body: { name: 'mine' },
        })
      ).status,
    ).toBe(404);
  });

  it('tells members that no answerer is configured, and hides another org’s bot as missing', async () => {
    const botId = await api.createBot(org);
    const answerer = await api.request('get', `/v1/orgs/${org.orgId}/bots/${botId}/answerer`, {
      token: org.token,
    });
    expect(answerer.status, JSON.stringify(answerer.body)).toBe(200);
    expect(answerer.body).toEqual({ mode: 'none', model: expect.any(String) });
    const other = await api.createOrg('14');
    expect(
      (await api.request('get', `/v1/orgs/14/bots/${botId}/answerer`, { token: other.token })).status,
    ).toBe(404);
    expect(
      (await api.request('get', `/v1/orgs/${org.orgId}/bots/${botId}/answerer`, { token: other.token }))
        .status,
    ).toBe(404);
  });
});
