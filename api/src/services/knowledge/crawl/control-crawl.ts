import type { Database } from '../../../db/prisma.js';
import type { Principal } from '../../access/principal.js';
import { findWebsite, type WebsiteView, websiteView } from './website-view.js';

interface WebsiteRef {
  db: Database;
  orgId: string;
  botId: string;
  websiteId: string;
  principal: Principal;
  now: Date;
}

/** Crawls the website again now, unless a crawl is already queued or running (then that one stands). */
export async function requestCrawl(options: WebsiteRef): Promise<{ website: WebsiteView; queued: boolean }> {
  const source = await findWebsite({ ...options, permission: 'knowledge:write' });
  // One statement: two requests at once queue one crawl.
  const queued = await options.db.$executeRaw`
    INSERT INTO "CrawlRun" (id, "sourceId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), ${source.id}::uuid, ${options.now}, ${options.now}
    WHERE NOT EXISTS (SELECT 1 FROM "CrawlRun" WHERE "sourceId" = ${source.id}::uuid AND status IN ('queued', 'running'))`;
  return { website: await websiteView(options.db, source), queued: queued > 0 };
}

/**
 * Cancels the queued or running crawl: a queued one at once, a running one before its next
 * request (the pages stored so far stay; nothing is removed for pages it did not reach).
 */
export async function cancelCrawl(options: WebsiteRef): Promise<WebsiteView> {
  const source = await findWebsite({ ...options, permission: 'knowledge:write' });
  await options.db.$transaction([
    options.db.crawlRun.updateMany({
      where: { sourceId: source.id, status: 'queued' },
      data: { status: 'cancelled', cancelRequested: true, finishedAt: options.now },
    }),
    options.db.crawlRun.updateMany({
      where: { sourceId: source.id, status: 'running' },
      data: { cancelRequested: true },
    }),
  ]);
  return websiteView(options.db, source);
}

/** Sets (or clears, with null) the re-crawl interval; the next crawl is due one interval from now. */
export async function setRecrawlInterval(
  options: WebsiteRef & { recrawlIntervalMinutes: number | null },
): Promise<WebsiteView> {
  const source = await findWebsite({ ...options, permission: 'knowledge:write' });
  const minutes = options.recrawlIntervalMinutes;
  const updated = await options.db.source.update({
    where: { id: source.id },
    data: {
      recrawlIntervalMinutes: minutes,
      nextCrawlAt: minutes ? new Date(options.now.getTime() + minutes * 60_000) : null,
    },
  });
  return websiteView(options.db, updated);
}
