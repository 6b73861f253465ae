import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  DEFAULT_SENTENCE_MODEL,
  locateSentenceModel,
  type SentenceModelSpec,
} from '@privexbot/schema/sentence-model';
import type { Logger } from 'pino';
import type { ScoreReply, ScoreRequest } from './score-sentences-worker.js';

/**
 * How well each candidate sentence answers a question, and which scores are good enough to
 * quote. The offline answerer quotes up to three sentences that `accepts`.
 */
export interface SentenceScorer {
  readonly name: 'sentence-model' | 'word-share';
  score(question: string, sentences: string[], signal: AbortSignal): Promise<number[]>;
  /** A sentence with `score` answers the question, given the best candidate's score. */
  accepts(score: number, best: number): boolean;
  close?(): Promise<void>;
}

/**
 * Cosine similarity to the question under the sentence model. The floor was set on held-out
 * question/sentence pairs (scripts/bench/offline-answer-threshold.ts prints them, results in
 * scripts/bench/RESULTS.md), never on the tests' strings.
 */
export const MODEL_FLOOR = 0.4;
/** ...and close to the best: a sentence far behind it answers something nearby. */
export const MODEL_MARGIN = 0.1;

/** A quoted sentence holds at least this share of the question's content words. */
const WORD_FLOOR = 0.34;
/** ...and at least this share of the best sentence's: a weak neighbour is not an answer. */
const WORD_RELATIVE = 0.5;

/**
 * The share of the question's content words (plain plurals folded) each sentence holds: what
 * the answerer uses when the sentence model is not installed. Finds only the page's own words.
 */
export const wordShareScorer: SentenceScorer = {
  name: 'word-share',
  async score(question, sentences) {
    const asked = new Set(contentWords(question));
    return sentences.map((sentence) => {
      if (asked.size === 0) return 0;
      return new Set(contentWords(sentence).filter((w) => asked.has(w))).size / asked.size;
    });
  },
  accepts: (score, best) => score >= WORD_FLOOR && score >= best * WORD_RELATIVE,
};

/**
 * The sentence model when its files are in the model cache, else the word share, said once in
 * the log. The model runs on one worker thread, started at the first offline answer, so the
 * gateway's event loop never computes a vector; a thread that fails answers that question with
 * the word share and is replaced at the next.
 */
export function createSentenceScorer(options: {
  cacheDirectory: string;
  logger: Logger;
  spec?: SentenceModelSpec;
}): SentenceScorer {
  const spec = options.spec ?? DEFAULT_SENTENCE_MODEL;
  let directory: string;
  try {
    directory = locateSentenceModel(spec, options.cacheDirectory);
  } catch (error) {
    options.logger.warn(
      { reason: (error as Error).message },
      'offline answers pick sentences by shared words: the sentence model is not installed',
    );
    return wordShareScorer;
  }
  return new ModelScorer(spec, directory, options.logger);
}

class UnloadableModel extends Error {}

interface Pending {
  resolve(scores: number[]): void;
  reject(error: Error): void;
}

class ModelScorer implements SentenceScorer {
  readonly name = 'sentence-model' as const;
  private worker: Worker | undefined;
  private unloadable = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly spec: SentenceModelSpec,
    private readonly directory: string,
    private readonly logger: Logger,
  ) {}

  accepts(score: number, best: number): boolean {
    return score >= MODEL_FLOOR && score >= best - MODEL_MARGIN;
  }

  async score(question: string, sentences: string[], signal: AbortSignal): Promise<number[]> {
    if (this.unloadable) return wordShareScorer.score(question, sentences, signal);
    try {
      return await this.scoreOnThread(question, sentences, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof UnloadableModel) {
        // Damaged files stay damaged until the bootstrap fetches them again: say it once.
        this.unloadable = true;
        void this.close();
        this.logger.warn(
          { reason: error.message },
          'the sentence model failed to load: offline answers pick sentences by shared words',
        );
      } else {
        this.logger.warn(
          { err: error },
          'the sentence model failed: this offline answer picks sentences by shared words',
        );
      }
      return wordShareScorer.score(question, sentences, signal);
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private scoreOnThread(question: string, sentences: string[], signal: AbortSignal): Promise<number[]> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<number[]>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        reject(signal.reason ?? new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (scores) => {
          signal.removeEventListener('abort', onAbort);
          resolve(scores);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      worker.ref(); // a question in flight keeps the process alive; an idle thread does not
      worker.postMessage({ id, question, sentences } satisfies ScoreRequest);
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerSource(), {
      eval: true,
      workerData: { directory: this.directory, spec: this.spec },
    });
    worker.unref();
    worker.on('message', (reply: ScoreReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (!waiting) return;
      if ('error' in reply)
        waiting.reject(reply.unloadable ? new UnloadableModel(reply.error) : new Error(reply.error));
      else waiting.resolve(Array.from(reply.scores));
    });
    const lost = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const w of waiting) w.reject(error);
    };
    worker.on('error', (error) => lost(new Error(`the sentence model thread failed: ${error.message}`)));
    worker.on('exit', (code) => lost(new Error(`the sentence model thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

/**
 * The thread's entry. The gateway runs from TypeScript sources through tsx; on Node 20 a worker
 * ignores `--import tsx` for its entry module, so the thread registers tsx's loader itself.
 */
function workerSource(): string {
  const self = import.meta.url;
  if (!self.endsWith('.ts'))
    return `import(${JSON.stringify(new URL('./score-sentences-worker.js', self).href)})`;
  const tsxRoot = dirname(createRequire(self).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./score-sentences-worker.ts', self).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
}

const STOPWORDS = new Set(
  'a an and are as at be by can do does for from has have how i in is it its me my of on or our so that the their them then there these this to was we what when where which who why will with you your'.split(
    ' ',
  ),
);

function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((w) => w.length > 1 && !STOPWORDS.has(w))
    .map(singular);
}

/** "refunds" and "refund" are one word to a visitor; a plain plural -s is enough to meet them. */
function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}
