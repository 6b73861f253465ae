import type { DappConfig } from '../config.js';
import { apiRequest } from './api-request.js';

/** A mark (70, 85 or 95 %) of the plan's message quota that the org crossed in a billing period. */
export interface QuotaNotice {
  quota: 'messages';
  thresholdPct: number;
  used: number;
  limit: number;
  periodStart: string;
  crossedAt: string;
}

/** `GET /v1/orgs/:orgId/quota-notices`: newest period first, highest mark first. */
export function getQuotaNotices(config: DappConfig, parameters: { orgId: string }): Promise<QuotaNotice[]> {
  return apiRequest<{ notices: QuotaNotice[] }>(config, {
    path: `/v1/orgs/${encodeURIComponent(parameters.orgId)}/quota-notices`,
  }).then((body) => body.notices);
}
