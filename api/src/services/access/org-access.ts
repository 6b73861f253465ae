import type { Prisma } from '../../db/prisma.js';
import type { OrgRole } from '../../generated/prisma/enums.js';
import type { ApiKeyScope } from './api-key-scopes.js';
import type { Principal } from './principal.js';

/**
 * Which roles (and which API key scope) may do what in an org. Every org-scoped service
 * builds its Prisma `where` with `orgWhere`, so rows of an org the caller may not act on are
 * simply not found: the same answer whether the row is missing or forbidden.
 */
export const orgPermissions = {
  'org:read': { roles: ['owner', 'admin', 'member', 'auditor'], scope: 'org:read' },
  'members:read': { roles: ['owner', 'admin', 'member', 'auditor'], scope: 'org:read' },
  'invitations:manage': { roles: ['owner', 'admin'], scope: null },
  'apiKeys:manage': { roles: ['owner', 'admin'], scope: null },
  'audit:read': { roles: ['owner', 'admin', 'auditor'], scope: 'audit:read' },
  'bots:read': { roles: ['owner', 'admin', 'member', 'auditor'], scope: 'bots:read' },
  'bots:write': { roles: ['owner', 'admin', 'member'], scope: 'bots:write' },
  'knowledge:write': { roles: ['owner', 'admin', 'member'], scope: 'knowledge:write' },
  'conversations:read': { roles: ['owner', 'admin', 'member'], scope: 'conversations:read' },
} as const satisfies Record<string, { roles: readonly OrgRole[]; scope: ApiKeyScope | null }>;
export type OrgPermission = keyof typeof orgPermissions;

/**
 * Matches the orgs in which `principal` holds `permission`. An org marked gone (the billing
 * contract says it does not exist) matches no one: its rows stay until purged, unreachable.
 */
export function orgWhere(principal: Principal, permission: OrgPermission): Prisma.OrgWhereInput {
  const rule = orgPermissions[permission];
  if (principal.kind === 'apiKey') {
    const allowed = rule.scope !== null && principal.scopes.includes(rule.scope);
    return allowed ? { id: principal.orgId, goneAt: null } : { id: { in: [] } };
  }
  return { goneAt: null, members: { some: { address: principal.address, role: { in: [...rule.roles] } } } };
}

/** The role ranking used when an address holds several roles on chain. */
export const roleRank: Record<OrgRole, number> = { owner: 4, admin: 3, member: 2, auditor: 1 };
