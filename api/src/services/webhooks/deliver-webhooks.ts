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

/** One leased delivery: its org is the key that bounds how many of its deliveries run at once. */
export interface ClaimedDelivery {
  id: string;
  orgId: string;
}

/**
 * Leases due deliveries (nextAttemptAt pushed past the attempt's timeout, so another api
 * process skips them) in one statement, oldest first, at most `perOrg` minus what this process
 * already sends per org. The rows are then locked with SKIP LOCKED and re-checked (pending and
 * due) on their latest version, so a delivery another process is leasing or has leased
 * meanwhile is not taken twice, and two claims never wait on each other.
 */
export async function claimDueWebhookDeliveries(options: {
  db: Database;
  now: Date;
  leaseMs: number;
  limit: number;
  perOrg: number;
  inFlight: ReadonlyMap<string, number>;
}): Promise<ClaimedDelivery[]> {
  const { db, now } = options;
  const leaseUntil = new Date(now.getTime() + options.leaseMs);
  const busyOrgs = [...options.inFlight.keys()];
  const busyCounts = busyOrgs.map((org) => options.inFlight.get(org) ?? 0);
  return db.$queryRaw<ClaimedDelivery[]>`
    WITH ranked AS (
      SELECT d.id, b."orgId", d."nextAttemptAt",
        row_number() OVER (PARTITION BY b."orgId" ORDER BY d."nextAttemptAt", d.id) AS n
      FROM "WebhookDelivery" d JOIN "Webhook" w ON w.id = d."webhookId" JOIN "Bot" b ON b.id = w."botId"
      WHERE d.status = 'pending' AND d."nextAttemptAt" <= ${now}
    ), chosen AS (
      SELECT r.id, r."orgId" FROM ranked r
      LEFT JOIN unnest(${busyOrgs}::text[], ${busyCounts}::int[]) AS busy(org, n) ON busy.org = r."orgId"
      WHERE r.n + coalesce(busy.n, 0) <= ${options.perOrg}
      ORDER BY r."nextAttemptAt", r.id LIMIT ${options.limit}
    ), locked AS (
      SELECT d.id FROM "WebhookDelivery" d
      WHERE d.id IN (SELECT id FROM chosen) AND d.status = 'pending' AND d."nextAttemptAt" <= ${now}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "WebhookDelivery" d SET "nextAttemptAt" = ${leaseUntil}
    FROM chosen WHERE d.id = chosen.id AND d.id IN (SELECT id FROM locked)
    RETURNING d.id::text, chosen."orgId"`;
}

/**
 * Sends one leased delivery, outside any transaction, and records its outcome: delivered, or
 * retried with backoff, or failed after `maxAttempts` (the dead letter: it stays in the log
 * with its last status and error, and the owner can send a test event once the receiver is
 * fixed). The webhook is read now, not when the event was queued: a webhook that was
 * disabled meanwhile receives nothing, one that was re-pointed receives at its new URL only.
 * A stop of the api (`signal`) aborts the request and hands the delivery back without
 * counting an attempt.
 */
export async function deliverWebhook(options: {
  db: Database;
  encryption: FieldEncryption;
  settings: WebhookDeliverySettings;
  deliveryId: string;
  clock: () => Date;
  log: Logger;
  signal: AbortSignal;
}): Promise<void> {
  const { db, settings, deliveryId: id, clock } = options;
  const delivery = await db.webhookDelivery.findUnique({ where: { id }, include: { webhook: true } });
  if (!delivery || delivery.status !== 'pending') return;
  const attempt = delivery.attempts + 1;
  if (!delivery.webhook.active) {
    await db.webhookDelivery.update({
      where: { id },
      data: { status: 'failed', lastError: 'the webhook was disabled before this delivery was sent' },
    });
    return;
  }
  let statusCode: number | undefined;
  let error: string | undefined;
  try {
    const body = JSON.stringify(await buildBody({ db, encryption: options.encryption, delivery }));
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
      options.signal,
    );
    if (statusCode < 200 || statusCode >= 300) error = `the receiver answered HTTP ${statusCode}`;
  } catch (failure) {
    if (options.signal.aborted) {
      await db.webhookDelivery.update({ where: { id }, data: { nextAttemptAt: clock() } });
      return;
    }
    error = (failure as Error).message.slice(0, 300);
  }
  const now = clock();
  const delivered = error === undefined;
  const exhausted = !delivered && attempt >= settings.maxAttempts;
  await db.webhookDelivery.update({
    where: { id },
    data: {
      attempts: attempt,
      lastStatusCode: statusCode ?? null,
      lastError: error ?? null,
      status: delivered ? 'delivered' : exhausted ? 'failed' : 'pending',
      deliveredAt: delivered ? now : null,
      nextAttemptAt: delivered || exhausted ? now : new Date(now.getTime() + webhookRetryDelayMs(attempt)),
    },
  });
  if (!delivered) options.log.info({ deliveryId: id, attempt, error }, 'webhook delivery failed');
}

async function buildBody(options: {
  db: Database;
  encryption: FieldEncryption;
  delivery: { id: string; event: string; payload: unknown; createdAt: Date; webhook: { botId: string } };
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
  stop: AbortSignal,
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
        // The whole attempt (connect, headers) is bounded: a receiver that accepts and never
        // answers, or trickles its headers, costs its org one slot for timeoutMs, no more.
        signal: AbortSignal.any([AbortSignal.timeout(settings.timeoutMs), stop]),
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
