-- Crawl skip and fail reasons become the stable SCREAMING_SNAKE codes the api answers and the
-- dapp explains (`crawlSkipReasons`/`crawlFailReasons` in @privexbot/schema/errors): rows of
-- earlier crawls are rewritten, and the column accepts only those codes from now on.
UPDATE "CrawlPage" SET reason = upper(reason) WHERE reason IS NOT NULL AND reason <> upper(reason);

ALTER TABLE "CrawlPage" DROP CONSTRAINT IF EXISTS "CrawlPage_reason_check";
ALTER TABLE "CrawlPage" ADD CONSTRAINT "CrawlPage_reason_check" CHECK (
  reason IS NULL OR reason IN (
    'ROBOTS_DISALLOWED', 'OFF_ORIGIN', 'OUTSIDE_PATTERNS', 'MAX_DEPTH', 'MAX_PAGES', 'MAX_TOTAL_BYTES',
    'NOT_HTML', 'TOO_LARGE', 'REDIRECTED_OFF_ORIGIN', 'DUPLICATE_CONTENT', 'NO_TEXT', 'EXTRACT_TIMEOUT',
    'EXTRACT_TOO_LARGE', 'KNOWLEDGE_STORAGE', 'HTTP_404', 'HTTP_ERROR', 'REDIRECT_LOOP', 'TOO_MANY_REDIRECTS',
    'REDIRECT_INVALID', 'BLOCKED_ADDRESS', 'TIMEOUT', 'NETWORK_ERROR', 'INVALID_URL', 'SITEMAP_TOO_LARGE',
    'SITEMAP_UNREADABLE', 'EXTRACT_FAILED'
  )
);
