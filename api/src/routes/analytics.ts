import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { getBotAnalytics } from '../services/analytics/get-bot-analytics.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

const day = z.iso.date().meta({ example: '2026-11-01' });

/** Per bot per day: conversations, messages, tokens, leads (issue 4, part 8). */
export function analyticsRoutes(deps: AppDeps): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/analytics',
      tag: 'analytics',
      summary: 'Daily counters of a bot between `from` and `to` (UTC days, at most 366; default the last 30)',
      auth: 'sessionOrApiKey',
      params: z.object({ orgId: orgIdSchema, botId: uuidSchema }),
      query: z
        .object({ from: day.optional(), to: day.optional() })
        .refine((q) => !q.from || !q.to || q.from <= q.to, 'from must not be after to')
        .refine(
          (q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000,
          'at most 366 days',
        ),
      response: z.object({
        days: z.array(
          z.object({
            day: z.string(),
            conversations: z.number(),
            messages: z.number(),
            promptTokens: z.number(),
            completionTokens: z.number(),
            leads: z.number(),
          }),
        ),
        totals: z.object({
          conversations: z.number(),
          messages: z.number(),
          promptTokens: z.number(),
          completionTokens: z.number(),
          leads: z.number(),
        }),
      }),
      handler: async ({ params, query, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        const to = query.to ? new Date(`${query.to}T00:00:00Z`) : now;
        const from = query.from
          ? new Date(`${query.from}T00:00:00Z`)
          : new Date(to.getTime() - 29 * 86_400_000);
        return getBotAnalytics({ db: deps.db, ...params, principal, from, to });
      },
    }),
  ];
}
