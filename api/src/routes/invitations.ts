import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { addressSchema, orgIdSchema, uuidSchema } from '../http/common-schemas.js';
import { type AnyRouteSpec, defineRoute } from '../http/define-route.js';
import { createInvitation } from '../services/invitations/create-invitation.js';
import { declineInvitation } from '../services/invitations/decline-invitation.js';
import { listMyInvitations } from '../services/invitations/list-my-invitations.js';
import { listOrgInvitations } from '../services/invitations/list-org-invitations.js';
import { revokeInvitation } from '../services/invitations/revoke-invitation.js';
import { ensureOrgMirror } from './ensure-org-mirror.js';

const invitationSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  address: z.string(),
  role: z.enum(['owner', 'admin', 'member', 'auditor']),
  invitedBy: z.string(),
  status: z.enum(['pending', 'accepted', 'revoked', 'declined', 'expired']),
  createdAt: z.string(),
  expiresAt: z.string(),
});

export function invitationRoutes(deps: AppDeps): AnyRouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'post',
      path: '/v1/orgs/:orgId/invitations',
      tag: 'invitations',
      summary:
        'Invite an address to a role (then grant it on chain; the invitation completes when the chain shows it)',
      auth: 'session',
      params: z.object({ orgId: orgIdSchema }),
      body: z.object({
        address: addressSchema(deps.config.bech32Prefix),
        role: z.enum(['admin', 'member', 'auditor']).default('member'),
      }),
      response: invitationSchema,
      successStatus: 201,
      handler: async ({ params, body, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return createInvitation({
          db,
          orgId: params.orgId,
          principal,
          address: body.address,
          role: body.role,
          requestId,
          now,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/orgs/:orgId/invitations',
      tag: 'invitations',
      summary: 'Invitations of this org (owner, admin)',
      auth: 'session',
      params: z.object({ orgId: orgIdSchema }),
      response: z.object({ invitations: z.array(invitationSchema) }),
      handler: async ({ params, principal, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        return { invitations: await listOrgInvitations({ db, orgId: params.orgId, principal, now }) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/orgs/:orgId/invitations/:invitationId',
      tag: 'invitations',
      summary: 'Revoke a pending invitation',
      auth: 'session',
      params: z.object({ orgId: orgIdSchema, invitationId: uuidSchema }),
      handler: async ({ params, principal, requestId, now, log }) => {
        await ensureOrgMirror(deps, { orgId: params.orgId, now, log });
        await revokeInvitation({
          db,
          orgId: params.orgId,
          invitationId: params.invitationId,
          principal,
          requestId,
          now,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/invitations',
      tag: 'invitations',
      summary: 'Pending invitations addressed to the signed-in wallet',
      auth: 'session',
      response: z.object({ invitations: z.array(invitationSchema.extend({ orgName: z.string() })) }),
      handler: async ({ principal, now }) => {
        if (principal.kind !== 'user') throw new Error('unreachable: session route');
        return { invitations: await listMyInvitations({ db, address: principal.address, now }) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/invitations/:invitationId/decline',
      tag: 'invitations',
      summary: 'Decline an invitation addressed to the signed-in wallet',
      auth: 'session',
      params: z.object({ invitationId: uuidSchema }),
      handler: async ({ params, principal, now }) => {
        if (principal.kind !== 'user') throw new Error('unreachable: session route');
        await declineInvitation({ db, invitationId: params.invitationId, address: principal.address, now });
      },
    }),
  ];
}
