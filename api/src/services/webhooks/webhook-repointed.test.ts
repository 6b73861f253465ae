import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformTestApi, startPlatformTestApi } from '../bots/test-support/start-platform-test-api.js';

/**
 * A retry queued for a webhook that the owner then re-points (or removes) is checked again at
 * send time: the old URL receives nothing further, and the new one receives only new events.
 */
let api: PlatformTestApi;
const hits: { old: string[]; new: string[] } = { old: [], new: [] };
let old: Server;
let replacement: Server;
let oldFails = true;

function receiver(into: string[], status: () => number): Server {
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      into.push(String(req.headers['x-privexbot-delivery']));
      res.writeHead(status()).end();
    });
  });
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

beforeAll(async () => {
  api = await startPlatformTestApi({ env: { URL_FETCH_ALLOW_LOOPBACK: 'true', WEBHOOK_TIMEOUT_MS: '2000' } });
  old = receiver(hits.old, () => (oldFails ? 503 : 204));
  replacement = receiver(hits.new, () => 204);
  await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => replacement.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await api?.close();
  await new Promise((resolve) => old?.close(resolve));
  await new Promise((resolve) => replacement?.close(resolve));
});

describe('a webhook re-pointed while a retry is queued', () => {
  it('sends nothing more to the old URL', async () => {
    const org = await api.createOrg('51');
    const bot = await api.createBot(org, { webhook: { url: urlOf(old), secret: 'whsec-old-0123456789' } });
    const queued = await api.request('post', `/v1/orgs/51/bots/${bot}/webhook-test`, {
      token: org.token,
      body: {},
    });
    expect(queued.status).toBe(202);

    await api.platform.webhooks.idle();
    expect(hits.old).toEqual([queued.body.deliveryId]);
    const retry = await api.db.webhookDelivery.findUniqueOrThrow({ where: { id: queued.body.deliveryId } });
    expect(retry).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 503 });

    const repointed = await api.request('patch', `/v1/orgs/51/bots/${bot}`, {
      token: org.token,
      body: { webhook: { url: urlOf(replacement), secret: 'whsec-new-0123456789' } },
    });
    expect(repointed.status).toBe(200);
    // The old receiver has recovered and the retry is due: it must still get nothing.
    oldFails = false;
    api.clock.advance(15);
    api.platform.webhooks.kick();
    await api.platform.webhooks.idle();
    expect(hits.old).toHaveLength(1);
    expect(hits.new).toEqual([]);
    const dropped = await api.db.webhookDelivery.findUniqueOrThrow({ where: { id: queued.body.deliveryId } });
    expect(dropped.status).toBe('failed');
    expect(dropped.lastError).toMatch(/disabled/);

    // New events go to the new URL.
    const fresh = await api.request('post', `/v1/orgs/51/bots/${bot}/webhook-test`, {
      token: org.token,
      body: {},
    });
    await api.platform.webhooks.idle();
    expect(hits.new).toEqual([fresh.body.deliveryId]);
    expect(hits.old).toHaveLength(1);
  });
});
