import { createPrismaClient, type Database } from '@privexbot/api/db/prisma';
import { incrementCounters, minuteWindow } from '@privexbot/api/services/chat/rate-limits';
import { startServerTestDatabase, type TestDatabase } from '@privexbot/api/testing/start-test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresForTests, type ServerForTests } from './postgres-for-tests.js';

/**
 * Rate-limit counters written by several api processes at once (each its own pool, so the
 * upserts really run in parallel sessions): no increment is lost and none is counted twice.
 */
let server: ServerForTests;
let database: TestDatabase;
const clients: Database[] = [];

beforeAll(async () => {
  server = await postgresForTests();
  database = await startServerTestDatabase(server.url);
  for (let i = 0; i < 4; i++)
    clients.push(createPrismaClient({ databaseUrl: database.url, maxConnections: 8 }));
});
afterAll(async () => {
  for (const client of clients) await client.$disconnect();
  await database?.close();
  await server?.close();
});

describe('rate-limit counters on a PostgreSQL server', () => {
  it('counts 1,000 concurrent increments from four pools exactly, each caller seeing its own value', async () => {
    const windowStart = minuteWindow(new Date());
    const keys = ['visitor:a', 'bot:b', 'org:c'];
    const perClient = 250;
    const results = await Promise.all(
      clients.flatMap((db, c) =>
        Array.from({ length: perClient }, (_, i) =>
          // Every request counts against the shared keys and, every other one, a key of its own pool.
          incrementCounters({ db, keys: i % 2 === 0 ? [...keys, `pool:${c}`] : keys, windowStart }),
        ),
      ),
    );
    const total = clients.length * perClient;
    for (const key of keys) {
      const seen = results.map((r) => r.get(key)).sort((a, b) => (a ?? 0) - (b ?? 0));
      // Each increment returned a distinct count: 1, 2, ... total, with no gap and no repeat.
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    }
    const rows = await database.prisma.rateLimitCounter.findMany({ where: { windowStart } });
    const counts = Object.fromEntries(rows.map((row) => [row.key, row.count]));
    expect(counts).toEqual({
      'visitor:a': total,
      'bot:b': total,
      'org:c': total,
      ...Object.fromEntries(clients.map((_, c) => [`pool:${c}`, perClient / 2])),
    });
  });
});
