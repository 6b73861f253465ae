/**
 * HNSW m in the index every bot shares: the python3-doc bot (the retrieval-quality corpus,
 * ~10k chunks) among OTHER_BOTS other bots' rows (~90k with the default 9), where each query's
 * bot filter may leave the graph walk short of the bot's own nearest chunks. The two settings
 * are built in ONE database over the SAME rows: setting A's index on vector slot 0
 * (`embedding`), setting B's on slot 1 (`embeddingAlt`), each chunk holding the same vector in
 * both, so the product's statement reads one index or the other by its `slot` and the two are
 * measured question by question, alternated:
 *  - recall@20 vs exact: the bot's 20 nearest chunks through the index (the product's session:
 *    ef_search 40, iterative scan) against a sequential scan's;
 *  - the retrieval statement (searchPassages, the question already embedded): p50 / p95;
 *  - quality: recall@5 / MRR@10 as retrieval-quality.ts scores them.
 * The other bots' rows are real text vectors: the corpus's own, each other bot's copy moved by
 * Gaussian noise (OTHER_NOISE per dimension, then normalized) so no two rows are equal, with
 * the corpus's text. Near copies crowd the python bot's neighbourhood: the hard case for the
 * filter, harder than unrelated bots.
 *
 *   npx tsx scripts/bench/hnsw-shared-index.ts
 *     (env: SETTINGS=16:64,8:64 (m:ef_construction, A then B) OTHER_BOTS=9 OTHER_NOISE=0.025
 *      ROUNDS=3 DATABASES=postgres|embedded)
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { toVectorSql } from '@privexbot/api/services/embeddings/embedder';
import { searchPassages } from '@privexbot/api/services/retrieval/retrieve-passages';
import {
  benchDatabaseKinds,
  createBenchBot,
  describeDatabase,
  type HnswBuild,
  percentile,
  startBenchDatabase,
} from './api-bench-support.js';
import { hnswSettingsFromEnv, loadEmbeddedCorpus } from './retrieval-quality/embedded-corpus.js';
import { type Question, scoreQuestions } from './retrieval-quality/score-questions.js';

const SETTINGS = hnswSettingsFromEnv('16:64,8:64');
if (SETTINGS.length !== 2) throw new Error('SETTINGS takes two settings: one per vector slot');
const OTHER_BOTS = Number(process.env.OTHER_BOTS ?? 9);
const OTHER_NOISE = Number(process.env.OTHER_NOISE ?? 0.025);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
// The PostgreSQL server by default: it builds a 100k-row graph in a fraction of PGlite's time.
const [KIND = 'postgres'] = process.env.DATABASES ? benchDatabaseKinds() : [];
const NEIGHBOURS = 20;
const SLOTS = [0, 1] as const;
const COLUMNS = ['embedding', 'embeddingAlt'] as const;
const INSERT_BATCH = 1000;

const started = performance.now();
const { questions, embedder, indexId, pages, vectors, questionVectors } = await loadEmbeddedCorpus();
const texts = pages.flatMap((p) => p.chunks);

/** Deterministic standard normal draws (mulberry32 + Box-Muller), so every run seeds the same rows. */
function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function nearCopy(vector: number[], draw: () => number): number[] {
  const moved = vector.map((x) => x + OTHER_NOISE * draw());
  const norm = Math.hypot(...moved);
  return moved.map((x) => x / norm);
}

const bench = await startBenchDatabase({ kind: KIND, ownProcess: true });
const db = bench.db;
try {
  const definitions = await db.$queryRaw<{ indexname: string; indexdef: string }[]>`
    SELECT indexname, indexdef FROM pg_indexes
    WHERE indexname IN ('Chunk_embedding_hnsw_idx', 'Chunk_embeddingAlt_hnsw_idx') ORDER BY indexname`;
  if (definitions.length !== 2) throw new Error('the migrations made no HNSW index per vector slot');
  // Loading without the indexes, then building each once over every row, is far faster.
  for (const { indexname } of definitions) await db.$executeRawUnsafe(`DROP INDEX "${indexname}"`);
  await db.$executeRawUnsafe('DROP INDEX IF EXISTS "Chunk_botId_tsv_idx"');

  const seedStarted = performance.now();
  const botId = await createBenchBot(db, 'secret1benchowner');
  await db.bot.update({ where: { id: botId }, data: { embedder: indexId } });
  const insert = async (
    bot: string,
    sourceId: string,
    from: number,
    ordinals: number[],
    rows: number[][],
  ) => {
    const ids = rows.map(() => randomUUID());
    const literals = rows.map(toVectorSql);
    await db.$executeRaw`
      INSERT INTO "Chunk" (id, "botId", "sourceId", ordinal, text, citable, "contentHash", embedding, "embeddedBy", "embeddingAlt", "embeddedAltBy")
      SELECT u.id, ${bot}::uuid, ${sourceId}::uuid, u.ordinal, u.text, true, md5(u.text), u.e::vector, ${indexId}, u.e::vector, ${indexId}
      FROM unnest(${ids}::uuid[], ${ordinals}::int[], ${texts.slice(from, from + rows.length)}::text[], ${literals}::text[]) AS u(id, ordinal, text, e)`;
  };
  // The python bot as seedCorpus seeds it: one source per page, named by its path.
  let at = 0;
  for (const page of pages) {
    const source = await db.source.create({
      data: { botId, type: 'text', name: page.path, contentHash: randomUUID(), status: 'ready', bytes: 1 },
    });
    await insert(
      botId,
      source.id,
      at,
      page.chunks.map((_, i) => i),
      vectors.slice(at, at + page.chunks.length),
    );
    at += page.chunks.length;
  }
  // Each other bot: one source holding a near copy of the whole corpus.
  for (let b = 0; b < OTHER_BOTS; b++) {
    const other = await createBenchBot(db, 'secret1benchowner', '1', `Other bot ${b + 1}`);
    const source = await db.source.create({
      data: {
        botId: other,
        type: 'text',
        name: 'corpus',
        contentHash: randomUUID(),
        status: 'ready',
        bytes: 1,
      },
    });
    const draw = gaussian(b + 1);
    for (let from = 0; from < vectors.length; from += INSERT_BATCH) {
      const rows = vectors.slice(from, from + INSERT_BATCH).map((v) => nearCopy(v, draw));
      await insert(
        other,
        source.id,
        from,
        rows.map((_, i) => from + i),
        rows,
      );
    }
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const [{ total } = { total: 0 }] = await db.$queryRaw<{ total: number }[]>`
    SELECT count(*)::int AS total FROM "Chunk"`;

  await db.$executeRawUnsafe("SET maintenance_work_mem = '512MB'");
  const buildSeconds: number[] = [];
  for (const { indexname, indexdef } of definitions) {
    const slot = indexname === 'Chunk_embedding_hnsw_idx' ? 0 : 1;
    const build = SETTINGS[slot] as HnswBuild;
    const t0 = performance.now();
    await db.$executeRawUnsafe(
      `${indexdef.replace(/\s+WITH \(.*\)$/, '')} WITH (m = ${build.m}, ef_construction = ${build.efConstruction})`,
    );
    buildSeconds[slot] = (performance.now() - t0) / 1000;
  }
  await db.$executeRawUnsafe('CREATE INDEX "Chunk_botId_tsv_idx" ON "Chunk" USING GIN ("botId", "tsv")');
  // What the ingestion worker does after a job (PGlite has no autovacuum to do it).
  await db.$executeRawUnsafe('ANALYZE "Chunk"');
  console.log(
    `${describeDatabase(KIND)}: ${total} chunks (python3-doc bot ${vectors.length}, ${OTHER_BOTS} other bots), seeded in ${seedSeconds.toFixed(0)} s; ` +
      SETTINGS.map((s, i) => `m ${s.m} built in ${buildSeconds[i]?.toFixed(1)} s`).join(', ') +
      `; load average ${loadavg()[0]?.toFixed(1)}`,
  );

  // Which index each slot's nearest-chunks scan reads, so a plan that skips HNSW is seen.
  const probe = toVectorSql(questionVectors[0] as number[]);
  for (const slot of SLOTS) {
    const plan = await db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN (COSTS OFF) SELECT id FROM "Chunk" WHERE "botId" = $1::uuid AND "${COLUMNS[slot]}" IS NOT NULL
       ORDER BY "${COLUMNS[slot]}" <=> $2::vector LIMIT ${NEIGHBOURS}`,
      botId,
      probe,
    );
    const scan = plan.map((r) => r['QUERY PLAN'].trim()).find((line) => /Scan/.test(line));
    console.log(`  slot ${slot} (m ${SETTINGS[slot]?.m}): ${scan}`);
  }

  const found = [0, 0];
  const statementMs: number[][] = [[], []];
  const ranked: { q: Question; ranked: string[] }[][] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, q] of questions.entries()) {
      const vector = questionVectors[i] as number[];
      // Alternated question by question, the first setting switching each round.
      const order = (i + round) % 2 === 0 ? SLOTS : ([1, 0] as const);
      for (const slot of order) {
        const t0 = performance.now();
        const passages = await searchPassages({ db, botId, slot, query: q.question, limit: 10, vector });
        (statementMs[slot] as number[]).push(performance.now() - t0);
        if (round === 0)
          (ranked[slot] as { q: Question; ranked: string[] }[]).push({
            q,
            ranked: passages.map((p) => p.sourceName),
          });
      }
      if (round > 0) continue;
      const literal = toVectorSql(vector);
      // "+ 0": an ordering no index can serve, so a sequential scan gives the exact answer.
      const exact = await db.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM "Chunk" WHERE "botId" = ${botId}::uuid
        ORDER BY (embedding <=> ${literal}::vector) + 0 LIMIT ${NEIGHBOURS}`;
      const truth = new Set(exact.map((r) => r.id));
      for (const slot of SLOTS) {
        const approximate = await db.$queryRawUnsafe<{ id: string }[]>(
          `SELECT id::text FROM "Chunk" WHERE "botId" = $1::uuid AND "${COLUMNS[slot]}" IS NOT NULL
           ORDER BY "${COLUMNS[slot]}" <=> $2::vector LIMIT ${NEIGHBOURS}`,
          botId,
          literal,
        );
        found[slot] = (found[slot] as number) + approximate.filter((r) => truth.has(r.id)).length;
      }
    }
  }
  const quality = (slot: number, kind: Question['kind']) => {
    const { recallAt5, mrrAt10 } = scoreQuestions((ranked[slot] ?? []).filter((r) => r.q.kind === kind));
    return `${recallAt5.toFixed(2)} / ${mrrAt10.toFixed(2)}`;
  };
  console.log(
    `\n| HNSW build (${total} chunks) | index build | recall@${NEIGHBOURS} vs exact (${questions.length} questions) | statement p50 / p95 (${ROUNDS} × ${questions.length}) | paraphrased recall@5 / MRR@10 | lexical recall@5 / MRR@10 |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const slot of SLOTS) {
    const s = SETTINGS[slot] as HnswBuild;
    const times = statementMs[slot] as number[];
    console.log(
      `| m ${s.m}, ef_construction ${s.efConstruction} | ${buildSeconds[slot]?.toFixed(1)} s | ` +
        `${((found[slot] as number) / (questions.length * NEIGHBOURS)).toFixed(3)} | ` +
        `${percentile(times, 50).toFixed(1)} / ${percentile(times, 95).toFixed(1)} ms | ` +
        `${quality(slot, 'paraphrased')} | ${quality(slot, 'lexical')} |`,
    );
  }
  console.log(
    `\n${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
} finally {
  await bench.close();
  await embedder.close?.();
}
