/**
 * The signed envelope of every state change sent to the devnet. Shared by the devnet client
 * (which signs) and the devnet server (which verifies), so both agree on the bytes.
 */
import type { StdSignature } from '@cosmjs/amino';
import { canonicalJson } from './canonical-json.js';
import type { Coin } from './chain-client.js';

export interface DevnetTx {
  chain_id: string;
  /** a contract address, or a devnet module: `devnet:faucet`, `devnet:clock`, `devnet:wasm` */
  contract: string;
  msg: object;
  funds: Coin[];
  /** single use per sender; any 8..128 characters of [A-Za-z0-9_-] */
  nonce: string;
  /** part of the signed bytes only when non-empty */
  memo?: string;
}

export interface SignedDevnetTx {
  tx: DevnetTx;
  signer: string;
  signature: StdSignature;
}

export const DEVNET_FAUCET = 'devnet:faucet';
export const DEVNET_CLOCK = 'devnet:clock';
/** uploads (`{store_code:{checksum}}`, the wasm travels beside the envelope) and instantiations */
export const DEVNET_WASM = 'devnet:wasm';

/** The body of `POST /upload`: the signed envelope names the wasm by its SHA-256. */
export interface DevnetUploadBody extends SignedDevnetTx {
  wasm: string;
}

/** The exact string the sender signs with ADR-36: canonical JSON of the envelope. */
export function devnetSignBytes(tx: DevnetTx): string {
  const { memo, ...signed } = tx;
  return canonicalJson(memo ? { ...signed, memo } : signed);
}

export function newNonce(): string {
  return globalThis.crypto.randomUUID();
}
