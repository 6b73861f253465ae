import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import type { Principal } from '../access/principal.js';
import { findAccessibleBot } from '../bots/find-accessible-bot.js';

/**
 * Queues a `webhook.test` delivery to the bot's active webhook, whatever events it subscribes
 * to: the owner checks the URL, the secret and the receiver's answer in the delivery log
 * without waiting for a real lead. It is sent, signed and retried like any delivery.
 */
export async function sendTestWebhookEvent(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
  now: Date;
}): Promise<{ deliveryId: string }> {
  const bot = await findAccessibleBot({ ...options, permission: 'bots:write' });
  const webhook = await options.db.webhook.findFirst({
    where: { botId: bot.id, active: true },
    select: { id: true },
  });
  if (!webhook)
    throw new AppError(AppErrorCode.CONFLICT, 'This bot has no webhook: set its URL and secret first.', {
      details: { reason: 'WEBHOOK_NOT_CONFIGURED' },
    });
  const delivery = await options.db.webhookDelivery.create({
    data: {
      webhookId: webhook.id,
      event: 'webhook.test',
      payload: { test: true, botId: bot.id },
      nextAttemptAt: options.now,
      createdAt: options.now,
    },
    select: { id: true },
  });
  return { deliveryId: delivery.id };
}
