-- Websites refused the widget of a bot (origin not allowed), kept per (bot, origin) so the
-- dapp's embed page can tell the owner why the widget stays blank there.
CREATE TABLE "EmbedRefusal" (
    "botId" UUID NOT NULL,
    "origin" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EmbedRefusal_pkey" PRIMARY KEY ("botId","origin")
);

CREATE INDEX "EmbedRefusal_botId_lastSeenAt_idx" ON "EmbedRefusal"("botId", "lastSeenAt");

ALTER TABLE "EmbedRefusal" ADD CONSTRAINT "EmbedRefusal_botId_fkey" FOREIGN KEY ("botId") REFERENCES "Bot"("id") ON DELETE CASCADE ON UPDATE CASCADE;
