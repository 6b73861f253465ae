import { createHash } from 'node:crypto';
import type { Database } from '../../../db/prisma.js';
import type { Principal } from '../../access/principal.js';
import { auditLogEntry } from '../../audit/record-audit-log.js';
import { findAccessibleBot } from '../../bots/find-accessible-bot.js';
import type { CrawlSettings, CreateWebsiteBody } from './website-input.js';
import { findWebsite, type WebsiteView, websiteView } from './website-view.js';

/**
 * Adds a website to a bot's knowledge: one `website` source and a queued crawl, in one
 * transaction; the crawl queue fetches it in the background. The same start URL twice on one
 * bot is the same source (200, `duplicate: true`).
 */
export async function createWebsite(options: {
  db: Database;
  orgId: string;
  botId: string;
  principal: Principal;
  input: CreateWebsiteBody;
  requestId: string;
  now: Date;
}): Promise<{ website: WebsiteView; duplicate: boolean }> {
  const { db, orgId, principal, input, now } = options;
  const bot = await findAccessibleBot({ ...options, permission: 'knowledge:write' });
  const { name, citable, recrawlIntervalMinutes, ...settings } = input;
  const crawlSettings: CrawlSettings = settings;
  const contentHash = createHash('sha256')
    .update(`website:${new URL(input.startUrl).toString()}`)
    .digest('hex');
  const result = await db.$transaction(async (tx) => {
    const same = await tx.source.findUnique({ where: { botId_contentHash: { botId: bot.id, contentHash } } });
    if (same) return { sourceId: same.id, duplicate: true };
    const source = await tx.source.create({
      data: {
        botId: bot.id,
        type: 'website',
        name: name ?? new URL(input.startUrl).host,
        url: input.startUrl,
        mimeType: 'text/html',
        citable,
        contentHash,
        status: 'processing',
        crawlSettings,
        recrawlIntervalMinutes: recrawlIntervalMinutes ?? null,
        nextCrawlAt: recrawlIntervalMinutes
          ? new Date(now.getTime() + recrawlIntervalMinutes * 60_000)
          : null,
        createdAt: now,
      },
    });
    await tx.crawlRun.create({ data: { sourceId: source.id, createdAt: now } });
    await tx.auditLog.create({
      data: auditLogEntry({
        orgId,
        principal,
        action: 'source.create',
        targetType: 'source',
        targetId: source.id,
        details: { botId: bot.id, name: source.name, type: 'website', startUrl: input.startUrl },
        requestId: options.requestId,
      }),
    });
    return { sourceId: source.id, duplicate: false };
  });
  const source = await findWebsite({
    db,
    orgId,
    botId: bot.id,
    websiteId: result.sourceId,
    principal,
    permission: 'bots:read',
  });
  return { website: await websiteView(db, source), duplicate: result.duplicate };
}
