import type { Database } from '../../db/prisma.js';
import { type Embedder, toVectorLiteral } from '../embeddings/embedder.js';

export interface RetrievedPassage {
  chunkId: string;
  sourceId: string;
  sourceName: string;
  sourceUrl: string | null;
  text: string;
  citable: boolean;
  /** Reciprocal-rank-fusion score (higher is better). */
  score: number;
  vectorRank: number | null;
  textRank: number | null;
}

/** RRF's constant: ranks past ~60 barely matter, so neither list dominates (Cormack et al. 2009). */
const RRF_K = 60;

/**
 * At most this many full-text matches are ranked. Ranking reads every match's tsvector from
 * the heap: a large bot matches hundreds of chunks for a common pair of words (650–790 at
 * 100k chunks), which cost 50–100 ms to rank on PGlite. The first 300 the index yields carry
 * the same recall on the labelled corpus at 100k chunks (17/25 either way), in a third of the time.
 */
const TEXT_MATCHES_RANKED = 300;

/**
 * Hybrid retrieval, the one code path for chat and the "test retrieval" route: the nearest
 * chunks by cosine distance (pgvector HNSW) and the best by full-text rank (the generated
 * `tsv` column, in a GIN index with the bot id), fused by reciprocal rank. The text query asks
 * for any two of the question's lexemes (any one when it has fewer than three): requiring all
 * of them, as websearch_to_tsquery does, misses answers that do not repeat every word of the
 * question, while any single word matches so many chunks of a large bot that ranking them all
 * costs hundreds of milliseconds. Matches are ranked by ts_rank (term frequency): on the
 * labelled corpus it found more answers than ts_rank_cd (cover density), at half the cost.
 * Both lists are filtered by bot and only use embedded chunks, so a source being (re-)embedded
 * never mixes vectors of two embedders.
 */
export async function retrievePassages(options: {
  db: Database;
  botId: string;
  embedder: Embedder;
  query: string;
  limit: number;
  /** Candidates taken from each list before fusion. */
  candidates?: number;
  signal?: AbortSignal;
}): Promise<RetrievedPassage[]> {
  const { db, botId, query, limit } = options;
  const candidates = options.candidates ?? Math.max(20, limit * 4);
  const [vector] = await options.embedder.embed([query], options.signal);
  const literal = toVectorLiteral(vector as number[]);
  // retrieval_tsquery (a migration) is IMMUTABLE: planned with the question's value, the
  // text match uses the GIN index instead of scanning every chunk.
  return db.$queryRaw<RetrievedPassage[]>`
    WITH by_vector AS (
      SELECT id, row_number() OVER () AS rank FROM (
        SELECT id FROM "Chunk"
        WHERE "botId" = ${botId}::uuid AND embedding IS NOT NULL
        ORDER BY embedding <=> ${literal}::vector
        LIMIT ${candidates}) AS nearest
    ),
    by_text AS (
      SELECT id, row_number() OVER (ORDER BY score DESC) AS rank FROM (
        SELECT m.id, ts_rank(m.tsv, "retrieval_tsquery"(${query})) AS score FROM (
          SELECT c.id, c.tsv FROM "Chunk" c
          WHERE c."botId" = ${botId}::uuid AND c.embedding IS NOT NULL AND c.tsv @@ "retrieval_tsquery"(${query})
          LIMIT ${TEXT_MATCHES_RANKED}) AS m
        ORDER BY score DESC
        LIMIT ${candidates}) AS matched
    ),
    fused AS (
      SELECT coalesce(v.id, t.id) AS id, v.rank AS vector_rank, t.rank AS text_rank,
        coalesce(1.0 / (${RRF_K} + v.rank), 0) + coalesce(1.0 / (${RRF_K} + t.rank), 0) AS score
      FROM by_vector v FULL OUTER JOIN by_text t ON v.id = t.id
    )
    SELECT c.id::text AS "chunkId", c."sourceId"::text AS "sourceId", s.name AS "sourceName", s.url AS "sourceUrl",
      c.text, c.citable, f.score::float8 AS score, f.vector_rank::int AS "vectorRank", f.text_rank::int AS "textRank"
    FROM fused f JOIN "Chunk" c ON c.id = f.id JOIN "Source" s ON s.id = c."sourceId"
    ORDER BY f.score DESC, c.ordinal
    LIMIT ${limit}`;
}
