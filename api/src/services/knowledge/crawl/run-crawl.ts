import { createHash } from 'node:crypto';
import type { CrawlReason } from '@privexbot/schema/errors';
import { type Database, Prisma } from '../../../db/prisma.js';
import type { CachedPlanQuotas } from '../../quotas/cached-plan-quotas.js';
import type { UrlFetchPolicy } from '../../url-fetch/fetch-public-url.js';
import { type CrawlEvent, crawlSite, type KnownPage } from './crawl-site.js';
import type { HostPacer } from './host-pacer.js';
import { crawlSettingsSchema } from './website-input.js';

export interface ClaimedCrawl {
  id: string;
  sourceId: string;
  orgId: string;
}

/**
 * The politeness key of a website: its start URL's host with port (robots.txt and its
 * Crawl-delay are per origin), lowercase, as SQL over `Source."crawlSettings"`.
 */
const crawlHost = (source: Prisma.Sql) =>
  Prisma.sql`lower(substring(${source}."crawlSettings"->>'startUrl' from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]*)'))`;

/**
 * Queues the crawls whose schedule is due (one statement: a website with a crawl queued or
 * running gets none, and its next time moves one interval on), then leases one crawl: queued,
 * or running whose worker went silent for `staleAfterMs`.
 *
 * Which one is fair across orgs and polite across websites: never a crawl of a host another
 * live crawl (any api process) is reading, since two crawls of one host at once would halve its
 * politeness delay; never one of an org in `fullOrgs` (this process's cap per org); first the
 * org with the fewest live crawls, then the oldest. The choice and the lease are one
 * transaction under an advisory lock, so two processes never both start the same host.
 */
export async function claimCrawlRun(options: {
  db: Database;
  workerId: string;
  now: Date;
  staleAfterMs: number;
  fullOrgs?: readonly string[];
}): Promise<ClaimedCrawl | null> {
  const { db, workerId, now } = options;
  await db.$executeRaw`
    WITH due AS (
      UPDATE "Source" s SET "nextCrawlAt" = ${now}::timestamp + s."recrawlIntervalMinutes" * interval '1 minute'
      WHERE s.type = 'website' AND s."nextCrawlAt" <= ${now}
        AND NOT EXISTS (SELECT 1 FROM "CrawlRun" r WHERE r."sourceId" = s.id AND r.status IN ('queued', 'running'))
      RETURNING s.id)
    INSERT INTO "CrawlRun" (id, "sourceId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), id, ${now}, ${now} FROM due`;
  const staleBefore = new Date(now.getTime() - options.staleAfterMs);
  const fullOrgs = [...(options.fullOrgs ?? [])];
  const rows = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('crawl:claim'))`;
    return tx.$queryRaw<ClaimedCrawl[]>`
      WITH live AS (
        SELECT b."orgId", ${crawlHost(Prisma.sql`s`)} AS host
        FROM "CrawlRun" r JOIN "Source" s ON s.id = r."sourceId" JOIN "Bot" b ON b.id = s."botId"
        WHERE r.status = 'running' AND r."lockedAt" >= ${staleBefore}),
      picked AS (
        SELECT r.id FROM "CrawlRun" r JOIN "Source" s ON s.id = r."sourceId" JOIN "Bot" b ON b.id = s."botId"
        WHERE (r.status = 'queued' OR (r.status = 'running' AND r."lockedAt" < ${staleBefore}))
          AND NOT (b."orgId" = ANY(${fullOrgs}::text[]))
          AND ${crawlHost(Prisma.sql`s`)} NOT IN (SELECT host FROM live WHERE host IS NOT NULL)
        ORDER BY (SELECT count(*) FROM live WHERE live."orgId" = b."orgId"), r."createdAt"
        LIMIT 1 FOR UPDATE OF r SKIP LOCKED)
      UPDATE "CrawlRun" c SET status = 'running', "lockedBy" = ${workerId}, "lockedAt" = ${now},
        "startedAt" = coalesce(c."startedAt", ${now}), "updatedAt" = ${now}
      FROM picked, "Source" s, "Bot" b
      WHERE c.id = picked.id AND s.id = c."sourceId" AND b.id = s."botId"
      RETURNING c.id::text, c."sourceId"::text, b."orgId"`;
  });
  return rows[0] ?? null;
}

/** Outcomes after which a page's stored chunks leave the knowledge: the page is gone or not wanted. */
const REMOVES_PAGE: ReadonlySet<CrawlReason> = new Set<CrawlReason>([
  'HTTP_404',
  'ROBOTS_DISALLOWED',
  'OUTSIDE_PATTERNS',
  'REDIRECTED_OFF_ORIGIN',
  'NOT_HTML',
  'NO_TEXT',
  'DUPLICATE_CONTENT',
  'BLOCKED_ADDRESS',
]);

class LostLease extends Error {}

/**
 * Runs one claimed crawl of a website source and stores it page by page, each page in one
 * short transaction (its row, its chunks replaced, the run's counters): progress is visible
 * while it runs, and a crash loses at most the page in flight. A page whose text hash is the
 * stored one keeps its chunks and vectors (nothing re-embedded); a 304 never downloads it.
 * When the crawl completes, pages it did not find again are removed with their chunks (unless
 * some URL was unreachable this time), and an ingestion job embeds the new chunks. A cancelled
 * crawl removes nothing.
 */
export async function runCrawl(options: {
  db: Database;
  run: ClaimedCrawl;
  workerId: string;
  plans: CachedPlanQuotas;
  fetchPolicy: Pick<UrlFetchPolicy, 'timeoutMs' | 'allowLoopback' | 'lookup'>;
  clock: () => Date;
  signal: AbortSignal;
  /** The process's per-host spacing of requests, shared by its crawls. */
  pacer: HostPacer;
  /** New chunks are waiting for vectors: the ingestion queue should look. */
  onChunksQueued: () => void;
}): Promise<'done' | 'cancelled' | 'failed' | 'released' | 'lost'> {
  const { db, run, workerId, clock } = options;
  const source = await db.source.findUnique({ where: { id: run.sourceId }, include: { bot: true } });
  if (!source) return 'lost';
  const settings = crawlSettingsSchema.parse(source.crawlSettings);
  const stored = await db.crawlPage.findMany({
    where: { sourceId: source.id, stored: true },
    select: {
      id: true,
      url: true,
      etag: true,
      lastModified: true,
      links: true,
      contentHash: true,
      bytes: true,
    },
  });
  const storedByUrl = new Map(stored.map((page) => [page.url, page]));
  const known = new Map<string, KnownPage>(
    stored.map((page) => [page.url, { etag: page.etag, lastModified: page.lastModified, links: page.links }]),
  );
  const plan = await options.plans.planOf(source.bot.orgId, clock());
  const storageLimit = plan.active ? plan.quotas.knowledgeBytes : 0;
  const others = await db.source.aggregate({
    where: { bot: { orgId: source.bot.orgId }, id: { not: source.id } },
    _sum: { bytes: true },
  });
  let siteBytes = stored.reduce((sum, page) => sum + page.bytes, 0);
  const othersBytes = others._sum.bytes ?? 0;

  /** The run's counters and lease, moved in the same transaction as the page. */
  const progress = (event: CrawlEvent, now: Date, client: Pick<Database, 'crawlRun'> = db) => {
    const field =
      event.kind === 'fetched'
        ? 'pagesFetched'
        : event.kind === 'unchanged'
          ? 'pagesUnchanged'
          : event.kind === 'skipped'
            ? 'pagesSkipped'
            : 'pagesFailed';
    return client.crawlRun.updateMany({
      where: { id: run.id, lockedBy: workerId },
      data: { [field]: { increment: 1 }, pagesFound: { increment: 1 }, lockedAt: now },
    });
  };

  const store = async (event: CrawlEvent): Promise<void> => {
    const now = clock();
    const previous = storedByUrl.get(event.url);
    const base = { sourceId: source.id, url: event.url, lastRunId: run.id };
    if (event.kind === 'fetched') {
      const contentHash = createHash('sha256').update(event.page.text).digest('hex');
      const bytes = Buffer.byteLength(event.page.text);
      const page = {
        etag: event.etag,
        lastModified: event.lastModified,
        links: event.page.links,
        title: event.page.title || null,
      };
      if (previous?.contentHash === contentHash) {
        // Same text under new validators (a server without ETag, or one that changes it on
        // every request): the page keeps its chunks and vectors.
        const [, moved] = await db.$transaction([
          db.crawlPage.update({
            where: { id: previous.id },
            data: { ...page, outcome: 'unchanged', reason: null, detail: null, lastRunId: run.id },
          }),
          progress({ kind: 'unchanged', url: event.url, links: [] }, now),
        ]);
        if (moved.count === 0) throw new LostLease();
        return;
      }
      if (storageLimit !== null && othersBytes + siteBytes - (previous?.bytes ?? 0) + bytes > storageLimit) {
        return store({
          kind: 'skipped',
          url: event.url,
          reason: 'KNOWLEDGE_STORAGE',
          detail: `the plan allows ${storageLimit} bytes of knowledge`,
        });
      }
      const moved = await db.$transaction(async (tx) => {
        const row = await tx.crawlPage.upsert({
          where: { sourceId_url: { sourceId: source.id, url: event.url } },
          create: { ...base, ...page, outcome: 'fetched', stored: true, contentHash, bytes },
          update: {
            ...page,
            outcome: 'fetched',
            reason: null,
            detail: null,
            stored: true,
            contentHash,
            bytes,
            lastRunId: run.id,
          },
        });
        await tx.chunk.deleteMany({ where: { pageId: row.id } });
        const [next] = await tx.$queryRaw<{ ordinal: number }[]>`
          SELECT coalesce(max(ordinal), -1)::int + 1 AS ordinal FROM "Chunk" WHERE "sourceId" = ${source.id}::uuid`;
        await tx.chunk.createMany({
          data: event.page.chunks.map((chunk, i) => ({
            botId: source.botId,
            sourceId: source.id,
            pageId: row.id,
            ordinal: (next?.ordinal ?? 0) + i,
            text: chunk.text,
            url: chunk.url,
            citable: source.citable,
            contentHash: createHash('sha256').update(chunk.text).digest('hex'),
          })),
        });
        return progress(event, now, tx);
      });
      if (moved.count === 0) throw new LostLease();
      siteBytes += bytes - (previous?.bytes ?? 0);
      storedByUrl.set(event.url, { ...page, id: previous?.id ?? '', url: event.url, contentHash, bytes });
      return;
    }
    const outcome = {
      outcome: event.kind,
      reason: event.kind === 'unchanged' ? null : event.reason,
      detail: event.kind === 'unchanged' ? null : (event.detail?.slice(0, 500) ?? null),
    };
    const removes = event.kind !== 'unchanged' && REMOVES_PAGE.has(event.reason);
    const [, moved] = await db.$transaction([
      db.crawlPage.upsert({
        where: { sourceId_url: { sourceId: source.id, url: event.url } },
        create: { ...base, ...outcome },
        update: { ...outcome, lastRunId: run.id, ...(removes ? { stored: false, bytes: 0 } : {}) },
      }),
      progress(event, now),
      ...(removes && previous ? [db.chunk.deleteMany({ where: { pageId: previous.id } })] : []),
    ]);
    if (moved.count === 0) throw new LostLease();
    if (removes && previous) {
      siteBytes -= previous.bytes;
      storedByUrl.delete(event.url);
    }
  };

  let summary: Awaited<ReturnType<typeof crawlSite>>;
  try {
    summary = await crawlSite(
      {
        startUrl: settings.startUrl,
        sitemapUrl: settings.sitemapUrl,
        include: settings.include,
        exclude: settings.exclude,
        limits: settings,
      },
      options.fetchPolicy,
      {
        known,
        pacer: options.pacer,
        onEvent: store,
        shouldStop: async () => {
          if (options.signal.aborted) return true;
          const current = await db.crawlRun.findUnique({
            where: { id: run.id },
            select: { cancelRequested: true },
          });
          return current?.cancelRequested ?? true;
        },
      },
    );
  } catch (error) {
    if (error instanceof LostLease) return 'lost';
    const now = clock();
    await db.crawlRun.updateMany({
      where: { id: run.id, lockedBy: workerId },
      data: {
        status: 'failed',
        error: (error as Error).message.slice(0, 500),
        lockedBy: null,
        finishedAt: now,
      },
    });
    return 'failed';
  }
  const now = clock();
  if (summary.stopped && options.signal.aborted) {
    // The api is stopping: the crawl starts again later, cheaply (stored pages answer 304).
    await db.crawlRun.updateMany({
      where: { id: run.id, lockedBy: workerId },
      data: { status: 'queued', lockedBy: null, lockedAt: null },
    });
    return 'released';
  }
  const pending = await db.$transaction(async (tx) => {
    if (!summary.stopped && summary.unreachable === 0) {
      // Pages this crawl did not find again are gone from the site (their chunks go with them).
      // Not after a crawl that could not read some URL (a site down for a moment, a hub page
      // answering 503): the pages behind it were not seen, and the bot must not lose them.
      await tx.crawlPage.deleteMany({ where: { sourceId: source.id, lastRunId: { not: run.id } } });
    }
    const bytes = await tx.crawlPage.aggregate({
      where: { sourceId: source.id, stored: true },
      _sum: { bytes: true },
    });
    const [waiting] = await tx.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM "Chunk" c JOIN "Bot" b ON b.id = c."botId"
      WHERE c."sourceId" = ${source.id}::uuid
        AND (CASE WHEN b."vectorSlot" = 0 THEN c."embeddedBy" ELSE c."embeddedAltBy" END) IS NULL`;
    const chunksWaiting = waiting?.count ?? 0;
    await tx.source.update({
      where: { id: source.id },
      data: { bytes: bytes._sum.bytes ?? 0, status: chunksWaiting > 0 ? 'processing' : 'ready', error: null },
    });
    if (chunksWaiting > 0) {
      await tx.ingestJob.create({
        data: { botId: source.botId, sourceId: source.id, chunksTotal: chunksWaiting, createdAt: now },
      });
    }
    await tx.crawlRun.updateMany({
      where: { id: run.id, lockedBy: workerId },
      data: {
        status: summary.stopped ? 'cancelled' : 'done',
        lockedBy: null,
        finishedAt: now,
        bytes: summary.bytes,
      },
    });
    return chunksWaiting;
  });
  if (pending > 0) options.onChunksQueued();
  return summary.stopped ? 'cancelled' : 'done';
}
