import type { Database } from '../../db/prisma.js';
import { type Embedder, toVectorSql } from '../embeddings/embedder.js';
import { passageText } from './passage-text.js';
import { chunkTitleSql } from './run-ingest-job.js';

export type ReembedOutcome = 'idle' | 'progressed' | 'swapped';

/**
 * One step of re-embedding the bots whose embedder changed: embed a batch of chunks with the
 * bot's `embedderNext` into `embeddingNext`, or, when none is left, swap the new vectors and
 * the embedder in with one statement. Retrieval reads only `embedding`, so until the swap a
 * bot is searched entirely with its old embedder, and after it entirely with the new one.
 * Writes are guarded by the target still being the bot's `embedderNext`: a second switch
 * meanwhile discards this batch instead of mixing it in. Bots whose target embedder this api
 * does not run are skipped (`unavailable` collects them, so a pass does not spin on them).
 */
export async function runReembedStep(options: {
  db: Database;
  embedderFor: (embedderId: string) => Embedder;
  batchSize: number;
  unavailable: Set<string>;
  signal?: AbortSignal;
}): Promise<ReembedOutcome> {
  const { db } = options;
  const bots = await db.$queryRaw<{ id: string; next: string }[]>`
    SELECT id::text, "embedderNext" AS next FROM "Bot" WHERE "embedderNext" IS NOT NULL ORDER BY "updatedAt"`;
  const bot = bots.find((b) => !options.unavailable.has(b.id));
  if (!bot) return 'idle';
  let embedder: Embedder;
  try {
    embedder = options.embedderFor(bot.next);
  } catch {
    options.unavailable.add(bot.id);
    return 'progressed';
  }
  const pending = await db.$queryRaw<{ id: string; text: string; title: string | null }[]>`
    SELECT c.id::text, c.text, ${chunkTitleSql} AS title
    FROM "Chunk" c JOIN "Source" s ON s.id = c."sourceId" LEFT JOIN "CrawlPage" p ON p.id = c."pageId"
    WHERE c."botId" = ${bot.id}::uuid AND c."embeddingNext" IS NULL
    ORDER BY c.id LIMIT ${options.batchSize}`;
  if (pending.length === 0) {
    // One statement, one snapshot: the bot switches only if every chunk has its new vector,
    // and the chunks switch only with it.
    const swapped = await db.$executeRaw`
      WITH bot AS (
        UPDATE "Bot" SET embedder = "embedderNext", "embedderNext" = NULL
        WHERE id = ${bot.id}::uuid AND "embedderNext" = ${bot.next}
          AND NOT EXISTS (SELECT FROM "Chunk" WHERE "botId" = ${bot.id}::uuid AND "embeddingNext" IS NULL)
        RETURNING id
      )
      UPDATE "Chunk" SET embedding = "embeddingNext", "embeddingNext" = NULL
      WHERE "botId" = ${bot.id}::uuid AND EXISTS (SELECT FROM bot)`;
    // A bot with no chunks swaps with zero rows: check the bot itself.
    const [still] = await db.$queryRaw<{ next: string | null }[]>`
      SELECT "embedderNext" AS next FROM "Bot" WHERE id = ${bot.id}::uuid`;
    return swapped > 0 || !still || still.next === null ? 'swapped' : 'progressed';
  }
  const vectors = await embedder.embed(
    pending.map((chunk) => passageText(bot.next, chunk)),
    options.signal,
    'passage',
  );
  options.signal?.throwIfAborted();
  await db.$executeRaw`
    UPDATE "Chunk" AS c SET "embeddingNext" = v.e::vector
    FROM (SELECT unnest(${pending.map((c) => c.id)}::uuid[]) AS id, unnest(${vectors.map(toVectorSql)}::text[]) AS e) AS v
    WHERE c.id = v.id AND c."embeddingNext" IS NULL
      AND EXISTS (SELECT FROM "Bot" WHERE id = ${bot.id}::uuid AND "embedderNext" = ${bot.next})`;
  return 'progressed';
}

/** How far a bot's background re-embedding is: null when none is under way. */
export async function reembedProgress(
  db: Database,
  botId: string,
): Promise<{ embedder: string; chunksDone: number; chunksTotal: number } | null> {
  const rows = await db.$queryRaw<{ next: string | null; done: bigint; total: bigint }[]>`
    SELECT b."embedderNext" AS next,
      (SELECT count(*) FROM "Chunk" WHERE "botId" = b.id AND "embeddingNext" IS NOT NULL) AS done,
      (SELECT count(*) FROM "Chunk" WHERE "botId" = b.id) AS total
    FROM "Bot" b WHERE b.id = ${botId}::uuid`;
  const row = rows[0];
  if (!row?.next) return null;
  return { embedder: row.next, chunksDone: Number(row.done), chunksTotal: Number(row.total) };
}
