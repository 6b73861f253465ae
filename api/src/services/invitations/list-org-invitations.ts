import type { Database } from '../../db/prisma.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import { orgWhere } from '../access/org-access.js';
import type { Principal } from '../access/principal.js';
import { type InvitationView, invitationView } from './invitation-view.js';

export async function listOrgInvitations(options: {
  db: Database;
  orgId: string;
  principal: Principal;
  now: Date;
}): Promise<InvitationView[]> {
  const { db, orgId, principal, now } = options;
  await findAccessibleOrg({ db, orgId, principal, permission: 'invitations:manage' });
  const rows = await db.invitation.findMany({
    where: { orgId, org: orgWhere(principal, 'invitations:manage') },
    orderBy: { createdAt: 'desc' },
    take: 200,
  });
  return rows.map((row) => invitationView(row, now));
}
