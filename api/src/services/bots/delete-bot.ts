import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import { auditLogEntry } from '../audit/record-audit-log.js';
import { findAccessibleBot } from './find-accessible-bot.js';

/**
 * Deletes a bot and, by cascade, its knowledge, conversations, leads and webhooks: visitors'
 * messages and lead emails are personal data the org asked to remove, and nothing shows them
 * once the bot is gone. Its daily usage counters stay (UsageDaily has no relation to Bot):
 * the usage contract keeps counting the bot's answers, so the org's off-chain totals and its
 * quota must too. The widget stops answering at once in this process (the route forgets the
 * cached bot) and within the bot cache's TTL in the others.
 */
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
