import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EmbedPurpose, SentenceModelSpec } from '@privexbot/schema/sentence-model';
import type { EmbedReply, EmbedRequest } from './embed-worker.js';

interface Task {
  request: EmbedRequest;
  resolve(vector: Float32Array): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  busy: Task | undefined;
  /** Chunk threads run at the ingestion nice level; question threads at the process's own. */
  role: 'chunk' | 'question';
}

/** Default nice increment of chunk threads: see `ingestNice`. */
export const DEFAULT_INGEST_NICE = 10;

/**
 * The threads that run the sentence model, shared by ingestion and questions so neither runs
 * on the api's event loop: `size` chunk threads (one per core) and `questionThreads`
 * (default 1) that only questions use. A question goes to an idle question thread, else to
 * any idle thread; chunks only ever run on chunk threads. Chunk threads lower their own
 * scheduling priority (nice +`ingestNice`; Linux applies it per thread), so when the cores
 * are contended the api's event loop (chat, the embedded database) and the question thread
 * get them first and ingestion takes what is left; on an idle machine nice costs nothing.
 * Threads start on first use; a thread that dies is replaced and its text fails (the
 * ingestion job retries, the question gets an error), never hangs.
 */
export class EmbeddingWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly questions: Task[] = [];
  private readonly passages: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly options: {
      directory: string;
      spec: SentenceModelSpec;
      /** Threads that embed chunks (default: one per core). */
      size?: number;
      /** Further threads kept for questions (default 1). */
      questionThreads?: number;
      /** How much chunk threads lower their priority below the api's (nice, 0–19; 0: not at all). */
      ingestNice?: number;
      /** Cores one model call may use (default 1: two threads per call measured slower, scripts/bench/embedding-throughput.ts). */
      intraOpThreads?: number;
    },
  ) {}

  /** Threads that may embed chunks at once. */
  get size(): number {
    return this.options.size ?? Math.max(1, availableParallelism());
  }

  /** Chunks being embedded now (never more than `size`). */
  get chunksInFlight(): number {
    return this.workers.filter((w) => w.busy && w.busy.request.purpose !== 'query').length;
  }

  private get questionThreads(): number {
    return this.options.questionThreads ?? 1;
  }

  embed(text: string, purpose: EmbedPurpose): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new Error('the embedding pool is closed'));
    return new Promise((resolve, reject) => {
      const task: Task = { request: { id: this.nextId++, text, purpose }, resolve, reject };
      (purpose === 'query' ? this.questions : this.passages).push(task);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.questions.splice(0), ...this.passages.splice(0)];
    for (const task of pending) task.reject(new Error('the embedding pool is closed'));
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }

  private dispatch(): void {
    while (this.questions.length + this.passages.length > 0) {
      const question = this.questions.length > 0;
      const idle = question ? this.threadForQuestion() : this.threadFor('chunk');
      if (!idle) return;
      const task = (question ? this.questions.shift() : this.passages.shift()) as Task;
      idle.busy = task;
      // A busy thread keeps the process alive (a script awaiting its vectors); an idle one does not.
      idle.worker.ref();
      idle.worker.postMessage(task.request);
    }
  }

  private threadForQuestion(): PoolWorker | undefined {
    return this.threadFor('question') ?? this.threadFor('chunk');
  }

  /** An idle thread of the role, started when the role has fewer than its count. */
  private threadFor(role: PoolWorker['role']): PoolWorker | undefined {
    const idle = this.workers.find((w) => w.role === role && !w.busy);
    if (idle) return idle;
    const count = this.workers.filter((w) => w.role === role).length;
    return count < (role === 'chunk' ? this.size : this.questionThreads) ? this.spawn(role) : undefined;
  }

  private spawn(role: PoolWorker['role']): PoolWorker {
    const nice = role === 'chunk' ? (this.options.ingestNice ?? DEFAULT_INGEST_NICE) : 0;
    const worker = new Worker(workerSource(), {
      eval: true,
      workerData: {
        directory: this.options.directory,
        spec: this.options.spec,
        nice,
        intraOpThreads: this.options.intraOpThreads ?? 1,
      },
    });
    const entryOf: PoolWorker = { worker, busy: undefined, role };
    worker.unref();
    worker.on('message', (reply: EmbedReply) => {
      const task = entryOf.busy;
      entryOf.busy = undefined;
      worker.unref();
      if (task && task.request.id === reply.id) {
        if ('error' in reply) task.reject(new Error(`embedding failed: ${reply.error}`));
        else task.resolve(reply.vector);
      }
      this.dispatch();
    });
    const lost = (error: Error) => {
      const index = this.workers.indexOf(entryOf);
      if (index >= 0) this.workers.splice(index, 1);
      entryOf.busy?.reject(error);
      entryOf.busy = undefined;
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error) => lost(new Error(`an embedding thread failed: ${error.message}`)));
    worker.on('exit', (code) => lost(new Error(`an embedding thread exited (code ${code})`)));
    this.workers.push(entryOf);
    return entryOf;
  }
}

/**
 * The thread's entry. The api runs from TypeScript sources through tsx (npm start, tests);
 * on Node 20 a worker ignores `--import tsx` for its entry module, so the thread registers
 * tsx's loader itself before importing embed-worker.ts.
 */
function workerSource(): string {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return `import(${JSON.stringify(new URL('./embed-worker.js', self).href)})`;
  const tsxRoot = dirname(createRequire(self).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./embed-worker.ts', self).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
}
