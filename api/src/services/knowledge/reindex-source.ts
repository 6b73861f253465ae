import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { findAccessibleBot } from '../bots/find-accessible-bot.js';
import { type SourceView, sourceView } from './source-view.js';

/**
 * Embeds a source's chunks again (after an embedder fix, or a failed ingestion): clears their
 * embeddings, retires the source's unfinished jobs and queues one new job, whose progress the
 * source view reports like a fresh upload's. The text is not fetched again.
 */
export async function reindexSource(options: {
  db: Database;
  orgId: string;
  botId: string;
  sourceId: string;
  principal: Principal;
  requestId: string;
  now: Date;
}): Promise<SourceView> {
  const { db, orgId, principal, now } = options;
  const bot = await findAccessibleBot({ ...options, permission: 'knowledge:write' });
  return db.$transaction(async (tx) => {
    const source = await tx.source.findFirst({
      where: { id: options.sourceId, botId: bot.id },
      select: { id: true, name: true, _count: { select: { chunks: true } } },
    });
    if (!source) throw new AppError(AppErrorCode.NOT_FOUND, `source ${options.sourceId} not found`);
    // Both vector slots: a re-embedding under way then embeds these chunks again too.
    await tx.$executeRaw`
      UPDATE "Chunk" SET embedding = NULL, "embeddedBy" = NULL, "embeddingAlt" = NULL, "embeddedAltBy" = NULL
      WHERE "sourceId" = ${source.id}::uuid`;
    await tx.ingestJob.updateMany({
      where: { sourceId: source.id, status: { in: ['queued', 'running'] } },
      data: { status: 'done', lockedBy: null },
    });
    const updated = await tx.source.update({ where: { id: source.id }, data: { status: 'processing' } });
    const job = await tx.ingestJob.create({
      data: { botId: bot.id, sourceId: source.id, chunksTotal: source._count.chunks, createdAt: now },
    });
    await tx.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: 'source.reindex',
        targetType: 'source',
        targetId: source.id,
        details: { botId: bot.id, name: source.name, chunks: source._count.chunks },
        requestId: options.requestId,
      }),
    });
    return sourceView(updated, job);
  });
}
