import type { EmbedPurpose, SentenceModelSpec } from '@privexbot/schema/sentence-model';
import { LRUCache } from 'lru-cache';
import { EMBEDDING_DIMENSIONS, type Embedder } from './embedder.js';
import { EmbeddingWorkerPool } from './embedding-worker-pool.js';

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
    /** How far chunk threads lower their priority below the api's (nice increment). */
    ingestNice?: number;
    /** Cores one model call may use (default 1). */
    intraOpThreads?: number;
    /** Question vectors kept (1.5 KB each); 0 turns the cache off. */
    cachedQuestions?: number;
  }) {
    this.id = options.spec.id;
    this.pool = new EmbeddingWorkerPool({
      spec: options.spec,
      directory: options.directory,
      size: options.threads,
      questionThreads: options.questionThreads,
      ingestNice: options.ingestNice,
      intraOpThreads: options.intraOpThreads,
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
