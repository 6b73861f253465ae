import type { QueryPermit } from '@privexbot/schema/chain';
import type { DappConfig } from '../config.js';
import { queryContract } from './query-contract.js';

export interface UsageCounters {
  messages: string;
  prompt_tokens: string;
  completion_tokens: string;
}

export interface OnChainUsage {
  org_id: number;
  days: { day: number; counters: UsageCounters }[];
  total: UsageCounters;
}

export interface GetOnChainUsageParameters {
  orgId: string;
  fromDay: number;
  toDay: number;
  /** an auditor's permit pasted by hand; otherwise the connected account signs one */
  permit?: QueryPermit;
}

/** The usage contract's private per-day counters of an org (`org_usage`), read with a permit. */
export async function getOnChainUsage(
  config: DappConfig,
  parameters: GetOnChainUsageParameters,
): Promise<OnChainUsage> {
  const msg = {
    org_usage: { org_id: Number(parameters.orgId), from_day: parameters.fromDay, to_day: parameters.toDay },
  };
  // A pasted permit is used as it is; otherwise the connected account's (signed anew if revoked).
  if (parameters.permit) {
    return queryContract<OnChainUsage>(config, {
      contract: 'usage',
      msg: { org_usage: { ...msg.org_usage, auth: { permit: parameters.permit } } },
    });
  }
  return queryContract<OnChainUsage>(config, { contract: 'usage', msg, private: true });
}

/** Unix days, as the usage contract counts them. */
export function unixDay(date: Date | number = Date.now()): number {
  return Math.floor(Number(date) / 86_400_000);
}

export function dayLabel(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
