import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { getOrgUsage, MAX_ORG_USAGE_DAYS } from '../services/analytics/get-org-usage.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day as YYYY-MM-DD')
  .meta({ example: '2026-11-01' });

const counters = {
  conversations: z.number(),
  messages: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  leads: z.number(),
};

/** The org's off-chain counters per day, to compare with the usage contract's (PRODUCT.md journey 7). */
export function orgUsageRoutes(deps: AppDeps): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/usage',
      tag: 'analytics',
      summary: `Daily counters of the whole org (sum over its bots) between fromDay and toDay, inclusive UTC days (default: the 30 days to today), at most ${MAX_ORG_USAGE_DAYS} (400 RANGE_TOO_LONG above); days without activity are omitted`,
      auth: 'sessionOrApiKey',
      params: z.object({ orgId: orgIdSchema }),
      query: z.object({ fromDay: day.optional(), toDay: day.optional() }),
      response: z.object({ days: z.array(z.object({ day: z.string(), ...counters })) }),
      handler: async ({ params, query, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return getOrgUsage({ db: deps.db, orgId: params.orgId, principal, ...query, now });
      },
    }),
  ];
}
