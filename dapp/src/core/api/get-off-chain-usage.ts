import type { DappConfig } from '../config.js';
import { apiRequest } from './api-request.js';
import type { OffChainUsageDay } from './api-types.js';

/** The api's own daily counters (UsageDaily), to set beside the chain's. */
export function getOffChainUsage(
  config: DappConfig,
  parameters: { orgId: string; fromDay: number; toDay: number },
): Promise<OffChainUsageDay[]> {
  return apiRequest<{ days: OffChainUsageDay[] }>(config, {
    path: `/v1/orgs/${encodeURIComponent(parameters.orgId)}/usage`,
    query: { fromDay: parameters.fromDay, toDay: parameters.toDay },
  }).then((body) => body.days);
}
