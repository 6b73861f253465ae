/**
 * DEV KEYS ONLY. A Keplr-compatible wallet over a mnemonic, for the devnet and LocalSecret,
 * where the well-known genesis mnemonics hold no real value. The UI marks every account that
 * comes from here as a dev key. It signs with real secp256k1 (cosmjs), so the api and the
 * devnet verify its signatures exactly as they verify Keplr's; end-to-end tests inject it as
 * `window.keplr` (see inject-dev-keplr.ts).
 */
import { Secp256k1HdWallet } from '@cosmjs/amino';
import { stringToPath } from '@cosmjs/crypto';
import { fromBech32 } from '@cosmjs/encoding';
import type { ChainInfo, Key, SecretUtils } from '@keplr-wallet/types';
import { adr36SignDoc } from './amino-sign-docs.js';
import { DEV_KEY_LABEL_PREFIX } from './dev-key-label.js';
import type { KeplrLike } from './keplr-like.js';

export interface DevKeplrOptions {
  mnemonic: string;
  /** shown by the UI in place of a Keplr account name; always prefixed with "DEV KEY" */
  label?: string;
  /** LocalSecret's LCD, for `getEnigmaUtils` (encrypted Secret contract calls) */
  secretLcdUrl?: string;
}

export interface DevKeplr extends KeplrLike {
  readonly isDevKey: true;
  readonly address: string;
  /** chains suggested to this wallet, as Keplr would remember them */
  readonly suggestedChains: ReadonlyMap<string, ChainInfo>;
}

export { DEV_KEY_LABEL_PREFIX };

export async function createDevKeplr(options: DevKeplrOptions): Promise<DevKeplr> {
  const wallet = await Secp256k1HdWallet.fromMnemonic(options.mnemonic, {
    prefix: 'secret',
    // Secret Network's coin type 529, as Keplr and secretcli derive keys.
    hdPaths: [stringToPath("m/44'/529'/0'/0/0")],
  });
  const [account] = await wallet.getAccounts();
  if (!account) throw new Error('the dev mnemonic derived no account');
  const { address, pubkey } = account;
  const suggestedChains = new Map<string, ChainInfo>();
  const name = `${DEV_KEY_LABEL_PREFIX}${options.label ? `: ${options.label}` : ''}`;

  const key: Key = {
    name,
    algo: 'secp256k1',
    pubKey: pubkey,
    address: fromBech32(address).data,
    bech32Address: address,
    ethereumHexAddress: '',
    isNanoLedger: false,
    isKeystone: false,
  };

  const devKeplr: DevKeplr = {
    isDevKey: true,
    address,
    suggestedChains,
    async enable() {},
    async experimentalSuggestChain(chainInfo: ChainInfo) {
      suggestedChains.set(chainInfo.chainId, chainInfo);
    },
    async getKey() {
      return key;
    },
    async signArbitrary(_chainId: string, signer: string, data: string | Uint8Array) {
      if (signer !== address) throw new Error(`this dev key signs only for ${address}`);
      // ADR-36 sign documents carry no chain id, like Keplr's: the chain argument is unused.
      const { signature } = await wallet.signAmino(address, adr36SignDoc(address, data));
      return signature;
    },
    getOfflineSignerOnlyAmino() {
      return wallet as unknown as ReturnType<KeplrLike['getOfflineSignerOnlyAmino']>;
    },
    async getOfflineSignerAuto() {
      return wallet as unknown as Awaited<ReturnType<KeplrLike['getOfflineSignerAuto']>>;
    },
    getEnigmaUtils(): SecretUtils {
      return devEnigmaUtils(options.mnemonic, options.secretLcdUrl);
    },
  };
  return devKeplr;
}

/**
 * secretjs's own encryption utilities with a seed derived from the dev mnemonic, so that a dev
 * key can decrypt its own Secret contract results across reloads, as Keplr does for real keys.
 * secretjs is loaded only when a Secret chain is actually used.
 */
function devEnigmaUtils(mnemonic: string, lcdUrl: string | undefined): SecretUtils {
  let utils: Promise<SecretUtils> | undefined;
  const load = () => {
    if (!lcdUrl) return Promise.reject(new Error('dev keys need secretLcdUrl for Secret Network encryption'));
    // Builds made for the devnet replace secretjs with a stub that refuses (vite.config.ts).
    utils ??= (async () => {
      const [{ EncryptionUtilsImpl }, { sha256 }] = await Promise.all([
        import('secretjs'),
        import('@cosmjs/crypto'),
      ]);
      const seed = sha256(new TextEncoder().encode(`privexbot dev enigma seed\n${mnemonic}`));
      return new EncryptionUtilsImpl(lcdUrl, seed);
    })();
    return utils;
  };
  return {
    getPubkey: async () => (await load()).getPubkey(),
    decrypt: async (ciphertext, nonce) => (await load()).decrypt(ciphertext, nonce),
    encrypt: async (codeHash, msg) => (await load()).encrypt(codeHash, msg),
    getTxEncryptionKey: async (nonce) => (await load()).getTxEncryptionKey(nonce),
  };
}
