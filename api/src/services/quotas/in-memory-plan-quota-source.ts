import type { OrgPlan, PlanQuotaSource } from './org-plan.js';

const unlimited: OrgPlan['quotas'] = { bots: null, messages: null, knowledgeBytes: null };

/**
 * Plans held in memory: for tests, and for running the api without a chain. An org without
 * an entry gets `defaultQuotas` (unlimited unless told otherwise) over a 30-day period.
 */
export class InMemoryPlanQuotaSource implements PlanQuotaSource {
  private readonly plans = new Map<string, Partial<OrgPlan>>();
  private readonly chainMessages = new Map<string, number>();
  calls = 0;
  unavailable = false;

  constructor(private readonly defaultQuotas: OrgPlan['quotas'] = unlimited) {}

  setPlan(
    orgId: string,
    plan: Omit<Partial<OrgPlan>, 'quotas'> & { quotas: Partial<OrgPlan['quotas']> },
  ): void {
    this.plans.set(orgId, { ...plan, quotas: { ...unlimited, ...plan.quotas } });
  }

  setChainMessagesUsed(orgId: string, messages: number): void {
    this.chainMessages.set(orgId, messages);
  }

  async planOf(orgId: string, now: Date): Promise<OrgPlan> {
    this.calls++;
    if (this.unavailable) throw new Error('chain unreachable (simulated)');
    const stored = this.plans.get(orgId) ?? {};
    // Like the chain's staked plans: 30-day periods from the epoch, the same for every call.
    const period = 30 * 86_400_000;
    const periodStart = stored.periodStart ?? new Date(Math.floor(now.getTime() / period) * period);
    return {
      active: stored.active ?? true,
      planId: stored.planId ?? null,
      quotas: stored.quotas ?? this.defaultQuotas,
      periodStart,
      periodEnd: stored.periodEnd ?? new Date(periodStart.getTime() + period),
    };
  }

  async chainMessagesUsed(orgId: string): Promise<number | undefined> {
    return this.chainMessages.get(orgId);
  }
}
