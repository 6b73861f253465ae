import {
  type CrawlFailReason,
  type CrawlSkipReason,
  crawlFailReasons,
  crawlSkipReasons,
} from '@privexbot/schema/errors';
import { z } from 'zod';
import type { Database } from '../../../db/prisma.js';
import type { CrawlRun, Source } from '../../../generated/prisma/client.js';
import { AppError, AppErrorCode } from '../../../http/app-error.js';
import type { OrgPermission } from '../../access/org-access.js';
import type { Principal } from '../../access/principal.js';
import { findAccessibleBot } from '../../bots/find-accessible-bot.js';
import { crawlSettingsSchema } from './website-input.js';

/** URLs listed per outcome in a website's view: the reasons, not a full log. */
const PROBLEMS_SHOWN = 100;

const crawlRunViewSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'done', 'cancelled', 'failed']),
  cancelRequested: z.boolean(),
  pagesFound: z.number(),
  pagesFetched: z.number(),
  pagesUnchanged: z.number(),
  pagesSkipped: z.number(),
  pagesFailed: z.number(),
  bytes: z.number(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export const websiteViewSchema = z.object({
  id: z.string(),
  botId: z.string(),
  name: z.string(),
  status: z.enum(['pending', 'processing', 'ready', 'failed']),
  citable: z.boolean(),
  settings: crawlSettingsSchema,
  recrawlIntervalMinutes: z.number().nullable(),
  nextCrawlAt: z.string().nullable(),
  pagesStored: z.number(),
  bytes: z.number(),
  crawl: crawlRunViewSchema.nullable(),
  /**
   * The latest crawl's skipped and failed URLs (at most 100 each), each with its stable reason
   * code (`crawlSkipReasons`, `crawlFailReasons`; the column accepts no other value).
   */
  skipped: z.array(
    z.object({ url: z.string(), reason: z.enum(crawlSkipReasons), detail: z.string().nullable() }),
  ),
  failed: z.array(
    z.object({ url: z.string(), reason: z.enum(crawlFailReasons), detail: z.string().nullable() }),
  ),
});
export type WebsiteView = z.infer<typeof websiteViewSchema>;

export function crawlRunView(run: CrawlRun): z.infer<typeof crawlRunViewSchema> {
  return {
    id: run.id,
    status: run.status,
    cancelRequested: run.cancelRequested,
    pagesFound: run.pagesFound,
    pagesFetched: run.pagesFetched,
    pagesUnchanged: run.pagesUnchanged,
    pagesSkipped: run.pagesSkipped,
    pagesFailed: run.pagesFailed,
    bytes: run.bytes,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/** A website source of a bot the principal may act on, or 404 (also for a source of another kind). */
export async function findWebsite(options: {
  db: Database;
  orgId: string;
  botId: string;
  websiteId: string;
  principal: Principal;
  permission: OrgPermission;
}): Promise<Source> {
  const bot = await findAccessibleBot({ ...options });
  const source = await options.db.source.findFirst({
    where: { id: options.websiteId, botId: bot.id, type: 'website' },
  });
  if (!source) throw new AppError(AppErrorCode.NOT_FOUND, `website ${options.websiteId} not found`);
  return source;
}

/** The website, its latest crawl's counters, and the reasons of what it skipped or failed. */
export async function websiteView(db: Database, source: Source): Promise<WebsiteView> {
  const [run, pagesStored, problems] = await Promise.all([
    db.crawlRun.findFirst({ where: { sourceId: source.id }, orderBy: { createdAt: 'desc' } }),
    db.crawlPage.count({ where: { sourceId: source.id, stored: true } }),
    db.$queryRaw<{ url: string; outcome: string; reason: string | null; detail: string | null }[]>`
      SELECT url, outcome, reason, detail FROM (
        SELECT url, outcome, reason, detail, row_number() OVER (PARTITION BY outcome ORDER BY url) AS n
        FROM "CrawlPage" WHERE "sourceId" = ${source.id}::uuid AND outcome IN ('skipped', 'failed')
          AND "lastRunId" = (SELECT id FROM "CrawlRun" WHERE "sourceId" = ${source.id}::uuid ORDER BY "createdAt" DESC LIMIT 1)
      ) AS listed WHERE n <= ${PROBLEMS_SHOWN} ORDER BY url`,
  ]);
  // A skipped or failed page always has its reason (run-crawl writes them together).
  const pick = <R extends CrawlSkipReason | CrawlFailReason>(outcome: 'skipped' | 'failed') =>
    problems
      .filter((p) => p.outcome === outcome)
      .map(({ url, reason, detail }) => ({ url, reason: reason as R, detail }));
  return {
    id: source.id,
    botId: source.botId,
    name: source.name,
    status: source.status,
    citable: source.citable,
    settings: crawlSettingsSchema.parse(source.crawlSettings),
    recrawlIntervalMinutes: source.recrawlIntervalMinutes,
    nextCrawlAt: source.nextCrawlAt?.toISOString() ?? null,
    pagesStored,
    bytes: source.bytes,
    crawl: run ? crawlRunView(run) : null,
    skipped: pick<CrawlSkipReason>('skipped'),
    failed: pick<CrawlFailReason>('failed'),
  };
}
