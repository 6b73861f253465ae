import { AppError, AppErrorCode } from '../../http/app-error.js';
import {
  type OrgPlan,
  type PlanQuotaSource,
  PlanReaderNotConfiguredError,
  PlanReadNotGrantedError,
  utcDayOf,
} from './org-plan.js';
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
      throw (
        readRefusal(error) ??
        new AppError(
          AppErrorCode.CHAIN_UNAVAILABLE,
          'the chain cannot be reached to read this org’s plan; try again',
          { cause: error },
        )
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
      throw (
        readRefusal(error) ??
        new AppError(
          AppErrorCode.CHAIN_UNAVAILABLE,
          'the chain cannot be reached to read this org’s usage; try again',
          { cause: error },
        )
      );
    }
  }

  /** After a payment the dapp may ask for fresh numbers. */
  forget(orgId: string): void {
    this.plans.delete(orgId);
  }
}

/**
 * Refusals the user or the operator can act on, told apart from an unreachable chain: a
 * vague "try again" would never succeed for them.
 */
function readRefusal(error: unknown): AppError | undefined {
  if (error instanceof PlanReadNotGrantedError) {
    return new AppError(
      AppErrorCode.CHAIN_READ_NOT_GRANTED,
      `PrivexBot cannot read this org’s plan on chain: an owner or admin must grant read access by naming ${error.readerAddress} as an auditor of the org (Organizations page, "Let PrivexBot read this org’s plan and usage")`,
      { details: { readerAddress: error.readerAddress, orgId: error.orgId }, cause: error },
    );
  }
  if (error instanceof PlanReaderNotConfiguredError) {
    return new AppError(
      AppErrorCode.NOT_READY,
      'this server is not set up to read plans from the chain (no chain reader configured); tell its operator',
      { cause: error },
    );
  }
  return undefined;
}
