import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { orgIdSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { findAccessibleOrg } from '../services/access/find-accessible-org.js';
import { listAuditLog } from '../services/audit/list-audit-log.js';
import { ensureFreshOrgMirror } from '../services/orgs/ensure-fresh-org-mirror.js';
import { getOrg } from '../services/orgs/get-org.js';
import { listMembers } from '../services/orgs/list-members.js';
import { listMyOrgs } from '../services/orgs/list-my-orgs.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

const role = z.enum(['owner', 'admin', 'member', 'auditor']);
const orgParams = z.object({ orgId: orgIdSchema });

export function orgRoutes(deps: AppDeps): AnyRouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/orgs',
      tag: 'orgs',
      summary: 'Orgs in which the signed-in wallet holds a role (read from the chain)',
      auth: 'session',
      response: z.object({
        orgs: z.array(
          z.object({ id: z.string(), name: z.string(), owner: z.string(), role, syncedAt: z.string() }),
        ),
      }),
      handler: async ({ principal, now, log }) => {
        if (principal.kind !== 'user') throw new Error('unreachable: session route');
        const orgs = await listMyOrgs({
          db,
          orgDirectory: deps.orgDirectory,
          address: principal.address,
          maxAgeSeconds: deps.config.orgSyncTtlSeconds,
          now,
          log,
        });
        return { orgs };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId',
      tag: 'orgs',
      summary: 'One org and the caller’s role in it',
      auth: 'sessionOrApiKey',
      params: orgParams,
      response: z.object({
        id: z.string(),
        name: z.string(),
        owner: z.string(),
        myRole: role.nullable(),
        syncedAt: z.string(),
      }),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return getOrg({ db, orgId: params.orgId, principal });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/refresh',
      tag: 'orgs',
      summary: 'Re-read the org’s roles from the chain now (after a role change on chain)',
      auth: 'session',
      params: orgParams,
      response: z.object({
        id: z.string(),
        name: z.string(),
        owner: z.string(),
        myRole: role.nullable(),
        syncedAt: z.string(),
      }),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        // Only someone who could see the org before may force a refresh of it.
        await findAccessibleOrg({ db, orgId: params.orgId, principal, permission: 'org:read' });
        // A forced refresh that cannot reach the chain says so (503) instead of the old mirror.
        await ensureFreshOrgMirror({
          db,
          orgDirectory: deps.orgDirectory,
          orgId: params.orgId,
          maxAgeSeconds: 0,
          now,
          log,
          serveStale: false,
        });
        return getOrg({ db, orgId: params.orgId, principal });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/members',
      tag: 'orgs',
      summary: 'Members and their roles, as mirrored from the billing contract',
      auth: 'sessionOrApiKey',
      params: orgParams,
      response: z.object({ members: z.array(z.object({ address: z.string(), role })) }),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return { members: await listMembers({ db, orgId: params.orgId, principal }) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/audit-log',
      tag: 'orgs',
      summary: 'Admin actions in this org, newest first (owner, admin, auditor)',
      auth: 'sessionOrApiKey',
      params: orgParams,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        before: z.iso.datetime().optional(),
      }),
      response: z.object({
        entries: z.array(
          z.object({
            id: z.string(),
            actor: z.string(),
            action: z.string(),
            targetType: z.string(),
            targetId: z.string().nullable(),
            details: z.unknown(),
            requestId: z.string(),
            createdAt: z.string(),
          }),
        ),
      }),
      handler: async ({ params, query, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        await findAccessibleOrg({ db, orgId: params.orgId, principal, permission: 'audit:read' });
        const entries = await listAuditLog({
          db,
          orgId: params.orgId,
          principal,
          limit: query.limit,
          ...(query.before ? { before: new Date(query.before) } : {}),
        });
        return { entries };
      },
    }),
  ];
}
