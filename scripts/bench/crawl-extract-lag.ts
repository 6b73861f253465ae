/**
 * What extracting a hostile crawled page costs the api's event loop, side by side: the page
 * extracted on the loop (`extractPage`, as crawls did before) and in the crawl's capped child
 * process (`PageExtractor`, with caps wide enough that the page completes). A 5 ms timer
 * measures the loop's worst lag; the wall time is the page's.
 *
 *   npx tsx scripts/bench/crawl-extract-lag.ts
 */
import { loadavg } from 'node:os';
import { extractPage } from '@privexbot/api/services/knowledge/crawl/extract-page';
import { PageExtractor } from '@privexbot/api/services/knowledge/crawl/page-extractor';

const pages: Record<string, string> = {
  'nested 100,000 deep (1.1 MB)': `<html><body><main>${'<div>'.repeat(100_000)}deep${'</div>'.repeat(100_000)}</main></body></html>`,
  '1.6 MB of paragraphs': `<html><body><main>${'<p>A sentence of the page.</p>'.repeat(55_000)}</main></body></html>`,
  'ordinary page (5 KB)': `<html><body><main><h1>Title</h1>${'<p>A sentence of the page, with a few words.</p>'.repeat(100)}</main></body></html>`,
};

async function measure(work: () => Promise<unknown>): Promise<{ wallMs: number; maxLagMs: number }> {
  let last = performance.now();
  let maxLagMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - last - 5);
    last = now;
  }, 5);
  // Let the timer arm before the work starts.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(timer);
  return { wallMs, maxLagMs };
}

const extractor = new PageExtractor({ timeoutMs: 120_000, maxMemoryMb: 512 });
// The process starts on the first page of a crawl; start it here so the rows compare extraction.
await extractor.extract('<p>warm</p>', 'https://example.com/');
console.log(`load average ${loadavg()[0]?.toFixed(1)}`);
console.log('| page | on the loop: wall / max loop lag | child process: wall / max loop lag |');
console.log('|---|---|---|');
for (const [name, html] of Object.entries(pages)) {
  const onLoop = await measure(async () => extractPage(html, 'https://example.com/page'));
  const offLoop = await measure(() => extractor.extract(html, 'https://example.com/page'));
  const cell = (m: { wallMs: number; maxLagMs: number }) =>
    `${m.wallMs.toFixed(0)} ms / ${m.maxLagMs.toFixed(0)} ms`;
  console.log(`| ${name} | ${cell(onLoop)} | ${cell(offLoop)} |`);
}
extractor.close();
