/**
 * Stands in for connect-secret-client.ts (and secretjs) in builds made for the devnet (see
 * vite.config.ts): secretjs ships one 8 MB browser build that such builds never need, and
 * leaving it out halves the build time.
 */
import type { ChainClient } from '@privexbot/schema/chain';
import type { ChainSettings } from '../config.js';
import { ChainNotConfiguredError } from '../errors.js';
import type { KeplrLike } from '../wallet/keplr-like.js';

const unavailable = () =>
  new ChainNotConfiguredError(
    'Secret Network: this build was made for the devnet (build with VITE_CHAIN_KIND=secret)',
  );

export function connectSecretClient(
  _settings: ChainSettings,
  _signer: { address: string; wallet: KeplrLike } | undefined,
): ChainClient {
  throw unavailable();
}

/** The one secretjs export the dev-key wallet uses, for LocalSecret encryption. */
export class EncryptionUtilsImpl {
  constructor() {
    throw unavailable();
  }
}
