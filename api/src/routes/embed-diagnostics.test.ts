/**
 * Why a widget stays blank: the loader's embed check answers for the calling page's Origin,
 * refused origins are remembered (bounded) and listed to the bot's org only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEPT_REFUSALS } from '../services/bots/embed-refusals.js';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';

let api: PlatformTestApi;
let owner: { orgId: string; token: string };
let stranger: { orgId: string; token: string };
let botId: string;

const check = (origin?: string) =>
  api.request('get', `/v1/bots/${botId}/embed-check`, { headers: origin ? { origin } : {} });

beforeAll(async () => {
  api = await startPlatformTestApi();
  owner = await api.createOrg('71');
  stranger = await api.createOrg('72');
  botId = await api.createBot(owner, { allowedOrigins: ['https://shop.example.com'] });
  const published = await api.request('post', `/v1/orgs/71/bots/${botId}/publish`, { token: owner.token });
  expect(published.status).toBeLessThan(300);
});
afterAll(() => api?.close());

describe('embed check and refused origins', () => {
  it('allows the bot’s origins and the product’s own, to any caller (CORS *)', async () => {
    for (const origin of ['https://shop.example.com', TEST_PUBLIC_URL]) {
      const answer = await check(origin);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ allowed: true, origin });
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(answer.headers.get('cache-control')).toBe('private, max-age=60');
      expect(answer.headers.get('vary')).toMatch(/origin/i);
    }
    const listed = await api.request('get', `/v1/orgs/71/bots/${botId}/embed-refusals`, {
      token: owner.token,
    });
    expect(listed.body).toEqual({ refusals: [] });
  });

  it('refuses another origin and lists it to the owner, counted, latest first', async () => {
    expect((await check('http://127.0.0.1:8080')).body).toEqual({
      allowed: false,
      origin: 'http://127.0.0.1:8080',
    });
    await check('http://127.0.0.1:8080');
    api.clock.advance(60);
    await check('https://blog.example.org');
    const listed = await api.request('get', `/v1/orgs/71/bots/${botId}/embed-refusals`, {
      token: owner.token,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.refusals.map((r: { origin: string; count: number }) => [r.origin, r.count])).toEqual([
      ['https://blog.example.org', 1],
      ['http://127.0.0.1:8080', 2],
    ]);
  });

  it('keeps only the latest refused origins, however many a forger sends', async () => {
    for (let i = 0; i < KEPT_REFUSALS + 5; i++) {
      api.clock.advance(1);
      await check(`https://forged-${i}.example.net`);
    }
    const listed = await api.request('get', `/v1/orgs/71/bots/${botId}/embed-refusals`, {
      token: owner.token,
    });
    expect(listed.body.refusals).toHaveLength(KEPT_REFUSALS);
    expect(listed.body.refusals[0].origin).toBe(`https://forged-${KEPT_REFUSALS + 4}.example.net`);
    expect(await api.db.embedRefusal.count({ where: { botId } })).toBe(KEPT_REFUSALS);
  });

  it('answers a missing or malformed Origin with 400 ORIGIN_MALFORMED and records nothing', async () => {
    const before = await api.db.embedRefusal.count();
    for (const origin of [
      undefined,
      'null',
      'https://a.example/path',
      'javascript:alert(1)',
      `https://${'a'.repeat(300)}.example`,
    ]) {
      const answer = await check(origin);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('ORIGIN_MALFORMED');
    }
    expect(await api.db.embedRefusal.count()).toBe(before);
  });

  it('is 404 for an unpublished or unknown bot, and another org cannot read the refusals', async () => {
    const hidden = await api.createBot(owner);
    expect(
      (
        await api.request('get', `/v1/bots/${hidden}/embed-check`, {
          headers: { origin: 'https://x.example' },
        })
      ).status,
    ).toBe(404);
    const foreign = await api.request('get', `/v1/orgs/71/bots/${botId}/embed-refusals`, {
      token: stranger.token,
    });
    expect([403, 404]).toContain(foreign.status);
    const crossed = await api.request('get', `/v1/orgs/72/bots/${botId}/embed-refusals`, {
      token: stranger.token,
    });
    expect(crossed.status).toBe(404);
    expect(JSON.stringify(foreign.body) + JSON.stringify(crossed.body)).not.toContain('example.net');
  });
});
