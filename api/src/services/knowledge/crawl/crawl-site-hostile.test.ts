import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrawlEvent, crawlSite, defaultCrawlLimits } from './crawl-site.js';

// A page nested 100,000 deep (about 1.1 MB): extracting it took 9 s on the caller's thread.
const deepPage = `<html><body><main>${'<div>'.repeat(100_000)}deep${'</div>'.repeat(100_000)}</main></body></html>`;
// 2 MB of tiny paragraphs: a DOM far larger than the small heap the test gives the extractor.
const wideBody = '<p>w</p>'.repeat(240_000);
const widePage = `<html><body><main>${wideBody}</main></body></html>`;
const page = (title: string, body: string) =>
  `<html><head><title>${title}</title></head><body><main><h1>${title}</h1><p>${body}</p></main></body></html>`;

const pages: Record<string, string> = {
  '/': page('Home', 'Welcome. <a href="/deep">Deep</a> <a href="/about">About</a>'),
  '/wide-home': page('Wide home', 'Welcome. <a href="/wide">Wide</a> <a href="/about">About</a>'),
  '/deep': deepPage,
  '/wide': widePage,
  '/about': page('About', 'We answer questions about the product.'),
};

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const body = pages[req.url ?? ''];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs `work` while a 5 ms timer measures how late the event loop lets it fire. */
async function maxLoopLag<T>(work: () => Promise<T>): Promise<{ result: T; maxLagMs: number }> {
  let last = performance.now();
  let maxLagMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - last - 5);
    last = now;
  }, 5);
  try {
    return { result: await work(), maxLagMs };
  } finally {
    clearInterval(timer);
  }
}

async function crawl(startPath: string, extraction: { timeoutMs: number; maxMemoryMb: number }) {
  const events: CrawlEvent[] = [];
  const { result: summary, maxLagMs } = await maxLoopLag(() =>
    crawlSite(
      {
        startUrl: `${origin}${startPath}`,
        sitemapUrl: `${origin}/no-sitemap.xml`,
        include: [],
        exclude: [],
        limits: { ...defaultCrawlLimits, delayMs: 0 },
      },
      { timeoutMs: 5000, allowLoopback: true },
      {
        onEvent: async (event) => {
          events.push(event);
        },
        extraction,
      },
    ),
  );
  const outcome = (path: string) => {
    const event = events.find((e) => e.url === `${origin}${path}`);
    return event && 'reason' in event ? `${event.kind}:${event.reason}` : event?.kind;
  };
  const about = events.find((e) => e.url === `${origin}/about`);
  return { summary, maxLagMs, outcome, aboutText: about?.kind === 'fetched' ? about.page.text : undefined };
}

describe('crawlSite with hostile pages', () => {
  it('extracts off the event loop: a page nested 100,000 deep times out, the other pages are ingested', async () => {
    const { summary, maxLagMs, outcome, aboutText } = await crawl('/', { timeoutMs: 2000, maxMemoryMb: 512 });
    console.info(`event loop max lag while crawling a deep page: ${maxLagMs.toFixed(1)} ms`);
    expect(outcome('/deep')).toBe('skipped:EXTRACT_TIMEOUT');
    expect(outcome('/')).toBe('fetched');
    expect(outcome('/about')).toBe('fetched');
    expect(aboutText).toContain('We answer questions about the product.');
    expect(summary.fetched).toBe(2);
    // Extracting on the loop stalled it for seconds; off the loop only the crawl's own work remains.
    expect(maxLagMs).toBeLessThan(500);
  }, 60_000);

  it('gives up a page whose DOM outgrows the heap cap, and the next page gets a fresh process', async () => {
    const { summary, maxLagMs, outcome, aboutText } = await crawl('/wide-home', {
      timeoutMs: 45_000,
      maxMemoryMb: 48,
    });
    console.info(`event loop max lag while crawling a huge page: ${maxLagMs.toFixed(1)} ms`);
    expect(outcome('/wide')).toBe('skipped:EXTRACT_TOO_LARGE');
    expect(outcome('/wide-home')).toBe('fetched');
    expect(aboutText).toContain('We answer questions about the product.');
    expect(summary.fetched).toBe(2);
    expect(maxLagMs).toBeLessThan(500);
  }, 90_000);
});
