/**
 * What the billing and usage contracts say about an org's plan, in the api's terms. `null`
 * quota = unlimited (the contract's `None`). Read through a PlanQuotaSource; cached briefly.
 */
export interface OrgPlan {
  /** Whether any plan is in force (paid or staked); an inactive org gets no quota at all. */
  active: boolean;
  planId: number | null;
  quotas: { bots: number | null; messages: number | null; knowledgeBytes: number | null };
  /** Start and end of the current billing period (messages are counted inside it). */
  periodStart: Date;
  periodEnd: Date;
}

export interface PlanQuotaSource {
  /** The plan in force for `orgId`, as the billing contract reports it. */
  planOf(orgId: string, now: Date): Promise<OrgPlan>;
  /**
   * Messages the usage contract has counted for the org over whole UTC days [fromDay, toDay]
   * (days since 1970-01-01), or undefined when the api has no right to read them (no viewing
   * key configured): the off-chain counters then stand alone.
   */
  chainMessagesUsed(orgId: string, fromDay: number, toDay: number): Promise<number | undefined>;
}

/** The chain cannot be asked right now (network, node down): distinct from "no plan". */
export class PlanQuotaUnavailableError extends Error {
  override readonly name = 'PlanQuotaUnavailableError';
}

export function utcDayOf(date: Date): number {
  return Math.floor(date.getTime() / 86_400_000);
}

/**
 * The chain answered, and refused: the org has not named the platform's reader as one of its
 * auditors, so its plan and usage are private to the api. Only the org can fix this.
 */
export class PlanReadNotGrantedError extends Error {
  override readonly name = 'PlanReadNotGrantedError';
  constructor(
    readonly orgId: string,
    readonly readerAddress: string,
    options?: { cause?: unknown },
  ) {
    super(`org ${orgId} has not named ${readerAddress} as an auditor`, options);
  }
}

/** This api has no reader (address and viewing key) configured: an operator's setting. */
export class PlanReaderNotConfiguredError extends Error {
  override readonly name = 'PlanReaderNotConfiguredError';
}

/** The contracts' wording when a viewing key's address holds no reading role in the org. */
export function isReadNotGrantedFailure(error: unknown): boolean {
  return /may not read (?:the usage of )?org/i.test(error instanceof Error ? error.message : String(error));
}
