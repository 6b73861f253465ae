/**
 * Where one chunk's embedding goes, and whether batching chunks would pay, on real chunks (the
 * python3-doc corpus of scripts/bench/retrieval-quality.ts, chunked by the product), one thread
 * as in the api's pool, side by side in one run (interleaved: each setting embeds the same 16
 * chunks before the next 16, so the machine's swings hit every setting alike):
 *  - per chunk: tokenizer, the onnxruntime run, pooling + normalization;
 *  - session options: the product's (graph optimization 'all', sequential, 1 thread) against
 *    memory pattern off, CPU arena off, optimization 'extended' and 'basic';
 *  - batches of 1, 2, 4, 8, 16 chunks of similar token length (sorted), padded within the
 *    batch, mean-pooled under the attention mask: ms per chunk;
 *  - how far batched vectors drift from single ones (the int8 model quantizes activations per
 *    tensor, so padding and neighbours move every vector): cosine(single, batched), min and
 *    mean, length-sorted batches as ingestion would form them.
 *
 *   npx tsx scripts/bench/embedding-batching.ts   (env: CHUNKS=300 ROUNDS=2 MODEL=all-minilm-l6-v2-q)
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  DEFAULT_SENTENCE_MODEL,
  locateSentenceModel,
  modelCacheDirectory,
  SENTENCE_MODELS,
} from '@privexbot/schema/sentence-model';
import * as ort from 'onnxruntime-node';
import { ensureEmbeddingModel } from '../models/fetch-embedding-model.mjs';
import { buildCorpus } from './retrieval-quality/build-corpus.js';

const CHUNKS = Number(process.env.CHUNKS ?? 300);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const spec = SENTENCE_MODELS.find((m) => m.id === process.env.MODEL) ?? DEFAULT_SENTENCE_MODEL;
ensureEmbeddingModel(spec.name);
const directory = locateSentenceModel(spec, modelCacheDirectory());
const tokenizer = new Tokenizer(
  JSON.parse(readFileSync(join(directory, `${spec.name}-tokenizer.json`), 'utf8')),
  {},
);

// Evenly spread over the corpus, so every kind of page is in the sample.
const all = (await buildCorpus()).flatMap((page) => page.chunks);
const chunks = Array.from(
  { length: Math.min(CHUNKS, all.length) },
  (_, i) => all[Math.floor((i * all.length) / CHUNKS)] as string,
);

function tokenize(text: string): number[] {
  let ids = Array.from(tokenizer.encode(`${spec.passagePrefix}${text}`).ids as ArrayLike<number>);
  if (ids.length > spec.maxTokens) ids = [...ids.slice(0, spec.maxTokens - 1), ids[ids.length - 1] as number];
  return ids;
}

async function session(options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(join(directory, `${spec.name}.onnx`), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    ...options,
  });
}

/** The model's token states for a padded batch. */
async function run(
  s: ort.InferenceSession,
  batch: number[][],
): Promise<{ data: Float32Array; width: number }> {
  const width = Math.max(...batch.map((ids) => ids.length));
  const ids = new BigInt64Array(batch.length * width);
  const mask = new BigInt64Array(batch.length * width);
  batch.forEach((row, i) => {
    row.forEach((id, t) => {
      ids[i * width + t] = BigInt(id);
      mask[i * width + t] = 1n;
    });
  });
  const dims = [batch.length, width];
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
  };
  if (s.inputNames.includes('token_type_ids'))
    feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(ids.length), dims);
  const output = await s.run(feeds);
  return {
    data: ((output.last_hidden_state ?? Object.values(output)[0]) as ort.Tensor).data as Float32Array,
    width,
  };
}

/** Mean (or CLS) pooling under the attention mask, then L2 normalization, as the product does. */
function pool(states: { data: Float32Array; width: number }, batch: number[][]): Float32Array[] {
  return batch.map((row, i) => {
    const vector = new Float32Array(384);
    const tokens = spec.pooling === 'cls' ? 1 : row.length;
    for (let t = 0; t < tokens; t++) {
      const at = (i * states.width + t) * 384;
      for (let d = 0; d < 384; d++) vector[d] = (vector[d] as number) + (states.data[at + d] as number);
    }
    let norm = 0;
    for (const x of vector) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    return vector.map((x) => x / norm);
  });
}

async function embedAll(
  s: ort.InferenceSession,
  tokens: number[][],
  batchSize: number,
): Promise<Float32Array[]> {
  // Batches of similar length (as ingestion would form them), vectors back in input order.
  const order = tokens.map((_, i) => i).sort((a, b) => (tokens[a]?.length ?? 0) - (tokens[b]?.length ?? 0));
  const out: Float32Array[] = new Array(tokens.length);
  for (let k = 0; k < order.length; k += batchSize) {
    const picked = order.slice(k, k + batchSize);
    const batch = picked.map((i) => tokens[i] as number[]);
    pool(await run(s, batch), batch).forEach((v, j) => {
      out[picked[j] as number] = v;
    });
  }
  return out;
}

const perChunk = (ms: number) => `${(ms / (chunks.length * ROUNDS)).toFixed(2)} ms`;
const timed = async (work: () => Promise<unknown>) => {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
};

const tokens: number[][] = chunks.map(tokenize);
const variants: [string, ort.InferenceSession.SessionOptions][] = [
  ["product: optimization 'all', sequential, 1 thread", {}],
  ['memory pattern off', { enableMemPattern: false }],
  ['CPU memory arena off', { enableCpuMemArena: false }],
  ["optimization 'extended'", { graphOptimizationLevel: 'extended' }],
  ["optimization 'basic'", { graphOptimizationLevel: 'basic' }],
];
const sessions = await Promise.all(variants.map(([, options]) => session(options)));
const product = sessions[0] as ort.InferenceSession;
for (const s of sessions) await embedAll(s, tokens.slice(0, 8), 1);
const batchSizes = [1, 2, 4, 8, 16];
const spent = {
  tokenize: 0,
  run: 0,
  pool: 0,
  variants: variants.map(() => 0),
  batches: batchSizes.map(() => 0),
};
// Interleaved: every setting embeds the same 16 chunks before the next 16 are taken, so the
// shared machine's swings hit all settings alike.
const byLength = tokens.map((_, i) => i).sort((a, b) => (tokens[a]?.length ?? 0) - (tokens[b]?.length ?? 0));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < byLength.length; k += 16) {
    const group = byLength.slice(k, k + 16);
    const texts = group.map((i) => chunks[i] as string);
    const rows = group.map((i) => tokens[i] as number[]);
    spent.tokenize += await timed(async () => texts.map(tokenize));
    for (const row of rows) {
      const t0 = performance.now();
      const states = await run(product, [row]);
      const t1 = performance.now();
      pool(states, [row]);
      spent.run += t1 - t0;
      spent.pool += performance.now() - t1;
    }
    for (const [i, s] of sessions.entries())
      spent.variants[i] = (spent.variants[i] as number) + (await timed(() => embedAll(s, rows, 1)));
    for (const [i, size] of batchSizes.entries())
      spent.batches[i] = (spent.batches[i] as number) + (await timed(() => embedAll(product, rows, size)));
  }
}

const single = await embedAll(product, tokens, 1);
const drift = await Promise.all(
  [4, 16].map(async (size) => {
    const batched = await embedAll(product, tokens, size);
    const cosines = batched.map((v, i) =>
      v.reduce((sum, x, d) => sum + x * ((single[i] as Float32Array)[d] as number), 0),
    );
    return { size, min: Math.min(...cosines), mean: cosines.reduce((a, b) => a + b, 0) / cosines.length };
  }),
);

const meanTokens = tokens.reduce((a, t) => a + t.length, 0) / tokens.length;
console.log(
  `${spec.id}, ${chunks.length} python3-doc chunks (${meanTokens.toFixed(0)} tokens on average), one thread, ${ROUNDS} interleaved rounds; ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)}\n`,
);
console.log('| one chunk | ms |\n|---|---|');
console.log(
  `| tokenizer | ${perChunk(spent.tokenize)} |\n| onnxruntime run | ${perChunk(spent.run)} |\n| pooling + normalization | ${perChunk(spent.pool)} |`,
);
console.log('\n| session options | ms per chunk |\n|---|---|');
for (const [i, [name]] of variants.entries())
  console.log(`| ${name} | ${perChunk(spent.variants[i] as number)} |`);
console.log('\n| chunks per run (length-sorted, padded) | ms per chunk |\n|---|---|');
for (const [i, size] of batchSizes.entries())
  console.log(`| ${size} | ${perChunk(spent.batches[i] as number)} |`);
console.log('\n| batch | cosine(single, batched) min | mean |\n|---|---|---|');
for (const d of drift) console.log(`| ${d.size} | ${d.min.toFixed(5)} | ${d.mean.toFixed(5)} |`);
