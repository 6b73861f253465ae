/** A labelled question: the documentation page(s) (paths under the HTML root) that answer it. */
export interface Question {
  question: string;
  kind: 'paraphrased' | 'lexical';
  pages: string[];
}

/**
 * recall@5: the share of questions with an answering page among the first 5 passages;
 * MRR@10: the mean of 1/rank of the first answering passage within 10 (0 when none).
 * `ranked` holds each passage's page, best first.
 */
export function scoreQuestions(results: { q: Question; ranked: string[] }[]): {
  recallAt5: number;
  mrrAt10: number;
} {
  if (results.length === 0) return { recallAt5: 0, mrrAt10: 0 };
  let hits = 0;
  let reciprocal = 0;
  for (const { q, ranked } of results) {
    const rank = rankOfAnswer(q, ranked);
    if (rank !== undefined && rank <= 5) hits++;
    if (rank !== undefined) reciprocal += 1 / rank;
  }
  return { recallAt5: hits / results.length, mrrAt10: reciprocal / results.length };
}

/** The 1-based rank of the first passage from an answering page within the first 10, if any. */
export function rankOfAnswer(q: Question, ranked: string[]): number | undefined {
  const at = ranked.slice(0, 10).findIndex((page) => q.pages.includes(page));
  return at >= 0 ? at + 1 : undefined;
}
