import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { type BotView, botView } from './bot-view.js';
import { findAccessibleBot } from './find-accessible-bot.js';

/** Publishing opens the bot to visitors (widget, public chat); unpublishing closes it at once. */
export async function setBotPublished(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
  published: boolean;
  requestId: string;
  now: Date;
}): Promise<BotView> {
  const { db, orgId, botId, principal, published, now } = options;
  const bot = await findAccessibleBot({ db, orgId, botId, principal, permission: 'bots:write' });
  const [updated] = await db.$transaction([
    db.bot.update({
      where: { id: bot.id },
      data: {
        published,
        publishedAt: published ? (bot.publishedAt && bot.published ? bot.publishedAt : now) : null,
      },
    }),
    db.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: published ? 'bot.publish' : 'bot.unpublish',
        targetType: 'bot',
        targetId: bot.id,
        requestId: options.requestId,
      }),
    }),
  ]);
  return botView(updated);
}
