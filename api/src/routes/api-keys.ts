import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { apiKeyScopeSchema } from '../services/access/api-key-scopes.js';
import { createApiKey } from '../services/api-keys/create-api-key.js';
import { listApiKeys } from '../services/api-keys/list-api-keys.js';
import { revokeApiKey } from '../services/api-keys/revoke-api-key.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export function apiKeyRoutes(deps: AppDeps): AnyRouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/api-keys',
      tag: 'api-keys',
      summary: 'Create an org API key (owner, admin); the key is in this response only',
      auth: 'session',
      params: z.object({ orgId: orgIdSchema }),
      body: z.object({
        name: z.string().trim().min(1).max(100),
        scopes: z.array(apiKeyScopeSchema).min(1).max(20),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
      response: apiKeySchema.extend({ key: z.string() }),
      successStatus: 201,
      handler: async ({ params, body, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return createApiKey({
          db,
          orgId: params.orgId,
          principal,
          name: body.name,
          scopes: body.scopes,
          ...(body.expiresInDays ? { expiresInDays: body.expiresInDays } : {}),
          requestId,
          now,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/api-keys',
      tag: 'api-keys',
      summary: 'API keys of this org, without their secrets (owner, admin)',
      auth: 'session',
      params: z.object({ orgId: orgIdSchema }),
      response: z.object({ apiKeys: z.array(apiKeySchema) }),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return { apiKeys: await listApiKeys({ db, orgId: params.orgId, principal }) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/orgs/:orgId/api-keys/:keyId',
      tag: 'api-keys',
      summary: 'Revoke an API key at once (owner, admin)',
      auth: 'session',
      params: z.object({ orgId: orgIdSchema, keyId: uuidSchema }),
      handler: async ({ params, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        await revokeApiKey({ db, orgId: params.orgId, keyId: params.keyId, principal, requestId, now });
      },
    }),
  ];
}
