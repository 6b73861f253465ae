import { type Database, Prisma } from '../../db/prisma.js';
import { type Embedder, toVectorSql } from '../embeddings/embedder.js';
import { passageText } from './passage-text.js';
import { chunkTitleSql } from './run-ingest-job.js';
import { asVectorSlot, otherSlot, slotColumns, type VectorSlot } from './vector-slots.js';

export type ReembedOutcome = 'idle' | 'progressed' | 'swapped';

/**
 * One step of re-embedding the bots whose embedder changed: embed a batch of the chunks that
 * lack the bot's `embedderNext` vector in the slot retrieval does not read (knowledge/vector-
 * slots), or, when none is left, switch the bot over. The switch is one single-row statement:
 * it flips the bot's live slot and embedder, guarded by "no chunk of the bot lacks the target's
 * vector in the other slot" (index range scans), so its cost does not grow with the bot, and
 * retrieval sees the old vectors only until it and the new ones only after it. Vectors left in
 * the old slot keep their embedder's tag: switching back to it re-embeds only the chunks added
 * since. Writes are guarded by the target still being the bot's `embedderNext` and its live slot
 * unchanged: a second switch meanwhile discards this batch instead of mixing it in. Bots whose
 * target embedder this api does not run are skipped (`unavailable` collects them, so a pass
 * does not spin on them).
 */
export async function runReembedStep(options: {
  db: Database;
  embedderFor: (embedderId: string) => Embedder;
  batchSize: number;
  unavailable: Set<string>;
  signal?: AbortSignal;
}): Promise<ReembedOutcome> {
  const { db } = options;
  const bots = await db.$queryRaw<{ id: string; next: string; slot: number }[]>`
    SELECT id::text, "embedderNext" AS next, "vectorSlot"::int AS slot
    FROM "Bot" WHERE "embedderNext" IS NOT NULL ORDER BY "updatedAt"`;
  const bot = bots.find((b) => !options.unavailable.has(b.id));
  if (!bot) return 'idle';
  let embedder: Embedder;
  try {
    embedder = options.embedderFor(bot.next);
  } catch {
    options.unavailable.add(bot.id);
    return 'progressed';
  }
  const live = asVectorSlot(bot.slot);
  const target = slotColumns(otherSlot(live));
  const pending = await db.$queryRaw<{ id: string; text: string; title: string | null }[]>`
    SELECT c.id::text, c.text, ${chunkTitleSql} AS title
    FROM "Chunk" c JOIN "Source" s ON s.id = c."sourceId" LEFT JOIN "CrawlPage" p ON p.id = c."pageId"
    WHERE c.id IN (${lacking(bot.id, target.embedder, bot.next, options.batchSize)})
    ORDER BY c.id`;
  if (pending.length === 0) {
    const switched = await switchSlot(db, bot.id, live, bot.next);
    return switched ? 'swapped' : 'progressed';
  }
  const vectors = await embedder.embed(
    pending.map((chunk) => passageText(bot.next, chunk)),
    options.signal,
    'passage',
  );
  options.signal?.throwIfAborted();
  await db.$executeRaw`
    UPDATE "Chunk" AS c SET ${target.vector} = v.e::vector, ${target.embedder} = ${bot.next}
    FROM (SELECT unnest(${pending.map((c) => c.id)}::uuid[]) AS id, unnest(${vectors.map(toVectorSql)}::text[]) AS e) AS v
    WHERE c.id = v.id AND c.${target.embedder} IS DISTINCT FROM ${bot.next}
      AND EXISTS (SELECT FROM "Bot" WHERE id = ${bot.id}::uuid AND "embedderNext" = ${bot.next} AND "vectorSlot" = ${live})`;
  return 'progressed';
}

/**
 * Makes `target` the bot's embedder and the other slot its live one, if every chunk of the bot
 * has `target`'s vector there. One statement on one row: chat waits for it no longer on a bot
 * of 100k chunks than on a bot of ten.
 */
export async function switchSlot(
  db: Database,
  botId: string,
  live: VectorSlot,
  target: string,
): Promise<boolean> {
  const other = slotColumns(otherSlot(live));
  const switched = await db.$executeRaw`
    UPDATE "Bot" SET embedder = "embedderNext", "embedderNext" = NULL, "vectorSlot" = ${otherSlot(live)}
    WHERE id = ${botId}::uuid AND "embedderNext" = ${target} AND "vectorSlot" = ${live}
      AND NOT EXISTS (${lacking(botId, other.embedder, target, 1)})`;
  return switched === 1;
}

/**
 * Up to `limit` ids of the bot's chunks whose slot (`tag`, its embedder column) lacks
 * `embedder`'s vector. "Lacks" is written as three ranges of the (botId, tag) index (null,
 * before, after) rather than IS DISTINCT FROM, which no index answers, each read in index order
 * and stopped at `limit` (no sort of everything left): finding none costs three index probes,
 * and a batch costs its own size, whatever the bot's size.
 */
function lacking(botId: string, tag: Prisma.Sql, embedder: string, limit: number): Prisma.Sql {
  return Prisma.sql`
    SELECT id FROM (
      (SELECT id FROM "Chunk" WHERE "botId" = ${botId}::uuid AND ${tag} IS NULL LIMIT ${limit})
      UNION ALL
      (SELECT id FROM "Chunk" WHERE "botId" = ${botId}::uuid AND ${tag} < ${embedder} LIMIT ${limit})
      UNION ALL
      (SELECT id FROM "Chunk" WHERE "botId" = ${botId}::uuid AND ${tag} > ${embedder} LIMIT ${limit})
    ) AS lacking ORDER BY id LIMIT ${limit}`;
}

/** How far a bot's background re-embedding is: null when none is under way. */
export async function reembedProgress(
  db: Database,
  botId: string,
): Promise<{ embedder: string; chunksDone: number; chunksTotal: number } | null> {
  const rows = await db.$queryRaw<{ next: string | null; slot: number }[]>`
    SELECT "embedderNext" AS next, "vectorSlot"::int AS slot FROM "Bot" WHERE id = ${botId}::uuid`;
  const row = rows[0];
  if (!row?.next) return null;
  const other = slotColumns(otherSlot(asVectorSlot(row.slot)));
  const [counts] = await db.$queryRaw<{ done: bigint; total: bigint }[]>`
    SELECT count(*) FILTER (WHERE ${other.embedder} = ${row.next}) AS done, count(*) AS total
    FROM "Chunk" WHERE "botId" = ${botId}::uuid`;
  return { embedder: row.next, chunksDone: Number(counts?.done), chunksTotal: Number(counts?.total) };
}
