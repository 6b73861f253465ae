import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { listQuotaNotices, quotaNoticeThresholds } from '../services/quotas/record-quota-notices.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

/** The marks of its plan's quota the org crossed (PRODUCT.md: alerts at 70, 85 and 95 %). */
export function quotaNoticeRoutes(deps: AppDeps): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/quota-notices',
      tag: 'analytics',
      summary: `The ${quotaNoticeThresholds.join(', ')} % marks of the plan's message quota that the org crossed, one per mark and billing period, newest period first; each was also sent to the org's webhooks as a \`quota.threshold_crossed\` event`,
      auth: 'sessionOrApiKey',
      params: z.object({ orgId: orgIdSchema }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(12) }),
      response: z.object({
        notices: z.array(
          z.object({
            quota: z.literal('messages'),
            thresholdPct: z.number(),
            used: z.number(),
            limit: z.number(),
            periodStart: z.string(),
            crossedAt: z.string(),
          }),
        ),
      }),
      handler: async ({ params, query, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return {
          notices: await listQuotaNotices({
            db: deps.db,
            orgId: params.orgId,
            principal,
            limit: query.limit,
          }),
        };
      },
    }),
  ];
}
