/**
 * ChainClient for Secret Network (mainnet secret-4, testnet pulsar-3, LocalSecret secretdev-1)
 * through secretjs 1.22. Every contract call carries the callee's code hash: pass the known
 * ones in `codeHashes` (from the deployment file) so no lookup is needed; others are fetched
 * once per address and cached.
 */
import { sha256 } from '@cosmjs/crypto';
import { toBase64, toHex } from '@cosmjs/encoding';
import {
  type CreateClientOptions,
  type EncryptionUtils,
  MsgExecuteContract,
  SecretNetworkClient,
  type TxResponse,
} from 'secretjs';

type Signer = NonNullable<CreateClientOptions['wallet']>;

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
  ContractError,
  classifyChainFailure,
  failureText,
  InvalidRequestError,
  SignerRequiredError,
  TimeoutError,
  UnauthorizedError,
} from './errors.js';
import { parseGasPrice } from './gas-price.js';
import { snip20SendMsg } from './token-messages.js';

export interface SecretClientOptions {
  /** LCD (REST) URL, e.g. http://localhost:1317 for LocalSecret */
  url: string;
  chainId: string;
  /** secretjs `Wallet`/`AminoWallet`, or Keplr's `getOfflineSignerOnlyAmino(chainId)` */
  wallet?: Signer;
  walletAddress?: string;
  /** contract address → code hash (hex) */
  codeHashes?: Record<string, string>;
  /** Keplr's `getEnigmaUtils(chainId)` in the browser, so Keplr can decrypt what it signs */
  encryptionUtils?: EncryptionUtils;
  /** gas limit of an execute; Secret charges the limit times the gas price */
  gasLimit?: number;
  /** gas limit of an upload (default 5,000,000) */
  uploadGasLimit?: number;
  /** fee per unit of gas, e.g. "0.1uscrt" (secretjs's default) or "0.0125uscrt" (LocalSecret's minimum) */
  gasPrice?: string;
  /**
   * How often to look for a broadcast transaction in a block (secretjs's default: 6 s, first
   * look after half of it). Blocks take about 6 s on mainnet and 1 s on LocalSecret.
   */
  confirmPollMs?: number;
}

/** Lower-case hex without 0x: the form secretjs and the enclave compare. */
export function normalizeCodeHash(codeHash: string): string {
  const hex = codeHash.replace(/^0x/i, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new InvalidRequestError(`not a code hash (64 hex digits): ${codeHash}`);
  return hex;
}

export function buildSecretExecuteMsg(params: {
  sender: string;
  contract: string;
  codeHash: string;
  msg: object;
  funds?: Coin[];
}): MsgExecuteContract<object> {
  return new MsgExecuteContract({
    sender: params.sender,
    contract_address: params.contract,
    code_hash: normalizeCodeHash(params.codeHash),
    msg: params.msg,
    sent_funds: params.funds ?? [],
  });
}

export function connectSecret(
  options: SecretClientOptions,
): ChainClient & { codeHash(address: string): Promise<string> } {
  if (options.wallet && !options.walletAddress) {
    throw new InvalidRequestError('a Secret client with a wallet needs walletAddress');
  }
  const secret = new SecretNetworkClient({
    url: options.url,
    chainId: options.chainId,
    ...(options.wallet ? { wallet: options.wallet, walletAddress: options.walletAddress } : {}),
    ...(options.encryptionUtils ? { encryptionUtils: options.encryptionUtils } : {}),
  });
  const codeHashes = new Map(
    Object.entries(options.codeHashes ?? {}).map(([address, hash]) => [address, normalizeCodeHash(hash)]),
  );
  const address = options.wallet ? options.walletAddress : undefined;
  const gasPrice = options.gasPrice === undefined ? undefined : parseGasPrice(options.gasPrice);
  const feeOptions = {
    ...(gasPrice ? { gasPriceInFeeDenom: gasPrice.amount, feeDenom: gasPrice.denom } : {}),
    ...(options.confirmPollMs ? { broadcastCheckIntervalMs: options.confirmPollMs } : {}),
  };

  async function codeHash(contract: string): Promise<string> {
    const known = codeHashes.get(contract);
    if (known) return known;
    const { code_hash } = await guard(() =>
      secret.query.compute.codeHashByContractAddress({ contract_address: contract }),
    );
    if (!code_hash) throw classifyChainFailure(`contract ${contract} not found`);
    const hash = normalizeCodeHash(code_hash);
    codeHashes.set(contract, hash);
    return hash;
  }

  async function query<T>(contract: string, msg: object): Promise<T> {
    const result = await guard(async () =>
      secret.query.compute.queryContract<object, T | string>({
        contract_address: contract,
        code_hash: await codeHash(contract),
        query: msg,
      }),
    );
    // secretjs returns a contract's query error as a plain string instead of throwing.
    if (typeof result === 'string') throw new ContractError(result);
    return result as T;
  }

  async function execute(contract: string, msg: object, execute: ExecuteOptions = {}): Promise<TxResult> {
    if (!address) throw new SignerRequiredError(`execute on ${contract}`);
    const sender = address;
    const message = buildSecretExecuteMsg({
      sender,
      contract,
      codeHash: await codeHash(contract),
      msg,
      ...(execute.funds ? { funds: execute.funds } : {}),
    });
    const response = await guard(() =>
      secret.tx.broadcast([message], {
        gasLimit: options.gasLimit ?? 300_000,
        memo: execute.memo ?? '',
        ...feeOptions,
      }),
    );
    return toTxResult(response);
  }

  /** The code's hash as Secret Network wants it: the one given, or the chain's. */
  async function hashOfCode(codeId: number, given: string | undefined): Promise<string> {
    if (given) return normalizeCodeHash(given);
    const { code_hash } = await guard(() =>
      secret.query.compute.codeHashByCodeId({ code_id: String(codeId) }),
    );
    return normalizeCodeHash(code_hash ?? '');
  }

  function requireAddress(action: string): string {
    if (!address) throw new SignerRequiredError(action);
    return address;
  }

  return {
    chainId: options.chainId,
    address,
    codeHash,
    async upload(wasm: Uint8Array): Promise<UploadResult> {
      const sender = requireAddress('upload');
      const response = await guard(() =>
        secret.tx.compute.storeCode(
          { sender, wasm_byte_code: wasm, source: '', builder: '' },
          { gasLimit: options.uploadGasLimit ?? 5_000_000, ...feeOptions },
        ),
      );
      const tx = toTxResult(response);
      const codeId = Number(logValue(response, 'code_id'));
      if (!Number.isSafeInteger(codeId)) throw new ContractError('the upload returned no code_id');
      return { codeId, codeHash: toHex(sha256(wasm)), txHash: tx.txHash };
    },
    async instantiate(params: InstantiateParams): Promise<InstantiateResult> {
      const sender = requireAddress('instantiate');
      const hash = await hashOfCode(params.codeId, params.codeHash);
      const response = await guard(() =>
        secret.tx.compute.instantiateContract(
          {
            sender,
            code_id: params.codeId,
            code_hash: hash,
            init_msg: params.msg,
            label: params.label,
            init_funds: params.funds ?? [],
            ...(params.admin ? { admin: params.admin } : {}),
          },
          { gasLimit: options.gasLimit ?? 500_000, ...feeOptions },
        ),
      );
      const tx = toTxResult(response);
      const contract = logValue(response, 'contract_address');
      if (!contract) throw new ContractError('the instantiation returned no contract_address');
      codeHashes.set(contract, hash);
      return { address: contract, txHash: tx.txHash };
    },
    async migrate(params: MigrateParams): Promise<TxResult> {
      const sender = requireAddress(`migrate ${params.contract}`);
      const hash = await hashOfCode(params.codeId, params.codeHash);
      const response = await guard(() =>
        secret.tx.compute.migrateContract(
          {
            sender,
            contract_address: params.contract,
            code_id: params.codeId,
            code_hash: hash,
            msg: params.msg,
          },
          { gasLimit: options.gasLimit ?? 500_000, ...feeOptions },
        ),
      );
      // later calls must be encrypted for the new code
      codeHashes.set(params.contract, hash);
      return toTxResult(response);
    },
    async nativeBalance(owner: string, denom = NATIVE_DENOM): Promise<Coin> {
      const { balance } = await guard(() => secret.query.bank.balance({ address: owner, denom }));
      return { denom, amount: balance?.amount ?? '0' };
    },
    async tokenBalance(token: string, owner: string, auth?: QueryAuth): Promise<string> {
      if (!auth)
        throw new UnauthorizedError('a SNIP-20 balance needs a viewing key or a permit', 'UNAUTHORIZED');
      const msg =
        'viewingKey' in auth
          ? { balance: { address: owner, key: auth.viewingKey } }
          : { with_permit: { permit: auth.permit, query: { balance: {} } } };
      const result = await query<{ balance?: { amount: string }; viewing_key_error?: { msg: string } }>(
        token,
        msg,
      );
      if (result.viewing_key_error) throw new UnauthorizedError(result.viewing_key_error.msg, 'UNAUTHORIZED');
      if (!result.balance) throw new ContractError(`unexpected balance answer: ${JSON.stringify(result)}`);
      return result.balance.amount;
    },
    query,
    execute,
    async sendToken(params: TokenSendParams): Promise<TxResult> {
      const msg = snip20SendMsg({ ...params, recipientCodeHash: await codeHash(params.recipient) });
      return execute(params.token, msg, params.memo ? { memo: params.memo } : {});
    },
    async waitForTx(txHash: string, wait: WaitForTxOptions = {}): Promise<TxResult> {
      const deadline = Date.now() + (wait.timeoutMs ?? 60_000);
      for (;;) {
        const response = await guard(() => secret.query.getTx(txHash));
        if (response) return toTxResult(response);
        if (Date.now() >= deadline) throw new TimeoutError(`transaction ${txHash} was not found in time`);
        await new Promise((resolve) => setTimeout(resolve, wait.pollIntervalMs ?? 1_000));
      }
    },
  };
}

function logValue(response: TxResponse, key: string): string | undefined {
  return response.arrayLog?.find((log) => log.type === 'message' && log.key === key)?.value;
}

function toTxResult(response: TxResponse): TxResult {
  if (response.code !== 0)
    throw classifyChainFailure(response.rawLog, { details: { txHash: response.transactionHash } });
  const data = response.data[0];
  return {
    txHash: response.transactionHash,
    height: response.height,
    gasUsed: response.gasUsed,
    events: response.events.map((event) => ({
      type: event.type ?? '',
      attributes: (event.attributes ?? []).map((attribute) => ({
        key: String(attribute.key ?? ''),
        value: String(attribute.value ?? ''),
      })),
    })),
    ...(data && data.length > 0 ? { data: toBase64(data) } : {}),
  };
}

async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ChainError) throw error;
    throw classifyChainFailure(failureText(error), { cause: error });
  }
}
