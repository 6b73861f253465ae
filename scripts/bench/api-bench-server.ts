/**
 * The api as the chat benchmark runs it, in its own process so its memory can be measured:
 * the real app over DATABASE_URL, with org 1 (owner BENCH_OWNER) in an in-memory org
 * directory and unlimited plans (no chain in the loop), answering through LLM_BASE_URL.
 * Prints one JSON line `{ "port": n }` once listening.
 */

import { createApp } from '@privexbot/api/app';
import type { CoreDeps } from '@privexbot/api/app-deps';
import { InMemoryOrgDirectory } from '@privexbot/api/chain/in-memory-org-directory';
import { loadConfig } from '@privexbot/api/config';
import { createPrismaClient } from '@privexbot/api/db/prisma';
import { resolvePoolSize } from '@privexbot/api/db/resolve-pool-size';
import { createBotPlatform } from '@privexbot/api/services/bots/bot-platform';
import { InMemoryPlanQuotaSource } from '@privexbot/api/services/quotas/in-memory-plan-quota-source';
import { pino } from 'pino';

const config = loadConfig({
  ...process.env,
  NODE_ENV: 'production',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  PORT: '0',
});
// The pool main.ts chooses: one connection on PGlite, DEFAULT_POOL_MAX on a server.
const pool = await resolvePoolSize({ databaseUrl: config.databaseUrl, configured: config.databasePoolMax });
const db = createPrismaClient({
  databaseUrl: config.databaseUrl,
  maxConnections: pool.max,
  namedStatements: pool.max === 1 || pool.embedded === false,
});
const orgDirectory = new InMemoryOrgDirectory();
orgDirectory.put({
  id: '1',
  name: 'Bench org',
  owner: process.env.BENCH_OWNER ?? '',
  admins: [],
  members: [],
  auditors: [],
});
const deps: CoreDeps = {
  config,
  db,
  // stderr: stdout carries the port line. API_LOG_LEVEL=debug prints each chat's timings.
  logger: pino({ level: config.logLevel }, pino.destination(2)),
  orgDirectory,
  readinessChecks: [],
  clock: () => new Date(),
};
const platform = createBotPlatform(deps, { planQuotaSource: new InMemoryPlanQuotaSource() });
const { app } = createApp({ ...deps, botPlatform: platform });
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void db.$disconnect().then(() => process.exit(0)));
});
