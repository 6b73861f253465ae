-- Both vector indexes with m = 8 instead of pgvector's default 16 (ef_construction stays 64).
-- Every vector ingestion writes is an HNSW insertion, and the embedded database runs one
-- statement at a time, so chat waits behind them: at m = 8 an insertion costs about half
-- (scripts/bench/hnsw-build-options.ts, RESULTS.md "HNSW build parameters"), while the hybrid
-- retrieval's answers stay as good (it re-scores by exact distance and adds the text matches).
-- m is fixed when the graph is built, so both indexes are rebuilt here, once.
DROP INDEX "Chunk_embedding_hnsw_idx";
CREATE INDEX "Chunk_embedding_hnsw_idx" ON "Chunk" USING hnsw ("embedding" vector_cosine_ops)
  WITH (m = 8, ef_construction = 64);
DROP INDEX "Chunk_embeddingAlt_hnsw_idx";
CREATE INDEX "Chunk_embeddingAlt_hnsw_idx" ON "Chunk" USING hnsw ("embeddingAlt" vector_cosine_ops)
  WITH (m = 8, ef_construction = 64);
