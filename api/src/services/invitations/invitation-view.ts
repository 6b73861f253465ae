import type { Invitation } from '../../generated/prisma/client.js';
import type { OrgRole } from '../../generated/prisma/enums.js';

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'declined' | 'expired';

export interface InvitationView {
  id: string;
  orgId: string;
  address: string;
  role: OrgRole;
  invitedBy: string;
  status: InvitationStatus;
  createdAt: string;
  expiresAt: string;
}

export function invitationView(invitation: Invitation, now: Date): InvitationView {
  const status: InvitationStatus = invitation.acceptedAt
    ? 'accepted'
    : invitation.revokedAt
      ? 'revoked'
      : invitation.declinedAt
        ? 'declined'
        : invitation.expiresAt <= now
          ? 'expired'
          : 'pending';
  return {
    id: invitation.id,
    orgId: invitation.orgId,
    address: invitation.address,
    role: invitation.role,
    invitedBy: invitation.invitedBy,
    status,
    createdAt: invitation.createdAt.toISOString(),
    expiresAt: invitation.expiresAt.toISOString(),
  };
}
