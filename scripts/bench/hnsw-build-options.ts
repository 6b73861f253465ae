/**
 * HNSW build parameters (m, ef_construction) of the chunk vector index: what one ingested
 * vector costs the database, and what search gives back, side by side in one run. Each setting
 * gets its own embedded database (own process, as `npm start` runs it) holding the
 * retrieval-quality corpus (python3-doc, ~10k chunks, the default model's cached vectors) with
 * the index built over it. Then:
 *  - insertion: HELD chunks get their vectors again the way ingestion writes them (UPDATE of
 *    groups of 4, each vector an HNSW insertion), the settings alternating group by group so
 *    the shared machine's swings hit every setting alike: ms per vector, p50 / p95 per group;
 *  - recall: each question's 20 nearest chunks through the index (the product's session:
 *    ef_search 40, iterative scan) against exact nearest neighbours (a sequential scan);
 *  - quality: the product's hybrid retrieval on the questions, recall@5 and MRR@10 as
 *    retrieval-quality.ts scores them.
 *
 *   npx tsx scripts/bench/hnsw-build-options.ts
 *     (env: SETTINGS=16:64,16:32,12:24,8:32,8:16 (m:ef_construction) HELD=400)
 */
import { cpus, loadavg } from 'node:os';
import { toVectorSql } from '@privexbot/api/services/embeddings/embedder';
import { retrievePassages } from '@privexbot/api/services/retrieval/retrieve-passages';
import {
  type BenchDatabase,
  createBenchBot,
  type HnswBuild,
  percentile,
  startBenchDatabase,
} from './api-bench-support.js';
import { hnswSettingsFromEnv, loadEmbeddedCorpus } from './retrieval-quality/embedded-corpus.js';
import { type Question, scoreQuestions } from './retrieval-quality/score-questions.js';
import { seedCorpus } from './retrieval-quality/seed-corpus.js';

const SETTINGS = hnswSettingsFromEnv('16:64,16:32,12:24,8:32,8:16');
const HELD = Number(process.env.HELD ?? 400);
const GROUP = 4;
const NEIGHBOURS = 20;

const started = performance.now();
const { questions, embedder, indexId, pages, vectors, questionVectors } = await loadEmbeddedCorpus();
console.log(
  `corpus: ${pages.length} pages, ${vectors.length} chunks; ${questions.length} questions; load average ${loadavg()[0]?.toFixed(1)}`,
);

const unembedded = new Set(
  Array.from({ length: HELD }, (_, i) => Math.floor(((i + 0.5) * vectors.length) / HELD)),
);
const pageStart = new Map<string, number>();
pages.reduce((at, page) => {
  pageStart.set(page.path, at);
  return at + page.chunks.length;
}, 0);

interface Setting {
  build: HnswBuild;
  bench: BenchDatabase;
  botId: string;
  hnswBuildMs: number;
  held: string[];
  heldVectors: string[];
  insertMs: number[];
}
const settings: Setting[] = [];
try {
  for (const build of SETTINGS) {
    const bench = await startBenchDatabase({ ownProcess: true });
    const botId = await createBenchBot(bench.db, 'secret1benchowner');
    await bench.db.bot.update({ where: { id: botId }, data: { embedder: indexId } });
    // The same chunks in every database, spread over the corpus, seeded without their vector
    // (an existing graph never saw them: pgvector would otherwise find the vector already there).
    const { hnswBuildMs } = await seedCorpus(bench.db, botId, pages, vectors, { hnsw: build, unembedded });
    const heldRows = await bench.db.$queryRaw<{ id: string; name: string; ordinal: number }[]>`
      SELECT c.id::text, s.name, c.ordinal FROM "Chunk" c JOIN "Source" s ON s.id = c."sourceId"
      WHERE c."botId" = ${botId}::uuid AND c.embedding IS NULL`;
    const held = heldRows
      .map((r) => ({ id: r.id, at: (pageStart.get(r.name) as number) + r.ordinal }))
      .sort((a, b) => a.at - b.at);
    settings.push({
      build,
      bench,
      botId,
      hnswBuildMs,
      held: held.map((r) => r.id),
      heldVectors: held.map((r) => toVectorSql(vectors[r.at] as number[])),
      insertMs: [],
    });
    console.log(
      `  m ${build.m}, ef_construction ${build.efConstruction}: built in ${(hnswBuildMs / 1000).toFixed(1)} s`,
    );
  }

  for (let from = 0, turn = 0; from < HELD; from += GROUP, turn++) {
    for (let k = 0; k < settings.length; k++) {
      const s = settings[(k + turn) % settings.length] as Setting;
      const ids = s.held.slice(from, from + GROUP);
      const vecs = s.heldVectors.slice(from, from + GROUP);
      if (ids.length === 0) continue;
      const t0 = performance.now();
      await s.bench.db.$executeRaw`
        UPDATE "Chunk" AS c SET embedding = v.e::vector
        FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${vecs}::text[]) AS e) AS v
        WHERE c.id = v.id AND c.embedding IS NULL`;
      s.insertMs.push((performance.now() - t0) / ids.length);
    }
  }
  const insertLoad = loadavg()[0]?.toFixed(1);

  const rows: string[] = [];
  for (const s of settings) {
    const db = s.bench.db;
    let found = 0;
    const searchMs: number[] = [];
    for (const vector of questionVectors) {
      const literal = toVectorSql(vector);
      const t0 = performance.now();
      const approximate = await db.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM "Chunk" WHERE "botId" = ${s.botId}::uuid AND embedding IS NOT NULL
        ORDER BY embedding <=> ${literal}::vector LIMIT ${NEIGHBOURS}`;
      searchMs.push(performance.now() - t0);
      // "+ 0": an ordering the index cannot serve, so a sequential scan gives the exact answer.
      const exact = await db.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM "Chunk" WHERE "botId" = ${s.botId}::uuid AND embedding IS NOT NULL
        ORDER BY (embedding <=> ${literal}::vector) + 0 LIMIT ${NEIGHBOURS}`;
      const truth = new Set(exact.map((r) => r.id));
      found += approximate.filter((r) => truth.has(r.id)).length;
    }
    const ranked: { q: Question; ranked: string[] }[] = [];
    for (const q of questions) {
      // The seeded vectors are in slot 0, a new bot's live slot.
      const passages = await retrievePassages({
        db,
        botId: s.botId,
        embedder,
        query: q.question,
        limit: 10,
        slot: 0,
      });
      ranked.push({ q, ranked: passages.map((p) => p.sourceName) });
    }
    const quality = (kind: Question['kind']) => {
      const { recallAt5, mrrAt10 } = scoreQuestions(ranked.filter((r) => r.q.kind === kind));
      return `${recallAt5.toFixed(2)} / ${mrrAt10.toFixed(2)}`;
    };
    rows.push(
      `| m ${s.build.m}, ef_construction ${s.build.efConstruction} | ${(s.hnswBuildMs / 1000).toFixed(1)} s | ` +
        `${percentile(s.insertMs, 50).toFixed(2)} / ${percentile(s.insertMs, 95).toFixed(2)} ms | ` +
        `${(found / (questionVectors.length * NEIGHBOURS)).toFixed(3)} | ${percentile(searchMs, 50).toFixed(1)} ms | ` +
        `${quality('paraphrased')} | ${quality('lexical')} |`,
    );
  }
  console.log(
    `\n| HNSW build | index build (${vectors.length} chunks) | one vector's insertion, p50 / p95 (${HELD} in groups of ${GROUP}) | recall@${NEIGHBOURS} vs exact (${questions.length} questions) | vector search p50 | paraphrased recall@5 / MRR@10 | lexical recall@5 / MRR@10 |`,
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(
    `\n${cpus().length} cores, load average ${insertLoad} after the insertions, ${loadavg()[0]?.toFixed(1)} at the end, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
} finally {
  for (const s of settings) await s.bench.close();
  await embedder.close?.();
}
