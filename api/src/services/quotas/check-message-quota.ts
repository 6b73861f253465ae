import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { CachedPlanQuotas } from './cached-plan-quotas.js';
import type { OrgPlan } from './org-plan.js';
import { recordQuotaNotices } from './record-quota-notices.js';

export interface MessageQuotaStatus {
  used: number;
  limit: number | null;
  periodStart: Date;
}

/**
 * The org's plan for a chat message: QUOTA_EXHAUSTED (402) when no plan is active. Cached
 * (CachedPlanQuotas), so normally no chain call. `usageSince` is the first UTC day of the
 * period when the plan has a message quota (what admitChatTurn sums), else null.
 */
export async function activePlanOf(options: {
  plans: CachedPlanQuotas;
  orgId: string;
  now: Date;
}): Promise<{ plan: OrgPlan; usageSince: Date | null }> {
  const plan = await options.plans.planOf(options.orgId, options.now);
  if (!plan.active) {
    throw new AppError(
      AppErrorCode.QUOTA_EXHAUSTED,
      'this organization has no active plan: the assistant cannot answer until the plan is renewed',
      { details: { reason: 'NO_ACTIVE_PLAN' } },
    );
  }
  const since = plan.periodStart;
  return {
    plan,
    usageSince:
      plan.quotas.messages === null
        ? null
        : new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate())),
  };
}

/**
 * Refuses a chat message with QUOTA_EXHAUSTED (402) when the org's plan has no message left
 * this period. Messages used = max(on-chain counter, off-chain UsageDaily sum) + messages held
 * by turns in flight: the chain and UsageDaily count the same answers, the chain only later
 * (the relayer batches), so the larger of the two is the usage including what is not on chain
 * yet, and nothing is counted twice; a held message is one admitted and not yet recorded.
 * Records a notice (and queues its webhook event) once per org, period and 70/85/95 % mark.
 */
export async function checkMessageQuota(options: {
  db: Database;
  orgId: string;
  plan: OrgPlan;
  /** Off-chain messages since the period's first day (admitChatTurn counted them). */
  offChainMessages: number;
  /** The chain's counter this period (CachedPlanQuotas.chainMessagesUsed); null: unknown. */
  onChainMessages: number | null;
  /** Messages of turns admitted and not recorded yet. */
  heldMessages: number;
  now: Date;
}): Promise<MessageQuotaStatus> {
  const { db, orgId, plan, now } = options;
  const limit = plan.quotas.messages;
  if (limit === null) return { used: 0, limit: null, periodStart: plan.periodStart };
  const used = Math.max(options.offChainMessages, options.onChainMessages ?? 0) + options.heldMessages;
  if (used >= limit) {
    throw new AppError(
      AppErrorCode.QUOTA_EXHAUSTED,
      'this organization has used all the messages of its plan for this period',
      {
        details: { reason: 'MESSAGES_EXHAUSTED', used, limit, periodEnd: plan.periodEnd.toISOString() },
      },
    );
  }
  await recordQuotaNotices({ db, orgId, periodStart: plan.periodStart, used: used + 1, limit, now });
  return { used, limit, periodStart: plan.periodStart };
}
