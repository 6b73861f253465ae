import { AppError, AppErrorCode } from '../../http/app-error.js';
import { type OrgPlan, type PlanQuotaSource, utcDayOf } from './org-plan.js';
import { TtlCache } from './ttl-cache.js';

/**
 * The chain's answers about an org, cached for `ttlSeconds`: quotas change when someone pays
 * (rarely) and on-chain counters lag the relayer anyway, while every chat message asks.
 * A chain that cannot be reached becomes CHAIN_UNAVAILABLE (503), never a guess.
 */
export class CachedPlanQuotas {
  private readonly plans: TtlCache<OrgPlan>;
  private readonly chainUsage: TtlCache<number | undefined>;

  constructor(
    readonly source: PlanQuotaSource,
    ttlSeconds: number,
  ) {
    this.plans = new TtlCache(ttlSeconds * 1000);
    this.chainUsage = new TtlCache(ttlSeconds * 1000);
  }

  async planOf(orgId: string, now: Date): Promise<OrgPlan> {
    try {
      return await this.plans.get(orgId, now.getTime(), () => this.source.planOf(orgId, now));
    } catch (error) {
      throw new AppError(
        AppErrorCode.CHAIN_UNAVAILABLE,
        'the chain cannot be reached to read this org’s plan; try again',
        { cause: error },
      );
    }
  }

  async chainMessagesUsed(orgId: string, plan: OrgPlan, now: Date): Promise<number | undefined> {
    const from = utcDayOf(plan.periodStart);
    const to = utcDayOf(now);
    try {
      return await this.chainUsage.get(`${orgId}:${from}`, now.getTime(), () =>
        this.source.chainMessagesUsed(orgId, from, to),
      );
    } catch (error) {
      throw new AppError(
        AppErrorCode.CHAIN_UNAVAILABLE,
        'the chain cannot be reached to read this org’s usage; try again',
        { cause: error },
      );
    }
  }

  /** After a payment the dapp may ask for fresh numbers. */
  forget(orgId: string): void {
    this.plans.delete(orgId);
  }
}
