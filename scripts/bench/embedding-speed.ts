/**
 * The sentence model's speed through the api's worker pool (the code bots use):
 * - a question's embedding, p50/p95, alone and while the pool is busy embedding chunks
 *   (questions go before queued chunks, so a visitor waits at most for the chunks in flight);
 * - chunks/s for 1000-character chunks (the product's chunk size), one text per call.
 *
 *   npx tsx scripts/bench/embedding-speed.ts      (env: QUESTIONS=200 CHUNKS=400 EMBEDDING_THREADS)
 *
 * Goal (issue 16): question p50 ≤ 5 ms.
 */
import { loadavg } from 'node:os';
import {
  DEFAULT_SENTENCE_MODEL,
  LocalModelEmbedder,
  locateSentenceModel,
  modelCacheDirectory,
} from '../../api/src/services/embeddings/local-model-embedder.js';
import { labelledCorpus, ms, percentile } from './api-bench-support.js';

const QUESTIONS = Number(process.env.QUESTIONS ?? 200);
const CHUNKS = Number(process.env.CHUNKS ?? 400);
const threads = process.env.EMBEDDING_THREADS ? Number(process.env.EMBEDDING_THREADS) : undefined;

const embedder = new LocalModelEmbedder({
  spec: DEFAULT_SENTENCE_MODEL,
  directory: locateSentenceModel(DEFAULT_SENTENCE_MODEL, modelCacheDirectory()),
  ...(threads ? { threads } : {}),
});
const questions = labelledCorpus.questions.map((q) => q.question);
const text = labelledCorpus.documents.map((d) => d.text).join(' ');
const chunks = Array.from({ length: CHUNKS }, (_, i) => {
  const start = (i * 997) % Math.max(1, text.length - 1000);
  return text.slice(start, start + 1000);
});

// Threads start and load the model on first use: not part of a question's cost.
await embedder.embed(['warm up'], undefined, 'query');
await embedder.embed(chunks.slice(0, 4));

async function askAll(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < QUESTIONS; i++) {
    const t0 = performance.now();
    await embedder.embed([questions[i % questions.length] as string], undefined, 'query');
    times.push(performance.now() - t0);
  }
  return times;
}

const alone = await askAll();
const t0 = performance.now();
const ingesting = embedder.embed(chunks);
const busy = await askAll();
await ingesting;
const chunkSeconds = (performance.now() - t0) / 1000;

console.log(
  `${DEFAULT_SENTENCE_MODEL.id}, ${threads ?? 'one per core'} threads, load average ${loadavg()[0]?.toFixed(1)}`,
);
console.log(
  `  question embed, pool idle:         p50 ${ms(percentile(alone, 50))}, p95 ${ms(percentile(alone, 95))}`,
);
console.log(
  `  question embed, pool ingesting:    p50 ${ms(percentile(busy, 50))}, p95 ${ms(percentile(busy, 95))}`,
);
console.log(
  `  ingestion: ${CHUNKS} chunks of 1000 characters in ${chunkSeconds.toFixed(1)} s = ${(CHUNKS / chunkSeconds).toFixed(0)} chunks/s`,
);
await embedder.close();
