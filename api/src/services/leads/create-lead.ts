import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { clientKey } from '../../http/client-address.js';
import { recordUsage } from '../analytics/record-usage.js';
import type { BotPlatform } from '../bots/bot-platform.js';
import { getPublishedBot } from '../bots/get-public-bot.js';
import { incrementCounters } from '../chat/rate-limits.js';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.js';
import { consentOf } from './consent-text.js';

/**
 * A visitor leaves an email (`POST /v1/bots/:botId/leads`). Consent is required and recorded
 * as the exact text shown, its version and the time; leads are limited per visitor (client
 * address) and per bot, per hour, so a flood is refused with 429 before anything is written.
 * The email
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
    /** The version of the consent text the form showed (GET …/public `leadCapture.consentVersion`). */
    consentVersion?: string | undefined;
    conversationId?: string | undefined;
    visitorId?: string | undefined;
  };
  origin: string | undefined;
  ownOrigin: string;
  /** The client address (req.ip), counted by clientKey for the per-visitor limit. */
  ip: string | undefined;
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
      details: { reason: 'ORIGIN_NOT_ALLOWED' },
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
  const consent = consentOf(bot);
  if (input.consentVersion !== undefined && input.consentVersion !== consent.version) {
    throw new AppError(
      AppErrorCode.CONSENT_TEXT_CHANGED,
      'the consent text changed since the form was shown: show the current text and ask again',
      { details: { consentVersion: consent.version, consentText: consent.text } },
    );
  }
  await limitLeads({
    db,
    botId: bot.id,
    visitor: clientKey(options.ip),
    limits: platform.settings.leads,
    now,
  });
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
        consentText: consent.text,
        consentVersion: consent.version,
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

/**
 * Hourly fixed windows in RateLimitCounter, one upsert for both keys. Over either limit: 429
 * RATE_LIMITED (`details.reason`: `LEAD_VISITOR_RATE_LIMIT`, `LEAD_BOT_RATE_LIMIT`), with
 * `details.retryAfterSeconds` for the route's Retry-After.
 */
async function limitLeads(options: {
  db: Database;
  botId: string;
  visitor: string;
  limits: { perVisitorPerHour: number; perBotPerHour: number };
  now: Date;
}): Promise<void> {
  const { now } = options;
  const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const visitorKey = `lead:v:${options.botId}:${options.visitor}`;
  const botKey = `lead:b:${options.botId}`;
  const counts = await incrementCounters({ db: options.db, keys: [visitorKey, botKey], windowStart: hour });
  const retryAfterSeconds = Math.max(1, Math.ceil((hour.getTime() + 3_600_000 - now.getTime()) / 1000));
  if ((counts.get(visitorKey) ?? 0) > options.limits.perVisitorPerHour)
    throw new AppError(AppErrorCode.RATE_LIMITED, 'too many contact requests from you: try again later', {
      details: {
        reason: 'LEAD_VISITOR_RATE_LIMIT',
        limitPerHour: options.limits.perVisitorPerHour,
        retryAfterSeconds,
      },
    });
  if ((counts.get(botKey) ?? 0) > options.limits.perBotPerHour)
    throw new AppError(
      AppErrorCode.RATE_LIMITED,
      'this assistant takes no more contact requests right now: try again later',
      {
        details: { reason: 'LEAD_BOT_RATE_LIMIT', retryAfterSeconds },
      },
    );
}
