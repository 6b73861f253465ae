import type { ChainClient } from '@privexbot/schema/chain';
import { type BillingTypes, billingClient, type UsageTypes, usageClient } from '@privexbot/schema/contracts';
import {
  isReadNotGrantedFailure,
  type OrgPlan,
  type PlanQuotaSource,
  PlanQuotaUnavailableError,
  PlanReadNotGrantedError,
} from './org-plan.js';

/**
 * Plans from the billing contract's `subscription` query, usage from the usage contract's
 * `org_usage`. Both are private queries: the api proves the platform's reader address (an
 * auditor of every org) with a viewing key, and reads them the way any auditor would.
 */
export class ChainPlanQuotaSource implements PlanQuotaSource {
  constructor(
    private readonly chain: ChainClient,
    private readonly contracts: { billing: string; usage?: string | undefined },
    private readonly reader: { address: string; key: string },
  ) {}

  private auth() {
    return { viewing_key: { address: this.reader.address, key: this.reader.key } };
  }

  async planOf(orgId: string, now: Date): Promise<OrgPlan> {
    let subscription: BillingTypes.SubscriptionResponse;
    try {
      subscription = await billingClient(this.chain, this.contracts.billing).query('subscription', {
        org_id: Number(orgId),
        auth: this.auth(),
      });
    } catch (error) {
      if (isReadNotGrantedFailure(error))
        throw new PlanReadNotGrantedError(orgId, this.reader.address, { cause: error });
      throw new PlanQuotaUnavailableError(`billing subscription query failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const quotas = subscription.quotas ?? { bots: 0, messages: 0, knowledge_bytes: 0 };
    const { periodStart, periodEnd } = currentPeriod(subscription, now);
    return {
      active: subscription.active,
      planId: subscription.plan_id ?? null,
      quotas: {
        bots: quotas.bots ?? null,
        messages: quotas.messages ?? null,
        knowledgeBytes: quotas.knowledge_bytes ?? null,
      },
      periodStart,
      periodEnd,
    };
  }

  async chainMessagesUsed(orgId: string, fromDay: number, toDay: number): Promise<number | undefined> {
    if (!this.contracts.usage) return undefined;
    // The usage contract answers at most MAX_DAY_SPAN days a query: a period longer than a
    // year is summed over consecutive spans.
    let total = 0;
    for (let from = fromDay; from <= toDay; from += MAX_DAY_SPAN) {
      total += await this.messagesIn(orgId, from, Math.min(toDay, from + MAX_DAY_SPAN - 1));
    }
    return total;
  }

  private async messagesIn(orgId: string, fromDay: number, toDay: number): Promise<number> {
    if (!this.contracts.usage) return 0;
    let usage: UsageTypes.UsageResponse;
    try {
      usage = await usageClient(this.chain, this.contracts.usage).query('org_usage', {
        org_id: Number(orgId),
        from_day: fromDay,
        to_day: toDay,
        auth: this.auth(),
      });
    } catch (error) {
      if (isReadNotGrantedFailure(error))
        throw new PlanReadNotGrantedError(orgId, this.reader.address, { cause: error });
      throw new PlanQuotaUnavailableError(`usage org_usage query failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return Number(usage.total.messages);
  }
}

/** The usage contract's longest `org_usage` range (contracts/usage/src/msg.rs MAX_DAY_SPAN). */
const MAX_DAY_SPAN = 366;

/**
 * A paid subscription's period is the one the billing contract records: from `period_start`
 * (the subscription or the last renewal boundary; an immediate upgrade keeps it) to
 * `paid_until`. Never `paid_until - period_seconds`: after a switch to a plan of another
 * period that start lies in the future (every chat refused) or before the period (the old
 * plan's usage counted). A staked plan (no paid period) is counted in 30-day periods from
 * the Unix epoch, so every api process agrees on it.
 */
function currentPeriod(
  subscription: BillingTypes.SubscriptionResponse,
  now: Date,
): { periodStart: Date; periodEnd: Date } {
  const paid = subscription.paid;
  if (paid?.active && subscription.via !== 'stake') {
    // Timestamps are nanoseconds in a decimal string.
    const start = Number(BigInt(paid.period_start) / 1_000_000n);
    const end = Number(BigInt(paid.paid_until) / 1_000_000n);
    return { periodStart: new Date(Math.min(start, now.getTime())), periodEnd: new Date(end) };
  }
  const period = 30 * 86_400_000;
  const start = Math.floor(now.getTime() / period) * period;
  return { periodStart: new Date(start), periodEnd: new Date(start + period) };
}
