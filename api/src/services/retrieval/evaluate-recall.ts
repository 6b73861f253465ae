import { readFile } from 'node:fs/promises';

export interface LabelledCorpus {
  documents: { id: string; title: string; text: string }[];
  questions: { question: string; document: string }[];
}

export const corpusFile = new URL('../../../test-fixtures/knowledge/retrieval-corpus.json', import.meta.url);

export async function loadLabelledCorpus(): Promise<LabelledCorpus> {
  return JSON.parse(await readFile(corpusFile, 'utf8')) as LabelledCorpus;
}

/**
 * recall@k over labelled questions: the share of questions for which a passage of the
 * labelled document is among the first k retrieved. `retrieve` returns source names.
 */
export async function recallAtK(
  corpus: LabelledCorpus,
  k: number,
  retrieve: (question: string, k: number) => Promise<string[]>,
): Promise<{ recall: number; misses: string[] }> {
  const misses: string[] = [];
  for (const { question, document } of corpus.questions) {
    const sources = await retrieve(question, k);
    if (!sources.slice(0, k).includes(document)) misses.push(question);
  }
  return { recall: (corpus.questions.length - misses.length) / corpus.questions.length, misses };
}
