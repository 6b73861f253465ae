-- A bot's secrets list: strings no answer may say, checked like learn-only distinctive facts.
ALTER TABLE "Bot" ADD COLUMN "secrets" TEXT[] DEFAULT ARRAY[]::TEXT[];
