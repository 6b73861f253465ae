/**
 * Writes the small slice of the retrieval-quality corpus that `npm test` checks
 * (api/test-fixtures/knowledge/python-docs-slice.json): the first chunks of each page that
 * answers a paraphrased question, with those questions. Re-run after changing the questions:
 *
 *   npx tsx scripts/bench/retrieval-quality/build-slice.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildCorpus } from './build-corpus.js';
import type { Question } from './score-questions.js';

const CHUNKS_PER_PAGE = 2;
const questions = JSON.parse(
  readFileSync(new URL('./questions.json', import.meta.url), 'utf8'),
) as Question[];
const paraphrased = questions.filter((q) => q.kind === 'paraphrased');
const wanted = [...new Set(paraphrased.map((q) => q.pages[0] as string))];
const pages = await buildCorpus({ only: wanted });
const slice = {
  source:
    'Python 3.11 documentation as shipped by Debian python3-doc, first chunks of each page; Copyright Python Software Foundation, PSF License Version 2',
  pages: pages.map((p) => ({ path: p.path, text: p.chunks.slice(0, CHUNKS_PER_PAGE).join('\n\n') })),
  questions: paraphrased.map((q) => ({ question: q.question, pages: q.pages })),
};
writeFileSync(
  new URL('../../../api/test-fixtures/knowledge/python-docs-slice.json', import.meta.url),
  `${JSON.stringify(slice, null, 1)}\n`,
);
console.log(`${slice.pages.length} pages, ${slice.questions.length} questions`);
