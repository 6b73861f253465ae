import type { Database } from '../../db/prisma.js';
import { type InvitationView, invitationView } from './invitation-view.js';

/** Pending invitations addressed to the signed-in wallet, with the org's name. */
export async function listMyInvitations(options: {
  db: Database;
  address: string;
  now: Date;
}): Promise<(InvitationView & { orgName: string })[]> {
  const rows = await options.db.invitation.findMany({
    where: {
      address: options.address,
      acceptedAt: null,
      revokedAt: null,
      declinedAt: null,
      expiresAt: { gt: options.now },
    },
    include: { org: { select: { name: true } } },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map((row) => ({ ...invitationView(row, options.now), orgName: row.org.name }));
}
