import http from 'node:http';
import https from 'node:https';
import type { Database } from '../../db/prisma.js';
import type { Logger } from '../../logger.js';
import type { FieldEncryption } from '../leads/field-encryption.js';
import { assertPublicLiteral, guardedLookup } from '../url-fetch/fetch-public-url.js';
import {
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  webhookRetryDelayMs,
  webhookSignature,
} from './webhook-signature.js';

export interface WebhookDeliverySettings {
  timeoutMs: number;
  maxAttempts: number;
  allowLoopback: boolean;
}

/**
 * Sends due webhook deliveries. Each is first leased (nextAttemptAt pushed past the timeout in
 * a short UPDATE ... SKIP LOCKED) so two api processes never send the same attempt, then
 * POSTed outside any transaction, then its outcome recorded: delivered, or retried with
 * backoff, or failed after `maxAttempts`. Returns how many were attempted.
 */
export async function deliverDueWebhooks(options: {
  db: Database;
  encryption: FieldEncryption;
  settings: WebhookDeliverySettings;
  now: Date;
  log: Logger;
  limit?: number;
}): Promise<number> {
  const { db, now, settings } = options;
  const leaseUntil = new Date(now.getTime() + settings.timeoutMs + 30_000);
  const due = await db.$queryRaw<{ id: string }[]>`
    UPDATE "WebhookDelivery" SET "nextAttemptAt" = ${leaseUntil}
    WHERE id IN (SELECT id FROM "WebhookDelivery" WHERE status = 'pending' AND "nextAttemptAt" <= ${now}
      ORDER BY "nextAttemptAt" LIMIT ${options.limit ?? 20} FOR UPDATE SKIP LOCKED)
    RETURNING id::text`;
  for (const { id } of due) {
    const delivery = await db.webhookDelivery.findUnique({ where: { id }, include: { webhook: true } });
    if (!delivery) continue;
    const attempt = delivery.attempts + 1;
    let statusCode: number | undefined;
    let error: string | undefined;
    try {
      const body = JSON.stringify(await buildBody({ db, encryption: options.encryption, delivery, now }));
      const secret = options.encryption.decrypt(delivery.webhook.secretEncrypted, 'webhook.secret');
      const timestamp = Date.now();
      statusCode = await post(
        delivery.webhook.url,
        body,
        {
          'content-type': 'application/json',
          'user-agent': 'PrivexBot-Webhooks/1.0',
          'x-privexbot-event': delivery.event,
          'x-privexbot-delivery': delivery.id,
          [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
        },
        settings,
      );
      if (statusCode < 200 || statusCode >= 300) error = `the receiver answered HTTP ${statusCode}`;
    } catch (failure) {
      error = (failure as Error).message.slice(0, 300);
    }
    const delivered = error === undefined;
    const exhausted = !delivered && attempt >= settings.maxAttempts;
    await db.webhookDelivery.update({
      where: { id },
      data: {
        attempts: attempt,
        lastStatusCode: statusCode ?? null,
        lastError: error ?? null,
        status: delivered ? 'delivered' : exhausted ? 'failed' : 'pending',
        deliveredAt: delivered ? new Date() : null,
        nextAttemptAt: delivered || exhausted ? now : new Date(now.getTime() + webhookRetryDelayMs(attempt)),
      },
    });
    if (!delivered) options.log.info({ deliveryId: id, attempt, error }, 'webhook delivery failed');
  }
  return due.length;
}

async function buildBody(options: {
  db: Database;
  encryption: FieldEncryption;
  delivery: { id: string; event: string; payload: unknown; createdAt: Date; webhook: { botId: string } };
  now: Date;
}): Promise<Record<string, unknown>> {
  const { delivery } = options;
  const payload = delivery.payload as { leadId?: string };
  const base = {
    id: delivery.id,
    event: delivery.event,
    botId: delivery.webhook.botId,
    createdAt: delivery.createdAt.toISOString(),
  };
  if (delivery.event === 'lead.created' && payload.leadId) {
    const lead = await options.db.lead.findUnique({ where: { id: payload.leadId } });
    if (!lead) return { ...base, data: { leadId: payload.leadId, deleted: true } };
    return {
      ...base,
      data: {
        leadId: lead.id,
        email: options.encryption.decrypt(lead.emailEncrypted, 'lead.email'),
        name: lead.name,
        consent: lead.consent,
        conversationId: lead.conversationId,
        createdAt: lead.createdAt.toISOString(),
      },
    };
  }
  return { ...base, data: payload };
}

/** POSTs without following redirects, through the same SSRF guard as URL ingestion. */
function post(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  settings: WebhookDeliverySettings,
): Promise<number> {
  const url = new URL(rawUrl);
  assertPublicLiteral(url, settings.allowLoopback);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup({ allowLoopback: settings.allowLoopback }),
        signal: AbortSignal.timeout(settings.timeoutMs),
        agent: false,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', (error) =>
      reject((error as { cause?: Error }).cause instanceof Error ? (error as { cause: Error }).cause : error),
    );
    request.end(body);
  });
}
