import type { Database } from '../../db/prisma.js';
import type { Principal } from '../access/principal.js';
import { findAccessibleBot } from './find-accessible-bot.js';
import { getPublishedBot } from './get-public-bot.js';

/** How many refused origins a bot keeps: the latest ones, so a flood of forged origins stays small. */
export const KEPT_REFUSALS = 20;

export interface EmbedRefusalView {
  origin: string;
  count: number;
  lastSeenAt: string;
}

/**
 * Whether a page on `origin` may frame the bot's conversation: the same list the embed page's
 * CSP `frame-ancestors` carries (the bot's allowed origins, the dapp's, the api's own). A refused
 * origin is remembered for the owner, the oldest beyond `KEPT_REFUSALS` forgotten.
 */
export async function checkEmbedOrigin(options: {
  db: Database;
  botId: string;
  /** a serialized origin (the browser's Origin header, checked by the route) */
  origin: string;
  /** the embed page's `frame-ancestors` for these allowed origins */
  frameAncestors: (allowedOrigins: string[]) => string[];
  now: Date;
}): Promise<{ allowed: boolean }> {
  const { db, origin, now } = options;
  const bot = await getPublishedBot({ db, botId: options.botId });
  if (options.frameAncestors(bot.allowedOrigins).includes(origin)) return { allowed: true };
  await db.$transaction(async (tx) => {
    await tx.embedRefusal.upsert({
      where: { botId_origin: { botId: bot.id, origin } },
      create: { botId: bot.id, origin, lastSeenAt: now },
      update: { count: { increment: 1 }, lastSeenAt: now },
    });
    const stale = await tx.embedRefusal.findMany({
      where: { botId: bot.id },
      orderBy: { lastSeenAt: 'desc' },
      skip: KEPT_REFUSALS,
      select: { origin: true },
    });
    if (stale.length > 0)
      await tx.embedRefusal.deleteMany({
        where: { botId: bot.id, origin: { in: stale.map((s) => s.origin) } },
      });
  });
  return { allowed: false };
}

/** The latest refused origins of a bot, for members who may read its settings. */
export async function listEmbedRefusals(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
}): Promise<EmbedRefusalView[]> {
  const bot = await findAccessibleBot({ ...options, permission: 'bots:read' });
  const rows = await options.db.embedRefusal.findMany({
    where: { botId: bot.id },
    orderBy: { lastSeenAt: 'desc' },
    take: KEPT_REFUSALS,
  });
  return rows.map((r) => ({ origin: r.origin, count: r.count, lastSeenAt: r.lastSeenAt.toISOString() }));
}
