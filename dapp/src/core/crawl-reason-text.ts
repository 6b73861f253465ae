import type { CrawlReason } from '@privexbot/schema/errors';

/**
 * What the org reads for each reason a crawl skipped or failed a URL. A `Record` over the
 * shared code list: a code added to `@privexbot/schema/errors` does not compile here until
 * it has its sentence.
 */
const sentences: Record<CrawlReason, string> = {
  ROBOTS_DISALLOWED: "The site's robots.txt asks crawlers not to read this page.",
  OFF_ORIGIN: 'The link leads to another website; only the start URL’s site is crawled.',
  OUTSIDE_PATTERNS: 'The page is outside the include and exclude path patterns.',
  MAX_DEPTH: 'The page is more links away from the start URL than the depth limit allows.',
  MAX_PAGES: 'The crawl reached its page limit before this page.',
  MAX_TOTAL_BYTES: 'The crawl reached its download limit before this page.',
  NOT_HTML: 'Not a web page (a file or another kind of document).',
  TOO_LARGE: 'The page is larger than the per-page size limit.',
  REDIRECTED_OFF_ORIGIN: 'The page redirects to another website.',
  DUPLICATE_CONTENT: 'Same text as another page of the site, stored once.',
  NO_TEXT: 'The page has no readable text.',
  EXTRACT_TIMEOUT: 'Reading the page took too long.',
  EXTRACT_TOO_LARGE: 'The page is too complex to read within the memory limit.',
  KNOWLEDGE_STORAGE: "Your plan's knowledge storage is full.",
  HTTP_404: 'The page does not exist (404).',
  HTTP_ERROR: 'The server answered with an error.',
  REDIRECT_LOOP: 'The page redirects in a loop.',
  TOO_MANY_REDIRECTS: 'The page redirects too many times.',
  REDIRECT_INVALID: 'The page redirects to an invalid address.',
  BLOCKED_ADDRESS: 'The address is private or reserved; PrivexBot reads public addresses only.',
  TIMEOUT: 'The server did not answer in time.',
  NETWORK_ERROR: 'The server could not be reached.',
  INVALID_URL: 'The address is not a valid web address.',
  SITEMAP_TOO_LARGE: 'The sitemap is larger than the size limit.',
  SITEMAP_UNREADABLE: 'The sitemap could not be read.',
  EXTRACT_FAILED: 'The page could not be read.',
};

/** A reason read off the wire: a code this build does not know yet gets a neutral sentence. */
export function crawlReasonText(reason: string): string {
  return sentences[reason as CrawlReason] ?? `Not crawled (${reason}).`;
}
