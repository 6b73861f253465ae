-- The bot's own words for a question its knowledge does not answer (the offline answerer says
-- them instead of a neutral line).
ALTER TABLE "Bot" ADD COLUMN "fallbackMessage" TEXT NOT NULL DEFAULT '';
