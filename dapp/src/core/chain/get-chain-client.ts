/**
 * The ChainClient behind every chain action. The chain package (secretjs, cosmjs) is large, so
 * it is imported on first use: pages that never touch the chain never download it.
 */
import type { ArbitrarySigner, ChainClient } from '@privexbot/schema/chain';
import type { DappConfig } from '../config.js';
import { ChainNotConfiguredError, NotConnectedError } from '../errors.js';

const READ_ONLY = 'read-only';

/** A client that signs as the connected account (`signing: true`) or a read-only one. */
export function getChainClient(config: DappConfig, options: { signing: boolean }): Promise<ChainClient> {
  const account = config.account.get();
  if (options.signing && account.status !== 'connected') throw new NotConnectedError('send transactions');
  const cacheKey = options.signing && account.status === 'connected' ? account.address : READ_ONLY;
  let client = config.chainClients.get(cacheKey);
  if (!client) {
    client = connectChainClient(config, cacheKey === READ_ONLY ? undefined : cacheKey);
    // A failed connection is not cached: the next call tries again.
    client.catch(() => config.chainClients.delete(cacheKey));
    config.chainClients.set(cacheKey, client);
  }
  return client;
}

async function connectChainClient(config: DappConfig, address: string | undefined): Promise<ChainClient> {
  const settings = config.chain;
  const wallet = address ? config.wallet.current : undefined;
  if (address && !wallet) throw new NotConnectedError('send transactions');

  if (settings.kind === 'devnet') {
    if (!settings.devnetUrl) throw new ChainNotConfiguredError('the devnet (no devnetUrl)');
    const { connectDevnet } = await import('./schema-chain-light.js');
    // Keplr signs for its own chain id (walletChainId); ADR-36 documents carry none, so the
    // devnet accepts the signature for its chain.
    const signer: ArbitrarySigner | undefined =
      address && wallet
        ? {
            address,
            signArbitrary: (_chainId, data) => wallet.signArbitrary(settings.walletChainId, address, data),
          }
        : undefined;
    return connectDevnet({
      url: absoluteUrl(settings.devnetUrl),
      fetch: config.fetch,
      ...(signer ? { signer } : {}),
    });
  }

  if (!settings.lcdUrl) throw new ChainNotConfiguredError('Secret Network (no lcdUrl)');
  // Builds made for the devnet replace this module with secret-adapter-unavailable.ts (vite.config.ts).
  const { connectSecretClient } = await import('./connect-secret-client.js');
  return connectSecretClient(settings, address && wallet ? { address, wallet } : undefined);
}

/** The devnet client builds URLs by concatenation, so a path like `/devnet` needs an origin. */
function absoluteUrl(url: string): string {
  if (/^https?:\/\//.test(url)) return url;
  const origin = typeof location === 'undefined' ? 'http://localhost' : location.origin;
  return `${origin}${url.startsWith('/') ? '' : '/'}${url}`;
}
