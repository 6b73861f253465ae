import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SentenceModelSpec } from './sentence-model.js';

/**
 * The sentence models the api and the gateway can run, by the id stored on bots. Every one is 384 wide, so
 * one HNSW index serves all bots. The first is the default: scripts/bench/retrieval-quality.ts
 * chose it (scripts/bench/RESULTS.md). Files come from the bootstrap
 * (scripts/models/fetch-embedding-model.mjs), checked against pinned SHA-256 sums.
 */
export const SENTENCE_MODELS: readonly SentenceModelSpec[] = [
  {
    id: 'all-minilm-l6-v2-q',
    name: 'all-minilm-l6-v2-q',
    pooling: 'mean',
    queryPrefix: '',
    passagePrefix: '',
    maxTokens: 256,
  },
  {
    id: 'bge-small-en-v1.5-q',
    name: 'bge-small-en-v1.5-q',
    pooling: 'cls',
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    passagePrefix: '',
    maxTokens: 256,
  },
  {
    id: 'e5-small-v2-q',
    name: 'e5-small-v2-q',
    pooling: 'mean',
    queryPrefix: 'query: ',
    passagePrefix: 'passage: ',
    maxTokens: 256,
  },
];

export const DEFAULT_SENTENCE_MODEL = SENTENCE_MODELS[0] as SentenceModelSpec;

/** Where the bootstrap caches models: outside the clone, like the contract builds. */
export function modelCacheDirectory(env: Record<string, string | undefined> = process.env): string {
  const cache = env.PRIVEXBOT_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'privexbot');
  return join(cache, 'models');
}

/** The folder holding a model's files, or an error that says how to get them. */
export function locateSentenceModel(spec: SentenceModelSpec, cacheDirectory: string): string {
  const directory = join(cacheDirectory, spec.name);
  for (const file of [`${spec.name}.onnx`, `${spec.name}-tokenizer.json`]) {
    if (!existsSync(join(directory, file))) {
      throw new Error(
        `the embedding model ${spec.id} is not installed (${file} missing under the model cache): run "npm start" or "npm test" once (the bootstrap fetches it), or set EMBEDDINGS=hash`,
      );
    }
  }
  return directory;
}
