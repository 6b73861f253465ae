import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '@privexbot/api/services/bots/test-support/start-platform-test-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL_ENV } from '../../scripts/db/spawn-test-database.js';
import { postgresForTests, type ServerForTests } from './postgres-for-tests.js';

/**
 * Two api processes sharing one PostgreSQL server run the api's job runner at the same time,
 * eight slots each, every slot its own session: each queue's claim must hand each job to
 * exactly one of them, ingestion jobs and webhook deliveries alike. (On the embedded database
 * one session runs one statement at a time, so this race cannot even happen there.)
 */
const worker = fileURLToPath(new URL('./claim-jobs.ts', import.meta.url));
const JOBS = 200;
const dataEncryptionKey = randomBytes(32).toString('base64');
let server: ServerForTests;
let api: PlatformTestApi;

beforeAll(async () => {
  server = await postgresForTests();
  process.env[TEST_POSTGRES_URL_ENV] = server.url;
  api = await startPlatformTestApi({
    env: { DATA_ENCRYPTION_KEY: dataEncryptionKey, URL_FETCH_ALLOW_LOOPBACK: 'true' },
  });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await server?.close();
});

function runWorker(databaseUrl: string, queue: 'ingest' | 'webhooks'): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, databaseUrl, '8', queue], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATA_ENCRYPTION_KEY: dataEncryptionKey },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${err.slice(-2000)}`));
      resolve((JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { finished: string[] }).finished);
    });
  });
}

describe('the job runner on a PostgreSQL server', () => {
  it('two api processes claiming concurrently never run a job twice, and finish every job', async () => {
    const org = await api.createOrg('81');
    const botId = await api.createBot(org);
    const created = await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'Shipping', text: '# Shipping\n\nExpress delivery takes two days.' },
    });
    expect(created.status).toBe(201);
    await api.platform.ingestion.idle();
    const sourceId = created.body.id ?? created.body.source?.id;
    expect(typeof sourceId).toBe('string');
    await api.db.$executeRaw`
      INSERT INTO "IngestJob" (id, "botId", "sourceId", status, "updatedAt")
      SELECT gen_random_uuid(), ${botId}::uuid, ${sourceId}::uuid, 'queued', now()
      FROM generate_series(1, ${JOBS})`;

    const [a, b] = await Promise.all([
      runWorker(api.database.url, 'ingest'),
      runWorker(api.database.url, 'ingest'),
    ]);

    const all = [...a, ...b];
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(JOBS);
    // Both processes took part (the race really happened).
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    const rows = await api.db.$queryRaw<{ status: string; attempts: number; n: number }[]>`
      SELECT status::text, attempts, count(*)::int AS n FROM "IngestJob"
      WHERE id = ANY(${all}::uuid[]) GROUP BY 1, 2`;
    expect(rows).toEqual([{ status: 'done', attempts: 1, n: JOBS }]);
  });

  it('two api processes sending webhooks never send a delivery twice, at most two per org each', async () => {
    // The api's own runner stays out of it: only the two processes send.
    await api.platform.webhooks.stop();
    const received = new Map<string, number>();
    const inFlight = new Map<string, number>();
    let mostAtOnceForOneOrg = 0;
    const receiver: Server = createServer((req, res) => {
      const org = req.url ?? '';
      inFlight.set(org, (inFlight.get(org) ?? 0) + 1);
      mostAtOnceForOneOrg = Math.max(mostAtOnceForOneOrg, inFlight.get(org) ?? 0);
      req.resume();
      req.on('end', () => {
        const id = String(req.headers['x-privexbot-delivery']);
        received.set(id, (received.get(id) ?? 0) + 1);
        // A receiver that takes a moment: the slots of an org really fill up.
        setTimeout(() => {
          inFlight.set(org, (inFlight.get(org) ?? 1) - 1);
          res.writeHead(204).end();
        }, 15);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      for (const orgId of ['82', '83', '84', '85']) {
        const org = await api.createOrg(orgId);
        await api.createBot(org, {
          webhook: { url: `${base}/org-${orgId}`, secret: 'whsec-race-0123456789' },
        });
      }
      await api.db.$executeRaw`
        INSERT INTO "WebhookDelivery" (id, "webhookId", event, payload, "nextAttemptAt", "createdAt")
        SELECT gen_random_uuid(), w.id, 'webhook.test', '{"test": true}'::jsonb, ${new Date()}, ${new Date()}
        FROM "Webhook" w CROSS JOIN generate_series(1, ${JOBS / 4})
        WHERE w.active AND w.url LIKE ${`${base}/%`}`;

      const [a, b] = await Promise.all([
        runWorker(api.database.url, 'webhooks'),
        runWorker(api.database.url, 'webhooks'),
      ]);

      const all = [...a, ...b];
      expect(all.length).toBe(JOBS);
      expect(new Set(all).size).toBe(JOBS);
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      expect(received.size).toBe(JOBS);
      expect([...received.values()].every((times) => times === 1)).toBe(true);
      // Two per org in each of the two processes.
      expect(mostAtOnceForOneOrg).toBeLessThanOrEqual(4);
      const rows = await api.db.$queryRaw<{ status: string; attempts: number; n: number }[]>`
        SELECT status::text, attempts, count(*)::int AS n FROM "WebhookDelivery"
        WHERE id = ANY(${all}::uuid[]) GROUP BY 1, 2`;
      expect(rows).toEqual([{ status: 'delivered', attempts: 1, n: JOBS }]);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
