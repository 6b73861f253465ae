/**
 * The dapp's configuration object, passed as the first argument of every action (as in wagmi):
 * where the api and the chain are, which wallet is connected, and small stores for the
 * account and the api session. It holds no React; hooks get it from ConfigProvider.
 */
import type { ChainInfo } from '@keplr-wallet/types';
import type { ChainClient } from '@privexbot/schema/chain';
import { createStore, type Store } from './create-store.js';
import { getInjectedKeplr, type KeplrLike } from './wallet/keplr-like.js';

export interface ChainSettings {
  /** `devnet`: the embedded chain over HTTP; `secret`: Secret Network through secretjs */
  kind: 'devnet' | 'secret';
  /** the chain's own id, as in transactions and sign-in challenges */
  chainId: string;
  /**
   * The chain Keplr enables and signs for. For the devnet, which Keplr cannot know, this is
   * LocalSecret's `secretdev-1`: same prefix and coin type, so the same address, and ADR-36
   * signatures carry no chain id.
   */
  walletChainId: string;
  /** suggested to Keplr with `experimentalSuggestChain` before `enable` (LocalSecret, pulsar) */
  suggestChainInfo?: ChainInfo;
  /** devnet base URL (kind `devnet`) */
  devnetUrl?: string;
  /** LCD URL (kind `secret`) */
  lcdUrl?: string;
  /** contract addresses; on the devnet, missing ones are read from its `/status` */
  contracts: { billing?: string; usage?: string; token?: string };
  /** a transaction page, `{hash}` replaced by the hash; none on the devnet */
  txExplorerUrl?: string;
  /** whether the dev-key connector is offered (never on a public network) */
  devKeysAllowed: boolean;
}

export type ConnectorId = 'keplr' | 'dev';

export type AccountState =
  | { status: 'disconnected' }
  | { status: 'connecting'; connector: ConnectorId }
  | {
      status: 'connected';
      connector: ConnectorId;
      address: string;
      /** base64 secp256k1 compressed public key */
      pubKey: string;
      /** the wallet's account name; dev keys start with "DEV KEY" */
      name: string;
      isDevKey: boolean;
    };

/** The api's session tokens (`POST /auth/verify`, `POST /auth/refresh`). */
export interface ApiSession {
  address: string;
  /** short-lived bearer access token */
  token?: string;
  /** when the access token expires (ISO time) */
  expiresAt?: string;
  /** rotates on every use; gets a new access token until the session ends */
  refreshToken?: string;
  /** when the whole session ends (ISO time) */
  sessionExpiresAt?: string;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface DappConfig {
  /** the api's base URL; '' for the same origin (the Vite proxy in development) */
  apiUrl: string;
  /** the relayer's batch publication, for the auditor page; '' when it is served by the api */
  relayerUrl: string;
  chain: ChainSettings;
  fetch: typeof fetch;
  storage: KeyValueStorage;
  getKeplr: () => KeplrLike | undefined;
  /** where `keplr_keystorechange` is listened for */
  eventTarget: EventTarget | undefined;
  account: Store<AccountState>;
  session: Store<ApiSession | undefined>;
  /** the wallet behind the connected account (Keplr or a dev key) */
  wallet: { current: KeplrLike | undefined };
  /** signing chain clients by address; cleared when the account changes */
  chainClients: Map<string, Promise<ChainClient>>;
}

export interface CreateConfigOptions {
  apiUrl?: string;
  relayerUrl?: string;
  chain: ChainSettings;
  fetch?: typeof fetch;
  storage?: KeyValueStorage;
  getKeplr?: () => KeplrLike | undefined;
  eventTarget?: EventTarget;
}

const SESSION_STORAGE_KEY = 'privexbot.session';

export function createConfig(options: CreateConfigOptions): DappConfig {
  const storage = options.storage ?? memoryStorage();
  const session = createStore<ApiSession | undefined>(readSession(storage));
  // The session survives a reload; the wallet reconnects on its own (see reconnect-wallet.ts).
  session.subscribe((value) => {
    if (value) storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(value));
    else storage.removeItem(SESSION_STORAGE_KEY);
  });
  return {
    apiUrl: (options.apiUrl ?? '').replace(/\/+$/, ''),
    relayerUrl: (options.relayerUrl ?? '').replace(/\/+$/, ''),
    chain: options.chain,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    storage,
    getKeplr: options.getKeplr ?? (() => getInjectedKeplr(globalThis)),
    eventTarget: options.eventTarget ?? (typeof window === 'undefined' ? undefined : window),
    account: createStore<AccountState>({ status: 'disconnected' }),
    session,
    wallet: { current: undefined },
    chainClients: new Map(),
  };
}

function readSession(storage: KeyValueStorage): ApiSession | undefined {
  try {
    const raw = storage.getItem(SESSION_STORAGE_KEY);
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as ApiSession;
    if (typeof parsed.address !== 'string') return undefined;
    const endsAt = parsed.sessionExpiresAt ?? parsed.expiresAt;
    if (endsAt && Date.parse(endsAt) <= Date.now()) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

export function memoryStorage(): KeyValueStorage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}
