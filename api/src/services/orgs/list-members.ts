import type { Database } from '../../db/prisma.js';
import type { OrgRole } from '../../generated/prisma/enums.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import { orgWhere } from '../access/org-access.js';
import type { Principal } from '../access/principal.js';

export interface MemberView {
  address: string;
  role: OrgRole;
}

export async function listMembers(options: {
  db: Database;
  orgId: string;
  principal: Principal;
}): Promise<MemberView[]> {
  const { db, orgId, principal } = options;
  await findAccessibleOrg({ db, orgId, principal, permission: 'members:read' });
  const members = await db.member.findMany({
    where: { orgId, org: orgWhere(principal, 'members:read') },
    orderBy: [{ role: 'asc' }, { address: 'asc' }],
  });
  return members.map((m) => ({ address: m.address, role: m.role }));
}
