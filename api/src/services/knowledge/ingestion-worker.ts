import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/prisma.js';
import { JobRunner } from '../../jobs/job-runner.js';
import type { Logger } from '../../logger.js';
import type { Embedder } from '../embeddings/embedder.js';
import { type ClaimedJob, claimIngestJob, runIngestJob } from './run-ingest-job.js';
import { runReembedStep } from './run-reembed-step.js';

/** What the knowledge queue hands its runner: an ingestion job, or else a step of re-embedding. */
type KnowledgeWork = { kind: 'ingest'; job: ClaimedJob } | { kind: 'reembed' };

interface IngestionWorkerOptions {
  db: Database;
  log: Logger;
  embedderFor: (embedderId: string) => Embedder;
  staleAfterMs: number;
  batchSize?: number;
  /** Chunks per write statement (runIngestJob's default when unset). */
  writeChunks?: number;
  maxAttempts?: number;
  clock?: () => Date;
}

/**
 * The knowledge queue on the api's job runner: ingestion jobs one at a time (embedding is CPU
 * or network bound, and the embedded database serializes writes anyway), claimed atomically
 * (`claimIngestJob`: any api process may run one, a job whose worker went silent for
 * `staleAfterMs` is taken over). When no job is queued, it re-embeds bots whose embedder
 * changed, a batch per step, so new knowledge never waits behind a whole bot's re-embedding.
 * `kick()` after creating a job; the runner's sweep finds the rest. A failing embedder is
 * retried by the next sweep, not in a tight loop.
 */
export class IngestionWorker extends JobRunner<KnowledgeWork> {
  readonly workerId = `ingest-${randomUUID()}`;
  private lastAnalyzedAt = 0;
  /** Bots whose target embedder this api does not run, skipped until the next idle pass. */
  private unavailable = new Set<string>();

  constructor(private readonly options: IngestionWorkerOptions) {
    const clock = options.clock ?? (() => new Date());
    super(
      {
        name: 'knowledge',
        concurrency: 1,
        perKey: 1,
        keyOf: () => 'knowledge',
        claim: async () => {
          const job = await claimIngestJob({
            db: options.db,
            workerId: this.workerId,
            now: clock(),
            staleAfterMs: options.staleAfterMs,
          });
          return [job ? { kind: 'ingest', job } : { kind: 'reembed' }];
        },
        run: (work, signal) =>
          work.kind === 'ingest' ? this.ingest(work.job, signal, clock) : this.reembed(signal),
      },
      options.log,
    );
  }

  private async ingest(job: ClaimedJob, signal: AbortSignal, clock: () => Date): Promise<void | 'wait'> {
    const outcome = await runIngestJob({
      db: this.options.db,
      job,
      workerId: this.workerId,
      embedderFor: this.options.embedderFor,
      // 256 chunks read per statement; written in smaller groups as they are embedded.
      batchSize: this.options.batchSize ?? 256,
      maxAttempts: this.options.maxAttempts ?? 5,
      clock,
      signal,
      ...(this.options.writeChunks ? { writeChunks: this.options.writeChunks } : {}),
      onWrite: (write) => this.options.log.debug({ jobId: job.id, ...write }, 'ingestion write'),
    }).catch((error: unknown) => {
      this.options.log.error({ err: error, jobId: job.id }, 'ingestion job crashed');
      return 'retry' as const;
    });
    this.options.log.debug({ jobId: job.id, outcome }, 'ingestion job step');
    if (outcome === 'done') await this.refreshStatistics();
    return outcome === 'retry' || outcome === 'stopped' ? 'wait' : undefined;
  }

  /**
   * Fresh planner statistics for "Chunk" after knowledge changed, at most once a minute.
   * PGlite (the embedded database) runs no autovacuum, so without this the planner never
   * learns the table's size and ranks chunks by full scans: retrieval measured 6x slower
   * (130 ms instead of 22 ms at 10k chunks). On PostgreSQL it only anticipates autovacuum.
   */
  private async refreshStatistics(force = false): Promise<void> {
    const nowMs = Date.now();
    if (!force && nowMs - this.lastAnalyzedAt < 60_000) return;
    this.lastAnalyzedAt = nowMs;
    await this.options.db
      .$executeRawUnsafe('ANALYZE "Chunk"')
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'could not analyze "Chunk"'));
  }

  /** One batch of background re-embedding; 'wait' when there is none left to do (or it failed). */
  private async reembed(signal: AbortSignal): Promise<void | 'wait'> {
    try {
      const before = this.unavailable.size;
      const outcome = await runReembedStep({
        db: this.options.db,
        embedderFor: this.options.embedderFor,
        batchSize: this.options.batchSize ?? 256,
        unavailable: this.unavailable,
        signal,
      });
      if (this.unavailable.size > before) {
        this.options.log.warn(
          { bots: [...this.unavailable] },
          'a bot waits to be re-embedded with an embedder this api does not run',
        );
      }
      if (outcome === 'swapped') await this.refreshStatistics(true);
      if (outcome !== 'idle') return undefined;
    } catch (error) {
      if (!signal.aborted) this.options.log.warn({ err: error }, 're-embedding failed; retried later');
    }
    // Idle: the next pass (kick or sweep) looks at every bot again.
    this.unavailable = new Set();
    return 'wait';
  }
}
