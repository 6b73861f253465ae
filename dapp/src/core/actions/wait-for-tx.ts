import type { TxResult } from '@privexbot/schema/chain';
import { getChainClient } from '../chain/get-chain-client.js';
import { toDappError } from '../chain/to-dapp-error.js';
import type { DappConfig } from '../config.js';

export interface WaitForTxParameters {
  txHash: string;
  timeoutMs?: number;
}

export type WaitForTxReturnType = TxResult;

export async function waitForTx(
  config: DappConfig,
  parameters: WaitForTxParameters,
): Promise<WaitForTxReturnType> {
  try {
    const client = await getChainClient(config, { signing: false });
    return await client.waitForTx(parameters.txHash, { timeoutMs: parameters.timeoutMs ?? 60_000 });
  } catch (error) {
    throw toDappError(error, parameters.txHash);
  }
}

/** A transaction's page on the chain's explorer, when the chain has one. */
export function txExplorerUrl(config: DappConfig, txHash: string): string | undefined {
  return config.chain.txExplorerUrl?.replace('{hash}', encodeURIComponent(txHash));
}
