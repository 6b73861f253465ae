/**
 * Website crawl speed on the 51-page test site (loopback, no politeness delay), side by side:
 * the crawler alone (robots, sitemaps, fetch, extraction, chunking), a first crawl stored through
 * the api (page rows, chunks, counters on the embedded database, then embedding with word
 * hashes), and an incremental re-crawl where every page answers 304.
 *
 *   npx tsx scripts/bench/crawl-site.ts     (env: ROUNDS=3)
 */
import { loadavg } from 'node:os';
import { startPlatformTestApi } from '@privexbot/api/services/bots/test-support/start-platform-test-api';
import { crawlSite, defaultCrawlLimits } from '@privexbot/api/services/knowledge/crawl/crawl-site';
import { startTestSite } from '@privexbot/api/services/knowledge/crawl/test-support/test-site';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const site = await startTestSite();
const limits = { ...defaultCrawlLimits, delayMs: 0 };
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const alone: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  const summary = await crawlSite(
    { startUrl: `${site.origin}/`, include: [], exclude: [], limits },
    { timeoutMs: 10_000, allowLoopback: true },
    { onEvent: async () => {} },
  );
  alone.push(summary.fetched / ((performance.now() - started) / 1000));
}

const api = await startPlatformTestApi({
  env: { QUOTA_CACHE_SECONDS: '0', URL_FETCH_ALLOW_LOOPBACK: 'true', URL_FETCH_TIMEOUT_MS: '10000' },
});
const stored: number[] = [];
const embedded: number[] = [];
const recrawled: number[] = [];
try {
  const org = await api.createOrg('77');
  for (let round = 0; round < ROUNDS; round++) {
    const botId = await api.createBot(org);
    const base = `/v1/orgs/${org.orgId}/bots/${botId}`;
    let started = performance.now();
    const created = await api.request('post', `${base}/websites`, {
      token: org.token,
      body: { startUrl: `${site.origin}/`, delayMs: 0 },
    });
    await api.platform.crawls.idle();
    const crawlSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await api.platform.ingestion.idle();
    embedded.push((performance.now() - started) / 1000);
    const websiteId = created.body.website.id;
    const view = await api.request('get', `${base}/websites/${websiteId}`, { token: org.token });
    stored.push(view.body.crawl.pagesFetched / crawlSeconds);
    started = performance.now();
    await api.request('post', `${base}/websites/${websiteId}/crawl`, { token: org.token, body: {} });
    await api.platform.crawls.idle();
    const again = await api.request('get', `${base}/websites/${websiteId}`, { token: org.token });
    recrawled.push(again.body.crawl.pagesUnchanged / ((performance.now() - started) / 1000));
  }
} finally {
  await api.close();
  await site.close();
}

console.log(
  `website crawl, 51-page test site on loopback, ${ROUNDS} rounds (median), load average ${loadavg()[0]?.toFixed(1)}`,
);
console.log('| | pages/s |');
console.log('|---|---|');
console.log(`| crawler alone (fetch, extract, chunk) | ${median(alone).toFixed(1)} |`);
console.log(`| first crawl stored through the api (embedded PGlite) | ${median(stored).toFixed(1)} |`);
console.log(`| re-crawl, every page 304 | ${median(recrawled).toFixed(1)} |`);
console.log(`embedding the first crawl's chunks afterwards (word hashes): ${median(embedded).toFixed(2)} s`);
