import type { Database } from '../../db/prisma.js';
import { AppError, AppErrorCode } from '../../http/app-error.js';
import { findAccessibleOrg } from '../access/find-accessible-org.js';
import type { Principal } from '../access/principal.js';
import type { BotDayAnalytics } from './get-bot-analytics.js';
import { usageDay } from './record-usage.js';

/** Longest range one request may ask for: a year of rows, leap year included. */
export const MAX_ORG_USAGE_DAYS = 366;

const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The org's off-chain counters per UTC day over [fromDay, toDay] (YYYY-MM-DD, inclusive), summed over
 * its bots: what the dapp sets beside the usage contract's counters. Days without activity
 * are omitted. Counters of deleted bots are included: they outlive their bot, as the usage
 * contract's counters do, so deleting a bot never opens a gap between the two.
 */
export async function getOrgUsage(options: {
  db: Database;
  orgId: string;
  principal: Principal;
  /** Default: today (UTC). */
  toDay?: string | undefined;
  /** Default: 29 days before toDay (30 days in all). */
  fromDay?: string | undefined;
  now: Date;
}): Promise<{ days: BotDayAnalytics[] }> {
  const to = options.toDay ? dayStart(options.toDay, 'toDay') : usageDay(options.now);
  const from = options.fromDay
    ? dayStart(options.fromDay, 'fromDay')
    : new Date(to.getTime() - (DEFAULT_DAYS - 1) * DAY_MS);
  if (from > to) {
    throw new AppError(AppErrorCode.VALIDATION_FAILED, 'fromDay must not be after toDay', {
      details: { reason: 'RANGE_REVERSED', fromDay: isoDay(from), toDay: isoDay(to) },
    });
  }
  const days = (to.getTime() - from.getTime()) / DAY_MS + 1;
  if (days > MAX_ORG_USAGE_DAYS) {
    throw new AppError(
      AppErrorCode.RANGE_TOO_LONG,
      `at most ${MAX_ORG_USAGE_DAYS} days per request; ${isoDay(from)} to ${isoDay(to)} is ${days}`,
      { details: { maxDays: MAX_ORG_USAGE_DAYS, days } },
    );
  }
  const org = await findAccessibleOrg({ ...options, permission: 'bots:read' });
  const rows = await options.db.usageDaily.groupBy({
    by: ['day'],
    where: { orgId: org.id, day: { gte: from, lte: to } },
    _sum: { conversations: true, messages: true, promptTokens: true, completionTokens: true, leads: true },
    orderBy: { day: 'asc' },
  });
  return {
    days: rows.map((row) => ({
      day: isoDay(row.day),
      conversations: row._sum.conversations ?? 0,
      messages: row._sum.messages ?? 0,
      promptTokens: row._sum.promptTokens ?? 0,
      completionTokens: row._sum.completionTokens ?? 0,
      leads: row._sum.leads ?? 0,
    })),
  };
}

/** Midnight UTC of a calendar day; zod already checked the format, this rejects 2026-02-30. */
function dayStart(day: string, field: string): Date {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) {
    throw new AppError(AppErrorCode.VALIDATION_FAILED, `${field} is not a calendar day: ${day}`, {
      details: { reason: 'INVALID_DAY', field },
    });
  }
  return date;
}
