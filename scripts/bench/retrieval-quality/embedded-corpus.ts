import { readFileSync } from 'node:fs';
import { LocalModelEmbedder } from '@privexbot/api/services/embeddings/local-model-embedder';
import { titledIndexId } from '@privexbot/api/services/knowledge/passage-text';
import { embedQuestion } from '@privexbot/api/services/retrieval/retrieve-passages';
import {
  DEFAULT_SENTENCE_MODEL,
  locateSentenceModel,
  modelCacheDirectory,
} from '@privexbot/schema/sentence-model';
import { ensureEmbeddingModel } from '../../models/fetch-embedding-model.mjs';
import type { HnswBuild } from '../api-bench-support.js';
import { buildCorpus } from './build-corpus.js';
import type { Question } from './score-questions.js';
import { embedCorpus } from './seed-corpus.js';

/** The HNSW builds named by the SETTINGS env (`m:ef_construction,...`), else by `fallback`. */
export function hnswSettingsFromEnv(fallback: string): HnswBuild[] {
  return (process.env.SETTINGS ?? fallback).split(',').map((spec) => {
    const [m, efConstruction] = spec.split(':').map(Number);
    // pgvector refuses ef_construction < 2 * m.
    if (!m || !efConstruction || efConstruction < 2 * m)
      throw new Error(`SETTINGS wants m:ef_construction with ef_construction >= 2 * m, got ${spec}`);
    return { m, efConstruction };
  });
}

/** The default sentence model, fetched and verified first if this machine has not got it. */
function openDefaultModel(): LocalModelEmbedder {
  ensureEmbeddingModel(DEFAULT_SENTENCE_MODEL.name);
  return new LocalModelEmbedder({
    spec: DEFAULT_SENTENCE_MODEL,
    directory: locateSentenceModel(DEFAULT_SENTENCE_MODEL, modelCacheDirectory()),
  });
}

async function embedWith(model: LocalModelEmbedder) {
  const indexId = titledIndexId(model.id);
  const pages = await buildCorpus();
  return { indexId, pages, vectors: await embedCorpus(model, indexId, pages) };
}

/** The retrieval-quality corpus (python3-doc) with the default model's passage vectors (cached between runs). */
export async function loadModelCorpus() {
  const model = openDefaultModel();
  try {
    return await embedWith(model);
  } finally {
    await model.close();
  }
}

/** The corpus as `loadModelCorpus` gives it, plus the questions with their vectors and the model, still open. */
export async function loadEmbeddedCorpus() {
  const questions = JSON.parse(
    readFileSync(new URL('./questions.json', import.meta.url), 'utf8'),
  ) as Question[];
  const embedder = openDefaultModel();
  const { indexId, pages, vectors } = await embedWith(embedder);
  const questionVectors = await Promise.all(questions.map((q) => embedQuestion(embedder, q.question)));
  return { questions, embedder, indexId, pages, vectors, questionVectors };
}
