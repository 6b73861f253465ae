-- A bot changing embedder is re-embedded in the background: the new vectors fill
-- "embeddingNext" while retrieval keeps reading "embedding"; when every chunk has one, a single
-- statement swaps them and the bot's embedder together, so search never mixes two embedders
-- and never goes without vectors.
ALTER TABLE "Bot" ADD COLUMN IF NOT EXISTS "embedderNext" TEXT;
ALTER TABLE "Chunk" ADD COLUMN IF NOT EXISTS "embeddingNext" vector(384);

-- Bots made before the sentence model indexed with word hashes: they move to the model this
-- way on upgrade. A server run with EMBEDDINGS=hash leaves them pending (and says so).
UPDATE "Bot" SET "embedderNext" = 'all-minilm-l6-v2-q' WHERE embedder = 'local-hash-384';
