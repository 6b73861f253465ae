/**
 * ChainClient over the devnet's JSON HTTP API (scripts/devnet). Uses only `fetch`, so it runs
 * in Node and in the browser. State changes are ADR-36-signed envelopes (devnet-envelope.ts).
 */

import { toBase64, toHex } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import type { ArbitrarySigner } from './arbitrary-signer.js';
import type {
  ChainClient,
  Coin,
  ExecuteOptions,
  InstantiateParams,
  InstantiateResult,
  MigrateParams,
  QueryAuth,
  TokenSendParams,
  TxResult,
  UploadResult,
  WaitForTxOptions,
} from './chain-client.js';
import { NATIVE_DENOM } from './chain-client.js';
import {
  DEVNET_CLOCK,
  DEVNET_FAUCET,
  DEVNET_WASM,
  type DevnetTx,
  devnetSignBytes,
  newNonce,
  type SignedDevnetTx,
} from './devnet-envelope.js';
import { ChainError, chainErrorFromCode, NetworkError, SignerRequiredError, TimeoutError } from './errors.js';
import { cw20SendMsg } from './token-messages.js';

export interface DevnetContractInfo {
  address: string;
  codeId: number;
  codeHash: string;
}

export interface DevnetStatus {
  chainId: string;
  height: number;
  /** block time in nanoseconds since the epoch, as a decimal string */
  timeNs: string;
  contracts: Partial<Record<'billing' | 'usage' | 'token', DevnetContractInfo>>;
}

export interface DevnetClientOptions {
  /** base URL of the devnet, e.g. http://127.0.0.1:26680 */
  url: string;
  signer?: ArbitrarySigner;
  /** defaults to globalThis.fetch */
  fetch?: typeof fetch;
}

export interface DevnetChainClient extends ChainClient {
  status(): Promise<DevnetStatus>;
  /** dev only: credits the signer with native `uscrt` and/or payment tokens */
  faucet(amounts: { native?: string; token?: string }): Promise<TxResult>;
  /** moves block time forward (and adds blocks); time otherwise follows the wall clock */
  advanceTime(params: { seconds?: number; blocks?: number }): Promise<TxResult>;
}

export async function connectDevnet(options: DevnetClientOptions): Promise<DevnetChainClient> {
  const http = devnetHttp(options.url, options.fetch ?? globalThis.fetch.bind(globalThis));
  const { chainId } = await http.get<DevnetStatus>('/status');
  const signer = options.signer;

  async function submit<T = TxResult>(
    path: string,
    contract: string,
    msg: object,
    execute: ExecuteOptions = {},
    extraBody: Record<string, unknown> = {},
  ): Promise<T> {
    if (!signer) throw new SignerRequiredError(`${path} on ${contract}`);
    const tx: DevnetTx = {
      chain_id: chainId,
      contract,
      msg,
      funds: execute.funds ?? [],
      nonce: newNonce(),
      ...(execute.memo ? { memo: execute.memo } : {}),
    };
    const signature = await signer.signArbitrary(chainId, devnetSignBytes(tx));
    const body: SignedDevnetTx = { tx, signer: signer.address, signature };
    return http.post<T>(path, { ...body, ...extraBody });
  }

  const client: DevnetChainClient = {
    chainId,
    address: signer?.address,
    status: () => http.get<DevnetStatus>('/status'),
    nativeBalance: (address, denom = NATIVE_DENOM) =>
      http.get<Coin>(`/balance/${encodeURIComponent(address)}?denom=${encodeURIComponent(denom)}`),
    async tokenBalance(token: string, address: string, _auth?: QueryAuth) {
      const { balance } = await client.query<{ balance: string }>(token, { balance: { address } });
      return balance;
    },
    async query<T>(contract: string, msg: object) {
      const { data } = await http.post<{ data: T }>('/query', { contract, msg });
      return data;
    },
    execute: (contract, msg, options) => submit('/execute', contract, msg, options),
    sendToken: (params: TokenSendParams) =>
      submit('/execute', params.token, cw20SendMsg(params), params.memo ? { memo: params.memo } : {}),
    async upload(wasm: Uint8Array): Promise<UploadResult> {
      const checksum = toHex(sha256(wasm));
      const result = await submit<TxResult & { codeId: number; codeHash: string }>(
        '/upload',
        DEVNET_WASM,
        { store_code: { checksum } },
        {},
        { wasm: toBase64(wasm) },
      );
      return { codeId: result.codeId, codeHash: result.codeHash, txHash: result.txHash };
    },
    async instantiate(params: InstantiateParams): Promise<InstantiateResult> {
      const result = await submit<TxResult & { address: string }>(
        '/instantiate',
        DEVNET_WASM,
        {
          instantiate: {
            code_id: params.codeId,
            msg: params.msg,
            label: params.label,
            ...(params.admin ? { admin: params.admin } : {}),
          },
        },
        params.funds ? { funds: params.funds } : {},
      );
      return { address: result.address, txHash: result.txHash };
    },
    migrate: (params: MigrateParams) =>
      submit('/migrate', DEVNET_WASM, {
        migrate: { contract: params.contract, code_id: params.codeId, msg: params.msg },
      }),
    faucet: (amounts) => submit('/faucet', DEVNET_FAUCET, { faucet: amounts }),
    advanceTime: (params) => submit('/clock', DEVNET_CLOCK, { advance: params }),
    async waitForTx(txHash: string, wait: WaitForTxOptions = {}) {
      const deadline = Date.now() + (wait.timeoutMs ?? 30_000);
      for (;;) {
        try {
          return await http.get<TxResult>(`/tx/${encodeURIComponent(txHash)}`);
        } catch (error) {
          if (!(error instanceof ChainError && error.code === 'NOT_FOUND')) throw error;
        }
        if (Date.now() >= deadline) throw new TimeoutError(`transaction ${txHash} was not found in time`);
        await new Promise((resolve) => setTimeout(resolve, wait.pollIntervalMs ?? 250));
      }
    },
  };
  return client;
}

function devnetHttp(baseUrl: string, fetchFn: typeof fetch) {
  const base = baseUrl.replace(/\/+$/, '');
  async function request<T>(path: string, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await fetchFn(`${base}${path}`, init);
    } catch (cause) {
      throw new NetworkError(`devnet at ${base} is unreachable`, { cause });
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch (cause) {
      throw new NetworkError(`devnet answered ${response.status} with a body that is not JSON`, { cause });
    }
    if (response.ok) return body as T;
    const error = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
      ?.error;
    throw chainErrorFromCode(
      error?.code ?? 'INTERNAL',
      error?.message ?? `devnet answered ${response.status}`,
      {
        ...(error?.details ? { details: error.details } : {}),
      },
    );
  }
  return {
    get: <T>(path: string) => request<T>(path, { method: 'GET' }),
    post: <T>(path: string, body: unknown) =>
      request<T>(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
}
