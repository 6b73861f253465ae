/**
 * Chain descriptions for Keplr's `experimentalSuggestChain`: LocalSecret (the docker dev node)
 * and pulsar (Secret's testnet). Secret's mainnet is built into Keplr and needs no suggestion.
 * Both use the `secret` prefix and coin type 529, so one key has the same address on every one
 * of them and on the devnet.
 */
import type { ChainInfo } from '@keplr-wallet/types';

const scrt = { coinDenom: 'SCRT', coinMinimalDenom: 'uscrt', coinDecimals: 6, coinGeckoId: 'secret' };
const bech32Config = {
  bech32PrefixAccAddr: 'secret',
  bech32PrefixAccPub: 'secretpub',
  bech32PrefixValAddr: 'secretvaloper',
  bech32PrefixValPub: 'secretvaloperpub',
  bech32PrefixConsAddr: 'secretvalcons',
  bech32PrefixConsPub: 'secretvalconspub',
};
const feeCurrencies = [{ ...scrt, gasPriceStep: { low: 0.1, average: 0.25, high: 0.5 } }];

export function localSecretChainInfo(endpoints: { rpc?: string; rest?: string } = {}): ChainInfo {
  return {
    chainId: 'secretdev-1',
    chainName: 'LocalSecret',
    rpc: endpoints.rpc ?? 'http://localhost:26657',
    rest: endpoints.rest ?? 'http://localhost:1317',
    bip44: { coinType: 529 },
    bech32Config,
    currencies: [scrt],
    feeCurrencies,
    stakeCurrency: scrt,
    features: ['secretwasm'],
    isTestnet: true,
  };
}

export function pulsarChainInfo(endpoints: { rpc?: string; rest?: string } = {}): ChainInfo {
  return {
    chainId: 'pulsar-3',
    chainName: 'Secret Network testnet (pulsar-3)',
    rpc: endpoints.rpc ?? 'https://rpc.pulsar.scrttestnet.com',
    rest: endpoints.rest ?? 'https://api.pulsar.scrttestnet.com',
    bip44: { coinType: 529 },
    bech32Config,
    currencies: [scrt],
    feeCurrencies,
    stakeCurrency: scrt,
    features: ['secretwasm'],
    isTestnet: true,
  };
}
