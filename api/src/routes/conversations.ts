import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema, paginationQuerySchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { getConversation, listConversations } from '../services/conversations/list-conversations.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

const botParams = z.object({ orgId: orgIdSchema, botId: uuidSchema });

/** Org members read a bot's conversations (issue 4, part 7). */
export function conversationRoutes(deps: AppDeps): AnyRouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/conversations',
      tag: 'conversations',
      summary: 'Conversations of a bot, most recent first (owner, admin, member)',
      auth: 'sessionOrApiKey',
      params: botParams,
      query: paginationQuerySchema.extend({
        /** words a message of the conversation contains (case-insensitive) */
        q: z.string().trim().min(1).max(200).optional(),
        /** conversations with a message on or after / before the end of these calendar days (UTC) */
        from: z.iso.date().optional(),
        to: z.iso.date().optional(),
      }),
      handler: async ({ params, query, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return {
          conversations: await listConversations({
            db,
            ...params,
            principal,
            limit: query.limit,
            after: query.after,
            search: query.q,
            fromDay: query.from,
            toDay: query.to,
          }),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/bots/:botId/conversations/:conversationId',
      tag: 'conversations',
      summary: 'One conversation with its messages and citations',
      auth: 'sessionOrApiKey',
      params: botParams.extend({ conversationId: uuidSchema }),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return getConversation({ db, ...params, principal });
      },
    }),
  ];
}
