import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { listLeads } from '../services/leads/list-leads.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

/** Leads a bot collected, decrypted for members who may read conversations (issue 4, part 7). */
export function leadRoutes(deps: AppDeps): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/leads',
      tag: 'leads',
      summary: 'Leads of a bot, newest first (owner, admin, member)',
      auth: 'sessionOrApiKey',
      params: z.object({ orgId: orgIdSchema, botId: uuidSchema }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      handler: async ({ params, query, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return {
          leads: await listLeads({
            db: deps.db,
            platform: deps.botPlatform,
            ...params,
            principal,
            limit: query.limit,
          }),
        };
      },
    }),
  ];
}
