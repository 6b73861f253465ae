import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeFetch } from '@privexbot/schema/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../services/bots/test-support/start-platform-test-api.js';
import { createTestWallet } from '../testing/test-wallet.js';

/** What browsers meet besides the widget: CORS for the dapp, the built dapp, sign-in limits. */
const DAPP_ORIGIN = 'http://localhost:5173';
let api: PlatformTestApi;
let distDir: string;
let org: { orgId: string; token: string };

beforeAll(async () => {
  distDir = await mkdtemp(join(tmpdir(), 'privexbot-dapp-dist-'));
  await mkdir(join(distDir, 'assets'));
  await writeFile(join(distDir, 'index.html'), '<!doctype html><title>PrivexBot dapp</title>');
  await writeFile(join(distDir, 'assets', 'app-3f2a.js'), 'console.log("dapp")');
  api = await startPlatformTestApi({
    env: {
      CORS_ORIGINS: `${DAPP_ORIGIN}, https://dapp.example.com`,
      DAPP_DIST_DIR: distDir,
      AUTH_RATE_LIMIT_PER_MINUTE: '5',
      // The test client is the proxy: req.ip comes from X-Forwarded-For, so it can play several clients.
      TRUSTED_PROXIES: 'loopback',
    },
  });
  org = await api.createOrg('81');
});

afterAll(async () => {
  await api?.close();
  await rm(distDir, { recursive: true, force: true });
});

describe('CORS for the dapp', () => {
  it('answers preflights and requests from the dapp’s origins on authenticated routes', async () => {
    for (const origin of [DAPP_ORIGIN, 'https://dapp.example.com', TEST_PUBLIC_URL]) {
      const preflight = await nativeFetch(`${api.baseUrl}/v1/orgs/81/bots`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
    }
    const listed = await api.request('get', '/v1/orgs/81/bots', {
      token: org.token,
      headers: { origin: DAPP_ORIGIN },
    });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe(DAPP_ORIGIN);
    expect(listed.headers.get('vary')).toMatch(/origin/i);
    const challenge = await api.request(
      'get',
      '/auth/challenge?address=secret1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq',
      {
        headers: { origin: DAPP_ORIGIN, 'x-forwarded-for': '203.0.113.50' },
      },
    );
    expect(challenge.headers.get('access-control-allow-origin')).toBe(DAPP_ORIGIN);
  });

  it('gives other origins nothing, and leaves who may chat to the per-bot checks', async () => {
    const preflight = await nativeFetch(`${api.baseUrl}/v1/orgs/81/bots`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'GET' },
    });
    // Whatever the status, without Access-Control-Allow-Origin the browser stops there.
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    const read = await api.request('get', '/v1/orgs/81/bots', {
      token: org.token,
      headers: { origin: 'https://evil.example.net' },
    });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    const botId = await api.createBot(org, { allowedOrigins: ['https://shop.example.com'] });
    await api.request('post', `/v1/orgs/81/bots/${botId}/publish`, { token: org.token });
    const chat = (origin: string) =>
      nativeFetch(`${api.baseUrl}/v1/bots/${botId}/chat`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hi' }),
      });
    // The dapp's origin may read responses, but without a session it is no allowed origin.
    const fromDapp = await chat(DAPP_ORIGIN);
    expect(fromDapp.headers.get('access-control-allow-origin')).toBe(DAPP_ORIGIN);
    expect(fromDapp.status).toBe(403);
    // A bot's allowed origin passes the bot's check, and gets no CORS from the dapp's list.
    const fromShop = await chat('https://shop.example.com');
    expect(fromShop.headers.get('access-control-allow-origin')).toBeNull();
    expect(fromShop.status).not.toBe(403);
  });
});

describe('/embed/:botId', () => {
  it('may be framed by the bot’s allowed origins and by the dapp (its live preview)', async () => {
    const botId = await api.createBot(org, { name: 'Framed', allowedOrigins: ['https://shop.example.com'] });
    await api.request('post', `/v1/orgs/81/bots/${botId}/publish`, { token: org.token });
    const page = await nativeFetch(`${api.baseUrl}/embed/${botId}`);
    expect(page.status).toBe(200);
    const ancestors = (page.headers.get('content-security-policy') ?? '')
      .split(';')
      .map((directive) => directive.trim())
      .find((directive) => directive.startsWith('frame-ancestors'))
      ?.split(' ')
      .slice(1);
    expect(ancestors).toEqual(
      expect.arrayContaining(["'self'", 'https://shop.example.com', TEST_PUBLIC_URL, DAPP_ORIGIN]),
    );
    expect(ancestors).not.toContain('https://evil.example.net');
  });
});

describe('the built dapp (DAPP_DIST_DIR)', () => {
  const html = { accept: 'text/html,application/xhtml+xml' };

  it('serves its files, and index.html for client-side routes', async () => {
    const asset = await nativeFetch(`${api.baseUrl}/assets/app-3f2a.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('console.log("dapp")');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const path of ['/', '/orgs', '/bots/123/settings']) {
      const page = await nativeFetch(`${api.baseUrl}${path}`, { headers: html });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toContain('PrivexBot dapp');
    }
  });

  it('leaves the api’s routes and non-HTML requests alone', async () => {
    const health = await nativeFetch(`${api.baseUrl}/healthz`, { headers: html });
    expect(health.headers.get('content-type')).toMatch(/json/);
    const unknownApi = await nativeFetch(`${api.baseUrl}/v1/nothing-here`, { headers: html });
    expect(unknownApi.status).toBe(404);
    expect(((await unknownApi.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
    const json = await nativeFetch(`${api.baseUrl}/orgs`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    const post = await nativeFetch(`${api.baseUrl}/orgs`, { method: 'POST', headers: html });
    expect(post.status).toBe(404);
    const missing = await nativeFetch(`${api.baseUrl}/assets/missing.js`);
    expect(missing.status).toBe(404);
  });
});

describe('sign-in rate limit', () => {
  it('limits challenges and verifications per client address with 429 and Retry-After', async () => {
    const wallet = await createTestWallet();
    const challenge = (ip: string) =>
      api.request('get', `/auth/challenge?address=${wallet.address}`, { headers: { 'x-forwarded-for': ip } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await challenge('198.51.100.7')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await challenge('198.51.100.7');
    expect(refused.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { reason: 'SIGN_IN_RATE_LIMIT' },
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another client is not affected, and a fresh minute starts over.
    const other = await challenge('198.51.100.8');
    expect(other.status).toBe(200);

    const signed = await wallet.signArbitrary(other.body.message);
    const verify = (ip: string) =>
      api.request('post', '/auth/verify', {
        headers: { 'x-forwarded-for': ip },
        body: {
          address: wallet.address,
          pubKey: wallet.pubKey,
          signature: signed,
          message: other.body.message,
        },
      });
    const verifications: number[] = [];
    for (let i = 0; i < 6; i++) verifications.push((await verify('198.51.100.9')).status);
    // The first succeeds, the next four reuse the burned nonce (401), the sixth is throttled.
    expect(verifications).toEqual([201, 401, 401, 401, 401, 429]);
    api.clock.advance(60);
    expect((await challenge('198.51.100.7')).status).toBe(200);
  });
});
