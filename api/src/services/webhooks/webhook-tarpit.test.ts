import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PlatformTestApi, startPlatformTestApi } from '../bots/test-support/start-platform-test-api.js';
import { createWebhookWorker } from './webhook-worker.js';

/**
 * Org A's receiver is a tarpit: it accepts the connection, starts an HTTP answer and then
 * trickles one header byte at a time, never finishing. Org B's receiver answers at once.
 * B's deliveries must not wait behind A's, A's must time out and come back with backoff, and
 * an api restart in the middle must neither lose a delivery nor send one twice.
 */
/** The api's attempt timeout (the maximum); the restarted worker uses a short one to keep the test short. */
const TIMEOUT_MS = 10_000;
const RESTARTED_TIMEOUT_MS = 1000;
let api: PlatformTestApi;
let tarpit: TcpServer;
let receiver: Server;
const tarpitSockets = new Set<Socket>();
let tarpitHeals = false;
let tarpitConnections = 0;
const receivedByB: string[] = [];
const receivedByAOnceHealed: string[] = [];

beforeAll(async () => {
  api = await startPlatformTestApi({
    env: {
      URL_FETCH_ALLOW_LOOPBACK: 'true',
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_ORG_CONCURRENCY: '2',
    },
  });
  tarpit = createTcpServer((socket) => {
    tarpitConnections += 1;
    tarpitSockets.add(socket);
    socket.on('close', () => tarpitSockets.delete(socket));
    socket.on('error', () => {});
    if (tarpitHeals) {
      socket.once('data', (chunk) => {
        const id = /x-privexbot-delivery: ([0-9a-f-]+)/i.exec(chunk.toString())?.[1];
        if (id) receivedByAOnceHealed.push(id);
        socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n');
      });
      return;
    }
    socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
    const trickle = setInterval(() => socket.writable && socket.write('a'), 200);
    socket.on('close', () => clearInterval(trickle));
  });
  receiver = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      receivedByB.push(String(req.headers['x-privexbot-delivery']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => tarpit.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const socket of tarpitSockets) socket.destroy();
  await api?.close();
  await new Promise((resolve) => tarpit?.close(resolve));
  await new Promise((resolve) => receiver?.close(resolve));
});

async function queueTestEvents(org: { orgId: string; token: string }, bot: string, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const queued = await api.request('post', `/v1/orgs/${org.orgId}/bots/${bot}/webhook-test`, {
      token: org.token,
      body: {},
    });
    expect(queued.status).toBe(202);
    ids.push(queued.body.deliveryId);
  }
  return ids;
}

describe('webhook delivery under a tarpit receiver', () => {
  it("one org's tarpit neither delays another org nor loses or repeats a delivery across a restart", async () => {
    const orgA = await api.createOrg('71');
    const orgB = await api.createOrg('72');
    const botA = await api.createBot(orgA, {
      name: 'Tarpitted',
      webhook: {
        url: `http://127.0.0.1:${(tarpit.address() as AddressInfo).port}/hook`,
        secret: 'whsec-a-0123456789',
      },
    });
    const botB = await api.createBot(orgB, {
      name: 'Healthy',
      webhook: {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        secret: 'whsec-b-0123456789',
      },
    });

    // A's four are queued first: a single delivery lane would send all of them (and wait out
    // their timeouts) before any of B's.
    const fromA = await queueTestEvents(orgA, botA, 4);
    const fromB = await queueTestEvents(orgB, botB, 3);

    await vi.waitFor(() => expect(receivedByB).toHaveLength(3), { timeout: TIMEOUT_MS - 500, interval: 20 });
    expect(new Set(receivedByB)).toEqual(new Set(fromB));
    // B arrived while A's first attempts were still stuck in the tarpit: none has timed out yet,
    // and A holds no more than its two slots.
    const aWhileBArrived = await api.db.webhookDelivery.findMany({ where: { id: { in: fromA } } });
    expect(aWhileBArrived.every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true);
    expect(tarpitSockets.size).toBeLessThanOrEqual(2);
    expect(tarpitConnections).toBe(2);

    // The api stops (a deploy) with A's two attempts in flight: they are handed back uncounted.
    await api.platform.webhooks.stop();
    const afterStop = await api.db.webhookDelivery.findMany({ where: { id: { in: fromA } } });
    expect(afterStop.map((d) => [d.status, d.attempts])).toEqual(fromA.map(() => ['pending', 0]));

    // A second api process takes over: A's four time out (each attempt bounded), and are
    // rescheduled with backoff; B's are not sent again.
    const restarted = createWebhookWorker({
      db: api.db,
      log: pino({ level: 'silent' }),
      encryption: api.platform.encryption,
      settings: { timeoutMs: RESTARTED_TIMEOUT_MS, maxAttempts: 8, allowLoopback: true },
      concurrency: 16,
      perOrg: 2,
      clock: () => api.clock.now,
    });
    try {
      restarted.kick();
      await restarted.idle();
      const timedOut = await api.db.webhookDelivery.findMany({ where: { id: { in: fromA } } });
      const now = api.clock.now.getTime();
      for (const delivery of timedOut) {
        expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
        expect(delivery.lastError).toMatch(/abort|time/i);
        // The first retry waits 10 s (plus at most 10 % jitter).
        expect(delivery.nextAttemptAt.getTime() - now).toBeGreaterThan(8_000);
        expect(delivery.nextAttemptAt.getTime() - now).toBeLessThanOrEqual(11_000);
      }
      expect(receivedByB).toHaveLength(3);

      // Nothing is due before the backoff ends.
      restarted.kick();
      await restarted.idle();
      expect(tarpitConnections).toBe(6);

      // A's receiver recovers; after the backoff each of A's deliveries arrives exactly once.
      tarpitHeals = true;
      api.clock.advance(12);
      restarted.kick();
      await restarted.idle();
      expect(receivedByAOnceHealed.sort()).toEqual([...fromA].sort());
      const delivered = await api.db.webhookDelivery.findMany({
        where: { id: { in: [...fromA, ...fromB] } },
      });
      expect(delivered.every((d) => d.status === 'delivered')).toBe(true);
      expect(receivedByB).toHaveLength(3);
    } finally {
      await restarted.stop();
    }
  });
});
