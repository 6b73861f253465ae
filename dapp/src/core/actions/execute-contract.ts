import type { Coin, TxResult } from '@privexbot/schema/chain';
import { getChainClient } from '../chain/get-chain-client.js';
import { toDappError } from '../chain/to-dapp-error.js';
import type { DappConfig } from '../config.js';
import { requireConnectedAccount } from './connect-wallet.js';
import { resolveContract } from './get-contracts.js';

export type ExecuteContractParameters =
  | {
      kind?: 'execute';
      /** an address, or 'billing' | 'usage' | 'token' */
      contract: string;
      msg: object;
      funds?: Coin[];
      memo?: string;
    }
  | {
      /** a cw20/SNIP-20 `send` of the payment token to a contract, with its `receive` message */
      kind: 'sendToken';
      token?: string;
      recipient: string;
      amount: string;
      msg?: object;
      memo?: string;
    };

export type ExecuteContractReturnType = TxResult;

/** Signs and submits one contract call as the connected account. */
export async function executeContract(
  config: DappConfig,
  parameters: ExecuteContractParameters,
): Promise<ExecuteContractReturnType> {
  requireConnectedAccount(config, 'send transactions');
  try {
    const client = await getChainClient(config, { signing: true });
    if (parameters.kind === 'sendToken') {
      return await client.sendToken({
        token: await resolveContract(config, parameters.token ?? 'token'),
        recipient: await resolveContract(config, parameters.recipient),
        amount: parameters.amount,
        ...(parameters.msg ? { msg: parameters.msg } : {}),
        ...(parameters.memo ? { memo: parameters.memo } : {}),
      });
    }
    return await client.execute(await resolveContract(config, parameters.contract), parameters.msg, {
      ...(parameters.funds ? { funds: parameters.funds } : {}),
      ...(parameters.memo ? { memo: parameters.memo } : {}),
    });
  } catch (error) {
    throw toDappError(error);
  }
}
