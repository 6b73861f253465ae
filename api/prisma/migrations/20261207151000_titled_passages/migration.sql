-- Bots on the sentence model embed each chunk behind its page's title from now on: a new
-- passage format, so a new index identity ('+titled'). Bots with plain-chunk vectors move to it
-- the way any embedder change does, re-embedded in the background while search stays on their
-- old vectors; bots already waiting to move to the model move straight to the titled format.
UPDATE "Bot" SET "embedderNext" = 'all-minilm-l6-v2-q+titled'
WHERE embedder = 'all-minilm-l6-v2-q' AND "embedderNext" IS NULL;
UPDATE "Bot" SET "embedderNext" = 'all-minilm-l6-v2-q+titled'
WHERE "embedderNext" = 'all-minilm-l6-v2-q';
