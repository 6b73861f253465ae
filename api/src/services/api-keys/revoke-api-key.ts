import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import { orgWhere } from '../access/org-access.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';

/** Revokes a key at once; revoking twice is a no-op that still answers 204. */
export async function revokeApiKey(options: {
  db: Database;
  orgId: string;
  keyId: string;
  principal: Principal;
  requestId: string;
  now: Date;
}): Promise<void> {
  const { db, orgId, keyId, principal, now } = options;
  await findAccessibleOrg({ db, orgId, principal, permission: 'apiKeys:manage' });
  await db.$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({
      where: { id: keyId, orgId, org: orgWhere(principal, 'apiKeys:manage') },
    });
    if (!key) throw new AppError(AppErrorCode.NOT_FOUND, 'no API key with this id in this org');
    if (key.revokedAt) return;
    await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: now } });
    await tx.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: 'apiKey.revoke',
        targetType: 'apiKey',
        targetId: key.id,
        details: { prefix: key.prefix },
        requestId: options.requestId,
      }),
    });
  });
}
