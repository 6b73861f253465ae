/**
 * The relayer process: `npx tsx relayer/src/main.ts` (configuration from the environment,
 * relayer/README.md); in production its bundle, `node <main.mjs>` (scripts/relayer/bundle-relayer.ts),
 * takes the same arguments. Operator commands on the same database:
 *   npx tsx relayer/src/main.ts quarantine list
 *   npx tsx relayer/src/main.ts quarantine resolve <id> "<what was done>"
 */
import pg from 'pg';
import { pino } from 'pino';
import { reachableRelayerChain } from './chain/connect-relayer-chain.js';
import { loadRelayerConfig, RelayerConfigError } from './config/load-relayer-config.js';
import { migrateRelayerSchema } from './db/migrate-relayer-schema.js';
import { RelayerStore } from './db/relayer-store.js';
import { OrgReaderGate } from './http/authorize-org-reader.js';
import { serveRelayerHttp } from './http/serve-relayer-http.js';
import { writeMissingBatchFiles, writeSettledFile } from './publish/write-batch-files.js';
import { startRelayer } from './start-relayer.js';

const [command, subcommand, ...rest] = process.argv.slice(2);

if (command === 'quarantine') {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is required');
    process.exit(2);
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await migrateRelayerSchema(pool);
  const store = new RelayerStore(pool);
  if (subcommand === 'list') {
    console.log(JSON.stringify(await store.openQuarantine(), null, 2));
  } else if (subcommand === 'resolve' && rest[0] && rest[1]) {
    const ok = await store.resolveQuarantine(rest[0], rest[1]);
    console.log(ok ? `quarantine entry ${rest[0]} resolved` : `no open quarantine entry ${rest[0]}`);
    process.exitCode = ok ? 0 : 1;
  } else {
    console.error('usage: main.ts quarantine list | quarantine resolve <id> "<resolution>"');
    process.exitCode = 2;
  }
  await pool.end();
} else {
  await runService();
}

async function runService(): Promise<void> {
  let config: ReturnType<typeof loadRelayerConfig>;
  try {
    config = loadRelayerConfig();
  } catch (error) {
    if (error instanceof RelayerConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ name: 'relayer', level: config.logLevel });
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
  // Only the message and code: node-postgres hangs the whole client (connection parameters
  // included, a password among them) on the error, and pino would log every field of it.
  pool.on('error', (err) =>
    logger.warn(
      { error: err.message, code: (err as { code?: string }).code },
      'idle database connection failed',
    ),
  );
  // The chain may be down at start: the relayer starts all the same, reports not ready and
  // connects when the node answers (reachableRelayerChain says how).
  const { client: chain, address } = await reachableRelayerChain(config.chain, {
    onConnected: (client) => logger.info({ chainId: client.chainId }, 'connected to the chain'),
  });
  const publishDir = config.publishDir;
  const relayer = await startRelayer({
    relayerId: config.relayerId,
    gateways: config.gateways,
    chain,
    usageContract: config.chain.usageContract,
    settlement: config.settlement,
    pool,
    batchSize: config.batchSize,
    batchAgeMs: config.batchAgeMs,
    pollIntervalMs: config.pollIntervalMs,
    reconcileIntervalMs: config.reconcileIntervalMs,
    leaseTtlMs: config.leaseTtlMs,
    logger,
    ...(publishDir
      ? {
          onSettled: (kind: 'batch' | 'receipt', id: bigint) => {
            writeSettledFile(relayer.store, publishDir, kind, id).catch((err: unknown) =>
              logger.warn(
                { err, [kind]: `${id}` },
                `could not write the ${kind} file; it is written again at next start`,
              ),
            );
          },
        }
      : {}),
  });
  if (publishDir) {
    const written = await writeMissingBatchFiles(relayer.store, publishDir);
    if (written > 0) logger.info({ written }, 'wrote missing batch and receipt files');
  }
  const orgReaders = new OrgReaderGate({
    chain,
    usageContract: config.chain.usageContract,
    domain: config.http.publicDomain,
  });
  const http = await serveRelayerHttp(relayer, {
    host: config.http.host,
    port: config.http.port,
    logger,
    orgReaders,
  });
  logger.info(
    { url: http.url, relayerId: config.relayerId, address, chain: config.chain.connection.adapter },
    'relayer listening',
  );

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: finishing the current step and releasing the lease');
      Promise.all([relayer.stop(), http.close()])
        .then(() => pool.end())
        .then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'failed to stop cleanly');
            process.exit(1);
          },
        );
    });
  }
}
