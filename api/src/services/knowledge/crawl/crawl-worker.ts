import { randomUUID } from 'node:crypto';
import type { Database } from '../../../db/prisma.js';
import { JobRunner } from '../../../jobs/job-runner.js';
import type { Logger } from '../../../logger.js';
import type { CachedPlanQuotas } from '../../quotas/cached-plan-quotas.js';
import type { UrlFetchPolicy } from '../../url-fetch/fetch-public-url.js';
import { HostPacer } from './host-pacer.js';
import { type ClaimedCrawl, claimCrawlRun, runCrawl } from './run-crawl.js';

/**
 * The crawl queue on the api's job runner: up to `crawlsAtOnce` website crawls at once per api
 * process (a crawl is slow by design, paced by its politeness delay, so crawls of different
 * sites overlap), at most `crawlsAtOnce - 1` of one org so another org always finds a slot,
 * never two of one host at once in any process (see claimCrawlRun). Leased atomically so any
 * api process may run one, taken over when its worker went silent. Each claim first queues the
 * crawls whose re-crawl schedule is due, so the runner's sweep is also the schedule.
 */
export class CrawlWorker extends JobRunner<ClaimedCrawl> {
  readonly workerId = `crawl-${randomUUID()}`;
  private readonly pacer = new HostPacer();

  constructor(options: {
    db: Database;
    log: Logger;
    plans: CachedPlanQuotas;
    fetchPolicy: Pick<UrlFetchPolicy, 'timeoutMs' | 'allowLoopback' | 'lookup'>;
    staleAfterMs: number;
    crawlsAtOnce: number;
    clock?: () => Date;
    onChunksQueued: () => void;
  }) {
    const clock = options.clock ?? (() => new Date());
    const perOrg = Math.max(1, options.crawlsAtOnce - 1);
    super(
      {
        name: 'crawl',
        concurrency: options.crawlsAtOnce,
        perKey: perOrg,
        keyOf: (run) => run.orgId,
        claim: async ({ limit, inFlight }) => {
          const claimed: ClaimedCrawl[] = [];
          const running = new Map(inFlight);
          while (claimed.length < limit) {
            const fullOrgs = [...running].filter(([, n]) => n >= perOrg).map(([orgId]) => orgId);
            const run = await claimCrawlRun({
              db: options.db,
              workerId: this.workerId,
              now: clock(),
              staleAfterMs: options.staleAfterMs,
              fullOrgs,
            });
            if (!run) break;
            claimed.push(run);
            running.set(run.orgId, (running.get(run.orgId) ?? 0) + 1);
          }
          return claimed;
        },
        run: async (run, signal) => {
          const outcome = await runCrawl({
            ...options,
            run,
            workerId: this.workerId,
            clock,
            signal,
            pacer: this.pacer,
          });
          options.log.info({ crawlRunId: run.id, sourceId: run.sourceId, outcome }, 'website crawl ended');
          return outcome === 'released' ? 'wait' : undefined;
        },
      },
      options.log,
    );
  }
}
