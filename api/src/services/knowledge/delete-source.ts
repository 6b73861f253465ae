import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { findAccessibleBot } from '../bots/find-accessible-bot.js';

/** Removes a source, its chunks and jobs (cascade) in one transaction. */
export async function deleteSource(options: {
  db: Database;
  orgId: string;
  botId: string;
  sourceId: string;
  principal: Principal;
  requestId: string;
}): Promise<void> {
  const { db, orgId, principal } = options;
  const bot = await findAccessibleBot({ ...options, permission: 'knowledge:write' });
  const source = await db.source.findFirst({
    where: { id: options.sourceId, botId: bot.id },
    select: { id: true, name: true },
  });
  if (!source) throw new AppError(AppErrorCode.NOT_FOUND, `source ${options.sourceId} not found`);
  await db.$transaction([
    db.source.delete({ where: { id: source.id } }),
    db.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: 'source.delete',
        targetType: 'source',
        targetId: source.id,
        details: { botId: bot.id, name: source.name },
        requestId: options.requestId,
      }),
    }),
  ]);
}
