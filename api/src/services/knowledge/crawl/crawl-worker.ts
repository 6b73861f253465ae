import { randomUUID } from 'node:crypto';
import type { Database } from '../../../db/prisma.js';
import { JobRunner } from '../../../jobs/job-runner.js';
import type { Logger } from '../../../logger.js';
import type { CachedPlanQuotas } from '../../quotas/cached-plan-quotas.js';
import type { UrlFetchPolicy } from '../../url-fetch/fetch-public-url.js';
import { type ClaimedCrawl, claimCrawlRun, runCrawl } from './run-crawl.js';

/**
 * The crawl queue on the api's job runner: one website crawl at a time per api process (a
 * crawl is slow by design, paced by its politeness delay), leased atomically so any api
 * process may run it, taken over when its worker went silent. Each claim first queues the
 * crawls whose re-crawl schedule is due, so the runner's sweep is also the schedule.
 */
export class CrawlWorker extends JobRunner<ClaimedCrawl> {
  readonly workerId = `crawl-${randomUUID()}`;

  constructor(options: {
    db: Database;
    log: Logger;
    plans: CachedPlanQuotas;
    fetchPolicy: Pick<UrlFetchPolicy, 'timeoutMs' | 'allowLoopback' | 'lookup'>;
    staleAfterMs: number;
    clock?: () => Date;
    onChunksQueued: () => void;
  }) {
    const clock = options.clock ?? (() => new Date());
    super(
      {
        name: 'crawl',
        concurrency: 1,
        perKey: 1,
        keyOf: () => 'crawl',
        claim: async () => {
          const run = await claimCrawlRun({
            db: options.db,
            workerId: this.workerId,
            now: clock(),
            staleAfterMs: options.staleAfterMs,
          });
          return run ? [run] : [];
        },
        run: async (run, signal) => {
          const outcome = await runCrawl({ ...options, run, workerId: this.workerId, clock, signal });
          options.log.info({ crawlRunId: run.id, sourceId: run.sourceId, outcome }, 'website crawl ended');
          return outcome === 'released' ? 'wait' : undefined;
        },
      },
      options.log,
    );
  }
}
