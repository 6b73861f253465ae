import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from '../app.js';
import type { CoreDeps, ReadinessCheck } from '../app-deps.js';
import { InMemoryOrgDirectory } from '../chain/in-memory-org-directory.js';
import { type Config, loadConfig } from '../config.js';
import type { AnyRouteSpec } from '../http/define-route.js';
import { createBotPlatform } from '../services/bots/bot-platform.js';
import { InMemoryPlanQuotaSource } from '../services/quotas/in-memory-plan-quota-source.js';
import { startTestDatabase, type TestDatabase } from './start-test-database.js';
import type { TestWallet } from './test-wallet.js';

export interface TestApi {
  baseUrl: string;
  config: Config;
  database: TestDatabase;
  orgDirectory: InMemoryOrgDirectory;
  routes: AnyRouteSpec[];
  readinessChecks: ReadinessCheck[];
  /** The app's clock; move it with `advance`. */
  clock: { now: Date; advance(seconds: number): void };
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<TestResponse>;
  signIn(wallet: TestWallet): Promise<{ accessToken: string; refreshToken: string }>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies by shape
  body: any;
}

/** The real app on a real socket over a fresh migrated database, with an in-memory chain. */
export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const database = await startTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    PUBLIC_URL: 'http://app.privexbot.test',
    ORG_SYNC_TTL_SECONDS: '0',
    // Test files sign in many wallets from one address; the limit's own test lowers it.
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    // The core routes' tests index nothing: word hashes spare them loading the sentence model.
    EMBEDDINGS: 'hash',
    ...env,
  });
  const orgDirectory = new InMemoryOrgDirectory();
  const clock = {
    now: new Date(),
    advance(seconds: number) {
      this.now = new Date(this.now.getTime() + seconds * 1000);
    },
  };
  const readinessChecks: ReadinessCheck[] = [];
  const core: CoreDeps = {
    config,
    db: database.prisma,
    logger: pino({ level: 'silent' }),
    orgDirectory,
    readinessChecks,
    clock: () => clock.now,
  };
  // No chain here: every org has an unlimited plan.
  const botPlatform = createBotPlatform(core, { planQuotaSource: new InMemoryPlanQuotaSource() });
  const { app, routes } = createApp({ ...core, botPlatform });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request: TestApi['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method: method.toUpperCase(), headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (metrics)
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };

  return {
    baseUrl,
    config,
    database,
    orgDirectory,
    routes,
    readinessChecks,
    clock,
    request,
    async signIn(wallet) {
      const challenge = await request('get', `/auth/challenge?address=${wallet.address}`);
      if (challenge.status !== 200) throw new Error(`challenge failed: ${JSON.stringify(challenge.body)}`);
      const signature = await wallet.signArbitrary(challenge.body.message);
      const verified = await request('post', '/auth/verify', {
        body: { address: wallet.address, pubKey: wallet.pubKey, signature, message: challenge.body.message },
      });
      if (verified.status !== 201) throw new Error(`verify failed: ${JSON.stringify(verified.body)}`);
      return { accessToken: verified.body.accessToken, refreshToken: verified.body.refreshToken };
    },
    async close() {
      await botPlatform.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
