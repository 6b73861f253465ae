import type { ChainClient } from '@privexbot/schema/chain';
import type { RelayerConfig } from '../config/load-relayer-config.js';
import { nativeFetch } from '../native-fetch.js';

/**
 * The relayer's ChainClient, whichever chain the configuration names (devnet, Secret Network
 * through secretjs, any CosmWasm chain through cosmjs), signing as the relayer's account.
 * Only the configured adapter is loaded (`@privexbot/schema/chain/connect` imports each on
 * demand): a devnet or cosmjs relayer never carries secretjs. It is loaded here, late, on
 * purpose: secretjs replaces the global fetch when imported, and native-fetch.ts must have
 * captured Node's own first.
 */
export async function connectRelayerChain(
  chain: RelayerConfig['chain'],
): Promise<{ client: ChainClient; address: string }> {
  const { connectSigningClient } = await import('@privexbot/schema/chain/connect');
  const client = await connectSigningClient(chain.connection, chain.mnemonic, { fetch: nativeFetch });
  return { client, address: client.address ?? '' };
}
