-- Two vector slots per chunk, each with its own HNSW index, and the bot's live one. Retrieval and
-- ingestion use the bot's live slot; a re-embedding fills the other slot in small batches, and
-- the switch flips the bot's "vectorSlot" (and embedder) in one single-row statement. Before,
-- the switch copied every vector of the bot in one statement (one HNSW insertion per chunk),
-- holding the embedded database, and so every chat of every bot, for seconds on a large bot.
--
-- Each slot records the embedder its vector came from, so vectors left in the old slot after a
-- switch are never taken for another embedder's, and switching back to an embedder whose
-- vectors are still there re-embeds only the chunks added since. A tag is NULL exactly when its
-- vector is.

-- Existing vectors stay where they are: "embedding" is slot 0, "embeddingNext" becomes slot 1
-- (a rename touches no row).
ALTER TABLE "Chunk" RENAME COLUMN "embeddingNext" TO "embeddingAlt";
ALTER TABLE "Chunk" ADD COLUMN "embeddedBy" TEXT, ADD COLUMN "embeddedAltBy" TEXT;
ALTER TABLE "Bot" ADD COLUMN "vectorSlot" SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE "Bot" ADD CONSTRAINT "Bot_vectorSlot_check" CHECK ("vectorSlot" IN (0, 1));

-- The one pass over existing rows, before the new indexes exist: the rows are rewritten once and
-- no new index receives an entry twice.
UPDATE "Chunk" AS c
SET "embeddedBy" = CASE WHEN c.embedding IS NOT NULL THEN b.embedder END,
    "embeddedAltBy" = CASE WHEN c."embeddingAlt" IS NOT NULL THEN b."embedderNext" END
FROM "Bot" AS b
WHERE b.id = c."botId" AND (c.embedding IS NOT NULL OR c."embeddingAlt" IS NOT NULL);

-- The same options as "Chunk_embedding_hnsw_idx": both slots search alike. pgvector leaves NULLs
-- out, so a slot no bot uses costs nothing here.
CREATE INDEX "Chunk_embeddingAlt_hnsw_idx" ON "Chunk" USING hnsw ("embeddingAlt" vector_cosine_ops);

-- Which chunks of a bot lack a given embedder's vector in a slot: the re-embedding's next batch
-- and the switch's guard are index range scans, not a pass over the bot's chunks.
CREATE INDEX "Chunk_botId_embeddedBy_idx" ON "Chunk"("botId", "embeddedBy");
CREATE INDEX "Chunk_botId_embeddedAltBy_idx" ON "Chunk"("botId", "embeddedAltBy");
