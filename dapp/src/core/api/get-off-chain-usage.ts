import { dayLabel } from '../actions/get-on-chain-usage.js';
import type { DappConfig } from '../config.js';
import { apiRequest } from './api-request.js';
import type { OffChainUsageDay } from './api-types.js';

/** The api's answer: days as YYYY-MM-DD (UTC), days without activity left out. */
interface ApiUsageDay extends Omit<OffChainUsageDay, 'day'> {
  day: string;
}

/**
 * The api's own daily counters of the org (UsageDaily summed over its bots,
 * `GET /v1/orgs/:orgId/usage`), to set beside the chain's. The page counts days as the usage
 * contract does (unix days); the api speaks calendar days: converted here, both ways.
 */
export function getOffChainUsage(
  config: DappConfig,
  parameters: { orgId: string; fromDay: number; toDay: number },
): Promise<OffChainUsageDay[]> {
  return apiRequest<{ days: ApiUsageDay[] }>(config, {
    path: `/v1/orgs/${encodeURIComponent(parameters.orgId)}/usage`,
    query: { fromDay: dayLabel(parameters.fromDay), toDay: dayLabel(parameters.toDay) },
  }).then((body) =>
    body.days.map((row) => ({ ...row, day: Math.floor(Date.parse(`${row.day}T00:00:00Z`) / 86_400_000) })),
  );
}
