/**
 * Hybrid retrieval (pgvector HNSW + full-text, fused by reciprocal rank) on each database of
 * DATABASES (default `embedded,postgres`, side by side, each in a process of its own):
 * p50/p95 latency of retrievePassages at N chunks, and recall@5 of the labelled corpus
 * hidden among them.
 *
 *   npx tsx scripts/bench/api-retrieval.ts               (DATABASES=embedded,postgres CHUNKS=10000 OTHER_CHUNKS=CHUNKS QUERIES=200)
 *   CHUNKS=100000 OTHER_CHUNKS=20000 BENCH_DATA_DIR=/tmp/retrieval-100k npx tsx scripts/bench/api-retrieval.ts
 *     (seeding 100k takes 15–25 minutes; with BENCH_DATA_DIR the seeded database is kept there
 *      and the next run with the same sizes only measures)
 *
 * Goal (issue 4): p50 ≤ 15 ms at 100k chunks.
 */
import { LocalHashEmbedder } from '@privexbot/api/services/embeddings/local-hash-embedder';
import { retrievePassages } from '@privexbot/api/services/retrieval/retrieve-passages';
import {
  type BenchDatabaseKind,
  benchDatabaseKinds,
  createBenchBot,
  describeDatabase,
  labelledCorpus,
  ms,
  percentile,
  seedChunks,
  startBenchDatabase,
} from './api-bench-support.js';

const CHUNKS = Number(process.env.CHUNKS ?? 10_000);
const QUERIES = Number(process.env.QUERIES ?? 200);
/** Knowledge of another bot in the same table: retrieval must filter it out. */
const OTHER_CHUNKS = Number(process.env.OTHER_CHUNKS ?? CHUNKS);

for (const kind of benchDatabaseKinds()) await benchOn(kind);

async function benchOn(kind: BenchDatabaseKind): Promise<void> {
  const bench = await startBenchDatabase({
    kind,
    ownProcess: true,
    ...(process.env.BENCH_DATA_DIR ? { dataDir: process.env.BENCH_DATA_DIR } : {}),
  });
  try {
    const corpusName = `Retrieval bench: ${CHUNKS} chunks`;
    const kept = await bench.db.bot.findFirst({ where: { name: corpusName }, select: { id: true } });
    let botId = kept?.id;
    let seconds: number | undefined;
    if (botId) console.log(`measuring the ${CHUNKS} chunks seeded by an earlier run in BENCH_DATA_DIR`);
    else {
      // Another bot with the same amount of knowledge: retrieval filters by bot.
      const otherBot = await createBenchBot(bench.db, 'secret1benchowner', '1', 'Another bot');
      console.log(`seeding ${CHUNKS} chunks for the measured bot and ${OTHER_CHUNKS} for another bot...`);
      if (OTHER_CHUNKS > 0) await seedChunks(bench.db, otherBot, OTHER_CHUNKS, () => {}, false);
      // Seeding time of the measured bot includes building both indexes over every row. The
      // bot is named last, so an interrupted seeding is never taken for a finished one.
      botId = await createBenchBot(bench.db, 'secret1benchowner', '1', 'Being seeded');
      seconds = await seedChunks(bench.db, botId, CHUNKS);
      await bench.db.bot.update({ where: { id: botId }, data: { name: corpusName } });
    }
    await bench.db.$executeRawUnsafe('ANALYZE "Chunk"');
    const embedder = new LocalHashEmbedder();
    const questions = labelledCorpus.questions;
    for (let i = 0; i < 20; i++)
      await retrievePassages({
        db: bench.db,
        botId,
        slot: 0, // the seeded vectors are in slot 0, a new bot's live slot
        embedder,
        query: questions[i % questions.length]?.question ?? '',
        limit: 5,
      }); // warm-up
    const latencies: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const started = performance.now();
      await retrievePassages({
        db: bench.db,
        botId,
        slot: 0, // the seeded vectors are in slot 0, a new bot's live slot
        embedder,
        query: questions[i % questions.length]?.question ?? '',
        limit: 5,
      });
      latencies.push(performance.now() - started);
    }
    let found = 0;
    for (const { question, document } of questions) {
      const passages = await retrievePassages({
        db: bench.db,
        botId,
        slot: 0,
        embedder,
        query: question,
        limit: 5,
      });
      if (passages.some((p) => p.sourceName === document)) found++;
    }
    console.log(
      `\nretrieval on ${describeDatabase(kind)}, ${CHUNKS} chunks in the bot (+ another bot's in the same table), local embedder`,
    );
    if (seconds !== undefined)
      console.log(
        `  seeding: ${seconds.toFixed(1)} s (${(CHUNKS / seconds).toFixed(0)} chunks/s: embedding, inserts, one HNSW and one GIN build)`,
      );
    console.log(
      `  latency over ${QUERIES} queries: p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}`,
    );
    console.log(
      `  recall@5 on the labelled corpus (${questions.length} questions): ${((found / questions.length) * 100).toFixed(0)} %`,
    );
  } finally {
    await bench.close();
  }
}
