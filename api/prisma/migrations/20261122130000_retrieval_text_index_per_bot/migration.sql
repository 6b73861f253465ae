-- The full-text half of retrieval is always filtered by bot. With a GIN index on "tsv"
-- alone, PostgreSQL intersected it with a bitmap of every chunk of the bot (the whole
-- "botId" b-tree range: 6 ms at 10k chunks, growing with the bot) or, for a small bot in a
-- large table, rechecked every other bot's matches. One GIN index over ("botId", "tsv")
-- (btree_gin supplies the uuid operator class; it ships with PostgreSQL's contrib) answers
-- both conditions in one scan: text retrieval at 10k chunks went from 16 ms to 5.6 ms (p50,
-- PGlite).
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX "Chunk_botId_tsv_idx" ON "Chunk" USING GIN ("botId", "tsv");
DROP INDEX "Chunk_tsv_idx";
