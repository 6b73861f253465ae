import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { botColumns, syncBotWebhook } from './bot-columns.js';
import type { BotPlatform } from './bot-platform.js';
import type { UpdateBotBody } from './bot-settings.js';
import { type BotView, botView } from './bot-view.js';
import { findAccessibleBot } from './find-accessible-bot.js';
import { checkBotModel } from './offered-models.js';
import { resolveEmbedderId } from './resolve-embedder.js';

/**
 * Changes some settings of a bot. A new embedder becomes the bot's `embedderNext`: the
 * ingestion worker re-embeds every chunk into the vector slot retrieval does not read, and
 * switches the bot's slot and embedder at once when all are done (knowledge/run-reembed-step.ts).
 * Choosing the current embedder again cancels a re-embedding under way.
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
  if (settings.model !== undefined && settings.model !== bot.model)
    await checkBotModel(platform, settings.model);
  const embedderId =
    settings.embedder === undefined ? undefined : resolveEmbedderId(platform, settings.embedder);
  const current = bot.embedderNext ?? bot.embedder;
  const reembed = embedderId !== undefined && embedderId !== current;
  const columns = botColumns(settings, { encryption: platform.encryption });
  const updated = await db.$transaction(async (tx) => {
    let row = await tx.bot.update({ where: { id: bot.id }, data: { ...columns, updatedAt: now } });
    await syncBotWebhook(tx, bot.id, columns);
    if (reembed) {
      // Only the bot's row: the other slot's vectors are tagged with their embedder, so those of
      // an earlier, unfinished target are simply re-embedded over, and a target whose vectors
      // are still there (a switch back) has nothing to redo.
      row = await tx.bot.update({
        where: { id: bot.id },
        data: { embedderNext: embedderId === bot.embedder ? null : embedderId },
      });
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
