/**
 * How long the end of a re-embedding holds the database, on a bot of CHUNKS chunks: the switch
 * from the old embedder's vectors to the new ones, which every chat of every bot waits behind on
 * the embedded database (one session). Side by side in one run, alternated:
 *  - before: the statement this release replaced, which copied the new vectors over the old in
 *    every chunk of the bot (one HNSW insertion per chunk) with the bot's row;
 *  - after: switchSlot, the bot's row alone, guarded by index probes.
 * Both start from the same state: every chunk with the old embedder's vector in one slot and
 * the new one's in the other. The state is restored between rounds, untimed.
 *
 *   npx tsx scripts/bench/reembed-switch.ts      (env: CHUNKS=10000 ROUNDS=3 DATABASES=embedded,postgres)
 */
import { loadavg } from 'node:os';
import type { Database } from '@privexbot/api/db/prisma';
import { switchSlot } from '@privexbot/api/services/knowledge/run-reembed-step';
import {
  benchDatabaseKinds,
  createBenchBot,
  describeDatabase,
  ms,
  percentile,
  seedChunks,
  startBenchDatabase,
} from './api-bench-support.js';

const CHUNKS = Number(process.env.CHUNKS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const OLD = 'bench-old-embedder';
const NEW = 'bench-new-embedder';

/** Both vector indexes as the migrations define them (build options included). */
async function vectorIndexes(db: Database): Promise<{ name: string; definition: string }[]> {
  const rows = await db.$queryRaw<{ name: string; definition: string }[]>`
    SELECT indexname AS name, indexdef AS definition FROM pg_indexes
    WHERE indexname IN ('Chunk_embedding_hnsw_idx', 'Chunk_embeddingAlt_hnsw_idx') ORDER BY indexname`;
  if (rows.length !== 2) throw new Error('the migrations made no two vector indexes');
  return rows;
}

/** Every chunk of the bot with OLD's vector in slot 0 and NEW's in slot 1; the bot on OLD, moving to NEW. */
async function prepare(
  db: Database,
  botId: string,
  indexes: { name: string; definition: string }[],
): Promise<void> {
  // Filled with the HNSW indexes dropped and rebuilt: much faster than row by row, and untimed.
  for (const index of indexes) await db.$executeRawUnsafe(`DROP INDEX IF EXISTS "${index.name}"`);
  await db.$executeRaw`
    UPDATE "Chunk" SET "embeddingAlt" = coalesce("embeddingAlt", embedding), embedding = coalesce(embedding, "embeddingAlt"),
      "embeddedBy" = ${OLD}, "embeddedAltBy" = ${NEW}
    WHERE "botId" = ${botId}::uuid`;
  await db.$executeRawUnsafe("SET maintenance_work_mem = '512MB'");
  for (const index of indexes) await db.$executeRawUnsafe(index.definition);
  await db.$executeRaw`
    UPDATE "Bot" SET embedder = ${OLD}, "embedderNext" = ${NEW}, "vectorSlot" = 0 WHERE id = ${botId}::uuid`;
  await db.$executeRawUnsafe('ANALYZE "Chunk"');
}

/** The previous release's swap, on today's column names. */
async function copyingSwap(db: Database, botId: string): Promise<number> {
  return db.$executeRaw`
    WITH bot AS (
      UPDATE "Bot" SET embedder = "embedderNext", "embedderNext" = NULL
      WHERE id = ${botId}::uuid AND "embedderNext" = ${NEW}
        AND NOT EXISTS (SELECT FROM "Chunk" WHERE "botId" = ${botId}::uuid AND "embeddingAlt" IS NULL)
      RETURNING id
    )
    UPDATE "Chunk" SET embedding = "embeddingAlt", "embeddingAlt" = NULL
    WHERE "botId" = ${botId}::uuid AND EXISTS (SELECT FROM bot)`;
}

for (const kind of benchDatabaseKinds()) {
  const bench = await startBenchDatabase({ kind, ownProcess: true });
  try {
    const indexes = await vectorIndexes(bench.db);
    const botId = await createBenchBot(bench.db, 'secret1benchowner');
    await seedChunks(bench.db, botId, CHUNKS, () => {});
    const [{ total } = { total: 0 }] = await bench.db.$queryRaw<{ total: number }[]>`
      SELECT count(*)::int AS total FROM "Chunk" WHERE "botId" = ${botId}::uuid`;
    const times: Record<'before' | 'after', number[]> = { before: [], after: [] };
    const rows: Record<'before' | 'after', number[]> = { before: [], after: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of round % 2 === 0
        ? (['after', 'before'] as const)
        : (['before', 'after'] as const)) {
        await prepare(bench.db, botId, indexes);
        if (process.env.VERBOSE) console.log(`  round ${round + 1}: ${variant}`);
        const started = performance.now();
        const written =
          variant === 'before'
            ? await copyingSwap(bench.db, botId)
            : (await switchSlot(bench.db, botId, 0, NEW))
              ? 1
              : 0;
        times[variant].push(performance.now() - started);
        rows[variant].push(written);
        const [bot] = await bench.db.$queryRaw<{ embedder: string }[]>`
          SELECT embedder FROM "Bot" WHERE id = ${botId}::uuid`;
        if (bot?.embedder !== NEW) throw new Error(`${variant}: the bot did not switch`);
      }
    }
    console.log(`\nswitch at the end of a re-embedding, ${describeDatabase(kind)}, a bot of ${total} chunks`);
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, ${ROUNDS} rounds alternated`,
    );
    for (const variant of ['before', 'after'] as const) {
      const label = variant === 'before' ? 'before (copy every vector)' : 'after (flip the slot)';
      console.log(
        `  ${label.padEnd(28)} p50 ${ms(percentile(times[variant], 50)).padStart(10)}  max ${ms(Math.max(...times[variant])).padStart(10)}  rows written ${rows[variant][0]}`,
      );
    }
  } finally {
    await bench.close();
  }
}
