import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nativeFetch } from '@privexbot/schema/fetch';
import { pino } from 'pino';
import { createApp } from '../../../app.js';
import type { CoreDeps } from '../../../app-deps.js';
import { InMemoryOrgDirectory } from '../../../chain/in-memory-org-directory.js';
import { type Config, loadConfig } from '../../../config.js';
import { createPrismaClient, type Database } from '../../../db/prisma.js';
import { resolvePoolSize } from '../../../db/resolve-pool-size.js';
import { startTestDatabase, type TestDatabase } from '../../../testing/start-test-database.js';
import { createTestWallet, type TestWallet } from '../../../testing/test-wallet.js';
import { InMemoryPlanQuotaSource } from '../../quotas/in-memory-plan-quota-source.js';
import type { PlanQuotaSource } from '../../quotas/org-plan.js';
import { type BotPlatform, type BotPlatformParts, createBotPlatform } from '../bot-platform.js';

export const TEST_PUBLIC_URL = 'http://app.privexbot.test';

export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes, checked by the assertions
  body: any;
}

export interface PlatformTestApi {
  baseUrl: string;
  config: Config;
  database: TestDatabase;
  /** The app's own client: one connection (see below). */
  db: Database;
  platform: BotPlatform;
  plans: PlanQuotaSource;
  orgDirectory: InMemoryOrgDirectory;
  clock: { now: Date; advance(seconds: number): void };
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  /** A fresh org with a signed-in owner. */
  createOrg(id: string): Promise<{ orgId: string; owner: TestWallet; token: string }>;
  /** Creates a bot and returns its id. */
  createBot(org: { orgId: string; token: string }, settings?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real app over a fresh migrated PGlite, with its config read from `env` (never the
 * process environment) and the given parts (plan source, answerer, embedders).
 * The clock follows real time unless a test moves it.
 */
export async function startPlatformTestApi(
  options: { env?: Record<string, string>; overrides?: Partial<BotPlatformParts> } = {},
): Promise<PlatformTestApi> {
  const database = await startTestDatabase();
  // The pool size main.ts would choose (one connection on the embedded database: see
  // db/resolve-pool-size.ts), unless a test sets DATABASE_POOL_MAX.
  const pool = await resolvePoolSize({
    databaseUrl: database.url,
    configured: options.env?.DATABASE_POOL_MAX ? Number(options.env.DATABASE_POOL_MAX) : undefined,
  });
  const db = createPrismaClient({ databaseUrl: database.url, maxConnections: pool.max });
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    PUBLIC_URL: TEST_PUBLIC_URL,
    ORG_SYNC_TTL_SECONDS: '3600',
    // Test files sign in many wallets from one address; the limit's own test lowers it.
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    // Tests of the platform's mechanics index with word hashes (exact, fast, deterministic);
    // the tests of the sentence model set EMBEDDINGS=model.
    EMBEDDINGS: 'hash',
    ...options.env,
  };
  const config = loadConfig(env);
  const orgDirectory = new InMemoryOrgDirectory();
  let offsetMs = 0;
  const clock = {
    get now() {
      return new Date(Date.now() + offsetMs);
    },
    advance(seconds: number) {
      offsetMs += seconds * 1000;
    },
  };
  const core: CoreDeps = {
    config,
    db,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    orgDirectory,
    readinessChecks: [],
    clock: () => clock.now,
  };
  // Every org has an unlimited plan unless the test hands in its own quota source.
  const plans = options.overrides?.planQuotaSource ?? new InMemoryPlanQuotaSource();
  const platform = createBotPlatform(core, { ...options.overrides, planQuotaSource: plans });
  const { app } = createApp({ ...core, botPlatform: platform });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request: PlatformTestApi['request'] = async (method, path, requestOptions = {}) => {
    const headers: Record<string, string> = { ...requestOptions.headers };
    if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
    const body = requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await nativeFetch(`${baseUrl}${path}`, { method: method.toUpperCase(), headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // SSE or HTML
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };

  async function signIn(wallet: TestWallet): Promise<string> {
    const challenge = await request('get', `/auth/challenge?address=${wallet.address}`);
    const signature = await wallet.signArbitrary(challenge.body.message);
    const verified = await request('post', '/auth/verify', {
      body: { address: wallet.address, pubKey: wallet.pubKey, signature, message: challenge.body.message },
    });
    if (verified.status !== 201) throw new Error(`sign-in failed: ${JSON.stringify(verified.body)}`);
    return verified.body.accessToken;
  }

  return {
    baseUrl,
    config,
    database,
    db,
    platform,
    plans,
    orgDirectory,
    clock,
    request,
    async createOrg(id) {
      const owner = await createTestWallet();
      orgDirectory.put({
        id,
        name: `Org ${id}`,
        owner: owner.address,
        admins: [],
        members: [],
        auditors: [],
      });
      return { orgId: id, owner, token: await signIn(owner) };
    },
    async createBot(org, settings = {}) {
      const created = await request('post', `/v1/orgs/${org.orgId}/bots`, {
        token: org.token,
        body: { name: 'Helpdesk', ...settings },
      });
      if (created.status !== 201) throw new Error(`bot creation failed: ${JSON.stringify(created.body)}`);
      return created.body.id;
    },
    async close() {
      await platform.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.$disconnect();
      await database.close();
    },
  };
}
