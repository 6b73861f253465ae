/** Every embedder writes this many dimensions, so one HNSW index serves all bots. */
export const EMBEDDING_DIMENSIONS = 384;

/** Turns texts into unit vectors of EMBEDDING_DIMENSIONS; `id` is stored on the bot. */
export interface Embedder {
  readonly id: string;
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/** The pgvector literal of a vector: '[0.1,0.2,...]'. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.map((x) => (Number.isFinite(x) ? Math.fround(x) : 0)).join(',')}]`;
}
