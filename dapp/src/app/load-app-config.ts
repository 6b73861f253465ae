/**
 * Builds the dapp's config from Vite's build-time variables (`VITE_*`, see README.md). The
 * defaults run against `npm start`: the devnet and the api behind Vite's dev proxy.
 */
import { type ChainSettings, createConfig, type DappConfig } from '../core/config.js';
import { localSecretChainInfo, pulsarChainInfo } from '../core/wallet/chain-infos.js';

type Env = Record<string, string | undefined>;

export function chainSettingsFromEnv(env: Env): ChainSettings {
  const kind = env.VITE_CHAIN_KIND === 'secret' ? 'secret' : 'devnet';
  const chainId = env.VITE_CHAIN_ID ?? (kind === 'devnet' ? 'privexbot-devnet-1' : 'secretdev-1');
  // Keplr cannot know the devnet; it signs for LocalSecret's id, which yields the same address.
  const walletChainId = env.VITE_WALLET_CHAIN_ID ?? (kind === 'devnet' ? 'secretdev-1' : chainId);
  const endpoints = {
    ...(env.VITE_RPC_URL ? { rpc: env.VITE_RPC_URL } : {}),
    ...(env.VITE_LCD_URL ? { rest: env.VITE_LCD_URL } : {}),
  };
  const suggestChainInfo =
    walletChainId === 'secretdev-1'
      ? localSecretChainInfo(endpoints)
      : walletChainId === 'pulsar-3'
        ? pulsarChainInfo(endpoints)
        : undefined;
  return {
    kind,
    chainId,
    walletChainId,
    ...(suggestChainInfo ? { suggestChainInfo } : {}),
    ...(kind === 'devnet' ? { devnetUrl: env.VITE_DEVNET_URL ?? '/devnet' } : {}),
    ...(env.VITE_LCD_URL ? { lcdUrl: env.VITE_LCD_URL } : {}),
    contracts: {
      ...(env.VITE_BILLING_CONTRACT ? { billing: env.VITE_BILLING_CONTRACT } : {}),
      ...(env.VITE_USAGE_CONTRACT ? { usage: env.VITE_USAGE_CONTRACT } : {}),
      ...(env.VITE_TOKEN_CONTRACT ? { token: env.VITE_TOKEN_CONTRACT } : {}),
    },
    ...(env.VITE_TX_EXPLORER_URL ? { txExplorerUrl: env.VITE_TX_EXPLORER_URL } : {}),
    // Dev keys only where the genesis mnemonics are worthless: the devnet and LocalSecret.
    devKeysAllowed: kind === 'devnet' || chainId === 'secretdev-1',
  };
}

export function loadAppConfig(env: Env = import.meta.env as Env): DappConfig {
  return createConfig({
    apiUrl: env.VITE_API_URL ?? '',
    relayerUrl: env.VITE_RELAYER_URL ?? '/relayer',
    chain: chainSettingsFromEnv(env),
    storage: window.localStorage,
  });
}
