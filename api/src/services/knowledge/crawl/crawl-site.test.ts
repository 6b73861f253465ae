import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CrawlEvent,
  type CrawlRequest,
  crawlSite,
  defaultCrawlLimits,
  type KnownPage,
} from './crawl-site.js';
import { HostPacer } from './host-pacer.js';
import { startTestSite, type TestSite } from './test-support/test-site.js';

let site: TestSite;
beforeAll(async () => {
  site = await startTestSite();
});
afterAll(() => site?.close());

const policy = { timeoutMs: 5000, allowLoopback: true };

function request(overrides: Partial<CrawlRequest> = {}): CrawlRequest {
  return {
    startUrl: `${site.origin}/`,
    include: [],
    exclude: [],
    limits: { ...defaultCrawlLimits, delayMs: 0 },
    ...overrides,
  };
}

async function crawl(req: CrawlRequest, known?: Map<string, KnownPage>, shouldStop?: () => boolean) {
  const events: CrawlEvent[] = [];
  const summary = await crawlSite(req, policy, {
    onEvent: async (event) => {
      events.push(event);
    },
    ...(known ? { known } : {}),
    ...(shouldStop ? { shouldStop } : {}),
  });
  const byUrl = new Map(events.map((event) => [event.url.replace(site.origin, ''), event]));
  return { summary, events, byUrl };
}

describe('crawlSite', () => {
  it('crawls the whole site from robots, the sitemap index and links, and says why it skipped the rest', async () => {
    const { summary, events, byUrl } = await crawl(request());
    const fetched = events
      .filter((event) => event.kind === 'fetched')
      .map((event) => event.url.replace(site.origin, ''));
    expect(fetched.sort()).toEqual([...site.pagePaths].sort());
    expect(fetched).toHaveLength(51);
    // One outcome per URL found.
    expect(new Set(events.map((event) => event.url)).size).toBe(events.length);
    expect(summary.found).toBe(events.length);
    const reason = (path: string) => {
      const event = byUrl.get(path);
      return event && 'reason' in event ? `${event.kind}:${event.reason}` : event?.kind;
    };
    expect(reason('/private/secret')).toBe('skipped:ROBOTS_DISALLOWED');
    expect(reason('/files/manual.pdf')).toBe('skipped:NOT_HTML');
    expect(reason('/missing')).toBe('failed:HTTP_404');
    expect(reason('/loop-a')).toBe('failed:REDIRECT_LOOP');
    // A same-origin page redirecting to a private address: the SSRF guard refuses the hop.
    expect(reason('/internal')).toBe('failed:BLOCKED_ADDRESS');
    expect(reason('http://192.168.1.1/admin')).toBe('skipped:OFF_ORIGIN');
    expect(reason('https://example.org/offsite')).toBe('skipped:OFF_ORIGIN');
    expect(reason('https://example.org/sitemap.xml')).toBe('skipped:OFF_ORIGIN');
    expect(reason('/sitemap-bomb.xml.gz')).toBe('failed:SITEMAP_TOO_LARGE');
    expect(site.requests).not.toContain('/private/secret');
    expect(site.requests).not.toContain('/admin');
  });

  it('keeps the main content with its headings and links each chunk to its heading anchor', async () => {
    const { byUrl } = await crawl(
      request({
        include: ['/docs/page-3'],
        sitemapUrl: `${site.origin}/none.xml`,
        startUrl: `${site.origin}/docs/page-3`,
      }),
    );
    const event = byUrl.get('/docs/page-3');
    if (event?.kind !== 'fetched') throw new Error(`page 3 was not fetched: ${JSON.stringify(event)}`);
    const { page } = event;
    expect(page.title).toBe('Docs 3');
    expect(page.text).toContain('# Docs page 3');
    expect(page.text).toContain('the docs code of page 3 is DOC3X');
    expect(page.text).not.toMatch(/BOILERPLATE/);
    const setup = page.chunks.find((chunk) => chunk.text.includes('Install step 3'));
    expect(setup?.text.startsWith('Docs page 3 > Setup for topic 3')).toBe(true);
    expect(setup?.url).toBe(`${site.origin}/docs/page-3#setup-3`);
    // A heading without an id cites the nearest heading above it that has one.
    const notes = page.chunks.find((chunk) => chunk.text.includes('first note 3'));
    expect(notes?.text).toContain('- first note 3');
    expect(notes?.url).toBe(`${site.origin}/docs/page-3#top`);
  });

  it('refuses the whole site when the SSRF guard does not allow its address', async () => {
    const events: CrawlEvent[] = [];
    const summary = await crawlSite(
      request(),
      { timeoutMs: 5000, allowLoopback: false },
      {
        onEvent: async (event) => {
          events.push(event);
        },
      },
    );
    expect(summary.fetched).toBe(0);
    expect(events).toEqual([expect.objectContaining({ kind: 'failed', reason: 'BLOCKED_ADDRESS' })]);
  });

  it('stops at max pages, max depth and the include/exclude patterns', async () => {
    const limited = await crawl(request({ limits: { ...defaultCrawlLimits, delayMs: 0, maxPages: 10 } }));
    expect(limited.summary.fetched).toBe(10);
    expect(
      limited.events.filter((e) => e.kind === 'skipped' && e.reason === 'MAX_PAGES').length,
    ).toBeGreaterThan(30);

    const shallow = await crawl(
      request({
        startUrl: `${site.origin}/docs/page-1`,
        sitemapUrl: `${site.origin}/none.xml`,
        include: ['/docs/*'],
        limits: { ...defaultCrawlLimits, delayMs: 0, maxDepth: 2 },
      }),
    );
    const docs = shallow.events.filter((e) => e.kind === 'fetched');
    expect(docs.map((e) => e.url.replace(site.origin, ''))).toEqual([
      '/docs/page-1',
      '/docs/page-2',
      '/docs/page-3',
    ]);
    expect(shallow.byUrl.get('/docs/page-4')).toMatchObject({ kind: 'skipped', reason: 'MAX_DEPTH' });
    expect(shallow.byUrl.get('/blog/post-1')).toMatchObject({ kind: 'skipped', reason: 'OUTSIDE_PATTERNS' });

    const patterned = await crawl(request({ include: ['/blog/*'], exclude: ['/blog/post-1*'] }));
    const paths = patterned.events
      .filter((e) => e.kind === 'fetched')
      .map((e) => e.url.replace(site.origin, ''));
    expect(paths).toContain('/blog/post-2');
    expect(paths).not.toContain('/blog/post-1');
    expect(paths).not.toContain('/blog/post-10');
    expect(paths).not.toContain('/docs/page-1');
    // The start URL is where links come from: crawled whatever the patterns.
    expect(paths).toContain('/');
    expect(patterned.byUrl.get('/blog/post-1')).toMatchObject({
      kind: 'skipped',
      reason: 'OUTSIDE_PATTERNS',
    });
  });

  it('skips a page over max page bytes, and every page once the crawl has read max total bytes', async () => {
    const small = await crawl(
      request({
        sitemapUrl: `${site.origin}/none.xml`,
        limits: { ...defaultCrawlLimits, delayMs: 0, maxPageBytes: 500 },
      }),
    );
    expect(small.byUrl.get('/')).toMatchObject({ kind: 'skipped', reason: 'TOO_LARGE' });
    expect(small.summary.fetched).toBe(0);

    const limits = { ...defaultCrawlLimits, delayMs: 0, maxTotalBytes: 8000 };
    const { summary, events } = await crawl(request({ sitemapUrl: `${site.origin}/none.xml`, limits }));
    const overBudget = events.filter((e) => e.kind === 'skipped' && e.reason === 'MAX_TOTAL_BYTES');
    expect(summary.fetched).toBeGreaterThan(0);
    expect(summary.fetched).toBeLessThan(site.pagePaths.length);
    expect(overBudget.length).toBeGreaterThan(0);
    // Checked before each request: at most one page past the budget is read.
    expect(summary.bytes).toBeLessThan(limits.maxTotalBytes + limits.maxPageBytes);
  });

  it('waits the politeness delay between requests to the site', async () => {
    const started = Date.now();
    const { summary } = await crawl(
      request({
        startUrl: `${site.origin}/docs/page-1`,
        sitemapUrl: `${site.origin}/none.xml`,
        include: ['/docs/*'],
        limits: { ...defaultCrawlLimits, delayMs: 100, maxDepth: 3 },
      }),
    );
    // robots.txt, the (missing) sitemap and 4 pages: 5 pauses of 100 ms at least.
    expect(summary.fetched).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('keeps the delay per host across crawls sharing a pacer: back to back and at once', async () => {
    const pacer = new HostPacer();
    const docs = (startPage: number) =>
      request({
        startUrl: `${site.origin}/docs/page-${startPage}`,
        sitemapUrl: `${site.origin}/none.xml`,
        include: ['/docs/*'],
        limits: { ...defaultCrawlLimits, delayMs: 150, maxDepth: 1 },
      });
    const crawlWith = (req: CrawlRequest) => crawlSite(req, policy, { onEvent: async () => {}, pacer });
    const gapsOf = async (run: () => Promise<unknown>) => {
      const from = site.requestTimes.length;
      await run();
      const times = site.requestTimes.slice(from);
      expect(times.length).toBeGreaterThanOrEqual(8);
      return times.slice(1).map((at, i) => at - (times[i] as number));
    };
    // The second crawl's robots.txt waits for the first crawl's last page (its own pacer would not).
    const sequential = await gapsOf(async () => {
      await crawlWith(docs(1));
      await crawlWith(docs(10));
    });
    expect(Math.min(...sequential)).toBeGreaterThanOrEqual(148);
    const together = await gapsOf(() => Promise.all([crawlWith(docs(5)), crawlWith(docs(15))]));
    expect(Math.min(...together)).toBeGreaterThanOrEqual(148);
  });

  it('re-crawls with conditional GETs: unchanged pages come back as unchanged, with their links', async () => {
    const first = await crawl(request());
    const known = new Map<string, KnownPage>();
    for (const event of first.events) {
      if (event.kind === 'fetched')
        known.set(event.url, { etag: event.etag, lastModified: event.lastModified, links: event.page.links });
    }
    site.setPage('/docs/page-7', 'the docs code of page 7 is now CHANGED7');
    const again = await crawl(request(), known);
    const changed = again.events.filter((e) => e.kind === 'fetched');
    expect(changed.map((e) => e.url.replace(site.origin, ''))).toEqual(['/docs/page-7']);
    expect(again.summary.unchanged).toBe(50);
    // Guides are only linked from pages that answered 304: found through the stored links.
    expect(again.byUrl.get('/guide/g-10')?.kind).toBe('unchanged');
    // Blog posts have no ETag: their Last-Modified, sent back as If-Modified-Since, got the 304.
    expect(first.byUrl.get('/blog/post-3')).toMatchObject({ kind: 'fetched', etag: null });
    expect(again.byUrl.get('/blog/post-3')?.kind).toBe('unchanged');
    site.setPage(
      '/blog/post-3',
      '<html><body><main><h1>Post 3</h1><p>Blog code BLOG3Y, revised.</p></main></body></html>',
    );
    const third = await crawl(request(), known);
    expect(third.byUrl.get('/blog/post-3')?.kind).toBe('fetched');
  });

  it('follows the stored links of a page that cannot be read this time', async () => {
    const first = await crawl(request());
    const known = new Map<string, KnownPage>();
    for (const event of first.events) {
      if (event.kind === 'fetched')
        known.set(event.url, { etag: event.etag, lastModified: event.lastModified, links: event.page.links });
    }
    // Guides 2 to 10 are linked from guide 1 only.
    site.setOutage((path) => path === '/guide/g-1');
    try {
      const again = await crawl(request(), known);
      expect(again.byUrl.get('/guide/g-1')).toMatchObject({ kind: 'failed', reason: 'HTTP_ERROR' });
      expect(again.summary.unreachable).toBe(1);
      for (let n = 2; n <= 10; n++) expect(again.byUrl.get(`/guide/g-${n}`)?.kind).toBe('unchanged');
    } finally {
      site.setOutage(null);
    }
  });

  it('stops when asked to, asking before each request', async () => {
    const from = site.requests.length;
    const { summary } = await crawl(request(), undefined, () => site.requests.length - from >= 12);
    expect(summary.stopped).toBe(true);
    // robots.txt and 4 sitemaps, then pages until the twelfth request.
    expect(site.requests.length - from).toBe(12);
    expect(summary.fetched).toBe(7);
  });
});

/** A three-page site whose robots.txt and sitemaps (`/sitemap.xml` and any others) each test sets. */
async function startSmallSite(
  robots: { status: number; type: string; body: string },
  sitemapsOf?: (origin: string) => Record<string, string>,
) {
  const requests: string[] = [];
  let sitemaps: Record<string, string> = {};
  const page = (path: string, links: string) =>
    `<!doctype html><html><head><title>t</title></head><body><main><h1>A page</h1><p>Some text of ${path}. ${links}</p></main></body></html>`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    requests.push(path);
    if (path === '/robots.txt') {
      res.writeHead(robots.status, { 'content-type': robots.type });
      return res.end(robots.body);
    }
    const sitemap = sitemaps[path];
    if (sitemap !== undefined) {
      res.writeHead(200, { 'content-type': 'application/xml' });
      return res.end(sitemap);
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page(path, path === '/' ? '<a href="/private/a">a</a> <a href="/public/b">b</a>' : ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (sitemapsOf) sitemaps = sitemapsOf(origin);
  const crawlIt = async (limits: Partial<typeof defaultCrawlLimits> = {}, shouldStop?: () => boolean) => {
    const events: CrawlEvent[] = [];
    const summary = await crawlSite(
      {
        startUrl: `${origin}/`,
        ...(sitemaps['/sitemap.xml'] ? { sitemapUrl: `${origin}/sitemap.xml` } : {}),
        include: [],
        exclude: [],
        limits: { ...defaultCrawlLimits, delayMs: 0, ...limits },
      },
      policy,
      {
        onEvent: async (event) => {
          events.push(event);
        },
        ...(shouldStop ? { shouldStop } : {}),
      },
    );
    const outcome = (path: string) => {
      const event = events.find((e) => e.url === `${origin}${path}`);
      return event && 'reason' in event ? `${event.kind}:${event.reason}` : event?.kind;
    };
    return { summary, events, outcome };
  };
  return {
    origin,
    requests,
    crawlIt,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('crawlSite on small sites: robots.txt as RFC 9309 reads it, huge sitemaps', () => {
  const rules = 'User-agent: *\nDisallow: /private/\n';

  it('honours the rules of a robots.txt larger than 500 KiB (its first 500 KiB)', async () => {
    const filler = '# a comment line that pads the file out\n'.repeat(20_000);
    const site = await startSmallSite({ status: 200, type: 'text/plain', body: rules + filler });
    try {
      const { outcome } = await site.crawlIt();
      expect(outcome('/private/a')).toBe('skipped:ROBOTS_DISALLOWED');
      expect(outcome('/public/b')).toBe('fetched');
      expect(site.requests).not.toContain('/private/a');
    } finally {
      await site.close();
    }
  });

  it('honours the rules of a robots.txt served with another content type', async () => {
    const site = await startSmallSite({ status: 200, type: 'text/html', body: rules });
    try {
      const { outcome } = await site.crawlIt();
      expect(outcome('/private/a')).toBe('skipped:ROBOTS_DISALLOWED');
      expect(site.requests).not.toContain('/private/a');
    } finally {
      await site.close();
    }
  });

  it('crawls everything when robots.txt is missing, and nothing when the server cannot give it', async () => {
    const missing = await startSmallSite({ status: 404, type: 'text/html', body: '<h1>Not found</h1>' });
    try {
      const { summary } = await missing.crawlIt();
      expect(summary.fetched).toBe(3);
      expect(summary.unreachable).toBe(0);
    } finally {
      await missing.close();
    }
    const down = await startSmallSite({ status: 503, type: 'text/html', body: '<h1>Unavailable</h1>' });
    try {
      const { summary, outcome } = await down.crawlIt();
      expect(down.requests).toEqual(['/robots.txt']);
      expect(summary.fetched).toBe(0);
      expect(summary.unreachable).toBe(1);
      expect(outcome('/robots.txt')).toBe('failed:HTTP_ERROR');
    } finally {
      await down.close();
    }
  });

  it('reads a sitemap of 250,000 entries without failing, admitting only what the crawl can take', async () => {
    const site = await startSmallSite({ status: 404, type: 'text/plain', body: '' }, (origin) => ({
      // 9.5 MB: under the 10 MB cap, so the whole list is read.
      '/sitemap.xml': `<urlset>${Array.from({ length: 250_000 }, (_, i) => `<loc>${origin}/${i.toString(36)}</loc>`).join('')}</urlset>`,
    }));
    try {
      const { summary } = await site.crawlIt({ maxPages: 3, maxPageBytes: 10_000_000 });
      expect(summary.fetched).toBe(3);
      expect(summary.found).toBeLessThanOrEqual(30);
    } finally {
      await site.close();
    }
  });
  it('stops while still reading sitemaps when asked to', async () => {
    const site = await startSmallSite({ status: 404, type: 'text/plain', body: '' }, (origin) => {
      const files: Record<string, string> = {
        '/sitemap.xml': `<sitemapindex>${Array.from({ length: 20 }, (_, n) => `<sitemap><loc>${origin}/s${n}.xml</loc></sitemap>`).join('')}</sitemapindex>`,
      };
      for (let n = 0; n < 20; n++)
        files[`/s${n}.xml`] = `<urlset><url><loc>${origin}/s${n}/page</loc></url></urlset>`;
      return files;
    });
    try {
      let asked = 0;
      const { summary } = await site.crawlIt({}, () => ++asked > 3);
      expect(summary.stopped).toBe(true);
      expect(summary.fetched).toBe(0);
      expect(site.requests.filter((path) => /^\/s\d+\.xml$/.test(path)).length).toBeLessThanOrEqual(2);
    } finally {
      await site.close();
    }
  });

  it('stops reading sitemaps once the crawl has read max total bytes', async () => {
    const entries = (origin: string, n: number) =>
      `<urlset>${Array.from({ length: 100 }, (_, i) => `<url><loc>${origin}/s${n}/page-${i}</loc></url>`).join('')}</urlset>`;
    const site = await startSmallSite({ status: 404, type: 'text/plain', body: '' }, (origin) => {
      const files: Record<string, string> = {
        '/sitemap.xml': `<sitemapindex>${Array.from({ length: 20 }, (_, n) => `<sitemap><loc>${origin}/s${n}.xml</loc></sitemap>`).join('')}</sitemapindex>`,
      };
      for (let n = 0; n < 20; n++) files[`/s${n}.xml`] = entries(origin, n);
      return files;
    });
    try {
      const { summary, outcome } = await site.crawlIt({ maxTotalBytes: 12_000 });
      const sitemapsRead = site.requests.filter((path) => /^\/s\d+\.xml$/.test(path));
      expect(sitemapsRead.length).toBeGreaterThan(0);
      expect(sitemapsRead.length).toBeLessThan(5);
      expect(outcome('/s19.xml')).toBe('skipped:MAX_TOTAL_BYTES');
      expect(summary.bytes).toBeLessThan(12_000 + 10_000);
    } finally {
      await site.close();
    }
  });
});
