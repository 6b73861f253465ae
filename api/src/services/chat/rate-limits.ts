import type { Database } from '../../db/prisma.js';

/**
 * Fixed-window counters in PostgreSQL (RateLimitCounter), shared by every api process: one
 * upsert per request increments all the keys it counts against and returns their values.
 */
export async function incrementCounters(options: {
  db: Database;
  keys: string[];
  windowStart: Date;
  by?: number;
}): Promise<Map<string, number>> {
  const { db, keys, windowStart } = options;
  const by = options.by ?? 1;
  const rows = await db.$queryRaw<{ key: string; count: number }[]>`
    INSERT INTO "RateLimitCounter" (key, "windowStart", count)
    SELECT k, ${windowStart}, ${by} FROM unnest(${keys}::text[]) AS k
    ON CONFLICT (key, "windowStart") DO UPDATE SET count = "RateLimitCounter".count + EXCLUDED.count
    RETURNING key, count`;
  return new Map(rows.map((row) => [row.key, row.count]));
}

export async function readCounter(options: {
  db: Database;
  key: string;
  windowStart: Date;
}): Promise<number> {
  const row = await options.db.rateLimitCounter.findUnique({
    where: { key_windowStart: { key: options.key, windowStart: options.windowStart } },
  });
  return row?.count ?? 0;
}

/** Old windows are useless; any request may sweep them (rarely, to keep requests cheap). */
export async function sweepOldCounters(options: { db: Database; before: Date }): Promise<void> {
  await options.db.rateLimitCounter.deleteMany({ where: { windowStart: { lt: options.before } } });
}

export function minuteWindow(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

export function dayWindow(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000);
}
