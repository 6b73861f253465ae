import type { Prisma } from '../../db/prisma.js';
import { actorOf, type Principal } from '../access/principal.js';

/**
 * Builds the audit entry of an admin action. Callers put it in the same transaction as the
 * action itself, so an action is never recorded without happening, or the reverse.
 */
export function auditLogEntry(options: {
  orgId: string;
  principal: Principal;
  action: string;
  targetType: string;
  targetId?: string;
  details?: Prisma.InputJsonObject;
  requestId: string;
}): Prisma.AuditLogUncheckedCreateInput {
  return {
    orgId: options.orgId,
    actor: actorOf(options.principal),
    action: options.action,
    targetType: options.targetType,
    targetId: options.targetId ?? null,
    details: options.details ?? {},
    requestId: options.requestId,
  };
}
