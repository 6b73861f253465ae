/**
 * Typed thin client of the billing contract over any ChainClient. Generic `query`/`execute`
 * cover every message (typed from the generated billing.ts); the named helpers are the calls
 * with more to them than one message: creating an org (returns its id) and paying.
 */
import type { ChainClient, Coin, TxResult } from '../chain/chain-client.js';
import { ContractError } from '../chain/errors.js';
import type { BillingMessages, ExecuteMsg, QueryMsg, ReceiveMsg } from './billing.js';
import { eventAttribute, type TypedContract, typedContract, type VariantArgs } from './typed-contract.js';

/** How a payment is made: a token Send (cw20 / SNIP-20) or native coins attached to the call. */
export type Payment = { token: string; amount: string } | { native: Coin };

export interface BillingClient extends TypedContract<ExecuteMsg, QueryMsg, BillingMessages['responses']> {
  /** creates an org owned by the signer and returns its id */
  createOrg(name: string): Promise<{ orgId: number; tx: TxResult }>;
  subscribe(params: VariantArgs<ReceiveMsg, 'subscribe'> & { payment: Payment }): Promise<TxResult>;
  deposit(params: { org_id: number; payment: Payment }): Promise<TxResult>;
}

export function billingClient(chain: ChainClient, address: string): BillingClient {
  const contract = typedContract<ExecuteMsg, QueryMsg, BillingMessages['responses']>(chain, address);

  /** token payments go through the token's Send and billing's `receive`; native ones attach funds */
  function pay(receive: ReceiveMsg, payment: Payment): Promise<TxResult> {
    if ('token' in payment) {
      return chain.sendToken({
        token: payment.token,
        recipient: address,
        amount: payment.amount,
        msg: receive,
      });
    }
    return chain.execute(address, receive, { funds: [payment.native] });
  }

  return {
    ...contract,
    async createOrg(name) {
      const tx = await contract.execute('create_org', { name });
      const orgId = Number(eventAttribute(tx, 'org_id'));
      if (!Number.isSafeInteger(orgId)) throw new ContractError('create_org returned no org_id attribute');
      return { orgId, tx };
    },
    subscribe: ({ payment, ...subscribe }) => pay({ subscribe }, payment),
    deposit: ({ payment, ...deposit }) => pay({ deposit }, payment),
  };
}
