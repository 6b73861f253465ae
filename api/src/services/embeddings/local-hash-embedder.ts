import { EMBEDDING_DIMENSIONS, type Embedder } from './embedder.js';

export const LOCAL_EMBEDDER_ID = 'local-hash-384';

/**
 * The embedder used when no OpenAI-compatible embeddings endpoint is configured: the api then
 * runs with no model and no network, and results are deterministic (tests, laptops).
 * No pretrained model can be loaded here, so this is feature hashing ("hashing trick"):
 * word unigrams and bigrams (light suffix stripping so "refunds" meets "refund") and
 * character 3- and 4-grams inside words (typos, compounds), each hashed with a sign into 384
 * dimensions, weighted 1 + log(tf), then L2-normalized so cosine distance applies. It finds
 * lexical and near-lexical matches well (the hybrid full-text rank does the rest); it knows
 * no synonyms: configure a real embeddings model for those.
 */
export class LocalHashEmbedder implements Embedder {
  readonly id = LOCAL_EMBEDDER_ID;

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => embedOne(text));
  }
}

const stopWords = new Set(
  'a an and are as at be but by can do does for from has have how i if in into is it its me my no not of on or our so that the their then there these this to was we what when where which who why will with you your'.split(
    ' ',
  ),
);

export function embedOne(text: string): number[] {
  const counts = new Map<number, number>();
  const add = (feature: string, weight: number) => {
    const h = fnv1a(feature);
    const index = h % EMBEDDING_DIMENSIONS;
    // One more hash bit picks the sign, so collisions cancel out instead of piling up.
    const signed = (h & 0x80000000) === 0 ? weight : -weight;
    counts.set(index, (counts.get(index) ?? 0) + signed);
  };
  const words =
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = words.filter((w) => !stopWords.has(w)).map(stem);
  const termFrequency = new Map<string, number>();
  for (const term of terms) termFrequency.set(term, (termFrequency.get(term) ?? 0) + 1);
  for (const [term, tf] of termFrequency) {
    const weight = 1 + Math.log(tf);
    add(`w:${term}`, 2 * weight);
    const padded = `<${term}>`;
    for (const n of [3, 4]) {
      for (let i = 0; i + n <= padded.length; i++) add(`c${n}:${padded.slice(i, i + n)}`, 0.5 * weight);
    }
  }
  for (let i = 0; i + 1 < terms.length; i++) add(`b:${terms[i]} ${terms[i + 1]}`, 1);
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const [index, value] of counts) vector[index] = value;
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  // An empty text still needs a unit vector for cosine distance: a fixed one.
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((x) => x / norm);
}

function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const suffix of ['ations', 'ation', 'ings', 'ing', 'ies', 'ed', 'es', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      return suffix === 'ies' ? `${word.slice(0, -3)}y` : word.slice(0, -suffix.length);
    }
  }
  return word;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
