/**
 * Browser entry for end-to-end tests and demos: installs a dev-key wallet as `window.keplr`,
 * the way the Keplr extension injects itself. It signs with a real secp256k1 key (cosmjs), so
 * the api and the devnet verify its signatures like Keplr's. Configure it before it runs:
 *
 *   window.__PRIVEXBOT_DEV_KEPLR__ = { mnemonic: '...', label: 'alice' };
 *
 * `window.__privexbotSwitchDevKey({ mnemonic, label })` switches the account in place and fires
 * `keplr_keystorechange`, as Keplr does when the user picks another account.
 * Built by dapp/e2e-support/build-keplr-injection.ts; never part of the dapp bundle.
 */
import { createDevKeplr, type DevKeplr, type DevKeplrOptions } from './create-dev-keplr.js';
import { KEYSTORE_CHANGE_EVENT, type KeplrLike } from './keplr-like.js';

declare global {
  interface Window {
    __PRIVEXBOT_DEV_KEPLR__?: DevKeplrOptions;
    __privexbotSwitchDevKey?: (options: DevKeplrOptions) => Promise<void>;
    keplr?: unknown;
  }
}

async function install(options: DevKeplrOptions): Promise<void> {
  let current: DevKeplr = await createDevKeplr(options);
  // One stable object, like the extension's: the account behind it may change.
  const keplr: KeplrLike & { isDevKey: true } = {
    isDevKey: true,
    enable: (chainIds) => current.enable(chainIds),
    experimentalSuggestChain: (info) => current.experimentalSuggestChain(info),
    getKey: (chainId) => current.getKey(chainId),
    signArbitrary: (chainId, signer, data) => current.signArbitrary(chainId, signer, data),
    getOfflineSignerOnlyAmino: (chainId) => current.getOfflineSignerOnlyAmino(chainId),
    getOfflineSignerAuto: (chainId) => current.getOfflineSignerAuto(chainId),
    getEnigmaUtils: (chainId) => current.getEnigmaUtils(chainId),
  };
  window.keplr = keplr;
  window.__privexbotSwitchDevKey = async (next) => {
    current = await createDevKeplr(next);
    window.dispatchEvent(new Event(KEYSTORE_CHANGE_EVENT));
  };
  window.dispatchEvent(new Event('privexbot:dev-keplr-ready'));
}

const options = window.__PRIVEXBOT_DEV_KEPLR__;
if (options) void install(options);
