import { type Database, Prisma } from '../../db/prisma.js';
import { type Embedder, toVectorSql } from '../embeddings/embedder.js';
import { passageText } from './passage-text.js';

/**
 * The title a chunk is embedded behind (with `c` the chunk, `s` its source, `p` its crawled
 * page): the page's title, else its URL, else the source's name.
 */
export const chunkTitleSql = Prisma.sql`COALESCE(NULLIF(p.title, ''), c.url, s.name)`;

export interface ClaimedJob {
  id: string;
  botId: string;
  sourceId: string;
  attempts: number;
}

/**
 * Takes the oldest queued job, or a running one whose worker went silent (crashed) for
 * `staleAfterMs`. One UPDATE with SKIP LOCKED, so two workers never take the same job.
 */
export async function claimIngestJob(options: {
  db: Database;
  workerId: string;
  now: Date;
  staleAfterMs: number;
}): Promise<ClaimedJob | null> {
  const { db, workerId, now } = options;
  const staleBefore = new Date(now.getTime() - options.staleAfterMs);
  const rows = await db.$queryRaw<ClaimedJob[]>`
    UPDATE "IngestJob" SET status = 'running', "lockedBy" = ${workerId}, "lockedAt" = ${now},
      attempts = attempts + 1, "updatedAt" = ${now}
    WHERE id = (
      SELECT id FROM "IngestJob"
      WHERE status = 'queued' OR (status = 'running' AND "lockedAt" < ${staleBefore})
      ORDER BY "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id::text, "botId"::text, "sourceId"::text, attempts`;
  return rows[0] ?? null;
}

export type IngestOutcome = 'done' | 'retry' | 'failed' | 'lost' | 'stopped';

/**
 * Embeds the chunks of one source that have no embedding yet, a batch at a time: embed
 * (outside any transaction), then one statement writes the vectors and the job's progress. Chunk rows were written with the source, so a job that resumes after a crash
 * only embeds what is left, and nothing is ever inserted twice.
 */
export async function runIngestJob(options: {
  db: Database;
  job: ClaimedJob;
  workerId: string;
  embedderFor: (embedderId: string) => Embedder;
  batchSize: number;
  maxAttempts: number;
  clock: () => Date;
  signal?: AbortSignal;
}): Promise<IngestOutcome> {
  const { db, job, workerId, clock } = options;
  try {
    for (;;) {
      if (options.signal?.aborted) return 'stopped';
      const [bot] = await db.$queryRaw<{ embedder: string }[]>`
        SELECT embedder FROM "Bot" WHERE id = ${job.botId}::uuid`;
      if (!bot) return 'lost';
      const embedder = options.embedderFor(bot.embedder);
      // Raw SQL: Prisma cannot filter on the (Unsupported) vector column.
      const pending = await db.$queryRaw<{ id: string; text: string; title: string | null }[]>`
        SELECT c.id::text, c.text, ${chunkTitleSql} AS title
        FROM "Chunk" c JOIN "Source" s ON s.id = c."sourceId" LEFT JOIN "CrawlPage" p ON p.id = c."pageId"
        WHERE c."sourceId" = ${job.sourceId}::uuid AND c.embedding IS NULL
        ORDER BY c.ordinal LIMIT ${options.batchSize}`;
      if (pending.length === 0) {
        const now = clock();
        await db.$transaction([
          db.$executeRaw`UPDATE "Source" SET status = 'ready', error = NULL, "updatedAt" = ${now} WHERE id = ${job.sourceId}::uuid`,
          db.$executeRaw`UPDATE "IngestJob" SET status = 'done', error = NULL, "lockedBy" = NULL, "updatedAt" = ${now},
            "chunksDone" = "chunksTotal" WHERE id = ${job.id}::uuid AND "lockedBy" = ${workerId}`,
        ]);
        return 'done';
      }
      const vectors = await embedder.embed(
        pending.map((chunk) => passageText(embedder.id, chunk)),
        options.signal,
      );
      if (options.signal?.aborted) return 'stopped';
      const now = clock();
      // One statement (atomic, one round trip): the vectors, then the job's progress moved by
      // exactly the rows this batch embedded. A chunk another worker embedded meanwhile is
      // neither overwritten nor counted twice, and a job taken from us (a takeover) or a bot
      // whose re-embedding swapped embedders meanwhile gets none of this batch's vectors.
      const progressed = await db.$executeRaw`
        WITH embedded AS (
          UPDATE "Chunk" AS c SET embedding = v.e::vector
          FROM (SELECT unnest(${pending.map((c) => c.id)}::uuid[]) AS id, unnest(${vectors.map(toVectorSql)}::text[]) AS e) AS v
          WHERE c.id = v.id AND c.embedding IS NULL
            AND EXISTS (SELECT 1 FROM "IngestJob" WHERE id = ${job.id}::uuid AND "lockedBy" = ${workerId})
            AND EXISTS (SELECT 1 FROM "Bot" WHERE id = ${job.botId}::uuid AND embedder = ${embedder.id})
          RETURNING c.id
        )
        UPDATE "IngestJob" SET "lockedAt" = ${now}, "updatedAt" = ${now},
          "chunksDone" = least("chunksTotal", "chunksDone" + (SELECT count(*) FROM embedded))
        WHERE id = ${job.id}::uuid AND "lockedBy" = ${workerId}`;
      // Another worker took the job over (we were too slow): let it finish.
      if (progressed === 0) return 'lost';
    }
  } catch (error) {
    if (options.signal?.aborted) return 'stopped';
    const message = (error as Error).message.slice(0, 500);
    const failed = job.attempts >= options.maxAttempts;
    const now = clock();
    await db.$transaction([
      db.ingestJob.updateMany({
        where: { id: job.id, lockedBy: workerId },
        data: {
          status: failed ? 'failed' : 'queued',
          error: message,
          lockedBy: null,
          lockedAt: null,
          updatedAt: now,
        },
      }),
      ...(failed
        ? [db.source.update({ where: { id: job.sourceId }, data: { status: 'failed', error: message } })]
        : []),
    ]);
    return failed ? 'failed' : 'retry';
  }
}
