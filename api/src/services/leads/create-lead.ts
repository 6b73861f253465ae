import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { recordUsage } from '../analytics/record-usage.js';
import type { BotPlatform } from '../bots/bot-platform.js';
import { getPublishedBot } from '../bots/get-public-bot.js';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.js';

/**
 * A visitor leaves an email (`POST /v1/bots/:botId/leads`). Consent is required; the email
 * is stored AES-256-GCM encrypted with a keyed hash beside it, so a visitor who sends the
 * form twice is one lead. The lead, the day's counter and the webhook deliveries are
 * written in one transaction.
 */
export async function createLead(options: {
  db: Database;
  platform: BotPlatform;
  botId: string;
  input: {
    email: string;
    name?: string | undefined;
    consent: boolean;
    conversationId?: string | undefined;
    visitorId?: string | undefined;
  };
  origin: string | undefined;
  ownOrigin: string;
  now: Date;
}): Promise<{ id: string; duplicate: boolean }> {
  const { db, platform, input, now } = options;
  const bot = await getPublishedBot({ db, botId: options.botId });
  if (!bot.leadCaptureEnabled)
    throw new AppError(AppErrorCode.NOT_FOUND, 'this bot does not collect contact details');
  if (
    !options.origin ||
    (options.origin !== options.ownOrigin && !bot.allowedOrigins.includes(options.origin))
  ) {
    throw new AppError(AppErrorCode.FORBIDDEN, 'leads are accepted from the bot’s widget only', {
      details: { reason: 'origin_not_allowed' },
    });
  }
  if (input.consent !== true) {
    throw new AppError(
      AppErrorCode.VALIDATION_FAILED,
      'the visitor’s consent is required to store an email address',
      {
        details: { issues: [{ location: 'body', path: 'consent', message: 'must be true' }] },
      },
    );
  }
  const email = input.email.trim().toLowerCase();
  const encryption = platform.encryption();
  const emailHash = encryption.blindIndex(email, 'lead.email');
  let conversationId: string | null = null;
  if (input.conversationId) {
    const conversation = await db.conversation.findFirst({
      where: { id: input.conversationId, botId: bot.id },
      select: { id: true },
    });
    conversationId = conversation?.id ?? null;
  }
  const result = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`lead:${bot.id}:${emailHash}`}))`;
    const existing = await tx.lead.findFirst({ where: { botId: bot.id, emailHash }, select: { id: true } });
    if (existing) return { id: existing.id, duplicate: true };
    const lead = await tx.lead.create({
      data: {
        botId: bot.id,
        conversationId,
        emailEncrypted: encryption.encrypt(email, 'lead.email'),
        emailHash,
        name: input.name ?? null,
        consent: true,
        consentAt: now,
        createdAt: now,
      },
    });
    await recordUsage(tx, { botId: bot.id, orgId: bot.orgId, now, leads: 1 });
    await enqueueWebhookEvent(tx, {
      botId: bot.id,
      event: 'lead.created',
      payload: { leadId: lead.id },
      now,
    });
    return { id: lead.id, duplicate: false };
  });
  if (!result.duplicate) platform.webhooks.kick();
  return result;
}
