/**
 * Runs the api: `npm run -w api start` (DATABASE_URL required; `npm start` at the root
 * starts the embedded database and the devnet first and sets it).
 */
import type { Server } from 'node:http';
import { createApp } from './app.js';
import type { ReadinessCheck } from './app-deps.js';
import { LazyChainOrgDirectory } from './chain/connect-org-directory.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { applyMigrations } from './db/apply-migrations.js';
import { createPrismaClient } from './db/prisma.js';
import { resolvePoolSize } from './db/resolve-pool-size.js';
import { scheduledJob } from './jobs/job-runner.js';
import { createLogger, type Logger } from './logger.js';
import { createBotPlatform } from './services/bots/bot-platform.js';
import { refreshStaleOrgs } from './services/orgs/refresh-stale-orgs.js';
import { LazyChainPlanQuotaSource } from './services/quotas/lazy-chain-plan-quota-source.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  await applyMigrations({ databaseUrl: config.databaseUrl, logger });
  const pool = await resolvePoolSize({ databaseUrl: config.databaseUrl, configured: config.databasePoolMax });
  logger.info({ poolMax: pool.max, embeddedDatabase: pool.embedded }, 'database pool');
  const db = createPrismaClient({
    databaseUrl: config.databaseUrl,
    maxConnections: pool.max,
    // Several connections to PGlite would share one session and its statement names.
    namedStatements: pool.max === 1 || pool.embedded === false,
  });

  const orgDirectory = new LazyChainOrgDirectory(config);
  const readinessChecks: ReadinessCheck[] = [
    { name: 'chain', check: () => orgDirectory.check() },
    ...(config.gatewayUrl ? [httpCheck('gateway', `${config.gatewayUrl.replace(/\/$/, '')}/healthz`)] : []),
  ];

  const core = { config, db, logger, orgDirectory, readinessChecks, clock: () => new Date() };
  // Plans and quotas come from the configured chain's billing and usage contracts.
  const planQuotaSource = new LazyChainPlanQuotaSource(config, {
    usageContract: config.platform.usageContract,
    reader: config.platform.chainReader,
  });
  const botPlatform = createBotPlatform(core, { planQuotaSource });
  botPlatform.ingestion.start();
  botPlatform.crawls.start();
  botPlatform.webhooks.start();
  const { app } = createApp({ ...core, botPlatform });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  logger.info({ url: config.publicUrl, port: config.port }, 'api listening');

  // Mirrors of orgs not read for a while are refreshed from the chain in the background.
  const refresher = scheduledJob('org-refresh', logger, async () => {
    await refreshStaleOrgs({
      db,
      orgDirectory,
      olderThanSeconds: config.orgRefreshIntervalSeconds,
      limit: 50,
      now: new Date(),
      log: logger,
    }).catch((error: unknown) => logger.warn({ err: error }, 'periodic org refresh failed'));
  });
  if (config.orgRefreshIntervalSeconds > 0)
    refresher.start(config.orgRefreshIntervalSeconds * 1000, { now: false });

  shutdownOn(['SIGINT', 'SIGTERM'], logger, async () => {
    await refresher.stop();
    await closeServer(server);
    await botPlatform.close();
    await db.$disconnect();
  });
}

function httpCheck(name: string, url: string): ReadinessCheck {
  return {
    name,
    async check() {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    },
  };
}

/** Stops accepting connections, lets in-flight requests finish (up to 10 s), then exits. */
function shutdownOn(signals: NodeJS.Signals[], logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  for (const signal of signals) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, 10_000);
      force.unref();
      close().then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'error during shutdown');
          process.exit(1);
        },
      );
    });
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open until they time out.
    server.closeIdleConnections();
  });
}

main().catch((error: unknown) => {
  console.error(`api failed to start: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
