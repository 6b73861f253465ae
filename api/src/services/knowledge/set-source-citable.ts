import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { findAccessibleBot } from '../bots/find-accessible-bot.js';
import { type SourceView, sourceView } from './source-view.js';

/**
 * Marks a source citable or learn-only. Retrieval filters on `Chunk.citable` (copied from the
 * source so it needs no join), so the source and all its chunks change in one transaction:
 * the very next chat turn cites, or stops citing, the source — never half of it.
 */
export async function setSourceCitable(options: {
  db: Database;
  orgId: string;
  botId: string;
  sourceId: string;
  citable: boolean;
  principal: Principal;
  requestId: string;
  now: Date;
}): Promise<SourceView> {
  const { db, orgId, principal, citable, sourceId } = options;
  const bot = await findAccessibleBot({ ...options, permission: 'knowledge:write' });
  return db.$transaction(async (tx) => {
    const before = await tx.source.findFirst({
      where: { id: sourceId, botId: bot.id },
      select: { citable: true, name: true },
    });
    if (!before) throw new AppError(AppErrorCode.NOT_FOUND, `source ${sourceId} not found`);
    if (before.citable !== citable) {
      await tx.source.update({ where: { id: sourceId }, data: { citable, updatedAt: options.now } });
      await tx.chunk.updateMany({ where: { sourceId }, data: { citable } });
      await tx.auditLog.create({
        data: auditLogEntry({
          orgId,
          principal,
          action: citable ? 'source.mark_citable' : 'source.mark_learn_only',
          targetType: 'source',
          targetId: sourceId,
          details: { botId: bot.id, name: before.name },
          requestId: options.requestId,
        }),
      });
    }
    const source = await tx.source.findUniqueOrThrow({
      where: { id: sourceId },
      include: { ingestJobs: { orderBy: { createdAt: 'desc' }, take: 1 } },
    });
    return sourceView(source, source.ingestJobs[0]);
  });
}
