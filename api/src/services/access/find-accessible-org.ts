import type { Database } from '../../db/prisma.js';
import type { Org } from '../../generated/prisma/client.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { type OrgPermission, orgWhere } from './org-access.js';
import type { Principal } from './principal.js';

/**
 * The org, if `principal` holds `permission` in it. Someone outside the org gets NOT_FOUND
 * (the org's existence is not revealed); a member lacking the permission gets FORBIDDEN,
 * since they already know the org exists.
 */
export async function findAccessibleOrg(options: {
  db: Database;
  orgId: string;
  principal: Principal;
  permission: OrgPermission;
}): Promise<Org> {
  const { db, orgId, principal, permission } = options;
  const org = await db.org.findFirst({ where: { AND: [{ id: orgId }, orgWhere(principal, permission)] } });
  if (org) return org;
  const visible = await db.org.findFirst({
    where: { AND: [{ id: orgId }, orgWhere(principal, 'org:read')] },
    select: { id: true },
  });
  if (visible) {
    throw new AppError(AppErrorCode.FORBIDDEN, `your role in org ${orgId} does not allow ${permission}`);
  }
  throw new AppError(AppErrorCode.NOT_FOUND, `org ${orgId} not found`);
}
