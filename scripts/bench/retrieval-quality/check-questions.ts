import type { CorpusPage } from './build-corpus.js';
import type { Question } from './score-questions.js';

const common = new Set(
  'a an and are as at be but by can do does for from has have how i if in into is it its me my no not of on or our so that the their then there these this to was we what when where which who why will with you your python module function functions object objects using use used'.split(
    ' ',
  ),
);

/** Lowercased words of 3+ letters, minus common ones, with plural and -ing/-ed endings cut. */
export function distinctiveWords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[a-z][a-z0-9]{2,}/g) ?? [];
  return new Set(words.filter((w) => !common.has(w)).map((w) => w.replace(/(ing|ed|es|s)$/, '')));
}

/**
 * The words a paraphrased question shares with the title or headings of a page it names:
 * a paraphrase must share none, or it is a lexical question in disguise.
 */
export function paraphraseViolations(questions: Question[], pages: CorpusPage[]): string[] {
  const byPath = new Map(pages.map((p) => [p.path, p]));
  const problems: string[] = [];
  for (const q of questions) {
    if (q.kind !== 'paraphrased') continue;
    const asked = distinctiveWords(q.question);
    for (const path of q.pages) {
      const page = byPath.get(path);
      if (!page) continue;
      const shown = distinctiveWords([page.title, ...page.headings].join(' '));
      const shared = [...asked].filter((w) => shown.has(w));
      if (shared.length > 0) problems.push(`"${q.question}" shares ${shared.join(', ')} with ${path}`);
    }
  }
  return problems;
}
