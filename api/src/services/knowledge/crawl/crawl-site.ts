import { gunzipSync } from 'node:zlib';
import type { CrawlFailReason, CrawlSkipReason } from '@privexbot/schema/errors';
import robotsParserModule from 'robots-parser';
import {
  ANY_CONTENT_TYPE,
  fetchPublicUrl,
  UrlFetchError,
  type UrlFetchFailure,
  type UrlFetchPolicy,
} from '../../url-fetch/fetch-public-url.js';
import type { ExtractedPage } from './extract-page.js';
import { HostPacer } from './host-pacer.js';
import { PageExtractError, PageExtractor, type PageExtractorSettings } from './page-extractor.js';

export interface CrawlLimits {
  maxPages: number;
  /** Links followed from the start URL (sitemap entries are depth 0). */
  maxDepth: number;
  /** Per page, and per sitemap after gunzip. */
  maxPageBytes: number;
  /** Bytes fetched over the whole crawl. */
  maxTotalBytes: number;
  /** Pause between two requests to the site (robots.txt `Crawl-delay` may lengthen it). */
  delayMs: number;
}

export const defaultCrawlLimits: CrawlLimits = {
  maxPages: 200,
  maxDepth: 5,
  maxPageBytes: 2_000_000,
  maxTotalBytes: 100_000_000,
  delayMs: 500,
};

export interface CrawlRequest {
  startUrl: string;
  /** A sitemap (or sitemap index, plain or gzip). Without one, the robots.txt's sitemaps are read. */
  sitemapUrl?: string | undefined;
  /**
   * Path patterns (`*` matches anything, the whole path must match): a page must match one
   * include (when any) and no exclude. The start URL is crawled whatever they say.
   */
  include: string[];
  exclude: string[];
  limits: CrawlLimits;
}

/** What the previous crawl knew of a page: validators for a conditional GET, and its links. */
export interface KnownPage {
  etag: string | null;
  lastModified: string | null;
  links: string[];
}

/** Stable codes shared with storage and the dapp (`@privexbot/schema/errors`). */
export type SkipReason = CrawlSkipReason;
export type FailReason = CrawlFailReason;

/** One URL's outcome; every URL found gets exactly one. */
export type CrawlEvent =
  | {
      kind: 'fetched';
      url: string;
      page: ExtractedPage;
      etag: string | null;
      lastModified: string | null;
    }
  /** The server said 304: the page is as the last crawl stored it. */
  | { kind: 'unchanged'; url: string; links: string[] }
  | { kind: 'skipped'; url: string; reason: SkipReason; detail?: string }
  | { kind: 'failed'; url: string; reason: FailReason; detail?: string };

export interface CrawlHooks {
  /** Called once per URL, in crawl order; awaited (the caller persists progress). */
  onEvent(event: CrawlEvent): Promise<void>;
  /** Pages the previous crawl stored, by URL. */
  known?: ReadonlyMap<string, KnownPage>;
  /** Checked before each request: true stops the crawl (cancel). */
  shouldStop?: () => boolean | Promise<boolean>;
  /** Caps of page extraction (default: defaultPageExtractorSettings). */
  extraction?: PageExtractorSettings;
  /** Spaces requests per host across the process's crawls (default: this crawl's own). */
  pacer?: HostPacer;
}

export interface CrawlSummary {
  found: number;
  fetched: number;
  unchanged: number;
  skipped: number;
  failed: number;
  bytes: number;
  stopped: boolean;
  /**
   * URLs (pages, sitemaps, robots.txt) the site could not give this time: no answer, a 5xx or
   * a 429. Pages behind them were not seen, which does not mean they are gone.
   */
  unreachable: number;
}

// A CommonJS function whose typings declare it as `default`: at run time the import is the function.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

const ROBOTS_AGENT = 'PrivexBot';
const HTML_TYPES = ['text/html', 'application/xhtml+xml'];
const SITEMAP_TYPES = ['application/xml', 'text/xml', 'application/gzip', 'application/x-gzip', 'text/plain'];
const MAX_SITEMAPS = 50;
const MAX_CRAWL_DELAY_MS = 10_000;
/** RFC 9309 §2.5: crawlers parse at least the first 500 KiB of a robots.txt. */
const ROBOTS_MAX_BYTES = 500 * 1024;

/**
 * Crawls one website: robots.txt first, then the sitemap(s) and the start URL, then
 * same-origin links breadth-first. Every request — robots.txt, each sitemap, each page and
 * each redirect hop — goes through `fetchPublicUrl`, the SSRF guard of URL ingestion. One
 * request at a time, `delayMs` apart (per host across crawls, with a shared `hooks.pacer`).
 * Nothing here touches the database: each URL's outcome is
 * handed to `hooks.onEvent`, which stores it.
 */
export async function crawlSite(
  request: CrawlRequest,
  policy: Pick<UrlFetchPolicy, 'timeoutMs' | 'allowLoopback' | 'lookup'>,
  hooks: CrawlHooks,
): Promise<CrawlSummary> {
  // One extracting process for the whole crawl, ended with it.
  const extractor = new PageExtractor(hooks.extraction);
  try {
    return await crawlWith(request, policy, hooks, extractor);
  } finally {
    extractor.close();
  }
}

async function crawlWith(
  request: CrawlRequest,
  policy: Pick<UrlFetchPolicy, 'timeoutMs' | 'allowLoopback' | 'lookup'>,
  hooks: CrawlHooks,
  extractor: PageExtractor,
): Promise<CrawlSummary> {
  const { limits } = request;
  const start = new URL(request.startUrl);
  start.hash = '';
  const origin = start.origin;
  const startKey = start.toString();
  const summary: CrawlSummary = {
    found: 0,
    fetched: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    bytes: 0,
    stopped: false,
    unreachable: 0,
  };
  const include = request.include.map(globToRegExp);
  const exclude = request.exclude.map(globToRegExp);
  const seen = new Set<string>();
  const pageCap = limits.maxPages * 10;
  const queue: { url: string; depth: number }[] = [];
  const contentHashes = new Set<string>();
  let pagesRequested = 0;
  let delayMs = limits.delayMs;
  const pacer = hooks.pacer ?? new HostPacer();

  const emit = async (event: CrawlEvent) => {
    if (event.kind === 'fetched') summary.fetched++;
    else if (event.kind === 'unchanged') summary.unchanged++;
    else if (event.kind === 'skipped') summary.skipped++;
    else summary.failed++;
    await hooks.onEvent(event);
  };
  const politely = <T>(run: () => Promise<T>): Promise<T> => pacer.run(start.host, delayMs, run);
  const fetchOnce = (
    url: string,
    allowedContentTypes: string[],
    maxBytes: number,
    known?: KnownPage,
    truncateAtMaxBytes = false,
  ) =>
    politely(() =>
      fetchPublicUrl(url, {
        ...policy,
        maxRedirects: 5,
        maxBytes,
        allowedContentTypes,
        truncateAtMaxBytes,
        ...(known ? { validators: { etag: known.etag, lastModified: known.lastModified } } : {}),
      }),
    );
  const fail = async (url: string, error: UrlFetchError) => {
    if (isUnreachable(error)) summary.unreachable++;
    await emit(pageFailure(url, error));
  };

  // robots.txt as RFC 9309 reads it: whatever its content type, its first 500 KiB; none (4xx)
  // means no rules; a server that cannot give it (5xx, 429, no answer) means everything is
  // disallowed, so the crawl reads nothing this time.
  const robotsUrl = `${origin}/robots.txt`;
  let robotsText = '';
  try {
    const fetched = await fetchOnce(robotsUrl, [ANY_CONTENT_TYPE], ROBOTS_MAX_BYTES, undefined, true);
    summary.bytes += fetched.body.length;
    robotsText = fetched.body.toString('utf8');
  } catch (error) {
    if (!(error instanceof UrlFetchError)) throw error;
    if (error.reason === 'blocked_address') {
      await emit({ kind: 'failed', url: request.startUrl, reason: 'BLOCKED_ADDRESS', detail: error.message });
      summary.found++;
      return summary;
    }
    if (isUnreachable(error)) {
      summary.found++;
      await fail(robotsUrl, error);
      return summary;
    }
  }
  const robots = robotsParser(robotsUrl, robotsText);
  const crawlDelay = robots.getCrawlDelay(ROBOTS_AGENT);
  if (crawlDelay !== undefined) delayMs = Math.max(delayMs, Math.min(crawlDelay * 1000, MAX_CRAWL_DELAY_MS));

  /** Admits a URL to the crawl, or records why not. Each distinct URL is judged once. */
  const admit = async (raw: string, depth: number) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return;
    }
    url.hash = '';
    const key = url.toString();
    if (seen.has(key)) return;
    // A site that generates links without end must not grow the crawl's memory without end.
    if (seen.size >= pageCap) return;
    seen.add(key);
    summary.found++;
    if (url.origin !== origin) return emit({ kind: 'skipped', url: key, reason: 'OFF_ORIGIN' });
    if (key !== startKey && !matchesPatterns(url, include, exclude))
      return emit({ kind: 'skipped', url: key, reason: 'OUTSIDE_PATTERNS' });
    if (robots.isDisallowed(key, ROBOTS_AGENT))
      return emit({ kind: 'skipped', url: key, reason: 'ROBOTS_DISALLOWED' });
    if (depth > limits.maxDepth) return emit({ kind: 'skipped', url: key, reason: 'MAX_DEPTH' });
    queue.push({ url: key, depth });
  };

  const sitemaps = request.sitemapUrl
    ? [request.sitemapUrl]
    : robots.getSitemaps().filter((url) => sameOrigin(url, origin));
  await admit(start.toString(), 0);
  for (const url of await readSitemaps(sitemaps)) await admit(url, 0);
  if (summary.stopped) return summary;

  while (queue.length > 0) {
    const next = queue.shift() as { url: string; depth: number };
    if (pagesRequested >= limits.maxPages) {
      await emit({ kind: 'skipped', url: next.url, reason: 'MAX_PAGES' });
      continue;
    }
    if (summary.bytes >= limits.maxTotalBytes) {
      await emit({ kind: 'skipped', url: next.url, reason: 'MAX_TOTAL_BYTES' });
      continue;
    }
    if (await hooks.shouldStop?.()) {
      summary.stopped = true;
      return summary;
    }
    const known = hooks.known?.get(next.url);
    pagesRequested++;
    // A stored page that could not be read this time keeps its chunks: the pages it linked to
    // last time are still followed, or a hub down for a moment would hide them.
    const followStoredLinks = async () => {
      for (const link of known?.links ?? []) await admit(link, next.depth + 1);
    };
    let links: string[];
    try {
      const fetched = await fetchOnce(next.url, HTML_TYPES, limits.maxPageBytes, known);
      summary.bytes += fetched.body.length;
      if (!sameOrigin(fetched.url, origin)) {
        await emit({ kind: 'skipped', url: next.url, reason: 'REDIRECTED_OFF_ORIGIN', detail: fetched.url });
        continue;
      }
      if (fetched.notModified && known) {
        links = known.links;
        await emit({ kind: 'unchanged', url: next.url, links });
      } else {
        let page: ExtractedPage;
        try {
          page = await extractor.extract(fetched.body.toString('utf8'), next.url);
        } catch (error) {
          if (!(error instanceof PageExtractError)) throw error;
          const { reason, message: detail } = error;
          await emit(
            reason === 'EXTRACT_FAILED'
              ? { kind: 'failed', url: next.url, reason, detail }
              : { kind: 'skipped', url: next.url, reason, detail },
          );
          await followStoredLinks();
          continue;
        }
        links = page.links;
        if (!page.text) {
          await emit({ kind: 'skipped', url: next.url, reason: 'NO_TEXT' });
        } else if (contentHashes.has(page.text)) {
          // The same page under a second URL (`/a` and `/a/index.html`): stored once.
          await emit({ kind: 'skipped', url: next.url, reason: 'DUPLICATE_CONTENT' });
        } else {
          contentHashes.add(page.text);
          await emit({
            kind: 'fetched',
            url: next.url,
            page,
            etag: fetched.etag,
            lastModified: fetched.lastModified,
          });
        }
      }
    } catch (error) {
      if (!(error instanceof UrlFetchError)) throw error;
      await fail(next.url, error);
      if (isUnreachable(error)) await followStoredLinks();
      continue;
    }
    for (const link of links) await admit(link, next.depth + 1);
  }
  return summary;

  /** Page URLs of the sitemaps, following sitemap indexes, each sitemap fetched through the guard. */
  async function readSitemaps(roots: string[]): Promise<string[]> {
    const pages: string[] = [];
    const pending = [...roots];
    const read = new Set<string>();
    while (pending.length > 0 && read.size < MAX_SITEMAPS) {
      const sitemapUrl = pending.shift() as string;
      if (read.has(sitemapUrl)) continue;
      // Cancel acts here too: 50 sitemaps at the site's pace can take minutes.
      if (await hooks.shouldStop?.()) {
        summary.stopped = true;
        return pages;
      }
      read.add(sitemapUrl);
      // Sitemaps count toward the crawl's bytes: an index of 50 sitemaps of 10 MB each must
      // not download 500 MB before the first page.
      if (summary.bytes >= limits.maxTotalBytes) {
        summary.found++;
        await emit({ kind: 'skipped', url: sitemapUrl, reason: 'MAX_TOTAL_BYTES' });
        continue;
      }
      let xml: string;
      try {
        const fetched = await fetchOnce(sitemapUrl, SITEMAP_TYPES, limits.maxPageBytes);
        summary.bytes += fetched.body.length;
        xml = inflateSitemap(fetched.body, limits.maxPageBytes);
      } catch (error) {
        summary.found++;
        if (error instanceof UrlFetchError) await fail(sitemapUrl, error);
        else if (error instanceof SitemapError)
          await emit({ kind: 'failed', url: sitemapUrl, reason: error.reason });
        else throw error;
        continue;
      }
      const locs = [...xml.matchAll(/<loc>\s*([^<]+?)\s*<\/loc>/gi)].map((match) =>
        decodeXml(match[1] as string),
      );
      if (/<sitemapindex[\s>]/i.test(xml)) {
        for (const loc of locs) {
          if (sameOrigin(loc, origin)) pending.push(loc);
          else {
            summary.found++;
            await emit({ kind: 'skipped', url: loc, reason: 'OFF_ORIGIN' });
          }
        }
      } else {
        // Past what the crawl could admit anyway, a huge sitemap's entries are not kept (and
        // one push of 200,000 of them would overflow the stack).
        for (const loc of locs.slice(0, Math.max(0, pageCap - pages.length))) pages.push(loc);
      }
    }
    return pages;
  }
}

class SitemapError extends Error {
  constructor(readonly reason: 'SITEMAP_TOO_LARGE' | 'SITEMAP_UNREADABLE') {
    super(reason);
  }
}

/**
 * A gzip sitemap is inflated with an output cap: zlib stops at `maxBytes`, so a few megabytes
 * that would expand to gigabytes cost no more than `maxBytes` of memory.
 */
function inflateSitemap(body: Buffer, maxBytes: number): string {
  if (body[0] !== 0x1f || body[1] !== 0x8b) return body.toString('utf8');
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new SitemapError('SITEMAP_TOO_LARGE');
    throw new SitemapError('SITEMAP_UNREADABLE');
  }
}

/** The SSRF-guarded fetch's own failures (shared with URL ingestion) as the crawl's codes. */
const fetchFailReasons = {
  invalid_url: 'INVALID_URL',
  blocked_address: 'BLOCKED_ADDRESS',
  too_many_redirects: 'TOO_MANY_REDIRECTS',
  redirect_loop: 'REDIRECT_LOOP',
  redirect_invalid: 'REDIRECT_INVALID',
  timeout: 'TIMEOUT',
  network_error: 'NETWORK_ERROR',
} as const satisfies Partial<Record<UrlFetchFailure, FailReason>>;

function pageFailure(url: string, error: UrlFetchError): CrawlEvent {
  switch (error.reason) {
    case 'unsupported_content_type':
      return { kind: 'skipped', url, reason: 'NOT_HTML', detail: error.message };
    case 'too_large':
      return { kind: 'skipped', url, reason: 'TOO_LARGE', detail: error.message };
    case 'http_error':
      return {
        kind: 'failed',
        url,
        reason: error.status === 404 ? 'HTTP_404' : 'HTTP_ERROR',
        detail: error.message,
      };
    default:
      return { kind: 'failed', url, reason: fetchFailReasons[error.reason], detail: error.message };
  }
}

/** A failure that may pass: the server did not answer, was in trouble (5xx) or busy (429). */
function isUnreachable(error: UrlFetchError): boolean {
  if (error.reason === 'timeout' || error.reason === 'network_error') return true;
  return (
    error.reason === 'http_error' &&
    error.status !== undefined &&
    (error.status >= 500 || error.status === 429)
  );
}

function sameOrigin(raw: string, origin: string): boolean {
  try {
    return new URL(raw).origin === origin;
  } catch {
    return false;
  }
}

function matchesPatterns(url: URL, include: RegExp[], exclude: RegExp[]): boolean {
  const path = url.pathname + url.search;
  if (include.length > 0 && !include.some((pattern) => pattern.test(path))) return false;
  return !exclude.some((pattern) => pattern.test(path));
}

/** A pattern matches the whole path (and query); `*` matches anything: `/docs/*`, `*.html`. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*+/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
