/**
 * ChainClient for any CosmWasm chain (the vanilla build of the contracts, cw20 as the payment
 * token) through @cosmjs/cosmwasm-stargate.
 */
import type { StdFee } from '@cosmjs/amino';
import {
  CosmWasmClient,
  type DeliverTxResponse,
  type IndexedTx,
  type MsgExecuteContractEncodeObject,
  type MsgInstantiateContractEncodeObject,
  type MsgMigrateContractEncodeObject,
  type MsgStoreCodeEncodeObject,
  SigningCosmWasmClient,
} from '@cosmjs/cosmwasm-stargate';
import { stringToPath } from '@cosmjs/crypto';
import { toBase64, toUtf8 } from '@cosmjs/encoding';
import { DirectSecp256k1HdWallet, type OfflineSigner } from '@cosmjs/proto-signing';
import {
  MsgExecuteContractResponse,
  MsgInstantiateContractResponse,
} from 'cosmjs-types/cosmwasm/wasm/v1/tx.js';
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
  ChainError,
  classifyChainFailure,
  failureText,
  InvalidRequestError,
  NotFoundError,
  SignerRequiredError,
  TimeoutError,
} from './errors.js';
import { type GasPriceValue, parseGasPrice } from './gas-price.js';
import { cw20SendMsg } from './token-messages.js';

export { type GasPriceValue, parseGasPrice };

export interface CosmWasmClientOptions {
  /** Tendermint RPC URL, e.g. http://localhost:26657 */
  rpcUrl: string;
  /** a cosmjs signer (DirectSecp256k1HdWallet, Keplr's getOfflineSigner); omit for read-only */
  signer?: OfflineSigner;
  /** e.g. "0.025ustake"; required with a signer (fees are estimated by simulation) */
  gasPrice?: string;
  /** the chain's native denom for `nativeBalance` defaults */
  nativeDenom?: string;
  /**
   * How often a broadcast transaction is looked for in blocks (default 1 s). cosmjs's own
   * default, 3 s, made every transaction take at least 3 s even on a chain with 0.5 s blocks.
   */
  broadcastPollIntervalMs?: number;
}

const DEFAULT_BROADCAST_POLL_MS = 1_000;

export function buildExecuteMessage(params: {
  sender: string;
  contract: string;
  msg: object;
  funds?: Coin[];
}): MsgExecuteContractEncodeObject {
  return {
    typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract',
    value: {
      sender: params.sender,
      contract: params.contract,
      msg: toUtf8(JSON.stringify(params.msg)),
      funds: [...(params.funds ?? [])],
    },
  };
}

/**
 * The signer of a mnemonic on a CosmWasm chain: `prefix` addresses, cosmjs's default HD path
 * (m/44'/118'/0'/0/0) unless `hdPath` names another. Here, beside the adapter, and not in
 * connect-signing-client.ts: that module imports each adapter on demand, and a dynamic
 * `import('@cosmjs/proto-signing')` (a CommonJS package) loses its named exports in the
 * relayer's esbuild bundle; static imports do not.
 */
export function cosmWasmWallet(
  mnemonic: string,
  options: { prefix: string; hdPath?: string },
): Promise<DirectSecp256k1HdWallet> {
  return DirectSecp256k1HdWallet.fromMnemonic(mnemonic, {
    prefix: options.prefix,
    ...(options.hdPath ? { hdPaths: [stringToPath(options.hdPath)] } : {}),
  });
}

export async function connectCosmWasm(options: CosmWasmClientOptions): Promise<ChainClient> {
  if (options.signer && !options.gasPrice)
    throw new InvalidRequestError('a signing CosmWasm client needs gasPrice');
  let reader: CosmWasmClient;
  let writer: SigningCosmWasmClient | undefined;
  let address: string | undefined;
  try {
    if (options.signer) {
      writer = await SigningCosmWasmClient.connectWithSigner(options.rpcUrl, options.signer, {
        broadcastPollIntervalMs: options.broadcastPollIntervalMs ?? DEFAULT_BROADCAST_POLL_MS,
      });
      reader = writer;
      address = (await options.signer.getAccounts())[0]?.address;
    } else {
      reader = await CosmWasmClient.connect(options.rpcUrl);
    }
  } catch (error) {
    throw asChainError(error);
  }
  const chainId = await guard(() => reader.getChainId());
  const gasPrice = options.gasPrice ? parseGasPrice(options.gasPrice) : undefined;
  const nativeDenom = options.nativeDenom ?? NATIVE_DENOM;

  function signing(action: string): { signer: SigningCosmWasmClient; sender: string; price: GasPriceValue } {
    if (!writer || !address || !gasPrice) throw new SignerRequiredError(action);
    return { signer: writer, sender: address, price: gasPrice };
  }

  /** One message, its fee from a simulation; a refusal in the block is thrown as a ChainError. */
  async function broadcast(
    action: string,
    build: (sender: string) => MsgExecuteContractEncodeObject | MsgMigrateContractEncodeObject,
    memo = '',
  ): Promise<TxResult> {
    const { signer: signingClient, sender, price } = signing(action);
    const message = build(sender);
    const response = await guard(async () => {
      const fee = feeFor(await signingClient.simulate(sender, [message], memo), price);
      return signingClient.signAndBroadcast(sender, [message], fee, memo);
    });
    return toTxResult(response);
  }

  const execute = (contract: string, msg: object, execute: ExecuteOptions = {}): Promise<TxResult> =>
    broadcast(
      `execute on ${contract}`,
      (sender) =>
        buildExecuteMessage({ sender, contract, msg, ...(execute.funds ? { funds: execute.funds } : {}) }),
      execute.memo ?? '',
    );

  const client: ChainClient = {
    chainId,
    address,
    nativeBalance: (owner, denom = nativeDenom) => guard(() => reader.getBalance(owner, denom)),
    async tokenBalance(token: string, owner: string, _auth?: QueryAuth) {
      const { balance } = await client.query<{ balance: string }>(token, { balance: { address: owner } });
      return balance;
    },
    query: <T>(contract: string, msg: object) =>
      guard(() => reader.queryContractSmart(contract, msg) as Promise<T>),
    execute,
    async upload(wasm: Uint8Array): Promise<UploadResult> {
      const { signer: signingClient, sender, price } = signing('upload');
      const message: MsgStoreCodeEncodeObject = {
        typeUrl: '/cosmwasm.wasm.v1.MsgStoreCode',
        value: { sender, wasmByteCode: wasm },
      };
      const result = await guard(async () => {
        const fee = feeFor(await signingClient.simulate(sender, [message], ''), price);
        return signingClient.upload(sender, wasm, fee);
      });
      return { codeId: result.codeId, codeHash: result.checksum, txHash: result.transactionHash };
    },
    async instantiate(params: InstantiateParams): Promise<InstantiateResult> {
      const { signer: signingClient, sender, price } = signing('instantiate');
      const funds = [...(params.funds ?? [])];
      const message: MsgInstantiateContractEncodeObject = {
        typeUrl: '/cosmwasm.wasm.v1.MsgInstantiateContract',
        value: {
          sender,
          codeId: BigInt(params.codeId),
          label: params.label,
          msg: toUtf8(JSON.stringify(params.msg)),
          funds,
          admin: params.admin ?? '',
        },
      };
      const result = await guard(async () => {
        const fee = feeFor(await signingClient.simulate(sender, [message], ''), price);
        return signingClient.instantiate(
          sender,
          params.codeId,
          params.msg as Record<string, unknown>,
          params.label,
          fee,
          {
            funds,
            ...(params.admin ? { admin: params.admin } : {}),
          },
        );
      });
      return { address: result.contractAddress, txHash: result.transactionHash };
    },
    migrate: (params: MigrateParams) =>
      broadcast(`migrate ${params.contract}`, (sender) => ({
        typeUrl: '/cosmwasm.wasm.v1.MsgMigrateContract',
        value: {
          sender,
          contract: params.contract,
          codeId: BigInt(params.codeId),
          msg: toUtf8(JSON.stringify(params.msg)),
        },
      })),
    sendToken: (params: TokenSendParams) =>
      execute(params.token, cw20SendMsg(params), params.memo ? { memo: params.memo } : {}),
    async waitForTx(txHash: string, wait: WaitForTxOptions = {}) {
      const deadline = Date.now() + (wait.timeoutMs ?? 60_000);
      for (;;) {
        const tx = await guard(() => reader.getTx(txHash));
        if (tx) return toTxResult(tx);
        if (Date.now() >= deadline) throw new TimeoutError(`transaction ${txHash} was not found in time`);
        await new Promise((resolve) => setTimeout(resolve, wait.pollIntervalMs ?? 1_000));
      }
    },
  };
  return client;
}

/**
 * Fee for a simulated gas amount with a 1.4 safety margin (what cosmjs's "auto" does), written
 * here so this package needs only @cosmjs/cosmwasm-stargate, not @cosmjs/stargate's GasPrice.
 */
export function feeFor(simulatedGas: number, gasPrice: GasPriceValue): StdFee {
  const gas = Math.ceil(simulatedGas * 1.4);
  return {
    amount: [{ denom: gasPrice.denom, amount: String(Math.ceil(gas * gasPrice.amount)) }],
    gas: String(gas),
  };
}

function toTxResult(response: DeliverTxResponse | IndexedTx): TxResult {
  const txHash = 'transactionHash' in response ? response.transactionHash : response.hash;
  if (response.code !== 0) {
    throw classifyChainFailure(response.rawLog ?? `transaction failed with code ${response.code}`, {
      details: { txHash },
    });
  }
  const data = 'msgResponses' in response ? contractData(response.msgResponses[0]) : undefined;
  return {
    txHash,
    height: response.height,
    gasUsed: Number(response.gasUsed),
    events: response.events.map((event) => ({
      type: event.type,
      attributes: event.attributes.map(({ key, value }) => ({ key, value })),
    })),
    ...(data && data.length > 0 ? { data: toBase64(data) } : {}),
  };
}

/**
 * The contract's own response data. A node answers each message with its protobuf response
 * (`MsgExecuteContractResponse { data }`, `MsgInstantiateContractResponse { address, data }`):
 * the contract's bytes are inside it, not the response itself, which the devnet returns bare.
 */
function contractData(response: { typeUrl: string; value: Uint8Array } | undefined): Uint8Array | undefined {
  if (!response) return undefined;
  if (response.typeUrl === '/cosmwasm.wasm.v1.MsgExecuteContractResponse')
    return MsgExecuteContractResponse.decode(response.value).data;
  if (response.typeUrl === '/cosmwasm.wasm.v1.MsgInstantiateContractResponse')
    return MsgInstantiateContractResponse.decode(response.value).data;
  return undefined;
}

function asChainError(error: unknown): ChainError {
  if (error instanceof ChainError) return error;
  const text = failureText(error);
  // wasmd answers a query to an address without a contract "address …: no such contract".
  if (/no such contract/i.test(text)) return new NotFoundError(text, { cause: error });
  return classifyChainFailure(text, { cause: error });
}

async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asChainError(error);
  }
}
