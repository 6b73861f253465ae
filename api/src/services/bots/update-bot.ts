import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { botColumns, syncBotWebhook } from './bot-columns.js';
import type { BotPlatform } from './bot-platform.js';
import type { UpdateBotBody } from './bot-settings.js';
import { type BotView, botView } from './bot-view.js';
import { findAccessibleBot } from './find-accessible-bot.js';
import { resolveEmbedderId } from './resolve-embedder.js';

/**
 * Changes some settings of a bot. A new embedder makes every chunk's vector stale: they are
 * cleared and one ingestion job per source re-embeds them, in the same transaction as the
 * switch, so retrieval never mixes vectors of two embedders.
 */
export async function updateBot(options: {
  db: Database;
  platform: BotPlatform;
  orgId: string;
  botId: string;
  principal: Principal;
  settings: UpdateBotBody;
  requestId: string;
  now: Date;
}): Promise<BotView> {
  const { db, platform, orgId, botId, principal, settings, now } = options;
  const bot = await findAccessibleBot({ db, orgId, botId, principal, permission: 'bots:write' });
  const embedderId =
    settings.embedder === undefined ? undefined : resolveEmbedderId(platform, settings.embedder);
  const reembed = embedderId !== undefined && embedderId !== bot.embedder;
  const columns = botColumns(settings, {
    ...(reembed ? { embedderId } : {}),
    encryption: platform.encryption,
  });
  const updated = await db.$transaction(async (tx) => {
    const row = await tx.bot.update({ where: { id: bot.id }, data: { ...columns, updatedAt: now } });
    await syncBotWebhook(tx, bot.id, columns);
    if (reembed) {
      await tx.$executeRaw`UPDATE "Chunk" SET embedding = NULL WHERE "botId" = ${bot.id}::uuid`;
      await tx.ingestJob.updateMany({
        where: { botId: bot.id, status: { in: ['queued', 'running'] } },
        data: { status: 'done', lockedBy: null },
      });
      const sources = await tx.source.findMany({
        where: { botId: bot.id },
        select: { id: true, _count: { select: { chunks: true } } },
      });
      await tx.source.updateMany({ where: { botId: bot.id }, data: { status: 'processing' } });
      if (sources.length) {
        await tx.ingestJob.createMany({
          data: sources.map((source) => ({
            botId: bot.id,
            sourceId: source.id,
            chunksTotal: source._count.chunks,
            createdAt: now,
          })),
        });
      }
    }
    await tx.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: 'bot.update',
        targetType: 'bot',
        targetId: bot.id,
        details: { changed: Object.keys(settings), ...(reembed ? { embedder: embedderId } : {}) },
        requestId: options.requestId,
      }),
    });
    return row;
  });
  if (reembed) platform.ingestion.kick();
  return botView(updated);
}
