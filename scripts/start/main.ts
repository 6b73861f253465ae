/**
 * `npm start`: the whole product on one machine with no external service.
 *
 *   embedded PostgreSQL (PGlite + pgvector over the wire protocol); `--db postgres` runs a
 *     PostgreSQL 18 server instead; DATABASE_URL uses an external one
 *   devnet (cw-simulate running the contracts' real wasm); `--chain wasmd` runs a real
 *     single-validator wasmd node instead, the platform deployed on it (scripts/wasmd), with
 *     its own data in `.data/wasmd/`
 *   inference gateway (offline answerer unless GATEWAY_UPSTREAM_BASE_URL is set)
 *   api (serves the widget; Vite serves the dapp in development)
 *   relayer (attestations → usage contract)
 *   dapp dev server
 *
 * State lives in `.data/` (PRIVEXBOT_DATA_DIR) and survives restarts; Ctrl-C stops everything
 * in reverse order. Development secrets shared between the services are generated once into
 * `.data/dev-secrets.json` (mode 0600); production sets them through the environment.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildWidget } from '@privexbot/dapp/widget/build-widget';
import { stop as stopEsbuild } from 'esbuild';
import { buildContracts } from '../contracts/build-contracts.ts';
import { repoRoot } from '../lib/paths.ts';
import { bundleRelayer, RELAYER_NODE_OPTIONS } from '../relayer/bundle-relayer.ts';
import {
  chainModeFromArgs,
  devnetProductChain,
  type ProductChain,
  startWasmdProductChain,
} from './start-product-chain.ts';
import { databaseModeFromArgs, startProductDatabase } from './start-product-database.ts';
import { type RunningService, startService } from './supervise-process.ts';

const chainMode = chainModeFromArgs(process.argv.slice(2));
// Under `npm start` the api answers through the gateway; the model is the gateway's setting.
if (process.env.LLM_BASE_URL) {
  console.error(
    'LLM_BASE_URL has no effect under npm start: the api answers through the inference gateway.\n' +
      'Set the model endpoint on the gateway instead: GATEWAY_UPSTREAM_BASE_URL (with GATEWAY_UPSTREAM_API_KEY and GATEWAY_MODEL_MAP).',
  );
  process.exit(2);
}
// `--chain wasmd` keeps its own data (database included): its orgs live on another chain.
const dataDir = resolve(
  repoRoot,
  process.env.PRIVEXBOT_DATA_DIR ?? (chainMode === 'wasmd' ? '.data/wasmd' : '.data'),
);
const host = '127.0.0.1';
const ports = {
  db: Number(process.env.PRIVEXBOT_DB_PORT ?? 54329),
  devnet: Number(process.env.PRIVEXBOT_DEVNET_PORT ?? 26680),
  gateway: Number(process.env.GATEWAY_PORT ?? 8787),
  api: Number(process.env.PORT ?? 8080),
  relayer: Number(process.env.RELAYER_PORT ?? 8790),
  dapp: Number(process.env.PRIVEXBOT_DAPP_PORT ?? 5173),
};

interface DevSecrets {
  gatewayPlatformSecret: string;
  gatewayFeedToken: string;
  /** AES-256-GCM key for data encrypted at rest (lead emails, webhook secrets). */
  dataEncryptionKey: string;
  chainReaderViewingKey: string;
}

/** Generates any missing secret, keeping the ones an earlier start wrote (same data, same keys). */
function loadDevSecrets(): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  const stored = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as Partial<DevSecrets> & {
    leadEncryptionKey?: string;
  };
  const secrets: DevSecrets = {
    gatewayPlatformSecret: stored.gatewayPlatformSecret ?? randomBytes(32).toString('base64url'),
    gatewayFeedToken: stored.gatewayFeedToken ?? randomBytes(32).toString('base64url'),
    // Older .data directories named this key after its first use.
    dataEncryptionKey:
      stored.dataEncryptionKey ?? stored.leadEncryptionKey ?? randomBytes(32).toString('base64'),
    chainReaderViewingKey: stored.chainReaderViewingKey ?? randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const secrets = loadDevSecrets();
  const running: RunningService[] = [];
  let productDb: { close(): Promise<void> } | undefined;
  let chain: ProductChain | undefined;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    for (const service of running.reverse()) await service.stop();
    await chain?.close();
    await productDb?.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  buildContracts();
  await buildWidget();

  const database = await startProductDatabase({
    mode: databaseModeFromArgs(process.argv.slice(2)),
    dataDir,
    port: ports.db,
    host,
  });
  productDb = database;
  const databaseUrl = database.url;
  const embeddedDb = database.embedded ? database : undefined;
  console.log(`database   ${database.describe}`);

  try {
    if (chainMode === 'wasmd') {
      chain = await startWasmdProductChain({ dataDir, log: (line) => console.log(`wasmd      ${line}`) });
    } else {
      const devnetUrl = `http://${host}:${ports.devnet}`;
      running.push(
        await startService({
          name: 'devnet',
          entry: 'scripts/devnet/main.ts',
          args: ['--data-dir', join(dataDir, 'devnet'), '--port', String(ports.devnet), '--host', host],
          healthUrl: `${devnetUrl}/status`,
        }),
      );
      const status = (await (await fetch(`${devnetUrl}/status`)).json()) as {
        contracts: Record<string, { address: string } | undefined>;
      };
      chain = devnetProductChain(devnetUrl, status.contracts.usage?.address, secrets.chainReaderViewingKey);
    }

    const gatewayUrl = `http://${host}:${ports.gateway}`;
    running.push(
      await startService({
        name: 'gateway',
        entry: 'api/src/gateway/main.ts',
        env: {
          GATEWAY_HOST: host,
          GATEWAY_PORT: String(ports.gateway),
          GATEWAY_DATA_DIR: join(dataDir, 'gateway'),
          GATEWAY_PLATFORM_SECRET: secrets.gatewayPlatformSecret,
          GATEWAY_FEED_TOKEN: secrets.gatewayFeedToken,
        },
        healthUrl: `${gatewayUrl}/healthz`,
      }),
    );
    const reader = await chain.prepare(gatewayUrl);

    const apiUrl = `http://${host}:${ports.api}`;
    // Sign-in messages name the origin users open: the dapp (its dev server proxies the api).
    // The widget is embedded from there too: its frame must come from this origin, the one the
    // api accepts chats from (a snippet naming the api's own port would get 403 on every chat).
    const publicUrl = (process.env.PUBLIC_URL ?? `http://${host}:${ports.dapp}`).replace(/\/$/, '');
    running.push(
      await startService({
        name: 'api',
        entry: 'api/src/main.ts',
        env: {
          HOST: host,
          PORT: String(ports.api),
          PUBLIC_URL: publicUrl,
          ...chain.apiEnv,
          DATABASE_URL: databaseUrl,
          // One connection on the embedded database: pglite-socket interleaves the queries of
          // concurrent connections (scripts/db/README.md). The api detects PGlite by itself too.
          ...(embeddedDb ? { DATABASE_POOL_MAX: '1' } : {}),
          GATEWAY_URL: gatewayUrl,
          GATEWAY_PLATFORM_SECRET: secrets.gatewayPlatformSecret,
          DATA_ENCRYPTION_KEY: process.env.DATA_ENCRYPTION_KEY ?? secrets.dataEncryptionKey,
          CHAIN_READER_ADDRESS: reader.readerAddress,
          CHAIN_READER_VIEWING_KEY: reader.readerViewingKey,
        },
        healthUrl: `${apiUrl}/healthz`,
      }),
    );

    if (chain.usage) {
      running.push(
        await startService({
          name: 'relayer',
          // its production bundle, run by plain node: tens of MB lighter than the sources
          // through tsx (scripts/relayer/bundle-relayer.ts; cached, rebuilt when they change)
          entry: await bundleRelayer(),
          plainNode: true,
          env: {
            // A small heap and young generation keep its resident memory flat and low, as in
            // docker-compose.yml (relayer/README.md, "Memory").
            NODE_OPTIONS: [process.env.NODE_OPTIONS, RELAYER_NODE_OPTIONS].filter(Boolean).join(' '),
            DATABASE_URL: databaseUrl,
            RELAYER_HOST: host,
            RELAYER_PORT: String(ports.relayer),
            ...chain.relayerEnv,
            RELAYER_PUBLISH_DIR: join(dataDir, 'batches'),
            RELAYER_GATEWAYS: JSON.stringify([{ url: gatewayUrl, token: secrets.gatewayFeedToken }]),
          },
          healthUrl: `http://${host}:${ports.relayer}/healthz`,
        }),
      );
    }

    if (existsSync(join(repoRoot, 'dapp', 'index.html'))) {
      running.push(
        await startService({
          name: 'dapp',
          entry: 'node_modules/vite/bin/vite.js',
          args: ['dapp', '--host', host, '--port', String(ports.dapp), '--strictPort'],
          env: { PRIVEXBOT_API_URL: apiUrl },
          healthUrl: `http://${host}:${ports.dapp}/`,
        }),
      );
    }

    // The widget and relayer builds are done: esbuild's service process would otherwise stay
    // resident (about 350 MB) for as long as the product runs.
    await stopEsbuild();

    console.log(`
PrivexBot is running (data in ${dataDir}; Ctrl-C stops it):
  dapp      http://${host}:${ports.dapp}/
  widget    ${publicUrl}/widget.js   (a bot's embed card in the dapp gives its whole snippet)
  api       ${apiUrl}   (OpenAPI: ${apiUrl}/openapi.json)
  gateway   ${gatewayUrl}
  relayer   http://${host}:${ports.relayer}/
  ${chain.describe}
DEV-ONLY accounts (public mnemonics; worthless anywhere else):
${chain.accounts.map((account) => `  ${account.role.padEnd(9)} ${account.address}`).join('\n')}
`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await stopAll(1);
  }
}

await main();
