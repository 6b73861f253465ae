-- Whole websites as knowledge: a `website` source, its crawl runs and its pages; a crawled
-- page's chunks point at the page (removed with it) and carry their citation URL (page#heading).
ALTER TYPE "SourceType" ADD VALUE 'website';

CREATE TYPE "CrawlRunStatus" AS ENUM ('queued', 'running', 'done', 'cancelled', 'failed');

ALTER TABLE "Source" ADD COLUMN "crawlSettings" JSONB,
  ADD COLUMN "recrawlIntervalMinutes" INTEGER,
  ADD COLUMN "nextCrawlAt" TIMESTAMP(3);

CREATE TABLE "CrawlRun" (
  "id" UUID NOT NULL,
  "sourceId" UUID NOT NULL,
  "status" "CrawlRunStatus" NOT NULL DEFAULT 'queued',
  "pagesFound" INTEGER NOT NULL DEFAULT 0,
  "pagesFetched" INTEGER NOT NULL DEFAULT 0,
  "pagesUnchanged" INTEGER NOT NULL DEFAULT 0,
  "pagesSkipped" INTEGER NOT NULL DEFAULT 0,
  "pagesFailed" INTEGER NOT NULL DEFAULT 0,
  "bytes" INTEGER NOT NULL DEFAULT 0,
  "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
  "lockedBy" TEXT,
  "lockedAt" TIMESTAMP(3),
  "error" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "startedAt" TIMESTAMP(3),
  "finishedAt" TIMESTAMP(3),
  "updatedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "CrawlRun_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "CrawlRun_status_lockedAt_idx" ON "CrawlRun"("status", "lockedAt");
CREATE INDEX "CrawlRun_sourceId_createdAt_idx" ON "CrawlRun"("sourceId", "createdAt");
ALTER TABLE "CrawlRun" ADD CONSTRAINT "CrawlRun_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "CrawlPage" (
  "id" UUID NOT NULL,
  "sourceId" UUID NOT NULL,
  "url" TEXT NOT NULL,
  "outcome" TEXT NOT NULL,
  "reason" TEXT,
  "detail" TEXT,
  "stored" BOOLEAN NOT NULL DEFAULT false,
  "title" TEXT,
  "etag" TEXT,
  "lastModified" TEXT,
  "contentHash" TEXT,
  "bytes" INTEGER NOT NULL DEFAULT 0,
  "links" TEXT[] DEFAULT ARRAY[]::TEXT[],
  "lastRunId" UUID NOT NULL,
  "updatedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "CrawlPage_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "CrawlPage_sourceId_url_key" ON "CrawlPage"("sourceId", "url");
CREATE INDEX "CrawlPage_lastRunId_idx" ON "CrawlPage"("lastRunId");
ALTER TABLE "CrawlPage" ADD CONSTRAINT "CrawlPage_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Chunk" ADD COLUMN "pageId" UUID, ADD COLUMN "url" TEXT;
CREATE INDEX "Chunk_pageId_idx" ON "Chunk"("pageId");
ALTER TABLE "Chunk" ADD CONSTRAINT "Chunk_pageId_fkey" FOREIGN KEY ("pageId") REFERENCES "CrawlPage"("id") ON DELETE CASCADE ON UPDATE CASCADE;
