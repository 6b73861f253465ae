import type { DappConfig } from '../config.js';
import type { UsageResponse } from '../contracts/contract-messages.js';
import { readContract } from './read-contract.js';

/** An org's per-day counters on chain, as the usage contract's generated client returns them. */
export type OnChainUsage = UsageResponse;

export interface GetOnChainUsageParameters {
  orgId: string;
  fromDay: number;
  toDay: number;
}

/** The usage contract's private per-day counters of an org (`org_usage`), read with the account's permit. */
export function getOnChainUsage(
  config: DappConfig,
  parameters: GetOnChainUsageParameters,
): Promise<OnChainUsage> {
  return readContract(config, {
    contract: 'usage',
    name: 'org_usage',
    args: { org_id: Number(parameters.orgId), from_day: parameters.fromDay, to_day: parameters.toDay },
  });
}

/** Unix days, as the usage contract counts them. */
export function unixDay(date: Date | number = Date.now()): number {
  return Math.floor(Number(date) / 86_400_000);
}

export function dayLabel(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
