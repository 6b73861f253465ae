/**
 * Chat through the real inference gateway, run as its own process like production: HMAC
 * signed calls, SSE tokens, and the usage the gateway attested. With no upstream configured
 * the gateway answers offline from the passages the platform sends.
 */
import { nativeFetch as httpFetch } from '@privexbot/schema/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../gateway/test-support/spawn-gateway-process.js';
import { type PlatformTestApi, TEST_PUBLIC_URL } from '../bots/test-support/start-platform-test-api.js';
import {
  type PlatformWithGateway,
  startPlatformWithGateway,
} from '../bots/test-support/start-platform-with-gateway.js';
import { GatewayAnswerer } from './gateway-answerer.js';

let platform: PlatformWithGateway | undefined;
let gateway: GatewayProcess;
let api: PlatformTestApi;

beforeAll(async () => {
  platform = await startPlatformWithGateway();
  gateway = platform.gateway;
  api = platform.api;
}, 180_000);
afterAll(async () => {
  await platform?.close();
});

describe('the gateway answerer', () => {
  it('is chosen when GATEWAY_URL and the shared secret are set', () => {
    expect(api.platform.answerer?.kind).toBe('gateway');
  });

  it('streams an answer composed by the gateway from the passages, with its attested usage', async () => {
    const org = await api.createOrg('61');
    const bot = await api.createBot(org);
    await api.request('post', `/v1/orgs/61/bots/${bot}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'ferry', text: 'The harbour ferry leaves every 40 minutes from pier 3.' },
    });
    await api.platform.ingestion.idle();
    await api.request('post', `/v1/orgs/61/bots/${bot}/publish`, { token: org.token });
    const response = await httpFetch(`${api.baseUrl}/v1/bots/${bot}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_PUBLIC_URL },
      body: JSON.stringify({ message: 'How often does the harbour ferry leave?' }),
    });
    const stream = await response.text();
    const answer = [...stream.matchAll(/^event: token\ndata: (.*)$/gm)]
      .map((m) => JSON.parse(m[1] as string).text)
      .join('');
    expect(answer).toContain('every 40 minutes from pier 3');
    const usage = JSON.parse(stream.match(/^event: usage\ndata: (.*)$/m)?.[1] ?? '{}');
    expect(usage.promptTokens).toBeGreaterThan(0);
    expect(usage.completionTokens).toBeGreaterThan(0);
    expect(stream).toMatch(/event: done/);
  });

  it('tells the org’s members, and only them, that its bots are answered offline', async () => {
    const org = await api.createOrg('62');
    const bot = await api.createBot(org);
    const path = `/v1/orgs/62/bots/${bot}/answerer`;
    const answerer = await api.request('get', path, { token: org.token });
    expect(answerer.status, JSON.stringify(answerer.body)).toBe(200);
    expect(answerer.body).toMatchObject({ mode: 'offline' });
    const stranger = await api.createOrg('63');
    expect((await api.request('get', path, { token: stranger.token })).status).toBe(404);
    expect(
      (await api.request('get', `/v1/orgs/63/bots/${bot}/answerer`, { token: stranger.token })).status,
    ).toBe(404);
    expect((await api.request('get', path)).status).toBe(401);
  });

  it('reports a wrong secret as an answerer failure, never as a stream of nothing', async () => {
    const wrong = new GatewayAnswerer({ url: gateway.url, secret: 'not-the-shared-secret', timeoutMs: 5000 });
    const consume = async () => {
      for await (const _ of wrong.stream(
        {
          orgId: '1',
          botId: '00000000-0000-4000-8000-000000000001',
          model: 'm',
          messages: [{ role: 'user', content: 'hi' }],
          passages: [],
          maxTokens: 10,
          temperature: 0,
        },
        new AbortController().signal,
      )) {
        // nothing
      }
    };
    await expect(consume()).rejects.toThrow(/HTTP 401/);
  });
});
