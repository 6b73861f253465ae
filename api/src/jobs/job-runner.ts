import type { Logger } from '../logger.js';

/**
 * The in-process half of a background queue whose jobs live in PostgreSQL rows: it claims
 * jobs through the queue's own atomic claim (an UPDATE that leases rows, so two api processes
 * never take the same job), runs up to `concurrency` of them at once, at most `perKey` per
 * key (the org, for webhooks), and claims again as soon as a slot frees, on `kick()`, or on
 * the periodic sweep that also finds jobs whose lease ran out (a crashed process).
 * Every background queue of the api runs on it: knowledge (ingestion, then re-embedding),
 * webhook deliveries (and with them quota notices).
 *
 * The key limit is what keeps one tenant's slow work (a webhook receiver that never answers)
 * from occupying every slot: the claim is told which keys are full and skips their jobs.
 * Retries, backoff and dead letters are recorded by the queue's `run` in its own rows, where
 * the product shows them (the webhook delivery log).
 *
 * Why our own loop: graphile-worker 0.16.6 and pg-boss 10.4.2 (the last majors for Node 20)
 * both run on PGlite and on PostgreSQL, but graphile-worker leaves a killed worker's job and
 * its per-org queue locked for 4 hours, and pg-boss's per-key limit (a singleton queue) stalls
 * every org behind one org's slow receiver. Both checked on both databases:
 * scripts/db/README.md, "Job queues".
 */
export interface JobQueue<J> {
  name: string;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** Jobs of one key run at once by this process. */
  perKey: number;
  /** Leases up to `limit` due jobs, none of a key whose in-flight count is already `perKey`. */
  claim(options: { limit: number; inFlight: ReadonlyMap<string, number> }): Promise<J[]>;
  keyOf(job: J): string;
  /**
   * Runs one job; `signal` aborts when the runner stops. Errors are logged, never thrown on.
   * 'wait': nothing more to do now (idle, or a failure to retry later), so the runner does
   * not claim again until the next kick or sweep, instead of spinning.
   */
  run(job: J, signal: AbortSignal): Promise<void | 'wait'>;
}

export class JobRunner<J> {
  private readonly inFlight = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private claiming: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly stopper = new AbortController();

  constructor(
    private readonly queue: JobQueue<J>,
    private readonly log: Logger,
  ) {}

  /** Sweeps every `intervalMs` for due retries and expired leases (main process). */
  start(intervalMs = 5000, options: { now?: boolean } = {}): void {
    this.timer ??= setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    if (options.now !== false) this.kick();
  }

  /** Claims and starts due jobs now, up to the free slots. */
  kick(): void {
    if (this.stopper.signal.aborted) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = this.claimAndStart()
      .catch((error: unknown) => this.log.warn({ err: error, queue: this.queue.name }, 'job claim failed'))
      .finally(() => {
        this.claiming = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when nothing is claimed or running and no due job is left (tests). */
  async idle(): Promise<void> {
    while (this.claiming || this.running.size > 0) {
      await Promise.all([this.claiming, ...this.running]);
    }
  }

  /** Stops claiming, aborts running jobs (each releases its lease) and waits for them. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopper.abort();
    await this.claiming;
    await Promise.all(this.running);
  }

  private async claimAndStart(): Promise<void> {
    const total = [...this.inFlight.values()].reduce((sum, n) => sum + n, 0);
    const free = this.queue.concurrency - total;
    if (free <= 0) return;
    const jobs = await this.queue.claim({ limit: free, inFlight: this.inFlight });
    for (const job of jobs) {
      const key = this.queue.keyOf(job);
      this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
      const run: Promise<void> = this.queue
        .run(job, this.stopper.signal)
        .catch((error: unknown) => {
          this.log.error({ err: error, queue: this.queue.name }, 'job crashed');
          return 'wait' as const;
        })
        .then((outcome) => {
          const left = (this.inFlight.get(key) ?? 1) - 1;
          if (left > 0) this.inFlight.set(key, left);
          else this.inFlight.delete(key);
          this.running.delete(run);
          if (outcome !== 'wait') this.kick();
        });
      this.running.add(run);
    }
    // A full batch may have left more due jobs behind it.
    if (jobs.length === free) this.again = true;
  }
}

/**
 * A schedule on the runner: `run` every `start(intervalMs)` (and on `kick()`), never two at
 * once, stopped with the other queues. For sweeps that have no rows to claim.
 */
export function scheduledJob(
  name: string,
  log: Logger,
  run: (signal: AbortSignal) => Promise<void>,
): JobRunner<true> {
  return new JobRunner<true>(
    {
      name,
      concurrency: 1,
      perKey: 1,
      keyOf: () => name,
      claim: async () => [true],
      run: async (_, signal) => {
        await run(signal);
        return 'wait';
      },
    },
    log,
  );
}
