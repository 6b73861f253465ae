/**
 * One way for a server process (relayer, deploy scripts) to get a signing ChainClient from its
 * configuration and a mnemonic, whichever the chain: the adapter decides how the key is
 * derived and how transactions are signed, so callers never branch on the chain themselves.
 * Each adapter is imported when it is asked for: a relayer on the devnet never loads secretjs
 * (tens of MB resident) when this module is imported on its own.
 */
import type { DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
// Keeps Node's fetch, which importing secretjs replaces (schema/src/fetch/native-fetch.ts says why); the
// adapters below are imported only later, on demand.
import { restoreNativeFetch } from '../fetch/native-fetch.js';
import type { ChainClient } from './chain-client.js';

export type ChainConnection =
  | {
      adapter: 'devnet';
      /** the devnet's HTTP API */
      url: string;
    }
  | {
      adapter: 'secret';
      /** LCD (REST) URL, e.g. http://localsecret:1317 */
      url: string;
      chainId: string;
      /** contract address → code hash; a contract left out is looked up once */
      codeHashes?: Record<string, string>;
      gasLimit?: number;
      /** e.g. "0.1uscrt" */
      gasPrice?: string;
      confirmPollMs?: number;
    }
  | {
      adapter: 'cosmwasm';
      /** Tendermint RPC URL, e.g. http://localhost:26657 */
      rpcUrl: string;
      /** e.g. "0.025ustake" */
      gasPrice: string;
      /** bech32 prefix of the chain's addresses, e.g. "wasm" */
      addressPrefix: string;
      /** defaults to cosmjs's m/44'/118'/0'/0/0 (coin type 118, as the deploy scripts derive) */
      hdPath?: string;
      nativeDenom?: string;
      /** how often a broadcast transaction is looked for in blocks; default 1 s */
      broadcastPollIntervalMs?: number;
    };

export interface ConnectSigningClientOptions {
  /** the devnet adapter's fetch (defaults to globalThis.fetch) */
  fetch?: typeof fetch;
}

/** The address a mnemonic signs as on that chain (Secret: coin type 529, as Keplr derives). */
export async function signingAddress(connection: ChainConnection, mnemonic: string): Promise<string> {
  switch (connection.adapter) {
    case 'devnet': {
      const { mnemonicSigner } = await import('./arbitrary-signer.js');
      return (await mnemonicSigner(mnemonic)).address;
    }
    case 'secret': {
      const { Wallet } = await import('secretjs');
      restoreNativeFetch();
      return new Wallet(mnemonic).address;
    }
    case 'cosmwasm': {
      const [account] = await (await cosmWasmWallet(connection, mnemonic)).getAccounts();
      return account?.address ?? '';
    }
  }
}

export async function connectSigningClient(
  connection: ChainConnection,
  mnemonic: string,
  options: ConnectSigningClientOptions = {},
): Promise<ChainClient> {
  switch (connection.adapter) {
    case 'devnet': {
      const [{ connectDevnet }, { mnemonicSigner }] = await Promise.all([
        import('./devnet-client.js'),
        import('./arbitrary-signer.js'),
      ]);
      return connectDevnet({
        url: connection.url,
        signer: await mnemonicSigner(mnemonic),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    }
    case 'secret': {
      const [{ Wallet }, { connectSecret }] = await Promise.all([
        import('secretjs'),
        import('./secret-client.js'),
      ]);
      restoreNativeFetch();
      const wallet = new Wallet(mnemonic);
      return connectSecret({
        url: connection.url,
        chainId: connection.chainId,
        wallet,
        walletAddress: wallet.address,
        ...(connection.codeHashes ? { codeHashes: connection.codeHashes } : {}),
        ...(connection.gasLimit ? { gasLimit: connection.gasLimit } : {}),
        ...(connection.gasPrice ? { gasPrice: connection.gasPrice } : {}),
        ...(connection.confirmPollMs ? { confirmPollMs: connection.confirmPollMs } : {}),
      });
    }
    case 'cosmwasm': {
      const { connectCosmWasm } = await import('./cosmwasm-client.js');
      return connectCosmWasm({
        rpcUrl: connection.rpcUrl,
        signer: await cosmWasmWallet(connection, mnemonic),
        gasPrice: connection.gasPrice,
        ...(connection.nativeDenom ? { nativeDenom: connection.nativeDenom } : {}),
        ...(connection.broadcastPollIntervalMs
          ? { broadcastPollIntervalMs: connection.broadcastPollIntervalMs }
          : {}),
      });
    }
  }
}

/** What reading needs of a ChainConnection (any ChainConnection is one). */
export type ReadOnlyChainConnection =
  | { adapter: 'devnet'; url: string }
  | { adapter: 'secret'; url: string; chainId: string; codeHashes?: Record<string, string> }
  | { adapter: 'cosmwasm'; rpcUrl: string; nativeDenom?: string };

/**
 * A ChainClient that only reads (queries, balances, status), for processes that sign nothing
 * on chain themselves, such as the api. Like connectSigningClient, it imports only the adapter
 * asked for.
 */
export async function connectReadOnlyClient(
  connection: ReadOnlyChainConnection,
  options: ConnectSigningClientOptions = {},
): Promise<ChainClient> {
  switch (connection.adapter) {
    case 'devnet': {
      const { connectDevnet } = await import('./devnet-client.js');
      return connectDevnet({ url: connection.url, ...(options.fetch ? { fetch: options.fetch } : {}) });
    }
    case 'secret': {
      const { connectSecret } = await import('./secret-client.js');
      restoreNativeFetch();
      return connectSecret({
        url: connection.url,
        chainId: connection.chainId,
        ...(connection.codeHashes ? { codeHashes: connection.codeHashes } : {}),
      });
    }
    case 'cosmwasm': {
      const { connectCosmWasm } = await import('./cosmwasm-client.js');
      return connectCosmWasm({
        rpcUrl: connection.rpcUrl,
        ...(connection.nativeDenom ? { nativeDenom: connection.nativeDenom } : {}),
      });
    }
  }
}

async function cosmWasmWallet(
  connection: Extract<ChainConnection, { adapter: 'cosmwasm' }>,
  mnemonic: string,
): Promise<DirectSecp256k1HdWallet> {
  const { cosmWasmWallet: walletOf } = await import('./cosmwasm-client.js');
  return walletOf(mnemonic, {
    prefix: connection.addressPrefix,
    ...(connection.hdPath ? { hdPath: connection.hdPath } : {}),
  });
}
