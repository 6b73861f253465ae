import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { type InvitationView, invitationView } from './invitation-view.js';

const invitationLifetimeMs = 14 * 86_400_000;

/**
 * Announces that `address` is being given `role`. The role itself is granted on chain by the
 * admin (billing `add_org_role`, signed in the dapp); the mirror refresh then marks this
 * invitation accepted. Only the owner may invite admins, as on chain.
 */
export async function createInvitation(options: {
  db: Database;
  orgId: string;
  principal: Principal;
  address: string;
  role: 'admin' | 'member' | 'auditor';
  requestId: string;
  now: Date;
}): Promise<InvitationView> {
  const { db, orgId, principal, address, role, now } = options;
  const org = await findAccessibleOrg({ db, orgId, principal, permission: 'invitations:manage' });
  if (role === 'admin' && (principal.kind !== 'user' || principal.address !== org.owner)) {
    throw new AppError(AppErrorCode.FORBIDDEN, 'only the org owner may invite admins');
  }
  const existingMember = await db.member.findUnique({ where: { orgId_address: { orgId, address } } });
  if (existingMember) {
    throw new AppError(
      AppErrorCode.CONFLICT,
      `${address} already holds the role ${existingMember.role} in this org`,
    );
  }
  const pending = await db.invitation.findFirst({
    where: { orgId, address, acceptedAt: null, revokedAt: null, declinedAt: null, expiresAt: { gt: now } },
  });
  if (pending) throw new AppError(AppErrorCode.CONFLICT, `${address} already has a pending invitation`);

  const [invitation] = await db.$transaction(async (tx) => {
    const created = await tx.invitation.create({
      data: {
        orgId,
        address,
        role,
        invitedBy: principal.kind === 'user' ? principal.address : '',
        createdAt: now,
        expiresAt: new Date(now.getTime() + invitationLifetimeMs),
      },
    });
    await tx.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: 'invitation.create',
        targetType: 'invitation',
        targetId: created.id,
        details: { address, role },
        requestId: options.requestId,
      }),
    });
    return [created];
  });
  return invitationView(invitation, now);
}
