import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import { orgWhere } from '../access/org-access.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';

export async function revokeInvitation(options: {
  db: Database;
  orgId: string;
  invitationId: string;
  principal: Principal;
  requestId: string;
  now: Date;
}): Promise<void> {
  const { db, orgId, invitationId, principal, now } = options;
  await findAccessibleOrg({ db, orgId, principal, permission: 'invitations:manage' });
  await db.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({
      where: {
        id: invitationId,
        orgId,
        org: orgWhere(principal, 'invitations:manage'),
        acceptedAt: null,
        revokedAt: null,
        declinedAt: null,
      },
      data: { revokedAt: now },
    });
    if (count === 0)
      throw new AppError(AppErrorCode.NOT_FOUND, 'no pending invitation with this id in this org');
    await tx.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: 'invitation.revoke',
        targetType: 'invitation',
        targetId: invitationId,
        requestId: options.requestId,
      }),
    });
  });
}
