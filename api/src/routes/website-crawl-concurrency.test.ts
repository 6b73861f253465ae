import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '../services/bots/test-support/start-platform-test-api.js';
import { startTestSite, type TestSite } from '../services/knowledge/crawl/test-support/test-site.js';

const DELAY_MS = 120;
let api: PlatformTestApi;
const sites: TestSite[] = [];

beforeAll(async () => {
  for (let i = 0; i < 4; i++) sites.push(await startTestSite());
  api = await startPlatformTestApi({
    env: { CRAWLS_AT_ONCE: '3', URL_FETCH_ALLOW_LOOPBACK: 'true', URL_FETCH_TIMEOUT_MS: '5000' },
  });
}, 60_000);
afterAll(async () => {
  await api?.close();
  await Promise.all(sites.map((site) => site.close()));
});

/** The largest number of intervals that overlap at one moment. */
function mostAtOnce(intervals: { from: number; to: number }[]): number {
  const edges = intervals.flatMap(({ from, to }) => [
    { at: from, step: 1 },
    { at: to, step: -1 },
  ]);
  // An interval ending when another starts does not overlap it.
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const { step } of edges) {
    now += step;
    most = Math.max(most, now);
  }
  return most;
}

describe('several website crawls per api process', () => {
  it('runs crawls of different sites at once, keeps a slot for other orgs, and never two crawls of one host', async () => {
    const [a, b, c, d] = sites as [TestSite, TestSite, TestSite, TestSite];
    const busy = await api.createOrg('41');
    const other = await api.createOrg('42');
    const busyBot = await api.createBot(busy);
    const otherBot = await api.createBot(other);
    const add = async (
      org: { orgId: string; token: string },
      botId: string,
      startUrl: string,
      include: string[] = [],
    ) => {
      const created = await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/websites`, {
        token: org.token,
        body: {
          startUrl,
          sitemapUrl: `${new URL(startUrl).origin}/none.xml`,
          include,
          maxPages: 6,
          maxDepth: 2,
          delayMs: DELAY_MS,
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.website.id as string;
    };
    // The busy org queues four crawls, two of them on one host, before the other org's one.
    const busySites = [
      // Within the docs, whose pages do not redirect (hops of one redirect are not spaced).
      await add(busy, busyBot, `${a.origin}/docs/page-1`, ['/docs/*']),
      await add(busy, busyBot, `${a.origin}/docs/page-20`, ['/docs/*']),
      await add(busy, busyBot, `${b.origin}/`),
      await add(busy, busyBot, `${c.origin}/`),
    ];
    const otherSite = await add(other, otherBot, `${d.origin}/`);
    await api.platform.crawls.idle();

    const runs = await api.database.prisma.crawlRun.findMany({ orderBy: { createdAt: 'asc' } });
    expect(runs).toHaveLength(5);
    for (const run of runs) expect(run.status, run.error ?? '').toBe('done');
    const interval = (sourceId: string) => {
      const run = runs.find((r) => r.sourceId === sourceId);
      return { from: run?.startedAt?.getTime() ?? 0, to: run?.finishedAt?.getTime() ?? 0 };
    };
    const all = [...busySites, otherSite].map(interval);
    // Three crawls ran at once (one at a time before: the sum of five crawls' durations).
    expect(mostAtOnce(all)).toBe(3);
    // The busy org never held every slot, so the other org's crawl, queued last, started before
    // the busy org's fourth.
    expect(mostAtOnce(busySites.map(interval))).toBe(2);
    expect(interval(otherSite).from).toBeLessThan(interval(busySites[3] as string).from);
    // The two crawls of host A ran one after the other, and its politeness delay held between
    // every two requests it received, the last of one crawl and the first of the next included.
    expect(mostAtOnce([interval(busySites[0] as string), interval(busySites[1] as string)])).toBe(1);
    const gaps = a.requestTimes.slice(1).map((at, i) => at - (a.requestTimes[i] as number));
    expect(gaps.length).toBeGreaterThan(10);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(DELAY_MS - 2);
  }, 60_000);
});
