import type { ChainClient, DevnetChainClient } from '@privexbot/schema/chain';
import type { Config } from '../config.js';

/**
 * The api's read-only ChainClient for the configured chain. It goes through
 * `@privexbot/schema/chain/connect`, which loads only that chain's adapter: the package's main
 * entry would load secretjs and cosmjs into every api process (about 75 MB resident).
 */
async function connectReadOnlyChain(config: Pick<Config, 'chain' | 'chainId'>): Promise<ChainClient> {
  const { connectReadOnlyClient } = await import('@privexbot/schema/chain/connect');
  const { chain, chainId } = config;
  if (chain.kind === 'secret') return connectReadOnlyClient({ adapter: 'secret', url: chain.url, chainId });
  if (chain.kind === 'cosmwasm') return connectReadOnlyClient({ adapter: 'cosmwasm', rpcUrl: chain.url });
  return connectReadOnlyClient({ adapter: 'devnet', url: chain.url });
}

/** A read-only chain connection that more than one reader of the process shares. */
export interface ReadOnlyChain {
  client: ChainClient;
  /**
   * The devnet's own contracts, from its status: read once, on first need, and again after a
   * failure. Empty on other chains, which do not say where their contracts are.
   */
  devnetContracts(): Promise<{ billing?: string | undefined; usage?: string | undefined }>;
}

const sharedChains = new WeakMap<object, () => Promise<ReadOnlyChain>>();

/**
 * The one read-only chain connection of a configuration, opened on first use and shared by
 * every reader given the same config object (the org directory and the plan reader: the api
 * loads its config once, so that is one connection per process). Opening again after a
 * failure, it lets an api started before its chain recover once the chain is up.
 */
export function sharedReadOnlyChain(config: Pick<Config, 'chain' | 'chainId'>): () => Promise<ReadOnlyChain> {
  let open = sharedChains.get(config);
  if (!open) {
    open = openOnFirstUse(async () => {
      const client = await connectReadOnlyChain(config);
      const devnetContracts =
        config.chain.kind === 'devnet'
          ? openOnFirstUse(async () => {
              const { contracts } = await (client as DevnetChainClient).status();
              return { billing: contracts.billing?.address, usage: contracts.usage?.address };
            })
          : async () => ({});
      return { client, devnetContracts };
    });
    sharedChains.set(config, open);
  }
  return open;
}

/**
 * The contracts to read, as configured; on the devnet, which says where its contracts are,
 * the ones not configured are taken from its status.
 */
export async function contractAddresses(
  chain: ReadOnlyChain,
  configured: { billing: string | undefined; usage: string | undefined },
): Promise<{ billing: string | undefined; usage: string | undefined }> {
  if (configured.billing && configured.usage) return configured;
  const found = await chain.devnetContracts();
  return { billing: configured.billing ?? found.billing, usage: configured.usage ?? found.usage };
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
