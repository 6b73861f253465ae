import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '../../api/src/services/bots/test-support/start-platform-test-api.js';
import { TEST_POSTGRES_URL_ENV } from '../../scripts/db/spawn-test-database.js';
import { postgresForTests, type ServerForTests } from './postgres-for-tests.js';

/**
 * Two api processes sharing one PostgreSQL server claim ingestion jobs at the same time,
 * eight claim loops each, every loop its own session: FOR UPDATE SKIP LOCKED must hand each
 * job to exactly one of them. (On the embedded database one session runs one statement at a
 * time, so this race cannot even happen there.)
 */
const worker = fileURLToPath(new URL('./claim-ingest-jobs.ts', import.meta.url));
const JOBS = 200;
let server: ServerForTests;
let api: PlatformTestApi;

beforeAll(async () => {
  server = await postgresForTests();
  process.env[TEST_POSTGRES_URL_ENV] = server.url;
  api = await startPlatformTestApi();
}, 120_000);
afterAll(async () => {
  await api?.close();
  await server?.close();
});

function runWorker(databaseUrl: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, databaseUrl, '8'], {
      stdio: ['ignore', 'pipe', 'pipe'],
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

describe('ingestion jobs on a PostgreSQL server', () => {
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

    const [a, b] = await Promise.all([runWorker(api.database.url), runWorker(api.database.url)]);

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
});
