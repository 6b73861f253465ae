import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { reindexSource } from '../services/knowledge/reindex-source.js';
import { sourceViewSchema } from '../services/knowledge/source-view.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

/** Re-indexing a source: its chunks are embedded again, with progress as for an upload. */
export function sourceReindexRoutes(deps: AppDeps): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/bots/:botId/sources/:sourceId/reindex',
      tag: 'knowledge',
      summary: 'Embed a source’s chunks again; poll the source for its progress',
      auth: 'sessionOrApiKey',
      successStatus: 202,
      params: z.object({ orgId: orgIdSchema, botId: uuidSchema, sourceId: uuidSchema }),
      body: z.object({}).strict(),
      response: sourceViewSchema,
      handler: async ({ params, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        const source = await reindexSource({ db: deps.db, ...params, principal, requestId, now });
        deps.botPlatform.ingestion.kick();
        return source;
      },
    }),
  ];
}
