import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { findAccessibleBot } from './find-accessible-bot.js';

/** Deletes a bot and, by cascade, its knowledge, conversations, leads and webhooks. */
export async function deleteBot(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
  requestId: string;
}): Promise<void> {
  const { db, orgId, botId, principal } = options;
  const bot = await findAccessibleBot({ db, orgId, botId, principal, permission: 'bots:write' });
  await db.$transaction([
    db.bot.delete({ where: { id: bot.id } }),
    db.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: 'bot.delete',
        targetType: 'bot',
        targetId: bot.id,
        details: { name: bot.name },
        requestId: options.requestId,
      }),
    }),
  ]);
}
