import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '../services/bots/test-support/start-platform-test-api.js';

let api: PlatformTestApi;
let org: { orgId: string; token: string };

beforeAll(async () => {
  api = await startPlatformTestApi({ env: { URL_FETCH_ALLOW_LOOPBACK: 'true', WEBHOOK_TIMEOUT_MS: '2000' } });
  org = await api.createOrg('41');
});
afterAll(async () => {
  await api?.close();
});

describe('send test event', () => {
  it('refuses a bot without a webhook with a stable code, and writes nothing', async () => {
    const bot = await api.createBot(org, { name: 'No hook' });
    const response = await api.request('post', `/v1/orgs/41/bots/${bot}/webhook-test`, {
      token: org.token,
      body: {},
    });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'WEBHOOK_NOT_CONFIGURED' },
    });
    expect(await api.db.webhookDelivery.count()).toBe(0);
  });

  it('delivers a signed webhook.test event and logs the receiver’s status code', async () => {
    const received: { event: string | string[] | undefined; body: string }[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (part) => (body += part));
      req.on('end', () => {
        received.push({ event: req.headers['x-privexbot-event'], body });
        res.writeHead(418).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const bot = await api.createBot(org, {
        name: 'Hooked',
        webhook: { url, secret: 'whsec-test-0123456789' },
      });
      const queued = await api.request('post', `/v1/orgs/41/bots/${bot}/webhook-test`, {
        token: org.token,
        body: {},
      });
      expect(queued.status).toBe(202);
      expect(queued.body.deliveryId).toEqual(expect.any(String));
      await api.platform.webhooks.idle();
      expect(received).toHaveLength(1);
      expect(received[0]?.event).toBe('webhook.test');
      expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({
        event: 'webhook.test',
        data: { test: true, botId: bot },
      });
      const log = await api.request('get', `/v1/orgs/41/bots/${bot}/webhook-deliveries`, {
        token: org.token,
      });
      expect(log.body.deliveries[0]).toMatchObject({ event: 'webhook.test', url, lastStatusCode: 418 });
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
