/**
 * Properties that must hold for every route, enumerated from the app's own route list so a
 * new route is covered the day it is added (one test per route and property):
 *  - tenant isolation: org A's owner (by session and by API key) gets 403/404 on each of
 *    org B's resources, and nothing in the database changes;
 *  - malformed input (fast-check): never a 5xx, and a 4xx never leaves a partial write.
 * A route with a new path parameter or a body fails here until testing/route-fixtures.ts
 * knows how to seed that parameter and a valid body: deliberate, the test must reach the
 * route's service, not stop at validation.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyRouteSpec } from '../http/define-route.js';
import { routeFixtureAreas } from '../testing/route-fixtures.js';
import { startTestApi } from '../testing/start-test-api.js';
import { createTestWallet } from '../testing/test-wallet.js';

// Started at collection time so that the route list can generate the tests. Roles are read
// once and then served from the mirror: requests must not rewrite it.
const api = await startTestApi({ ORG_SYNC_TTL_SECONDS: '3600' });
afterAll(() => api.close());

let tokenA = '';
let apiKeyA = '';
const fixtures: Record<'A' | 'B', Record<string, string>> = { A: {}, B: {} };
const secretNameOfB = 'Org B Confidential';

beforeAll(async () => {
  const ownerA = await createTestWallet();
  const ownerB = await createTestWallet();
  api.orgDirectory.put({
    id: '1',
    name: 'Org A',
    owner: ownerA.address,
    admins: [],
    members: [],
    auditors: [],
  });
  api.orgDirectory.put({
    id: '2',
    name: secretNameOfB,
    owner: ownerB.address,
    admins: [],
    members: [],
    auditors: [],
  });
  tokenA = (await api.signIn(ownerA)).accessToken;
  const tokenB = (await api.signIn(ownerB)).accessToken;
  for (const [side, token, orgId] of [
    ['A', tokenA, '1'],
    ['B', tokenB, '2'],
  ] as const) {
    const params: Record<string, string> = { orgId };
    for (const area of routeFixtureAreas)
      Object.assign(params, await area.seed({ api, token, orgId, params }));
    // The API key is also a credential of these tests, so it is created here.
    const key = await api.request('post', `/v1/orgs/${orgId}/api-keys`, {
      token,
      body: {
        name: `key of ${side}`,
        scopes: [
          'org:read',
          'audit:read',
          'bots:read',
          'bots:write',
          'knowledge:write',
          'conversations:read',
          'chat',
        ],
      },
    });
    expect(key.status).toBe(201);
    fixtures[side] = { ...params, keyId: key.body.id, keyPrefix: key.body.prefix };
    if (side === 'A') apiKeyA = key.body.key;
  }
});

/** Valid bodies, so that validation cannot hide a missing tenant check behind a 400. */
async function validBody(route: AnyRouteSpec, side: 'A' | 'B'): Promise<unknown> {
  const key = `${route.method} ${route.path}`;
  const sample = routeFixtureAreas.find((area) => area.sampleBodies?.[key])?.sampleBodies?.[key];
  if (route.body && !sample)
    throw new Error(`add a valid sample body for ${key} in testing/route-fixtures.ts`);
  return sample?.({ api, token: tokenA, orgId: fixtures[side].orgId ?? '', params: fixtures[side] });
}

/** Sign-out ends the session it is called with: give it a disposable one. */
async function sessionTokenFor(route: AnyRouteSpec): Promise<string> {
  if (route.path !== '/auth/sign-out') return tokenA;
  return (await api.signIn(await createTestWallet())).accessToken;
}

function fillPath(route: AnyRouteSpec, values: Record<string, string>): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`add a fixture for :${name} in testing/route-fixtures.ts`);
    return encodeURIComponent(value);
  });
}

/**
 * A digest of every table (found in the catalog, so new tables are covered), leaving out
 * columns that reads legitimately touch (last-use and sync times) and tables that count
 * attempts rather than effects (rate-limit windows, sign-in challenges).
 */
let snapshotSql: string | undefined;
async function snapshotOfDatabase(): Promise<string> {
  const db = api.database.prisma;
  if (!snapshotSql) {
    const tables = await db.$queryRaw<{ name: string }[]>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
        AND table_name NOT IN ('_prisma_migrations', 'RateLimitCounter', 'AuthNonce')
      ORDER BY table_name`;
    snapshotSql = `SELECT concat_ws('|', ${tables
      .map(
        ({ name }) =>
          `(SELECT md5(coalesce(string_agg(r, ',' ORDER BY r), '')) FROM (SELECT (to_jsonb(t) - 'lastUsedAt' - 'syncedAt' - 'updatedAt')::text AS r FROM "${name.replaceAll('"', '""')}" t) x)`,
      )
      .join(', ')}) AS digest`;
  }
  const [row] = await db.$queryRawUnsafe<{ digest: string }[]>(snapshotSql);
  return row?.digest ?? '';
}

/** Waits until no crawl or ingestion job is queued or running (bounded: a stuck job fails the test). */
async function backgroundSettled(): Promise<void> {
  const db = api.database.prisma;
  const deadline = Date.now() + 30_000;
  const busy = { status: { in: ['queued' as const, 'running' as const] } };
  while ((await db.crawlRun.count({ where: busy })) + (await db.ingestJob.count({ where: busy })) > 0) {
    if (Date.now() > deadline) throw new Error('background work still running after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const authenticated = api.routes.filter((route) => route.auth !== 'none');
const label = (route: AnyRouteSpec) => `${route.method.toUpperCase()} ${route.path}`;

describe('tenant isolation', () => {
  it('covers at least the org-scoped routes of this version', () => {
    expect(api.routes.filter((route) => route.path.includes(':orgId')).length).toBeGreaterThanOrEqual(9);
  });

  it.each(authenticated.map((route) => [label(route), route] as const))(
    '%s refuses org B’s rows to org A’s owner',
    async (_label, route) => {
      const sessionToken = await sessionTokenFor(route);
      const before = await snapshotOfDatabase();
      const credentials = route.auth === 'sessionOrApiKey' ? [sessionToken, apiKeyA] : [sessionToken];
      for (const token of credentials) {
        const as = token === apiKeyA ? 'API key' : 'session';
        const response = await api.request(route.method, fillPath(route, fixtures.B), {
          token,
          body: await validBody(route, 'B'),
        });
        if (route.path.includes(':')) {
          expect([403, 404], `as ${as}: ${JSON.stringify(response.body)}`).toContain(response.status);
        } else {
          // Caller-scoped routes (my orgs, my invitations) must not mention B at all.
          expect(response.status, as).toBeLessThan(500);
          const text = JSON.stringify(response.body);
          for (const secret of [secretNameOfB, ...Object.values(fixtures.B).filter((v) => v.length > 8)]) {
            expect(text, as).not.toContain(secret);
          }
        }
      }
      // Caller-scoped routes act on the caller's own rows (sign-out revokes its session).
      if (route.path.includes(':'))
        expect(await snapshotOfDatabase(), 'a refused request wrote').toBe(before);
    },
  );

  // Deletes go last, deepest path first, so they do not remove the rows the other routes read
  // (deleting the bot before its sources would turn every source route into a 404).
  const deletesLast = (route: AnyRouteSpec) => (route.method === 'delete' ? 10_000 - route.path.length : 0);
  it.each(
    authenticated
      .filter((route) => route.path.includes(':orgId'))
      .sort((a, b) => deletesLast(a) - deletesLast(b))
      .map((route) => [label(route), route] as const),
  )('%s serves org A’s own rows to its owner (so the refusals are not accidental)', async (_label, route) => {
    const response = await api.request(route.method, fillPath(route, fixtures.A), {
      token: tokenA,
      body: await validBody(route, 'A'),
    });
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(400);
  });
});

describe('malformed input', () => {
  const jsonish = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(
      '',
      'null',
      '0',
      '-1',
      '1e309',
      'true',
      '[]',
      '{}',
      'é',
      '\u0000',
      'a'.repeat(5000),
      '../../etc/passwd',
    ),
  );
  function keysOf(schema: z.ZodType | undefined): string[] {
    let current: unknown = schema;
    while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) current = current.unwrap();
    return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
  }

  it.each(api.routes.map((route) => [label(route), route] as const))(
    '%s never answers 5xx and never half-writes on a refusal',
    async (_label, route) => {
      const bodyKeys = keysOf(route.body);
      const queryKeys = keysOf(route.query);
      const paramNames = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
      const input = fc.record({
        // Real ids most of the time, so the request reaches the service; junk otherwise.
        params: fc.record(
          Object.fromEntries(
            paramNames.map((name) => [
              name,
              fc.oneof(fc.constant(fixtures.A[name] ?? ''), fc.string({ maxLength: 40 })),
            ]),
          ),
        ),
        query: fc.dictionary(fc.constantFrom(...queryKeys, 'x'), fc.string({ maxLength: 30 }), {
          maxKeys: 3,
        }),
        body: fc.oneof(
          jsonish,
          fc.dictionary(fc.constantFrom(...bodyKeys, 'extra'), jsonish, { maxKeys: 5 }),
        ),
        raw: fc.option(fc.string({ maxLength: 50 }), { freq: 4 }),
        asApiKey: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ params, query, body, raw, asApiKey }) => {
          const path = route.path.replace(
            /:([A-Za-z0-9_]+)/g,
            (_m, name: string) => encodeURIComponent(params[name] ?? '') || '%20',
          );
          const search = new URLSearchParams(query as Record<string, string>).toString();
          const token = asApiKey && route.auth === 'sessionOrApiKey' ? apiKeyA : await sessionTokenFor(route);
          const before = await snapshotOfDatabase();
          const response = await api.request(route.method, `${path}${search ? `?${search}` : ''}`, {
            token,
            ...(route.method === 'get' || route.method === 'delete'
              ? {}
              : raw !== null
                ? { rawBody: raw }
                : { body }),
          });
          expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBeLessThan(500);
          // An accepted request may have queued background work (a crawl, an ingestion): let it
          // end, so its writes never land inside the next run's check of a refused request.
          if (response.status < 400) await backgroundSettled();
          if (response.status >= 400) {
            expect(response.body?.error?.code, 'error body shape').toEqual(expect.any(String));
            expect(response.body?.error?.requestId).toEqual(expect.any(String));
            expect(await snapshotOfDatabase(), 'wrote before refusing').toBe(before);
          }
        }),
        { numRuns: paramNames.length + queryKeys.length + bodyKeys.length === 0 ? 3 : 12 },
      );
    },
    120_000,
  );
});
