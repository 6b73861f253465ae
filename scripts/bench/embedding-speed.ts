/**
 * The sentence models' speed through the api's worker pool (the code bots use), side by side:
 * - a question's embedding, p50/p95: a new question with the pool idle, the same question asked
 *   again (answered from the embedder's cache of recent questions), and a new question while
 *   the pool embeds chunks (questions go before queued chunks, so a visitor waits at most for
 *   the chunks in flight);
 * - chunks/s for 1000-character chunks (the product's chunk size), one text per call.
 * Questions while ingesting are measured side by side without and with the thread the pool
 * keeps for questions (`questionThreads` 0, as before, and 1, the default).
 *
 *   npx tsx scripts/bench/embedding-speed.ts
 *   (env: MODELS=id,... default all; QUESTIONS=100 CHUNKS=200 EMBEDDING_THREADS)
 *
 * Goals (issue 16): question p50 ≤ 5 ms; ingestion ≥ 100 chunks/s on 2 cores.
 */
import { cpus, loadavg } from 'node:os';
import { LocalModelEmbedder } from '@privexbot/api/services/embeddings/local-model-embedder';
import { locateSentenceModel, modelCacheDirectory, SENTENCE_MODELS } from '@privexbot/schema/sentence-model';
import { ensureEmbeddingModel } from '../models/fetch-embedding-model.mjs';
import { labelledCorpus, ms, percentile } from './api-bench-support.js';

const QUESTIONS = Number(process.env.QUESTIONS ?? 100);
const CHUNKS = Number(process.env.CHUNKS ?? 200);
const threads = process.env.EMBEDDING_THREADS ? Number(process.env.EMBEDDING_THREADS) : undefined;
const modelIds = process.env.MODELS?.split(',').filter(Boolean) ?? SENTENCE_MODELS.map((m) => m.id);

const questions = labelledCorpus.questions.map((q) => q.question);
const text = labelledCorpus.documents.map((d) => d.text).join(' ');
const chunks = Array.from({ length: CHUNKS }, (_, i) => {
  const start = (i * 997) % Math.max(1, text.length - 1000);
  return text.slice(start, start + 1000);
});

const rows: string[] = [];
for (const id of modelIds) {
  const spec = SENTENCE_MODELS.find((m) => m.id === id);
  if (!spec) throw new Error(`unknown model ${id}`);
  ensureEmbeddingModel(spec.name);
  const directory = locateSentenceModel(spec, modelCacheDirectory());
  // No question cache here: every question is new to the model.
  const embedder = new LocalModelEmbedder({
    spec,
    directory,
    cachedQuestions: 0,
    ...(threads ? { threads } : {}),
  });
  const cached = new LocalModelEmbedder({ spec, directory, threads: 1 });

  // Threads start and load the model on first use: not part of a question's cost.
  await embedder.embed(['warm up'], undefined, 'query');
  await embedder.embed(chunks.slice(0, 4));
  const ask = async (model: LocalModelEmbedder): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < QUESTIONS; i++) {
      const t0 = performance.now();
      await model.embed([questions[i % questions.length] as string], undefined, 'query');
      times.push(performance.now() - t0);
    }
    return times;
  };

  const alone = await ask(embedder);
  await ask(cached);
  const repeated = await ask(cached);
  const noLane = new LocalModelEmbedder({
    spec,
    directory,
    cachedQuestions: 0,
    questionThreads: 0,
    ...(threads ? { threads } : {}),
  });
  await noLane.embed(['warm up'], undefined, 'query');
  await noLane.embed(chunks.slice(0, 4));
  const whileIngesting = async (model: LocalModelEmbedder) => {
    const t0 = performance.now();
    const ingesting = model.embed(chunks);
    const busy = await ask(model);
    await ingesting;
    return { busy, chunksPerSecond: CHUNKS / ((performance.now() - t0) / 1000) };
  };
  // Alternated, so the machine's drift hits both alike.
  const before = await whileIngesting(noLane);
  const after = await whileIngesting(embedder);
  const before2 = await whileIngesting(noLane);
  const after2 = await whileIngesting(embedder);
  const busyBefore = [...before.busy, ...before2.busy];
  const busyAfter = [...after.busy, ...after2.busy];
  const rate = (a: number, b: number) => ((a + b) / 2).toFixed(1);
  rows.push(
    `| ${id} | ${ms(percentile(alone, 50))} / ${ms(percentile(alone, 95))} | ${ms(percentile(repeated, 50))} / ${ms(percentile(repeated, 95))} | ${ms(percentile(busyBefore, 50))} / ${ms(percentile(busyBefore, 95))} | ${ms(percentile(busyAfter, 50))} / ${ms(percentile(busyAfter, 95))} | ${rate(before.chunksPerSecond, before2.chunksPerSecond)} / ${rate(after.chunksPerSecond, after2.chunksPerSecond)} |`,
  );
  console.log(rows[rows.length - 1]);
  await Promise.all([embedder.close(), cached.close(), noLane.close()]);
}

console.log(
  `\n${cpus().length} cores, pool of ${threads ?? 'one thread per core'}, ${QUESTIONS} questions, ${CHUNKS} chunks of 1000 characters, load average ${loadavg()[0]?.toFixed(1)} at the end\n`,
);
console.log(
  [
    '| model | new question p50 / p95, pool idle | repeated question p50 / p95 | new question p50 / p95, pool ingesting, no question thread | same, a thread kept for questions | ingestion chunks/s, without / with |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n'),
);
