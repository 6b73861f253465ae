/**
 * Retrieval quality on a corpus nobody here wrote: the Python 3 documentation from Debian's
 * python3-doc (374 pages, installed by the script when missing), with the questions of
 * retrieval-quality/questions.json, each naming the page(s) that answer it. Paraphrased
 * questions share no distinctive word with their page's title or headings; lexical ones use
 * the page's own terms. Every embedder indexes the same chunks (the product's parser and
 * chunker) and is asked through the product's hybrid retrieval (vector + full text), side by
 * side in one run: recall@5 (an answering page among the first 5 passages) and MRR@10.
 *
 *   npx tsx scripts/bench/retrieval-quality.ts                       hash vs the default model
 *   MODELS=all-minilm-l6-v2-q,bge-small-en-v1.5-q,e5-small-v2-q npx tsx scripts/bench/retrieval-quality.ts
 *   NO_HASH=1 FUSION=1:0.25:60:0,1:0.25:60:2 npx tsx scripts/bench/retrieval-quality.ts   compare fusions
 *   NO_HASH=1 PASSAGES=plain,titled npx tsx scripts/bench/retrieval-quality.ts   chunks alone vs behind their page title
 *   NO_HASH=1 CHUNKS=700:100 npx tsx scripts/bench/retrieval-quality.ts   another chunk size (characters:overlap)
 *   NO_HASH=1 MAX_TOKENS=256,128 npx tsx scripts/bench/retrieval-quality.ts   the model's token cap (a cap
 *     other than the catalogue's indexes as `<model>@<cap>t`)
 *   ... --write                                                      also appends the table to RESULTS.md
 *   PER_QUESTION=1 npx tsx scripts/bench/retrieval-quality.ts       also one line per question and setting:
 *     its id (q<index in questions.json>), kind, half, rank of the first answering passage
 *     (within 10, "-" when none) and the pages of the first 5 passages
 *
 * Chunk vectors are cached under $PRIVEXBOT_CACHE/bench/, per embedder and keyed by the exact
 * text embedded (the model needs minutes for 10k chunks on 2 cores), so a changed chunker or
 * passage format embeds only the texts it changed; questions are always embedded afresh.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Embedder } from '@privexbot/api/services/embeddings/embedder';
import { LocalHashEmbedder } from '@privexbot/api/services/embeddings/local-hash-embedder';
import { LocalModelEmbedder } from '@privexbot/api/services/embeddings/local-model-embedder';
import { titledIndexId } from '@privexbot/api/services/knowledge/passage-text';
import {
  DEFAULT_FUSION,
  type FusionWeights,
  retrievePassages,
} from '@privexbot/api/services/retrieval/retrieve-passages';
import {
  DEFAULT_SENTENCE_MODEL,
  locateSentenceModel,
  modelCacheDirectory,
  SENTENCE_MODELS,
} from '@privexbot/schema/sentence-model';
import { ensureEmbeddingModel } from '../models/fetch-embedding-model.mjs';
import { createBenchBot, percentile, startBenchDatabase } from './api-bench-support.js';
import { buildCorpus } from './retrieval-quality/build-corpus.js';
import { paraphraseViolations } from './retrieval-quality/check-questions.js';
import { type Question, rankOfAnswer, scoreQuestions } from './retrieval-quality/score-questions.js';
import { embedCorpus, seedCorpus } from './retrieval-quality/seed-corpus.js';

const questions = JSON.parse(
  readFileSync(new URL('./retrieval-quality/questions.json', import.meta.url), 'utf8'),
) as Question[];
const modelIds = (process.env.MODELS ?? DEFAULT_SENTENCE_MODEL.id).split(',').filter(Boolean);
/**
 * FUSION=strong:loose[:rrfK[:perSource[:page]]],... fusions to compare (default: the product's); an
 * omitted field keeps the product's value.
 */
const fusions: FusionWeights[] = process.env.FUSION
  ? process.env.FUSION.split(',').map((spec) => {
      const [strongText, looseText, rrfK, perSource, page] = spec.split(':').map(Number);
      const fusion = {
        strongText: strongText ?? DEFAULT_FUSION.strongText,
        looseText: looseText ?? DEFAULT_FUSION.looseText,
        rrfK: rrfK ?? DEFAULT_FUSION.rrfK,
        perSource: perSource ?? DEFAULT_FUSION.perSource,
        page: page ?? DEFAULT_FUSION.page,
      };
      if (Object.values(fusion).some((v) => Number.isNaN(v)))
        throw new Error(`FUSION wants strong:loose[:rrfK[:perSource[:page]]], got ${spec}`);
      return fusion;
    })
  : [DEFAULT_FUSION];

/**
 * PASSAGES=plain,titled: what the model embeds of a chunk, the chunk alone or behind its page's
 * title (the product's format for the sentence model: knowledge/passage-text.ts). The hash
 * embedder always reads plain chunks, as in the product.
 */
const passageFormats = (process.env.PASSAGES ?? 'titled').split(',').filter(Boolean);
for (const format of passageFormats)
  if (format !== 'plain' && format !== 'titled')
    throw new Error(`PASSAGES wants plain and/or titled, got ${format}`);

/**
 * Choices (the model, fusion weights) are made on the tuning half of the questions and reported
 * on the held-back half too: every other question, in file order, so each half has both kinds.
 */
function splitOf(index: number): 'tuning' | 'held-back' {
  return index % 2 === 0 ? 'tuning' : 'held-back';
}

/** CHUNKS=maxChars:overlapChars tries another chunk size than the product's. */
const chunking = process.env.CHUNKS
  ? (([maxChars, overlapChars]) => ({ maxChars: Number(maxChars), overlapChars: Number(overlapChars) }))(
      process.env.CHUNKS.split(':'),
    )
  : undefined;
if (chunking && (!(chunking.maxChars > 0) || !(chunking.overlapChars >= 0)))
  throw new Error(`CHUNKS wants maxChars:overlapChars, got ${process.env.CHUNKS}`);

const started = performance.now();
const pages = await buildCorpus(chunking ? { chunking } : {});
const known = new Set(pages.map((p) => p.path));
for (const q of questions) {
  for (const page of q.pages)
    if (!known.has(page)) throw new Error(`question "${q.question}" names ${page}, not in the corpus`);
}
const violations = paraphraseViolations(questions, pages);
if (violations.length > 0)
  throw new Error(
    `paraphrased questions that repeat their page's title or headings:\n${violations.join('\n')}`,
  );
const chunkCount = pages.reduce((sum, p) => sum + p.chunks.length, 0);
console.log(
  `corpus: ${pages.length} pages, ${chunkCount} chunks${chunking ? ` of ${chunking.maxChars}:${chunking.overlapChars}` : ''}; ${questions.length} questions ` +
    `(${questions.filter((q) => q.kind === 'paraphrased').length} paraphrased, ${questions.filter((q) => q.kind === 'lexical').length} lexical)`,
);

// NO_HASH=1 leaves out the hash baseline (tuning runs that compare settings of the model only).
/** One index per embedder and passage format: `indexId` is what a bot's `embedder` would hold. */
const indexes: { embedder: Embedder; indexId: string }[] = [];
const embedders: Embedder[] = [];
if (process.env.NO_HASH !== '1') {
  const hash = new LocalHashEmbedder();
  embedders.push(hash);
  indexes.push({ embedder: hash, indexId: hash.id });
}
const tokenCaps = process.env.MAX_TOKENS?.split(',').map(Number);
for (const id of modelIds) {
  const catalogued = SENTENCE_MODELS.find((m) => m.id === id);
  if (!catalogued) throw new Error(`unknown model ${id}`);
  ensureEmbeddingModel(catalogued.name);
  for (const cap of tokenCaps ?? [catalogued.maxTokens]) {
    // Its own id: the vector cache is per embedder id, and a capped text embeds differently.
    const spec =
      cap === catalogued.maxTokens
        ? catalogued
        : { ...catalogued, id: `${catalogued.id}@${cap}t`, maxTokens: cap };
    const model = new LocalModelEmbedder({
      spec,
      directory: locateSentenceModel(spec, modelCacheDirectory()),
    });
    embedders.push(model);
    for (const format of passageFormats)
      indexes.push({ embedder: model, indexId: format === 'titled' ? titledIndexId(model.id) : model.id });
  }
}

interface Row {
  embedder: string;
  kind: string;
  recallAt5: number;
  mrrAt10: number;
  n: number;
}
const rows: Row[] = [];
/** Retrieval times per setting; a setting listed twice in FUSION runs alternated, times pooled. */
const times: Record<string, number[]> = {};
const scored = new Set<string>();
for (const { embedder, indexId } of indexes) {
  const vectors = await embedCorpus(embedder, indexId, pages);
  const bench = await startBenchDatabase();
  try {
    const botId = await createBenchBot(bench.db, 'secret1benchowner');
    await bench.db.bot.update({ where: { id: botId }, data: { embedder: indexId } });
    await seedCorpus(bench.db, botId, pages, vectors);
    for (const fusion of fusions) {
      const label = `${indexId}${fusions.length > 1 ? ` (text ${fusion.strongText}/${fusion.looseText}, k ${fusion.rrfK}, per source ${fusion.perSource || 'any'}, page ${fusion.page})` : ''}`;
      const ranked: string[][] = [];
      const settingTimes = times[label] ?? [];
      times[label] = settingTimes;
      for (const q of questions) {
        const t0 = performance.now();
        const passages = await retrievePassages({
          db: bench.db,
          botId,
          slot: 0, // the seeded vectors are in slot 0, a new bot's live slot
          embedder,
          query: q.question,
          limit: 10,
          fusion,
        });
        settingTimes.push(performance.now() - t0);
        ranked.push(passages.map((p) => p.sourceName));
      }
      if (scored.has(label)) continue;
      scored.add(label);
      if (process.env.PER_QUESTION === '1') printPerQuestion(label, ranked);
      for (const kind of ['paraphrased', 'lexical', 'all'] as const) {
        for (const half of ['tuning', 'held-back'] as const) {
          const subset = questions
            .map((q, i) => ({ q, i, ranked: ranked[i] as string[] }))
            .filter((x) => (kind === 'all' || x.q.kind === kind) && splitOf(x.i) === half);
          rows.push({
            embedder: label,
            kind: `${kind}, ${half}`,
            ...scoreQuestions(subset),
            n: subset.length,
          });
        }
      }
    }
  } finally {
    await bench.close();
  }
}
await Promise.all(embedders.map((e) => e.close?.()));

const table = [
  '| embedder | questions | n | recall@5 | MRR@10 | retrieval p50 / p95 |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.embedder} | ${r.kind} | ${r.n} | ${r.recallAt5.toFixed(2)} | ${r.mrrAt10.toFixed(2)} | ${latency(r.embedder)} |`,
  ),
].join('\n');
console.log(`\n${table}\n`);

function latency(label: string): string {
  const all = times[label] ?? [];
  return `${percentile(all, 50).toFixed(1)} / ${percentile(all, 95).toFixed(1)} ms`;
}
const conditions = `${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end, ${((performance.now() - started) / 1000).toFixed(0)} s`;
console.log(conditions);
if (process.argv.includes('--write')) {
  const date = new Date().toISOString().slice(0, 10);
  appendFileSync(
    new URL('./RESULTS.md', import.meta.url),
    `\n## Retrieval quality, ${date}\n\n\`MODELS=${modelIds.join(',')} PASSAGES=${passageFormats.join(',')} npx tsx scripts/bench/retrieval-quality.ts --write\` — python3-doc ` +
      `(${pages.length} pages, ${chunkCount} chunks), ${questions.length} questions, product hybrid retrieval (vector + full text); ${conditions}.\n\n${table}\n`,
  );
}

/** One line per question: where its answer ranked and what came first instead. */
function printPerQuestion(label: string, ranked: string[][]): void {
  console.log(`\nper question, ${label}: id kind half rank | top-5 pages`);
  questions.forEach((q, i) => {
    const pages = ranked[i] ?? [];
    const rank = rankOfAnswer(q, pages);
    console.log(
      `  q${i} ${q.kind} ${splitOf(i)} ${rank ?? '-'} | ${pages.slice(0, 5).join(' ')}${rank === undefined ? `  (wants ${q.pages.join(' ')})` : ''}`,
    );
  });
}
