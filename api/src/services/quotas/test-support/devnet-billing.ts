import {
  connectDevnet,
  type DevnetChainClient,
  devOnlyAccount,
  mnemonicSigner,
} from '@privexbot/schema/chain';
import { eventAttribute } from '@privexbot/schema/contracts';
import type { DevnetProcess } from '../../../testing/start-devnet-process.js';

/** A DEV-ONLY account signing on the devnet. */
export async function devnetAccount(
  devnet: DevnetProcess,
  role: 'operator' | 'alice' | 'bob' | 'relayer',
): Promise<DevnetChainClient> {
  return connectDevnet({ url: devnet.url, signer: await mnemonicSigner(devOnlyAccount(role).mnemonic) });
}

/** An attribute the transaction must have emitted (a new plan_id, org_id). */
export function requiredAttribute(result: Parameters<typeof eventAttribute>[0], key: string): string {
  const value = eventAttribute(result, key);
  if (value === undefined) throw new Error(`the transaction emitted no ${key} attribute`);
  return value;
}

/** A free plan (price 0, 30-day period) created by the operator; returns its id. */
export async function createFreePlan(
  operator: DevnetChainClient,
  devnet: DevnetProcess,
  plan: { name: string; quotas: { messages: number; bots: number; knowledge_bytes: number } },
): Promise<number> {
  const created = await operator.execute(devnet.contracts.billing, {
    create_plan: {
      plan: {
        name: plan.name,
        price: { asset: { token: { address: devnet.contracts.token } }, amount: '0' },
        period_seconds: 30 * 86_400,
        quotas: plan.quotas,
        stake_amount: null,
        restricted_to: null,
      },
    },
  });
  return Number(requiredAttribute(created, 'plan_id'));
}

/** An org created by `owner`; returns its id. */
export async function createOrg(
  owner: DevnetChainClient,
  devnet: DevnetProcess,
  name: string,
): Promise<string> {
  return requiredAttribute(await owner.execute(devnet.contracts.billing, { create_org: { name } }), 'org_id');
}
