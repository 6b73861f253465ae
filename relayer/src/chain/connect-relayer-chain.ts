import type { ChainClient } from '@privexbot/schema/chain';
import { nativeFetch } from '@privexbot/schema/fetch';
import type { RelayerConfig } from '../config/load-relayer-config.js';

/**
 * The relayer's ChainClient, whichever chain the configuration names (devnet, Secret Network
 * through secretjs, any CosmWasm chain through cosmjs), signing as the relayer's account.
 * Only the configured adapter is loaded (`@privexbot/schema/chain/connect` imports each on
 * demand): a devnet or cosmjs relayer never carries secretjs. It is loaded here, late, on
 * purpose: secretjs replaces the global fetch when imported, and @privexbot/schema/fetch must have
 * captured Node's own first.
 */
export async function connectRelayerChain(
  chain: RelayerConfig['chain'],
): Promise<{ client: ChainClient; address: string }> {
  const { connectSigningClient } = await import('@privexbot/schema/chain/connect');
  const client = await connectSigningClient(chain.connection, chain.mnemonic, { fetch: nativeFetch });
  return { client, address: client.address ?? '' };
}

/**
 * The relayer's ChainClient for a chain that may not be reachable yet (a node still starting, or
 * down when the relayer starts). It resolves at once, without the network: the address is
 * derived from the mnemonic; every call connects first when not connected, one attempt at a
 * time, and fails like any chain call while the node is away. So the first chain call of a
 * worker's step either connects or fails, and the worker's own loop retries it with the
 * `chain-submit` backoff, then the `worker-restart` one, reporting the signer `failing` (503 on
 * /healthz) meanwhile: exactly what happens when the node goes away after start.
 */
export async function reachableRelayerChain(
  chain: RelayerConfig['chain'],
  options: { onConnected?: (client: ChainClient) => void } = {},
): Promise<{ client: ChainClient; address: string }> {
  const { signingAddress } = await import('@privexbot/schema/chain/connect');
  const address = await signingAddress(chain.connection, chain.mnemonic);
  let connected: ChainClient | undefined;
  let attempt: Promise<ChainClient> | undefined;
  const connect = (): Promise<ChainClient> => {
    if (connected) return Promise.resolve(connected);
    attempt ??= connectRelayerChain(chain)
      .then(({ client }) => {
        connected = client;
        options.onConnected?.(client);
        return client;
      })
      .finally(() => {
        attempt = undefined;
      });
    return attempt;
  };
  const client: ChainClient = {
    get chainId() {
      return connected?.chainId ?? '';
    },
    address,
    nativeBalance: async (...args) => (await connect()).nativeBalance(...args),
    tokenBalance: async (...args) => (await connect()).tokenBalance(...args),
    query: async <T>(contract: string, msg: object) => (await connect()).query<T>(contract, msg),
    execute: async (...args) => (await connect()).execute(...args),
    sendToken: async (...args) => (await connect()).sendToken(...args),
    upload: async (...args) => (await connect()).upload(...args),
    instantiate: async (...args) => (await connect()).instantiate(...args),
    migrate: async (...args) => (await connect()).migrate(...args),
    waitForTx: async (...args) => (await connect()).waitForTx(...args),
  };
  return { client, address };
}
