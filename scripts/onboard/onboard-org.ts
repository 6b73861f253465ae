/**
 * The owner's first three transactions, in one call: create an org, subscribe it to a plan
 * (Free included: a free plan is subscribed to without payment) and name the platform's chain
 * reader as its auditor, without which the api refuses bot creation (CHAIN_READ_NOT_GRANTED).
 * Each step is skipped when already done, so a rerun after a failure finishes the job.
 */
import type { ChainClient, TxResult } from '@privexbot/schema/chain';
import { billingClient } from '@privexbot/schema/contracts';

export interface OnboardOrgOptions {
  /** a ChainClient signing as the future owner */
  chain: ChainClient;
  billing: string;
  /** the org to create, or `orgId` of one the signer owns already */
  name?: string;
  orgId?: number;
  /** plan name, as the billing contract lists it (case-insensitive); default Free */
  plan?: string;
  periods?: number;
  /** the api's chain reader (GET /v1/platform → chainReaderAddress) */
  readerAddress: string;
  log?: (line: string) => void;
}

export interface OnboardOrgResult {
  orgId: number;
  planId: number;
  transactions: { step: 'create_org' | 'subscribe' | 'grant_reader'; txHash: string }[];
}

export async function onboardOrg(options: OnboardOrgOptions): Promise<OnboardOrgResult> {
  const log = options.log ?? (() => undefined);
  const billing = billingClient(options.chain, options.billing);
  const transactions: OnboardOrgResult['transactions'] = [];
  const record = (step: OnboardOrgResult['transactions'][number]['step'], tx: TxResult) => {
    transactions.push({ step, txHash: tx.txHash });
    log(`${step}: ${tx.txHash}`);
  };

  const { plans } = await billing.query('plans', {});
  const wanted = (options.plan ?? 'Free').toLowerCase();
  const plan = plans.find((candidate) => candidate.name.toLowerCase() === wanted);
  if (!plan)
    throw new Error(
      `no plan named "${options.plan ?? 'Free'}": the contract offers ${plans.map((p) => p.name).join(', ')}`,
    );

  // Checked before anything is signed: a new org is in no plan's restriction list.
  if (plan.restricted_to && (options.orgId === undefined || !plan.restricted_to.includes(options.orgId)))
    throw new Error(
      `plan ${plan.name} is not offered to ${options.orgId === undefined ? 'a new org' : `org ${options.orgId}`}`,
    );
  let orgId = options.orgId;
  if (orgId === undefined) {
    if (!options.name?.trim()) throw new Error('give the org a name (or the id of an org you own)');
    const created = await billing.createOrg(options.name.trim());
    orgId = created.orgId;
    record('create_org', created.tx);
  }

  const current = await billing.query('org_plan', { org_id: orgId });
  if (current.active && current.plan_id === plan.id) {
    log(`subscribe: org ${orgId} is already on ${plan.name}`);
  } else {
    const periods = options.periods ?? 1;
    const amount = (BigInt(plan.price.amount) * BigInt(periods)).toString();
    const args = { org_id: orgId, plan_id: plan.id, periods };
    const asset = plan.price.asset;
    const tx =
      amount === '0'
        ? await billing.execute('subscribe', args)
        : await billing.subscribe({
            ...args,
            payment:
              'token' in asset
                ? { token: asset.token.address, amount }
                : { native: { denom: asset.native.denom, amount } },
          });
    record('subscribe', tx);
  }

  const org = await billing.query('org', { id: orgId });
  if (org.auditors.includes(options.readerAddress)) {
    log('grant_reader: the platform reader is already an auditor');
  } else {
    record(
      'grant_reader',
      await billing.execute('add_org_role', {
        org_id: orgId,
        role: 'auditor',
        address: options.readerAddress,
      }),
    );
  }
  return { orgId, planId: plan.id, transactions };
}
