/**
 * The whole product for the browser journey, every service its real process as `npm start`
 * runs it (scripts/start/main.ts), on free ports with a temporary data directory:
 *   embedded PostgreSQL (PGlite + pgvector), the devnet executing the contracts' vanilla wasm,
 *   the inference gateway (offline answerer), the api, the relayer, and the dapp's production
 *   build served on its own origin with the api, devnet and relayer behind it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWidget } from '@privexbot/dapp/widget/build-widget';
import { devOnlyAccount } from '@privexbot/schema/chain';
import { spawnTestDatabase } from '../../scripts/db/spawn-test-database.js';
import { registerGatewaySigner, setUpChainReader } from '../../scripts/start/prepare-devnet.js';
import { freePort } from '../relayer/relayer-stack.js';
import { buildDappOnce } from './build-dapp-once.js';
import { serveDapp } from './serve-dapp.js';
import { type Service, spawnService } from './spawn-service.js';

export interface Product {
  /** Where users open the dapp (the api, devnet and relayer are behind it). */
  dappOrigin: string;
  apiUrl: string;
  devnetUrl: string;
  relayerUrl: string;
  contracts: { billing: string; usage: string };
  /** The platform's chain reader: orgs name it as auditor so the api can read their plan. */
  readerAddress: string;
  dataDir: string;
  services: Service[];
  /** Why the relayer did not start, if it did not. */
  relayerError?: Error;
  /** Stops everything; the data directory (with each service's log) is kept when asked. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startProduct(): Promise<Product> {
  const dataDir = mkdtempSync(join(tmpdir(), 'privexbot-e2e-'));
  const services: Service[] = [];
  let db: { url: string; close(): Promise<void> } | undefined;
  let dapp: { origin: string; close(): Promise<void> } | undefined;
  const close = async (options: { keepData?: boolean } = {}) => {
    await dapp?.close();
    for (const service of services.reverse()) await service.stop();
    await db?.close().catch(() => undefined);
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const [distDir] = await Promise.all([buildDappOnce(), buildWidget()]);
    const [devnetPort, gatewayPort, apiPort, relayerPort, dappPort] = await Promise.all(
      Array.from({ length: 5 }, () => freePort()),
    );
    const host = '127.0.0.1';
    const devnetUrl = `http://${host}:${devnetPort}`;
    const gatewayUrl = `http://${host}:${gatewayPort}`;
    const apiUrl = `http://${host}:${apiPort}`;
    const relayerUrl = `http://${host}:${relayerPort}`;
    const dappOrigin = `http://${host}:${dappPort}`;
    const secrets = {
      platform: randomBytes(24).toString('base64url'),
      feed: randomBytes(24).toString('base64url'),
      data: randomBytes(32).toString('base64'),
      viewingKey: randomBytes(24).toString('base64url'),
    };
    const logDir = dataDir;

    const [database, devnet] = await Promise.all([
      spawnTestDatabase({ maxConnections: 32, dataDir: join(dataDir, 'db') }),
      spawnService({
        name: 'devnet',
        entry: 'scripts/devnet/main.ts',
        args: ['--data-dir', join(dataDir, 'devnet'), '--port', String(devnetPort), '--host', host],
        healthUrl: `${devnetUrl}/status`,
        logDir,
      }),
    ]);
    db = database;
    services.push(devnet);
    const status = (await (await fetch(`${devnetUrl}/status`)).json()) as {
      contracts: Record<string, { address: string } | undefined>;
    };
    const contracts = {
      billing: status.contracts.billing?.address ?? '',
      usage: status.contracts.usage?.address ?? '',
    };
    if (!contracts.billing || !contracts.usage)
      throw new Error(
        'the devnet has no contracts: build them (npx tsx scripts/contracts/build-contracts.ts)',
      );

    const gateway = await spawnService({
      name: 'gateway',
      entry: 'api/src/gateway/main.ts',
      env: {
        GATEWAY_HOST: host,
        GATEWAY_PORT: String(gatewayPort),
        GATEWAY_DATA_DIR: join(dataDir, 'gateway'),
        GATEWAY_PLATFORM_SECRET: secrets.platform,
        GATEWAY_FEED_TOKEN: secrets.feed,
      },
      healthUrl: `${gatewayUrl}/healthz`,
      logDir,
    });
    services.push(gateway);
    await registerGatewaySigner(devnetUrl, gatewayUrl);
    const readerAddress = await setUpChainReader(devnetUrl, secrets.viewingKey);

    const [api, relayer] = await Promise.allSettled([
      spawnService({
        name: 'api',
        entry: 'api/src/main.ts',
        env: {
          HOST: host,
          PORT: String(apiPort),
          // Users open the dapp's origin, which proxies the api: sign-in messages name it.
          PUBLIC_URL: dappOrigin,
          CHAIN_KIND: 'devnet',
          DATABASE_URL: database.url,
          DEVNET_URL: devnetUrl,
          GATEWAY_URL: gatewayUrl,
          GATEWAY_PLATFORM_SECRET: secrets.platform,
          DATA_ENCRYPTION_KEY: secrets.data,
          CHAIN_READER_ADDRESS: readerAddress,
          CHAIN_READER_VIEWING_KEY: secrets.viewingKey,
          QUOTA_CACHE_SECONDS: '1',
          LOG_LEVEL: 'info',
        },
        healthUrl: `${apiUrl}/healthz`,
        logDir,
      }),
      spawnService({
        name: 'relayer',
        entry: 'relayer/src/main.ts',
        env: {
          DATABASE_URL: database.url,
          RELAYER_HOST: host,
          RELAYER_PORT: String(relayerPort),
          RELAYER_CHAIN_URL: devnetUrl,
          USAGE_CONTRACT: contracts.usage,
          RELAYER_MNEMONIC: devOnlyAccount('relayer').mnemonic,
          RELAYER_PUBLISH_DIR: join(dataDir, 'batches'),
          RELAYER_GATEWAYS: JSON.stringify([{ url: gatewayUrl, token: secrets.feed }]),
          // Small, young batches: the journey waits for its usage to reach the chain.
          RELAYER_BATCH_SIZE: '1',
          RELAYER_BATCH_AGE_SECONDS: '0.5',
          RELAYER_POLL_INTERVAL_MS: '250',
        },
        healthUrl: `${relayerUrl}/healthz`,
        logDir,
      }),
    ]);
    if (api.status === 'rejected') throw api.reason;
    services.push(api.value);
    // Without a relayer everything up to the usage reaching the chain still works: the journey
    // goes that far and then reports why the relayer did not start.
    if (relayer.status === 'fulfilled') services.push(relayer.value);
    dapp = await serveDapp({ distDir, apiUrl, devnetUrl, relayerUrl, port: dappPort });
    return {
      dappOrigin,
      apiUrl,
      devnetUrl,
      relayerUrl,
      contracts,
      readerAddress,
      dataDir,
      services,
      ...(relayer.status === 'rejected' ? { relayerError: relayer.reason as Error } : {}),
      close,
    };
  } catch (error) {
    await close({ keepData: true });
    throw new Error(`the product did not start (logs in ${dataDir}): ${(error as Error).message}`, {
      cause: error,
    });
  }
}
