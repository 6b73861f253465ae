/**
 * What moves ingestion's chunks/s, through the api's worker pool on real chunks (the
 * python3-doc corpus of scripts/bench/retrieval-quality.ts, chunked by the product), side by
 * side in one run (every setting embeds the same BLOCK chunks before the next block, so the
 * shared machine's swings hit every setting alike):
 *  - thread layout: chunk threads × onnxruntime intra-op threads per call (`2x1`, the
 *    product's, against `1x2`);
 *  - token cap: the product's 256 against 128 (speed only: retrieval-quality.ts judges recall).
 * Besides chunks/s, the CPU time per chunk (the process's, its pool threads included), which the
 * shared machine's load changes far less, and the ceiling it sets on idle cores.
 *
 *   npx tsx scripts/bench/embedding-throughput.ts
 *     (env: CHUNKS=256 BLOCK=32 LAYOUTS=2x1,1x2 CAPS=256,128 MODEL=all-minilm-l6-v2-q)
 */
import { cpus, loadavg } from 'node:os';
import { LocalModelEmbedder } from '@privexbot/api/services/embeddings/local-model-embedder';
import {
  DEFAULT_SENTENCE_MODEL,
  locateSentenceModel,
  modelCacheDirectory,
  SENTENCE_MODELS,
} from '@privexbot/schema/sentence-model';
import { ensureEmbeddingModel } from '../models/fetch-embedding-model.mjs';
import { buildCorpus } from './retrieval-quality/build-corpus.js';

const CHUNKS = Number(process.env.CHUNKS ?? 256);
const BLOCK = Number(process.env.BLOCK ?? 32);
const LAYOUTS = (process.env.LAYOUTS ?? '2x1,1x2').split(',').map((layout) => {
  const [threads, intraOp] = layout.split('x').map(Number);
  if (!threads || !intraOp) throw new Error(`LAYOUTS wants threadsxintraOp, got ${layout}`);
  return { threads, intraOp };
});
const CAPS = (process.env.CAPS ?? '256,128').split(',').map(Number);
const spec = SENTENCE_MODELS.find((m) => m.id === process.env.MODEL) ?? DEFAULT_SENTENCE_MODEL;
ensureEmbeddingModel(spec.name);
const directory = locateSentenceModel(spec, modelCacheDirectory());

// Spread over the corpus, as sources of many pages would be.
const all = (await buildCorpus()).flatMap((page) => page.chunks);
const chunks = Array.from({ length: CHUNKS }, (_, i) => all[Math.floor((i * all.length) / CHUNKS)] as string);

const settings = LAYOUTS.flatMap((layout) =>
  CAPS.map((cap) => ({
    label: `${layout.threads} threads × ${layout.intraOp} intra-op, cap ${cap} tokens`,
    seconds: 0,
    cpuMs: 0,
    embedder: new LocalModelEmbedder({
      spec: { ...spec, maxTokens: cap },
      directory,
      threads: layout.threads,
      intraOpThreads: layout.intraOp,
      cachedQuestions: 0,
    }),
  })),
);
try {
  // Every thread started and its model loaded: not part of the rate.
  for (const setting of settings) await setting.embedder.embed(chunks.slice(0, 8));
  for (let from = 0; from < CHUNKS; from += BLOCK) {
    const block = chunks.slice(from, from + BLOCK);
    for (const setting of settings) {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      await setting.embedder.embed(block);
      // The whole process (its pool threads included), while only this setting works.
      const cpu = process.cpuUsage(cpuBefore);
      setting.cpuMs += (cpu.user + cpu.system) / 1000;
      setting.seconds += (performance.now() - started) / 1000;
    }
  }
  const characters = chunks.reduce((sum, chunk) => sum + chunk.length, 0) / CHUNKS;
  console.log(
    `\n${cpus().length} cores, ${spec.id}, ${CHUNKS} chunks of ${characters.toFixed(0)} characters on average, blocks of ${BLOCK}, load average ${loadavg()[0]?.toFixed(1)} at the end\n`,
  );
  // CPU time is what the machine's load does not change much: the ceiling is what 2 cores
  // could do if nothing else ran, the database's work for each chunk not included.
  console.log(
    `| setting | chunks/s | CPU ms per chunk (all threads) | ceiling on ${cpus().length} idle cores, chunks/s |\n|---|---|---|---|`,
  );
  for (const setting of settings) {
    const cpuPerChunk = setting.cpuMs / CHUNKS;
    console.log(
      `| ${setting.label} | ${(CHUNKS / setting.seconds).toFixed(1)} | ${cpuPerChunk.toFixed(1)} | ${((cpus().length * 1000) / cpuPerChunk).toFixed(1)} |`,
    );
  }
} finally {
  await Promise.all(settings.map((setting) => setting.embedder.close()));
}
