import { crawlReasons } from '@privexbot/schema/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../db/apply-migrations.js';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '../services/bots/test-support/start-platform-test-api.js';
import type { Embedder } from '../services/embeddings/embedder.js';
import { LocalHashEmbedder } from '../services/embeddings/local-hash-embedder.js';
import { startTestSite, type TestSite } from '../services/knowledge/crawl/test-support/test-site.js';
import { InMemoryPlanQuotaSource } from '../services/quotas/in-memory-plan-quota-source.js';

/** The bots' embedder, counting the texts it embeds: re-crawls must embed only what changed. */
class CountingEmbedder implements Embedder {
  readonly id = 'local-hash-384';
  private readonly inner = new LocalHashEmbedder();
  texts: string[] = [];
  async embed(texts: string[]): Promise<number[][]> {
    this.texts.push(...texts);
    return this.inner.embed(texts);
  }
}

const plans = new InMemoryPlanQuotaSource();
const embedder = new CountingEmbedder();
let api: PlatformTestApi;
let site: TestSite;
let org: { orgId: string; token: string };
let botId: string;
let websiteId: string;

const base = () => `/v1/orgs/${org.orgId}/bots/${botId}`;
async function settle(): Promise<void> {
  await api.platform.crawls.idle();
  await api.platform.ingestion.idle();
}
async function website() {
  const response = await api.request('get', `${base()}/websites/${websiteId}`, { token: org.token });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}
async function topPassage(query: string) {
  const response = await api.request('post', `${base()}/retrieval`, {
    token: org.token,
    body: { query, limit: 1 },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.passages[0];
}

beforeAll(async () => {
  site = await startTestSite();
  api = await startPlatformTestApi({
    overrides: { planQuotaSource: plans, embedders: [embedder] },
    env: { QUOTA_CACHE_SECONDS: '0', URL_FETCH_ALLOW_LOOPBACK: 'true', URL_FETCH_TIMEOUT_MS: '5000' },
  });
  org = await api.createOrg('31');
  botId = await api.createBot(org);
}, 60_000);
afterAll(async () => {
  await api?.close();
  await site?.close();
});

describe('a website as knowledge', () => {
  it('crawls the site in the background and reports every page found, fetched, skipped and failed with its reason', async () => {
    const created = await api.request('post', `${base()}/websites`, {
      token: org.token,
      body: { startUrl: `${site.origin}/`, delayMs: 0 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    websiteId = created.body.website.id;
    await settle();
    const view = await website();
    expect(view.crawl, view.crawl.error).toMatchObject({
      status: 'done',
      pagesFetched: 51,
      pagesUnchanged: 0,
    });
    expect(view.pagesStored).toBe(51);
    expect(view.status).toBe('ready');
    const reasons = (list: { url: string; reason: string }[]) =>
      Object.fromEntries(list.map((entry) => [entry.url.replace(site.origin, ''), entry.reason]));
    expect(reasons(view.skipped)).toMatchObject({
      '/private/secret': 'ROBOTS_DISALLOWED',
      '/files/manual.pdf': 'NOT_HTML',
      'https://example.org/offsite': 'OFF_ORIGIN',
      'http://192.168.1.1/admin': 'OFF_ORIGIN',
    });
    expect(reasons(view.failed)).toMatchObject({
      '/missing': 'HTTP_404',
      '/loop-a': 'REDIRECT_LOOP',
      '/internal': 'BLOCKED_ADDRESS',
      '/sitemap-bomb.xml.gz': 'SITEMAP_TOO_LARGE',
    });
    expect(view.crawl.pagesFound).toBe(
      view.crawl.pagesFetched + view.crawl.pagesSkipped + view.crawl.pagesFailed,
    );
    // Listed with the bot's other sources.
    const sources = await api.request('get', `${base()}/sources`, { token: org.token });
    expect(sources.body.sources).toEqual([expect.objectContaining({ id: websiteId, type: 'website' })]);
  });

  it('stores main content only, and cites the page with the heading anchor of the passage', async () => {
    const chunks = await api.database.prisma.chunk.findMany({ where: { sourceId: websiteId } });
    expect(embedder.texts.length).toBe(chunks.length);
    expect(chunks.some((chunk) => /BOILERPLATE/.test(chunk.text))).toBe(false);
    const passage = await topPassage('Install step 12 installer topic 12');
    expect(passage.text).toContain('Setup for topic 12');
    expect(passage.sourceUrl).toBe(`${site.origin}/docs/page-12#setup-12`);
  });

  it('re-crawls incrementally: only the changed page is re-embedded, a removed page is removed', async () => {
    embedder.texts = [];
    site.setPage('/docs/page-7', 'the docs code of page 7 is now ZEBRA7');
    site.removePage('/blog/post-5');
    const again = await api.request('post', `${base()}/websites/${websiteId}/crawl`, {
      token: org.token,
      body: {},
    });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body.queued).toBe(true);
    await settle();
    const view = await website();
    expect(view.crawl).toMatchObject({ status: 'done', pagesFetched: 1, pagesUnchanged: 49 });
    const page7 = await api.database.prisma.chunk.findMany({
      where: { sourceId: websiteId, url: { startsWith: `${site.origin}/docs/page-7` } },
    });
    expect(embedder.texts.sort()).toEqual(page7.map((chunk) => chunk.text).sort());
    expect(view.pagesStored).toBe(50);
    const removed = await api.database.prisma.chunk.count({
      where: { sourceId: websiteId, text: { contains: 'BLOG5Y' } },
    });
    expect(removed).toBe(0);
    expect((await topPassage('ZEBRA7')).sourceUrl).toBe(`${site.origin}/docs/page-7#top`);
  });

  it('cancels a running crawl, keeping what is stored', async () => {
    await api.request('post', `${base()}/websites/${websiteId}/crawl`, { token: org.token, body: {} });
    const cancelled = await api.request('post', `${base()}/websites/${websiteId}/cancel`, {
      token: org.token,
      body: {},
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await settle();
    const view = await website();
    expect(view.crawl.status).toBe('cancelled');
    expect(view.crawl.pagesFetched + view.crawl.pagesUnchanged).toBeLessThan(50);
    expect(view.pagesStored).toBe(50);
  });

  it('keeps every page through a re-crawl while the site, or the part leading to some pages, is down', async () => {
    const recrawl = async () => {
      const queued = await api.request('post', `${base()}/websites/${websiteId}/crawl`, {
        token: org.token,
        body: {},
      });
      expect(queued.status, JSON.stringify(queued.body)).toBe(202);
      await settle();
      return website();
    };
    const blogChunks = () =>
      api.database.prisma.chunk.count({ where: { sourceId: websiteId, text: { contains: 'BLOG3Y' } } });
    try {
      // robots.txt answers 503: RFC 9309 says crawl nothing, and nothing is removed.
      site.setOutage(() => true);
      const from = site.requests.length;
      let view = await recrawl();
      expect(view.crawl).toMatchObject({ status: 'done', pagesFetched: 0, pagesFailed: 1 });
      expect(site.requests.slice(from)).toEqual(['/robots.txt']);
      expect(view.failed).toEqual([
        expect.objectContaining({ url: `${site.origin}/robots.txt`, reason: 'HTTP_ERROR' }),
      ]);
      expect(view.pagesStored).toBe(50);
      // The home page and the sitemaps answer 503: the home page's stored links are followed,
      // and the blog posts, listed only in the sitemaps, were not seen this time, which does
      // not make them gone.
      site.setOutage((path) => path === '/' || path.startsWith('/sitemap'));
      view = await recrawl();
      expect(view.crawl.status).toBe('done');
      expect(view.crawl.pagesUnchanged).toBeGreaterThan(0);
      expect(site.requests.slice(from)).not.toContain('/blog/post-3');
      expect(view.pagesStored).toBe(50);
      expect(await blogChunks()).toBeGreaterThan(0);
    } finally {
      site.setOutage(null);
    }
    // Back up: a complete crawl finds every page again, and removes only what is really gone.
    const view = await recrawl();
    expect(view.crawl).toMatchObject({ status: 'done', pagesUnchanged: 50 });
    expect(view.pagesStored).toBe(50);
    expect(await blogChunks()).toBeGreaterThan(0);
  });

  it('refuses bad settings with clear codes, and other orgs', async () => {
    for (const body of [
      { startUrl: 'ftp://example.org/' },
      { startUrl: `${site.origin}/`, include: ['docs'] },
      { startUrl: `${site.origin}/`, maxPages: 0 },
      { startUrl: `${site.origin}/`, recrawlIntervalMinutes: 5 },
    ]) {
      const refused = await api.request('post', `${base()}/websites`, { token: org.token, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    }
    const other = await api.createOrg('32');
    const foreign = await api.request('get', `/v1/orgs/${org.orgId}/bots/${botId}/websites/${websiteId}`, {
      token: other.token,
    });
    expect([403, 404]).toContain(foreign.status);
    const textSource = await api.request('post', `${base()}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'Notes', text: 'Plain notes.' },
    });
    const notWebsite = await api.request('get', `${base()}/websites/${textSource.body.source.id}`, {
      token: org.token,
    });
    expect(notWebsite.status).toBe(404);
  });
  it("stops storing pages at the plan's knowledge bytes, saying so per page", async () => {
    const small = await api.createOrg('33');
    plans.setPlan('33', { quotas: { knowledgeBytes: 600 } });
    const smallBot = await api.createBot(small);
    const created = await api.request('post', `/v1/orgs/${small.orgId}/bots/${smallBot}/websites`, {
      token: small.token,
      body: {
        startUrl: `${site.origin}/docs/page-1`,
        include: ['/docs/*'],
        sitemapUrl: `${site.origin}/none.xml`,
        maxDepth: 4,
        delayMs: 0,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await settle();
    const view = await api.request(
      'get',
      `/v1/orgs/${small.orgId}/bots/${smallBot}/websites/${created.body.website.id}`,
      {
        token: small.token,
      },
    );
    expect(view.body.pagesStored).toBeGreaterThan(0);
    expect(view.body.pagesStored).toBeLessThan(5);
    expect(view.body.skipped.map((entry: { reason: string }) => entry.reason)).toContain('KNOWLEDGE_STORAGE');
    const source = await api.database.prisma.source.findUniqueOrThrow({
      where: { id: created.body.website.id },
    });
    expect(source.bytes).toBeGreaterThan(0);
    expect(source.bytes).toBeLessThanOrEqual(600);
  });

  it('reads reasons stored before the codes were SCREAMING_SNAKE, and stores no other value', async () => {
    const recrawl = await api.request('post', `${base()}/websites/${websiteId}/crawl`, {
      token: org.token,
      body: {},
    });
    expect(recrawl.status, JSON.stringify(recrawl.body)).toBe(202);
    await settle();
    const pages = api.database.prisma.crawlPage;
    const robots = await pages.findFirstOrThrow({
      where: { sourceId: websiteId, reason: 'ROBOTS_DISALLOWED' },
    });
    const missing = await pages.findFirstOrThrow({ where: { sourceId: websiteId, reason: 'HTTP_404' } });
    // The database as an earlier release left it: lowercase reasons, the migration not yet run.
    await api.database.prisma.$executeRawUnsafe(
      `DELETE FROM "_prisma_migrations" WHERE migration_name = '20261207150000_crawl_reason_codes'`,
    );
    await api.database.prisma.$executeRawUnsafe(
      'ALTER TABLE "CrawlPage" DROP CONSTRAINT "CrawlPage_reason_check"',
    );
    await pages.update({ where: { id: robots.id }, data: { reason: 'robots_disallowed' } });
    await pages.update({ where: { id: missing.id }, data: { reason: 'http_404' } });
    const { applied } = await applyMigrations({ databaseUrl: api.database.url });
    expect(applied).toEqual(['20261207150000_crawl_reason_codes']);

    const view = await website();
    const reasonOf = (list: { url: string; reason: string }[], url: string) =>
      list.find((entry) => entry.url === url)?.reason;
    expect(reasonOf(view.skipped, robots.url)).toBe('ROBOTS_DISALLOWED');
    expect(reasonOf(view.failed, missing.url)).toBe('HTTP_404');
    // Every shared code is storable, and nothing else is.
    for (const reason of crawlReasons) await pages.update({ where: { id: robots.id }, data: { reason } });
    await expect(
      pages.update({ where: { id: robots.id }, data: { reason: 'robots_disallowed' } }),
    ).rejects.toThrow();
    await pages.update({ where: { id: robots.id }, data: { reason: 'ROBOTS_DISALLOWED' } });
  });

  it('re-crawls on the schedule the org sets', async () => {
    const patched = await api.request('patch', `${base()}/websites/${websiteId}`, {
      token: org.token,
      body: { recrawlIntervalMinutes: 60 },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const runs = () => api.database.prisma.crawlRun.count({ where: { sourceId: websiteId } });
    const before = await runs();
    api.platform.crawls.kick();
    await settle();
    expect(await runs()).toBe(before);
    api.clock.advance(61 * 60);
    api.platform.crawls.kick();
    await settle();
    expect(await runs()).toBe(before + 1);
    // Access tokens expired with the hour: read the run from the database.
    const latest = await api.database.prisma.crawlRun.findFirst({
      where: { sourceId: websiteId },
      orderBy: { createdAt: 'desc' },
    });
    expect(latest?.status).toBe('done');
  });
});
