/**
 * Network presets and the environment they read. Local networks (LocalSecret, the devnet) fall
 * back to the published DEV-ONLY accounts; public networks require every account explicitly.
 */
import { devOnlyAccount } from '@privexbot/schema/chain';
import { NETWORK_NAMES, type NetworkName } from './deployment-file.js';

export interface ResolvedNetwork {
  name: NetworkName;
  adapter: 'secret' | 'cosmwasm' | 'devnet';
  /** chain id the client expects; for cosmwasm the node's own (read at connect) wins */
  chainId: string;
  /** LCD (Secret), RPC (CosmWasm) or the devnet's HTTP API */
  url: string;
  /** Secret Network: deploy the `secret` wasm and pass code hashes */
  secret: boolean;
  mnemonic: string;
  /** the platform's chain reader's account (chain-reader.ts); default: the deployer's */
  readerMnemonic: string;
  /** the reader's viewing key when given; otherwise the deploy makes one */
  readerViewingKey?: string;
  relayers: string[];
  paymentToken?: { address: string; codeHash?: string };
  gasPrice?: string;
  addressPrefix: string;
  nativeDenom: string;
}

export class NetworkConfigError extends Error {
  override readonly name = 'NetworkConfigError';
}

/** Documented public default for the testnet (docs.scrt.network, "pulsar-3 testnet"). */
export const PULSAR_DEFAULT_LCD = 'https://pulsar.lcd.secretnodes.com';

export function resolveNetwork(name: string, env: Record<string, string | undefined>): ResolvedNetwork {
  if (!(NETWORK_NAMES as readonly string[]).includes(name)) {
    throw new NetworkConfigError(`--network must be one of ${NETWORK_NAMES.join(', ')} (got "${name}")`);
  }
  const network = name as NetworkName;
  const local = network === 'localsecret' || network === 'devnet';
  const required = (variable: string, why: string): string => {
    const value = env[variable]?.trim();
    if (!value) throw new NetworkConfigError(`${variable} is required for --network ${network}: ${why}`);
    return value;
  };

  // Never echo the mnemonic, not even in an error.
  const mnemonic = env.DEPLOYER_MNEMONIC?.trim() || (local ? devOnlyAccount('operator').mnemonic : undefined);
  if (!mnemonic) throw new NetworkConfigError(`DEPLOYER_MNEMONIC is required for --network ${network}`);

  const readerMnemonic = env.CHAIN_READER_MNEMONIC?.trim() || mnemonic;
  const readerViewingKey = env.CHAIN_READER_VIEWING_KEY?.trim() || undefined;
  if (readerViewingKey !== undefined && readerViewingKey.length < 16) {
    throw new NetworkConfigError('CHAIN_READER_VIEWING_KEY must be at least 16 characters');
  }

  const relayerList = (env.DEPLOY_RELAYER_ADDRESSES ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  const relayers = relayerList.length > 0 ? relayerList : local ? [devOnlyAccount('relayer').address] : [];
  if (relayers.length === 0) {
    throw new NetworkConfigError(
      `DEPLOY_RELAYER_ADDRESSES is required for --network ${network}: the accounts allowed to submit usage`,
    );
  }

  const tokenAddress = env.PAYMENT_TOKEN_ADDRESS?.trim();
  const tokenCodeHash = env.PAYMENT_TOKEN_CODE_HASH?.trim();
  const paymentToken = tokenAddress
    ? {
        address: tokenAddress,
        ...(tokenCodeHash ? { codeHash: tokenCodeHash.replace(/^0x/i, '').toLowerCase() } : {}),
      }
    : undefined;
  const common = {
    name: network,
    mnemonic,
    readerMnemonic,
    ...(readerViewingKey ? { readerViewingKey } : {}),
    relayers,
    ...(paymentToken ? { paymentToken } : {}),
  };

  switch (network) {
    case 'localsecret':
    case 'pulsar':
    case 'secret-4': {
      if (paymentToken && !paymentToken.codeHash) {
        throw new NetworkConfigError(
          'PAYMENT_TOKEN_CODE_HASH is required with PAYMENT_TOKEN_ADDRESS on Secret Network',
        );
      }
      const preset = {
        localsecret: { chainId: 'secretdev-1', url: env.SECRET_LCD_URL || 'http://localhost:1317' },
        pulsar: { chainId: 'pulsar-3', url: env.SECRET_LCD_URL || PULSAR_DEFAULT_LCD },
        'secret-4': { chainId: 'secret-4', url: env.SECRET_LCD_URL || '' },
      }[network];
      if (!preset.url) required('SECRET_LCD_URL', 'the mainnet LCD to deploy through');
      return {
        ...common,
        ...preset,
        adapter: 'secret',
        secret: true,
        addressPrefix: 'secret',
        nativeDenom: 'uscrt',
      };
    }
    case 'cosmwasm':
      return {
        ...common,
        adapter: 'cosmwasm',
        secret: false,
        chainId: env.COSMWASM_CHAIN_ID ?? '',
        url: required('COSMWASM_RPC_URL', 'the Tendermint RPC of the chain'),
        gasPrice: required('COSMWASM_GAS_PRICE', 'e.g. 0.025ustake'),
        addressPrefix: required('COSMWASM_ADDRESS_PREFIX', 'bech32 prefix, e.g. wasm'),
        nativeDenom: required('COSMWASM_NATIVE_DENOM', 'e.g. ustake'),
      };
    case 'devnet':
      return {
        ...common,
        adapter: 'devnet',
        secret: false,
        chainId: '',
        url: env.DEVNET_URL || 'http://127.0.0.1:26680',
        addressPrefix: 'secret',
        nativeDenom: 'uscrt',
      };
  }
}
