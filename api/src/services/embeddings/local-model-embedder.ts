import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { EMBEDDING_DIMENSIONS, type Embedder } from './embedder.js';
import { EmbeddingWorkerPool } from './embedding-worker-pool.js';
import type { EmbedPurpose, SentenceModelSpec } from './sentence-model.js';

/**
 * The sentence models the api can run, by the id stored on bots. Every one is 384 wide, so
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

/**
 * A sentence model run on this machine by a pool of worker threads: no key, no network, and
 * the api's event loop never computes a vector.
 */
export class LocalModelEmbedder implements Embedder {
  readonly id: string;
  private readonly pool: EmbeddingWorkerPool;
  /**
   * Recent questions' vectors: visitors ask the same few things (suggested questions, "pricing"),
   * and a vector is a pure function of the text, so a repeat skips the model. Questions only:
   * chunks are embedded once each.
   */
  private readonly questions: LRUCache<string, Float32Array> | undefined;

  constructor(options: {
    spec: SentenceModelSpec;
    directory: string;
    threads?: number;
    /** Threads kept for questions beside those (default 1). */
    questionThreads?: number;
    /** Question vectors kept (1.5 KB each); 0 turns the cache off. */
    cachedQuestions?: number;
  }) {
    this.id = options.spec.id;
    this.pool = new EmbeddingWorkerPool({
      spec: options.spec,
      directory: options.directory,
      size: options.threads,
      questionThreads: options.questionThreads,
    });
    const cachedQuestions = options.cachedQuestions ?? 2000;
    this.questions = cachedQuestions > 0 ? new LRUCache({ max: cachedQuestions }) : undefined;
  }

  async embed(texts: string[], signal?: AbortSignal, purpose: EmbedPurpose = 'passage'): Promise<number[][]> {
    signal?.throwIfAborted();
    const vectors = await Promise.all(texts.map((text) => this.embedOne(text, purpose)));
    signal?.throwIfAborted();
    return vectors.map((v) => {
      if (v.length !== EMBEDDING_DIMENSIONS) throw new Error(`${this.id} returned ${v.length} dimensions`);
      return Array.from(v);
    });
  }

  private async embedOne(text: string, purpose: EmbedPurpose): Promise<Float32Array> {
    if (purpose !== 'query' || !this.questions) return this.pool.embed(text, purpose);
    const cached = this.questions.get(text);
    if (cached) return cached;
    const vector = await this.pool.embed(text, purpose);
    this.questions.set(text, vector);
    return vector;
  }

  close(): Promise<void> {
    this.questions?.clear();
    return this.pool.close();
  }
}
