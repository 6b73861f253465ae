/**
 * The one interface everything above the chain (api, relayer, dapp, scripts) uses. Adapters:
 * the devnet over HTTP, any CosmWasm chain (cosmjs), Secret Network (secretjs). Every method
 * rejects with a ChainError subclass (see errors.ts), never with a library's own error type.
 */

export interface Coin {
  denom: string;
  /** integer amount in the smallest unit, as a decimal string */
  amount: string;
}

export interface TxEvent {
  type: string;
  attributes: { key: string; value: string }[];
}

export interface TxResult {
  txHash: string;
  height: number;
  gasUsed?: number;
  events: TxEvent[];
  /** the contract's response data, base64, when it returned any */
  data?: string;
}

export interface ExecuteOptions {
  funds?: Coin[];
  memo?: string;
}

export interface TokenSendParams {
  /** the payment token contract (cw20 or SNIP-20) */
  token: string;
  /** the contract that receives the tokens and the `msg` (billing, for a payment) */
  recipient: string;
  amount: string;
  /** the JSON message the recipient's `receive` handler gets; sent base64-encoded */
  msg?: object;
  memo?: string;
}

/** How a private query proves who asks: a SNIP-20 viewing key or a SNIP-24 permit. */
export type QueryAuth = { viewingKey: string } | { permit: QueryPermit };

export interface QueryPermit {
  params: {
    permit_name: string;
    allowed_tokens: string[];
    chain_id: string;
    permissions: string[];
  };
  signature: { pub_key: { type: string; value: string }; signature: string };
}

export interface WaitForTxOptions {
  timeoutMs?: number;
  pollIntervalMs?: number;
}

export interface UploadResult {
  codeId: number;
  /** SHA-256 of the wasm, lower-case hex: the code hash Secret Network requires in calls */
  codeHash: string;
  txHash: string;
}

export interface InstantiateParams {
  codeId: number;
  /** required on Secret Network; ignored elsewhere */
  codeHash?: string;
  msg: object;
  label: string;
  /** who may migrate the contract; none when omitted */
  admin?: string;
  funds?: Coin[];
}

export interface InstantiateResult {
  address: string;
  txHash: string;
}

export interface MigrateParams {
  contract: string;
  /** the new code */
  codeId: number;
  /** the new code's hash; required on Secret Network, ignored elsewhere */
  codeHash?: string;
  /** the new code's `migrate` message */
  msg: object;
}

export interface ChainClient {
  readonly chainId: string;
  /** the signer's address; undefined for a read-only client */
  readonly address: string | undefined;

  nativeBalance(address: string, denom?: string): Promise<Coin>;
  /**
   * A cw20/SNIP-20 balance. SNIP-20 (Secret) needs `auth`; cw20 ignores it.
   * Returns the amount as a decimal string.
   */
  tokenBalance(token: string, address: string, auth?: QueryAuth): Promise<string>;
  query<T = unknown>(contract: string, msg: object): Promise<T>;
  execute(contract: string, msg: object, options?: ExecuteOptions): Promise<TxResult>;
  /** cw20 `{send:{contract,amount,msg}}` or SNIP-20 `{send:{recipient,recipient_code_hash,amount,msg}}` */
  sendToken(params: TokenSendParams): Promise<TxResult>;
  /** Stores contract code (deploy scripts). */
  upload(wasm: Uint8Array): Promise<UploadResult>;
  instantiate(params: InstantiateParams): Promise<InstantiateResult>;
  /**
   * Moves a contract onto new code (its `migrate` entry point runs). Only the contract's chain
   * admin, set at instantiation, may: anyone else is refused with UnauthorizedError.
   */
  migrate(params: MigrateParams): Promise<TxResult>;
  /** Resolves once the transaction is in a block; rejects with TimeoutError after `timeoutMs`. */
  waitForTx(txHash: string, options?: WaitForTxOptions): Promise<TxResult>;
}

/** The native denomination of Secret Network (and of the devnet). */
export const NATIVE_DENOM = 'uscrt';
