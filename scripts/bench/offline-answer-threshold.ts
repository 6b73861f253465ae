/**
 * Sets the offline answerer's similarity floor (api/src/gateway/sentence-scorers.ts,
 * MODEL_FLOOR) on held-out pairs: for each question, the cosine to a sentence that answers it
 * (mostly in other words), to a sentence of the same page that does not ("near"), and to every
 * other question's answer ("far"). Prints both distributions and, per candidate floor, how
 * many answers pass and how many non-answers are wrongly quoted. Then the answerer as shipped
 * (composeOfflineAnswer), sentence model vs word share side by side, on the same pairs, with
 * its time per question (10 passages of the pairs' sentences; first ask, then asked again).
 *
 *   npx tsx scripts/bench/offline-answer-threshold.ts
 */
import { readFileSync } from 'node:fs';
import { composeOfflineAnswer } from '@privexbot/api/gateway/answer-offline';
import {
  createSentenceScorer,
  type SentenceScorer,
  wordShareScorer,
} from '@privexbot/api/gateway/sentence-scorers';
import {
  DEFAULT_SENTENCE_MODEL,
  locateSentenceModel,
  modelCacheDirectory,
  SentenceModel,
} from '@privexbot/schema/sentence-model';
import { pino } from 'pino';
import { ensureEmbeddingModel } from '../models/fetch-embedding-model.mjs';
import { ms, percentile } from './api-bench-support.js';

interface Pair {
  question: string;
  answers: string;
  near: string;
}
const { pairs } = JSON.parse(
  readFileSync(new URL('./offline-answer-pairs.json', import.meta.url), 'utf8'),
) as {
  pairs: Pair[];
};

ensureEmbeddingModel(DEFAULT_SENTENCE_MODEL.name);
const model = await SentenceModel.load(
  locateSentenceModel(DEFAULT_SENTENCE_MODEL, modelCacheDirectory()),
  DEFAULT_SENTENCE_MODEL,
);
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);
const questions = await Promise.all(pairs.map((p) => model.embed(p.question, 'query')));
const answers = await Promise.all(pairs.map((p) => model.embed(p.answers, 'passage')));
const nears = await Promise.all(pairs.map((p) => model.embed(p.near, 'passage')));

const positive = pairs.map((_, i) => cosine(questions[i] as Float32Array, answers[i] as Float32Array));
const near = pairs.map((_, i) => cosine(questions[i] as Float32Array, nears[i] as Float32Array));
const far = pairs.flatMap((_, i) =>
  pairs.flatMap((__, j) =>
    i === j ? [] : [cosine(questions[i] as Float32Array, answers[j] as Float32Array)],
  ),
);

const summary = (name: string, values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(10)} n=${String(values.length).padStart(4)}  min ${sorted[0]?.toFixed(2)}  p10 ${percentile(sorted, 10).toFixed(2)}  p50 ${percentile(sorted, 50).toFixed(2)}  p90 ${percentile(sorted, 90).toFixed(2)}  max ${sorted.at(-1)?.toFixed(2)}`,
  );
};
console.log(`model ${DEFAULT_SENTENCE_MODEL.id}, ${pairs.length} held-out questions`);
summary('answers', positive);
summary('near', near);
summary('far', far);
console.log('\nfloor  answers quoted  near quoted  far quoted');
for (let floor = 0.25; floor <= 0.651; floor += 0.05) {
  const share = (values: number[]) => values.filter((v) => v >= floor).length / values.length;
  console.log(
    `${floor.toFixed(2)}   ${(share(positive) * 100).toFixed(0).padStart(5)} %        ${(share(near) * 100).toFixed(0).padStart(4)} %     ${(share(far) * 100).toFixed(1).padStart(5)} %`,
  );
}

// The answerer's whole rule: for each question, every pair's two sentences are candidates;
// up to three are quoted, those at or above the floor and within the margin of the best.
console.log('\nas the answerer picks from all 2×n sentences (top 3, floor and margin):');
console.log('floor  margin  own answer quoted  questions with a wrong quote  wrong quotes');
const pool = [...answers, ...nears];
for (const floor of [0.3, 0.35, 0.4, 0.45]) {
  for (const margin of [0.1, 0.15, 0.2]) {
    let own = 0;
    let withWrong = 0;
    let wrong = 0;
    questions.forEach((q, i) => {
      const scores = pool.map((v) => cosine(q, v));
      const top = Math.max(...scores);
      const picked = scores
        .map((score, index) => ({ score, index }))
        .filter((c) => c.score >= floor && c.score >= top - margin)
        .sort((a, b) => b.score - a.score)
        .slice(0, 3);
      if (picked.some((c) => c.index === i)) own++;
      const bad = picked.filter((c) => c.index !== i).length;
      wrong += bad;
      if (bad > 0) withWrong++;
    });
    console.log(
      `${floor.toFixed(2)}   ${margin.toFixed(2)}    ${String(own).padStart(3)}/${pairs.length}              ${String(withWrong).padStart(3)}/${pairs.length}                    ${wrong}`,
    );
  }
}
await model.close();

// The answerer as shipped: each question against its own pair and 4 others (10 passages).
const FALLBACK = 'nothing matched';
const scorers: SentenceScorer[] = [
  createSentenceScorer({ cacheDirectory: modelCacheDirectory(), logger: pino({ level: 'silent' }) }),
  wordShareScorer,
];
console.log('\nthe answerer as shipped (10 passages per question: its pair and 4 other pairs):');
console.log('scorer          own answer quoted  wrong quotes  fallback  time p50 (first / again)  p95 first');
for (const scorer of scorers) {
  let own = 0;
  let wrong = 0;
  let fallback = 0;
  const first: number[] = [];
  const again: number[] = [];
  for (const [i, pair] of pairs.entries()) {
    const others = [1, 2, 3, 4].map((k) => pairs[(i + k * 5) % pairs.length] as Pair);
    const passages = [pair, ...others].flatMap((p) => [{ text: p.answers }, { text: p.near }]);
    const request = {
      model: 'any',
      messages: [{ role: 'user' as const, content: pair.question }],
      passages,
      fallback_message: FALLBACK,
    };
    for (const times of [first, again]) {
      const started = performance.now();
      const answer = await composeOfflineAnswer(
        request as Parameters<typeof composeOfflineAnswer>[0],
        scorer,
      );
      times.push(performance.now() - started);
      if (times !== first) continue;
      if (answer.text === FALLBACK) fallback++;
      if (answer.cited.includes(0)) own++;
      wrong += answer.cited.filter((c) => c !== 0).length;
    }
  }
  console.log(
    `${scorer.name.padEnd(15)} ${String(own).padStart(3)}/${pairs.length}             ${String(wrong).padStart(4)}          ${String(fallback).padStart(3)}      ${ms(percentile(first, 50))} / ${ms(percentile(again, 50))}        ${ms(percentile(first, 95))}`,
  );
  await scorer.close?.();
}
