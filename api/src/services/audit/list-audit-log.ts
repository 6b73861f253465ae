import type { Database } from '../../db/prisma.js';
import { orgWhere } from '../access/org-access.js';
import type { Principal } from '../access/principal.js';

export interface AuditLogItem {
  id: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: unknown;
  requestId: string;
  createdAt: string;
}

/** Newest first. Callers first check the org with findAccessibleOrg(..., 'audit:read'). */
export async function listAuditLog(options: {
  db: Database;
  orgId: string;
  principal: Principal;
  limit: number;
  before?: Date;
}): Promise<AuditLogItem[]> {
  const rows = await options.db.auditLog.findMany({
    where: {
      orgId: options.orgId,
      org: orgWhere(options.principal, 'audit:read'),
      ...(options.before ? { createdAt: { lt: options.before } } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: options.limit,
  });
  return rows.map((row) => ({
    id: row.id,
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: row.details,
    requestId: row.requestId,
    createdAt: row.createdAt.toISOString(),
  }));
}
