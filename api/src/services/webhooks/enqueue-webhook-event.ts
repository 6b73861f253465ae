import type { Prisma } from '../../db/prisma.js';

export type WebhookEvent = 'lead.created';

/**
 * Queues one delivery per active webhook of the bot that subscribes to `event`. Called inside
 * the transaction that records the event, so an event is delivered if and only if it happened.
 * The payload holds ids only: personal data (the lead's email) is read and decrypted when the
 * delivery is sent, never copied in clear into the delivery log.
 */
export async function enqueueWebhookEvent(
  tx: Prisma.TransactionClient,
  options: { botId: string; event: WebhookEvent; payload: Prisma.InputJsonObject; now: Date },
): Promise<number> {
  const webhooks = await tx.webhook.findMany({
    where: { botId: options.botId, active: true, events: { has: options.event } },
    select: { id: true },
  });
  if (webhooks.length === 0) return 0;
  const created = await tx.webhookDelivery.createMany({
    data: webhooks.map((webhook) => ({
      webhookId: webhook.id,
      event: options.event,
      payload: options.payload,
      nextAttemptAt: options.now,
      createdAt: options.now,
    })),
  });
  return created.count;
}
