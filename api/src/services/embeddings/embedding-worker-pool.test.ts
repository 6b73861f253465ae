import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import {
  DEFAULT_SENTENCE_MODEL,
  locateSentenceModel,
  modelCacheDirectory,
} from '@privexbot/schema/sentence-model';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddingWorkerPool } from './embedding-worker-pool.js';

// The bootstrap (npm test, npm start) installs the model; the pool runs it for real.
const directory = locateSentenceModel(DEFAULT_SENTENCE_MODEL, modelCacheDirectory());
// About 256 tokens, the model's cap: the longest a chunk keeps a thread.
const longChunk = 'Parcels leave the warehouse within two working days and travel by courier. '.repeat(20);

let pool: EmbeddingWorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** The nice value of each thread of this process, from the kernel's own account. */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((task) => {
    const fields = readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // Field 19 of stat (nice), counted from the state field, the first after the name.
    return Number(fields[16]);
  });
}

/** Which of the texts finished first, with every thread already loaded. */
async function firstDone(questionThreads: number): Promise<string[]> {
  pool = new EmbeddingWorkerPool({ spec: DEFAULT_SENTENCE_MODEL, directory, size: 1, questionThreads });
  // Load the model on every thread the pool may use, so loading is no part of the race.
  await Promise.all(Array.from({ length: 1 + questionThreads }, (_, i) => pool?.embed(`warm ${i}`, 'query')));
  const order: string[] = [];
  const chunks = [pool.embed(longChunk, 'passage'), pool.embed(`${longChunk} again`, 'passage')].map((p, i) =>
    p.then(() => order.push(`chunk ${i + 1}`)),
  );
  const question = pool.embed('when will my package arrive', 'query').then(() => order.push('question'));
  await Promise.all([...chunks, question]);
  return order;
}

describe('the embedding pool', () => {
  it('answers a question while its chunk threads are busy, without waiting for a chunk in flight', async () => {
    // With a thread kept for questions, the question runs beside the chunk and, ~20 times
    // shorter, is done first; without one it waits for the chunk in flight.
    expect((await firstDone(1))[0]).toBe('question');
    expect(await firstDone(0)).toEqual(['chunk 1', 'question', 'chunk 2']);
  }, 120_000);

  it('never embeds more chunks at once than its size, however many threads it has', async () => {
    pool = new EmbeddingWorkerPool({ spec: DEFAULT_SENTENCE_MODEL, directory, size: 1, questionThreads: 1 });
    const chunks = Array.from({ length: 4 }, (_, i) => pool?.embed(`chunk ${i} ${longChunk}`, 'passage'));
    expect(pool.chunksInFlight).toBe(1);
    // A question still gets the thread kept for it.
    await pool.embed('when will my package arrive', 'query');
    expect(pool.chunksInFlight).toBe(1);
    const vectors = await Promise.all(chunks);
    expect(vectors).toHaveLength(4);
    expect(pool.chunksInFlight).toBe(0);
  }, 120_000);

  it.runIf(process.platform === 'linux')(
    'runs chunk threads at a lower priority than the api, and the question thread at its own',
    async () => {
      const base = getPriority();
      const before = threadNices();
      pool = new EmbeddingWorkerPool({
        spec: DEFAULT_SENTENCE_MODEL,
        directory,
        size: 2,
        questionThreads: 1,
        ingestNice: 7,
      });
      // Two chunks start both chunk threads; the question, asked meanwhile, its own.
      const chunks = [pool.embed(longChunk, 'passage'), pool.embed(`${longChunk} again`, 'passage')];
      await pool.embed('when will my package arrive', 'query');
      await Promise.all(chunks);
      const added = threadNices().slice(before.length);
      expect(added.filter((nice) => nice === Math.min(19, base + 7))).toHaveLength(2);
      // The question thread, and the threads Node starts for each worker, keep the api's priority.
      expect(added.filter((nice) => nice !== base && nice !== Math.min(19, base + 7))).toEqual([]);
    },
    120_000,
  );
});
