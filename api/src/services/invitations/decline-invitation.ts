import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';

/** The invitee turns an invitation down; only the invited address can. */
export async function declineInvitation(options: {
  db: Database;
  invitationId: string;
  address: string;
  now: Date;
}): Promise<void> {
  const { count } = await options.db.invitation.updateMany({
    where: {
      id: options.invitationId,
      address: options.address,
      acceptedAt: null,
      revokedAt: null,
      declinedAt: null,
    },
    data: { declinedAt: options.now },
  });
  if (count === 0) throw new AppError(AppErrorCode.NOT_FOUND, 'no pending invitation with this id for you');
}
