import type { AccountState, ConnectorId, DappConfig } from '../config.js';
import { BaseError, NotConnectedError, UserRejectedRequestError, WalletNotFoundError } from '../errors.js';
import { DEV_KEY_LABEL_PREFIX } from '../wallet/dev-key-label.js';
import { KEYSTORE_CHANGE_EVENT, type KeplrLike } from '../wallet/keplr-like.js';

export type DevAccountRole = 'alice' | 'bob' | 'operator' | 'relayer';

export interface ConnectWalletParameters {
  connector: ConnectorId;
  /** which DEV-ONLY genesis account a dev-key connection uses (default alice) */
  devAccount?: DevAccountRole;
}

export type ConnectWalletReturnType = Extract<AccountState, { status: 'connected' }>;

const CONNECTOR_STORAGE_KEY = 'privexbot.connector';
const unwatchers = new WeakMap<DappConfig, () => void>();

/**
 * Connects Keplr (`window.keplr`) or a dev key: suggests the chain when Keplr does not know it,
 * enables it, reads the key, and follows Keplr's account switches from then on.
 */
export async function connectWallet(
  config: DappConfig,
  parameters: ConnectWalletParameters,
): Promise<ConnectWalletReturnType> {
  const previous = config.account.get();
  config.account.set({ status: 'connecting', connector: parameters.connector });
  try {
    const wallet = await resolveWallet(config, parameters);
    const settings = config.chain;
    if (settings.suggestChainInfo) {
      await wrapRejection('add the chain', () => wallet.experimentalSuggestChain(settings.suggestChainInfo!));
    }
    await wrapRejection('connect', () => wallet.enable(settings.walletChainId));
    const account = await readAccount(wallet, config, parameters.connector);
    config.wallet.current = wallet;
    config.chainClients.clear();
    config.account.set(account);
    config.storage.setItem(
      CONNECTOR_STORAGE_KEY,
      parameters.connector === 'dev' ? `dev:${parameters.devAccount ?? 'alice'}` : 'keplr',
    );
    watchKeystoreChange(config);
    return account;
  } catch (error) {
    config.account.set(previous.status === 'connecting' ? { status: 'disconnected' } : previous);
    throw error;
  }
}

/** On page load: reconnects the connector used last time, without prompting if it can. */
export async function reconnectWallet(config: DappConfig): Promise<ConnectWalletReturnType | undefined> {
  const saved = config.storage.getItem(CONNECTOR_STORAGE_KEY);
  if (!saved) return undefined;
  const [connector, devAccount] = saved.split(':') as [ConnectorId, DevAccountRole | undefined];
  try {
    return await connectWallet(config, { connector, ...(devAccount ? { devAccount } : {}) });
  } catch {
    config.storage.removeItem(CONNECTOR_STORAGE_KEY);
    return undefined;
  }
}

export function disconnectWallet(config: DappConfig): void {
  unwatchers.get(config)?.();
  unwatchers.delete(config);
  config.wallet.current = undefined;
  config.chainClients.clear();
  config.storage.removeItem(CONNECTOR_STORAGE_KEY);
  config.account.set({ status: 'disconnected' });
  // A session belongs to the address that signed it in.
  config.session.set(undefined);
}

export function requireConnectedAccount(config: DappConfig, action: string): ConnectWalletReturnType {
  const account = config.account.get();
  if (account.status !== 'connected' || !config.wallet.current) throw new NotConnectedError(action);
  return account;
}

async function resolveWallet(config: DappConfig, parameters: ConnectWalletParameters): Promise<KeplrLike> {
  if (parameters.connector === 'keplr') {
    const keplr = config.getKeplr();
    if (!keplr) throw new WalletNotFoundError();
    return keplr;
  }
  if (!config.chain.devKeysAllowed) {
    throw new BaseError('Dev keys are offered only on the devnet and LocalSecret.');
  }
  // Loaded on demand: dev keys pull in cosmjs, which the Keplr path does not need.
  const [{ createDevKeplr }, { devOnlyAccount }] = await Promise.all([
    import('../wallet/create-dev-keplr.js'),
    import('../chain/schema-chain-light.js'),
  ]);
  const role = parameters.devAccount ?? 'alice';
  return createDevKeplr({
    mnemonic: devOnlyAccount(role).mnemonic,
    label: role,
    ...(config.chain.lcdUrl ? { secretLcdUrl: config.chain.lcdUrl } : {}),
  });
}

async function readAccount(
  wallet: KeplrLike,
  config: DappConfig,
  connector: ConnectorId,
): Promise<ConnectWalletReturnType> {
  const key = await wrapRejection('read the account', () => wallet.getKey(config.chain.walletChainId));
  const isDevKey =
    (wallet as { isDevKey?: boolean }).isDevKey === true || key.name.startsWith(DEV_KEY_LABEL_PREFIX);
  return {
    status: 'connected',
    connector,
    address: key.bech32Address,
    pubKey: bytesToBase64(key.pubKey),
    name: key.name,
    isDevKey,
  };
}

/** Keplr fires `keplr_keystorechange` when the user picks another account: follow it. */
function watchKeystoreChange(config: DappConfig): void {
  unwatchers.get(config)?.();
  const target = config.eventTarget;
  if (!target) return;
  const onChange = () => {
    const wallet = config.wallet.current;
    const current = config.account.get();
    if (!wallet || current.status !== 'connected') return;
    readAccount(wallet, config, current.connector).then(
      (account) => {
        if (account.address === current.address && account.name === current.name) return;
        config.chainClients.clear();
        if (config.session.get()?.address !== account.address) config.session.set(undefined);
        config.account.set(account);
      },
      () => disconnectWallet(config),
    );
  };
  target.addEventListener(KEYSTORE_CHANGE_EVENT, onChange);
  unwatchers.set(config, () => target.removeEventListener(KEYSTORE_CHANGE_EVENT, onChange));
}

async function wrapRejection<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof BaseError) throw error;
    throw new UserRejectedRequestError(action, { cause: error });
  }
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
