/**
 * The part of Keplr's `window.keplr` the dapp uses. Real Keplr, Leap and Cosmostation's Keplr
 * mode, the dev-key wallet (create-dev-keplr.ts) and test wallets all satisfy it, so every
 * action is written against this subset rather than against a particular extension.
 */
import type { Keplr } from '@keplr-wallet/types';

export type KeplrLike = Pick<
  Keplr,
  | 'enable'
  | 'getKey'
  | 'signArbitrary'
  | 'getOfflineSignerOnlyAmino'
  | 'getOfflineSignerAuto'
  | 'getEnigmaUtils'
  | 'experimentalSuggestChain'
>;

/** Keplr fires this on `window` when the user switches accounts or keystores. */
export const KEYSTORE_CHANGE_EVENT = 'keplr_keystorechange';

/** `window.keplr`, when the extension (or an injected equivalent) is there. */
export function getInjectedKeplr(target: unknown = globalThis): KeplrLike | undefined {
  const keplr = (target as { keplr?: KeplrLike }).keplr;
  return keplr && typeof keplr.enable === 'function' ? keplr : undefined;
}
