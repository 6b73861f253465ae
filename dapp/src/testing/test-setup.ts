/**
 * Test support: the setup the dapp's tests share. Each test file used to repeat the devnet's
 * chain settings, start a devnet or a local api in beforeAll and stop it in afterAll, and build
 * a signed-in or wallet-connected config; one change to ChainSettings or to the dev-key
 * connection now touches this file only.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { connectWallet, type DevAccountRole } from '../core/actions/connect-wallet.js';
import {
  type ApiSession,
  type ChainSettings,
  type CreateConfigOptions,
  createConfig,
  type DappConfig,
} from '../core/config.js';
import { type DevnetProcess, startDevnetProcess } from './start-devnet-process.js';

/** Nothing listens here: a test that is not meant to reach the chain fails at once if it does. */
const NO_DEVNET_URL = 'http://127.0.0.1:1';

/** The embedded devnet's settings, as the dapp gets them for `npm start`. */
export function devnetChain(overrides: Partial<ChainSettings> = {}): ChainSettings {
  return {
    kind: 'devnet',
    chainId: 'privexbot-devnet-1',
    walletChainId: 'secretdev-1',
    devnetUrl: NO_DEVNET_URL,
    contracts: {},
    devKeysAllowed: true,
    ...overrides,
  };
}

export interface TestConfigOptions extends Omit<CreateConfigOptions, 'chain'> {
  /** a running devnet; without it the config points at an address nothing listens on */
  devnetUrl?: string;
  devKeysAllowed?: boolean;
}

/** A config on the devnet's settings. */
export function testConfig({ devnetUrl, devKeysAllowed, ...options }: TestConfigOptions = {}): DappConfig {
  return createConfig({
    ...options,
    chain: devnetChain({ devnetUrl: devnetUrl ?? NO_DEVNET_URL, devKeysAllowed: devKeysAllowed ?? true }),
  });
}

/** A config whose wallet is a DEV-ONLY account connected on a running devnet. */
export async function connectedConfig(
  role: DevAccountRole,
  options: TestConfigOptions & { devnetUrl: string },
): Promise<DappConfig> {
  const config = testConfig(options);
  await connectWallet(config, { connector: 'dev', devAccount: role });
  return config;
}

/**
 * Starts something before the file's tests and stops it after them. The returned function
 * reads it, inside a test or a later beforeAll (it is not started while the file is collected).
 */
export function startedForFile<T>(start: () => Promise<T>, stop: (started: T) => unknown): () => T {
  let started: { value: T } | undefined;
  beforeAll(async () => {
    started = { value: await start() };
  });
  afterAll(async () => {
    if (started) await stop(started.value);
  });
  return () => {
    if (!started) throw new Error('read a test fixture inside a test: it starts in beforeAll');
    return started.value;
  };
}

/** The real devnet (the contracts' wasm) for the file's tests. */
export function devnetForFile(): () => DevnetProcess {
  return startedForFile(startDevnetProcess, (devnet) => devnet.stop());
}

/** A local HTTP server with `handler` for the file's tests; the result reads its base URL. */
export function serverForFile(handler: RequestListener): () => string {
  const server = startedForFile(
    async () => {
      const listening = createServer(handler);
      await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
      return listening;
    },
    (listening) => new Promise((resolve) => listening.close(resolve)),
  );
  return () => `http://127.0.0.1:${(server().address() as AddressInfo).port}`;
}

/**
 * A local api answering with `handler`, and one config signed in to it (a session with a bearer
 * token, as after `POST /auth/verify`) shared by the file's tests.
 */
export function signedInToServer(
  handler: RequestListener,
  session: ApiSession = { address: 'secret1x', token: 'tok' },
): () => DappConfig {
  const apiUrl = serverForFile(handler);
  let config: DappConfig | undefined;
  beforeAll(() => {
    config = testConfig({ apiUrl: apiUrl() });
    config.session.set(session);
  });
  return () => {
    if (!config) throw new Error('read the config inside a test: it is built in beforeAll');
    return config;
  };
}
