import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import { findAccessibleBot } from '../bots/find-accessible-bot.js';

/** The delivery log of a bot's webhooks, newest first: status, attempts, last HTTP status and error. */
export async function listWebhookDeliveries(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
  limit: number;
}) {
  const bot = await findAccessibleBot({ ...options, permission: 'bots:write' });
  const rows = await options.db.webhookDelivery.findMany({
    where: { webhook: { botId: bot.id } },
    orderBy: { createdAt: 'desc' },
    take: options.limit,
    include: { webhook: { select: { url: true } } },
  });
  return rows.map((row) => ({
    id: row.id,
    url: row.webhook.url,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  }));
}
