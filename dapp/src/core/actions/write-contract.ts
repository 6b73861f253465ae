import type { Coin, TxResult } from '@privexbot/schema/chain';
import { type BillingClient, billingClient, type Payment } from '@privexbot/schema/contracts';
import { getChainClient } from '../chain/get-chain-client.js';
import { toDappError } from '../chain/to-dapp-error.js';
import type { DappConfig } from '../config.js';
import type { TypedContractName, WriteArgs, WriteName } from '../contracts/contract-messages.js';
import { requireConnectedAccount } from './connect-wallet.js';
import { resolveContract } from './get-contracts.js';
import { contractClient } from './read-contract.js';

/** One message of one contract, its arguments typed by the message's name. */
export type ContractCall = {
  [C in TypedContractName]: {
    [N in WriteName<C>]: { contract: C; name: N; args: WriteArgs<C, N>; funds?: Coin[] };
  }[WriteName<C>];
}[TypedContractName];

/**
 * A billing call that pays: by the token's Send (the contract's `receive`) or with native
 * coins, as the plan's asset says. A free plan is subscribed to by a plain `ContractCall`.
 */
export type PaidBillingCall =
  | { contract: 'billing'; name: 'subscribe'; args: WriteArgs<'billing', 'subscribe'>; payment: Payment }
  | { contract: 'billing'; name: 'deposit'; args: WriteArgs<'billing', 'deposit'>; payment: Payment };

export type WriteContractParameters = ContractCall | PaidBillingCall;

/** Signs and submits one contract call as the connected account, through the generated clients. */
export async function writeContract(
  config: DappConfig,
  parameters: WriteContractParameters,
): Promise<TxResult> {
  requireConnectedAccount(config, 'send transactions');
  try {
    if ('payment' in parameters) {
      const billing: BillingClient = billingClient(
        await getChainClient(config, { signing: true }),
        await resolveContract(config, 'billing'),
      );
      return parameters.name === 'subscribe'
        ? await billing.subscribe({ ...parameters.args, payment: parameters.payment })
        : await billing.deposit({ ...parameters.args, payment: parameters.payment });
    }
    const client = await contractClient(config, parameters.contract, { signing: true });
    return await client.execute(
      parameters.name as never,
      parameters.args as never,
      parameters.funds ? { funds: parameters.funds } : undefined,
    );
  } catch (error) {
    throw toDappError(error);
  }
}
