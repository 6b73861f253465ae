import type { ChainClient, DevnetChainClient } from '@privexbot/schema/chain';
import type { Config } from '../config.js';

/**
 * The api's read-only ChainClient for the configured chain. It goes through
 * `@privexbot/schema/chain/connect`, which loads only that chain's adapter: the package's main
 * entry would load secretjs and cosmjs into every api process (about 75 MB resident).
 */
export async function connectReadOnlyChain(config: Pick<Config, 'chain' | 'chainId'>): Promise<ChainClient> {
  const { connectReadOnlyClient } = await import('@privexbot/schema/chain/connect');
  const { chain, chainId } = config;
  if (chain.kind === 'secret') return connectReadOnlyClient({ adapter: 'secret', url: chain.url, chainId });
  if (chain.kind === 'cosmwasm') return connectReadOnlyClient({ adapter: 'cosmwasm', rpcUrl: chain.url });
  return connectReadOnlyClient({ adapter: 'devnet', url: chain.url });
}

/**
 * The contracts to read, as configured; on the devnet, which says where its contracts are,
 * the ones not configured are taken from its status.
 */
export async function contractAddresses(
  client: ChainClient,
  config: Pick<Config, 'chain'>,
  configured: { billing: string | undefined; usage: string | undefined },
): Promise<{ billing: string | undefined; usage: string | undefined }> {
  if (config.chain.kind !== 'devnet' || (configured.billing && configured.usage)) return configured;
  const { contracts } = await (client as DevnetChainClient).status();
  return {
    billing: configured.billing ?? contracts.billing?.address,
    usage: configured.usage ?? contracts.usage?.address,
  };
}

/**
 * Runs `open` on first use and shares its promise; after a failure the next call runs it
 * again, so an api started before its chain recovers once the chain is up.
 */
export function openOnFirstUse<T>(open: () => Promise<T>): () => Promise<T> {
  let opened: Promise<T> | undefined;
  return () => {
    opened ??= open().catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };
}
