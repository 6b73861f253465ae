import type { Coin } from '@privexbot/schema/chain';
import { getChainClient } from '../chain/get-chain-client.js';
import { toDappError } from '../chain/to-dapp-error.js';
import type { DappConfig } from '../config.js';
import { resolveContract } from './get-contracts.js';

export interface GetBalanceParameters {
  address: string;
  /** a native denom (default `uscrt`) ... */
  denom?: string;
  /** ... or a token contract, by address or as 'token' (the payment token) */
  token?: string;
}

export type GetBalanceReturnType = Coin;

/** A native balance, or a cw20/SNIP-20 one when `token` is given (`denom` is then the token). */
export async function getBalance(
  config: DappConfig,
  parameters: GetBalanceParameters,
): Promise<GetBalanceReturnType> {
  try {
    const client = await getChainClient(config, { signing: false });
    if (parameters.token) {
      const token = await resolveContract(config, parameters.token);
      return { denom: token, amount: await client.tokenBalance(token, parameters.address) };
    }
    return await client.nativeBalance(parameters.address, parameters.denom);
  } catch (error) {
    throw toDappError(error);
  }
}
