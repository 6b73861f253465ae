import { type Database, Prisma } from '../../db/prisma.js';
import { type Embedder, toVectorSql } from '../embeddings/embedder.js';
import { passageText } from './passage-text.js';
import { asVectorSlot, slotColumns } from './vector-slots.js';

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

/** One group's write, timed: how long it held the database. */
export interface IngestWrite {
  chunks: number;
  ms: number;
}

/**
 * Chunks per write statement. Each written vector is an HNSW insertion (milliseconds each),
 * and the embedded database runs one statement at a time for every client, so a write of 256
 * held every chat's statements for seconds; groups of 16, then of 4, each cut chat's wait
 * while ingesting and let ingestion beside chat go faster (scripts/bench/RESULTS.md,
 * "Ingestion while the api serves chat"), for one round trip per group.
 */
export const DEFAULT_WRITE_CHUNKS = 4;
/** Enough groups queued to keep every chunk thread busy while a group is written. */
export const DEFAULT_GROUPS_AHEAD = 4;

export type IngestOutcome = 'done' | 'retry' | 'failed' | 'lost' | 'stopped';

/**
 * Embeds the chunks of one source that have no embedding yet: reads a batch, embeds it in
 * groups of `writeChunks` (outside any transaction), and writes each group's vectors with the
 * job's progress in one statement as soon as the group is ready, while the next groups embed.
 * Chunk rows were written with the source, so a job that resumes after a crash only embeds
 * what is left, and nothing is ever inserted twice.
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
  /** Chunks per write statement (default DEFAULT_WRITE_CHUNKS). */
  writeChunks?: number;
  /** Groups handed to the embedder before the first is written (default DEFAULT_GROUPS_AHEAD). */
  groupsAhead?: number;
  /** Each group's write, for the ingestion worker's debug log. */
  onWrite?: (write: IngestWrite) => void;
}): Promise<IngestOutcome> {
  const { db, job, workerId, clock } = options;
  try {
    for (;;) {
      if (options.signal?.aborted) return 'stopped';
      const [bot] = await db.$queryRaw<{ embedder: string; slot: number }[]>`
        SELECT embedder, "vectorSlot"::int AS slot FROM "Bot" WHERE id = ${job.botId}::uuid`;
      if (!bot) return 'lost';
      const embedder = options.embedderFor(bot.embedder);
      // The bot's live slot: the one retrieval reads (a re-embedding fills the other).
      const slot = asVectorSlot(bot.slot);
      const live = slotColumns(slot);
      // Raw SQL: Prisma cannot filter on the (Unsupported) vector column.
      const pending = await db.$queryRaw<{ id: string; text: string; title: string | null }[]>`
        SELECT c.id::text, c.text, ${chunkTitleSql} AS title
        FROM "Chunk" c JOIN "Source" s ON s.id = c."sourceId" LEFT JOIN "CrawlPage" p ON p.id = c."pageId"
        WHERE c."sourceId" = ${job.sourceId}::uuid AND c.${live.vector} IS NULL
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
      // One statement (atomic, one round trip): a group's vectors, then the job's progress moved
      // by exactly the rows it embedded. A chunk another worker embedded meanwhile is neither
      // overwritten nor counted twice, and a job taken from us (a takeover) or a bot whose
      // re-embedding switched slots meanwhile gets none of its vectors.
      const writeVectors = (group: typeof pending, vectors: number[][]) => {
        const now = clock();
        return db.$executeRaw`
          WITH embedded AS (
            UPDATE "Chunk" AS c SET ${live.vector} = v.e::vector, ${live.embedder} = ${embedder.id}
            FROM (SELECT unnest(${group.map((c) => c.id)}::uuid[]) AS id, unnest(${vectors.map(toVectorSql)}::text[]) AS e) AS v
            WHERE c.id = v.id AND c.${live.vector} IS NULL
              AND EXISTS (SELECT 1 FROM "IngestJob" WHERE id = ${job.id}::uuid AND "lockedBy" = ${workerId})
              AND EXISTS (SELECT 1 FROM "Bot" WHERE id = ${job.botId}::uuid AND embedder = ${embedder.id} AND "vectorSlot" = ${slot})
            RETURNING c.id
          )
          UPDATE "IngestJob" SET "lockedAt" = ${now}, "updatedAt" = ${now},
            "chunksDone" = least("chunksTotal", "chunksDone" + (SELECT count(*) FROM embedded))
          WHERE id = ${job.id}::uuid AND "lockedBy" = ${workerId}`;
      };
      // Embedded a group at a time, each group written as soon as it is ready while the next
      // ones embed: a write holds the database's single session (and the HNSW index) for one
      // group, not a whole batch, so chat's statements interleave with ingestion's.
      const groups = inGroupsOf(pending, options.writeChunks ?? DEFAULT_WRITE_CHUNKS);
      const ahead = options.groupsAhead ?? DEFAULT_GROUPS_AHEAD;
      const embedding: Promise<number[][]>[] = [];
      const embedGroup = (index: number) => {
        const group = groups[index];
        if (!group) return;
        const vectors = embedder.embed(
          group.map((chunk) => passageText(embedder.id, chunk)),
          options.signal,
        );
        embedding[index] = vectors;
        // A failure surfaces when its group's turn comes; until then it must not go unhandled.
        vectors.catch(() => {});
      };
      for (let i = 0; i < ahead; i++) embedGroup(i);
      for (let index = 0; index < groups.length; index++) {
        const group = groups[index] as typeof pending;
        const vectors = await (embedding[index] as Promise<number[][]>);
        embedGroup(index + ahead);
        if (options.signal?.aborted) return 'stopped';
        const started = performance.now();
        const progressed = await writeVectors(group, vectors);
        options.onWrite?.({ chunks: group.length, ms: performance.now() - started });
        // Another worker took the job over (we were too slow): let it finish.
        if (progressed === 0) return 'lost';
      }
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

function inGroupsOf<T>(items: T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}
