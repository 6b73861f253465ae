import { SENTENCE_MODEL_DIMENSIONS } from '@privexbot/schema/sentence-model';
import { fromSql, toSql } from 'pgvector';

/** Every embedder writes this many dimensions, so one HNSW index serves all bots. */
export const EMBEDDING_DIMENSIONS = SENTENCE_MODEL_DIMENSIONS;

/** Turns texts into unit vectors of EMBEDDING_DIMENSIONS; `id` is stored on the bot. */
export interface Embedder {
  readonly id: string;
  /**
   * `purpose` lets models trained with instructions (e5, bge) mark questions apart from
   * passages; the others ignore it.
   */
  embed(texts: string[], signal?: AbortSignal, purpose?: 'query' | 'passage'): Promise<number[][]>;
  /** Releases threads or connections (the platform closes its embedders on shutdown). */
  close?(): Promise<void>;
}

/** A vector as PostgreSQL's `vector` type reads it (pgvector's own serializer). */
export function toVectorSql(vector: readonly number[]): string {
  return toSql(vector.map((x) => (Number.isFinite(x) ? x : 0)));
}

/** A `vector` column read as text, back to numbers. */
export function fromVectorSql(text: string): number[] {
  return fromSql(text) as number[];
}
