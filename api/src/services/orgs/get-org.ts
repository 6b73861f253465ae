import type { Database } from '../../db/prisma.js';
import type { OrgRole } from '../../generated/prisma/enums.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import type { Principal } from '../access/principal.js';

export interface OrgView {
  id: string;
  name: string;
  owner: string;
  /** The caller's role; null for an API key. */
  myRole: OrgRole | null;
  syncedAt: string;
}

export async function getOrg(options: {
  db: Database;
  orgId: string;
  principal: Principal;
}): Promise<OrgView> {
  const { db, orgId, principal } = options;
  const org = await findAccessibleOrg({ db, orgId, principal, permission: 'org:read' });
  const me =
    principal.kind === 'user'
      ? await db.member.findUnique({ where: { orgId_address: { orgId, address: principal.address } } })
      : null;
  return {
    id: org.id,
    name: org.name,
    owner: org.owner,
    myRole: me?.role ?? null,
    syncedAt: org.syncedAt.toISOString(),
  };
}
