import type { Database, Prisma } from '../../db/prisma.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import type { Principal } from '../access/principal.js';

/** The marks of a plan's quota that the org is told about (PRODUCT.md: alerts at 70, 85, 95 %). */
export const quotaNoticeThresholds = [70, 85, 95] as const;

export const QUOTA_NOTICE_EVENT = 'quota.threshold_crossed';

/** Notices already written by this process, so crossing 70 % costs one insert, not one per message. */
const recorded = new Set<string>();

/**
 * Records that the org's message usage crossed each mark of its plan's quota this billing
 * period, once: the row's unique key (org, period start, mark) makes concurrent turns that
 * cross the same mark insert one row between them, and only the turn whose insert won queues
 * the `quota.threshold_crossed` webhook event, in the same transaction. A new period has a new
 * start, so its marks are crossed afresh. The event goes to every active webhook of the org's
 * bots, once per distinct URL; the webhook runner sends it (within its sweep interval).
 */
export async function recordQuotaNotices(options: {
  db: Database;
  orgId: string;
  periodStart: Date;
  /** Messages used, counting the one being admitted. */
  used: number;
  limit: number;
  now: Date;
}): Promise<number[]> {
  const { db, orgId, periodStart, used, limit, now } = options;
  const fresh = quotaNoticeThresholds.filter(
    (pct) => used * 100 >= pct * limit && !recorded.has(`${orgId}:${periodStart.getTime()}:${pct}`),
  );
  if (fresh.length === 0) return [];
  const crossed = await db.$transaction(async (tx) => {
    const inserted = await tx.$queryRaw<{ thresholdPct: number }[]>`
      INSERT INTO "QuotaWarning" (id, "orgId", "periodStart", "thresholdPct", "messagesUsed", "messagesLimit", "createdAt")
      SELECT gen_random_uuid(), ${orgId}, ${periodStart}, pct, ${used}, ${limit}, ${now}
      FROM unnest(${[...fresh]}::int[]) AS pct
      ON CONFLICT ("orgId", "periodStart", "thresholdPct") DO NOTHING
      RETURNING "thresholdPct"`;
    for (const { thresholdPct } of inserted) {
      await enqueueOrgEvent(tx, {
        orgId,
        now,
        payload: {
          orgId,
          quota: 'messages',
          thresholdPct,
          used,
          limit,
          periodStart: periodStart.toISOString(),
          crossedAt: now.toISOString(),
        },
      });
    }
    return inserted.map((row) => row.thresholdPct);
  });
  for (const pct of fresh) recorded.add(`${orgId}:${periodStart.getTime()}:${pct}`);
  return crossed;
}

/** One delivery per distinct URL among the active webhooks of the org's bots. */
async function enqueueOrgEvent(
  tx: Prisma.TransactionClient,
  options: { orgId: string; now: Date; payload: Prisma.InputJsonObject },
): Promise<void> {
  const webhooks = await tx.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT ON (w.url) w.id::text FROM "Webhook" w JOIN "Bot" b ON b.id = w."botId"
    WHERE b."orgId" = ${options.orgId} AND w.active ORDER BY w.url, w."createdAt"`;
  if (webhooks.length === 0) return;
  await tx.webhookDelivery.createMany({
    data: webhooks.map((webhook) => ({
      webhookId: webhook.id,
      event: QUOTA_NOTICE_EVENT,
      payload: options.payload,
      nextAttemptAt: options.now,
      createdAt: options.now,
    })),
  });
}

/** The org's quota notices, newest first: what the dapp shows beside the usage meter. */
export async function listQuotaNotices(options: {
  db: Database;
  orgId: string;
  principal: Principal;
  limit: number;
}) {
  const org = await findAccessibleOrg({ ...options, permission: 'bots:read' });
  const rows = await options.db.quotaWarning.findMany({
    where: { orgId: org.id },
    orderBy: [{ periodStart: 'desc' }, { thresholdPct: 'desc' }],
    take: options.limit,
  });
  return rows.map((row) => ({
    quota: 'messages' as const,
    thresholdPct: row.thresholdPct,
    used: row.messagesUsed,
    limit: row.messagesLimit,
    periodStart: row.periodStart.toISOString(),
    crossedAt: row.createdAt.toISOString(),
  }));
}
