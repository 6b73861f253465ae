import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_SENTENCE_MODEL,
  locateSentenceModel,
  modelCacheDirectory,
} from '@privexbot/schema/sentence-model';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PlatformTestApi, startPlatformTestApi } from '../bots/test-support/start-platform-test-api.js';
import { titledIndexId } from '../knowledge/passage-text.js';
import { EmbeddingWorkerPool } from './embedding-worker-pool.js';
import { LocalHashEmbedder } from './local-hash-embedder.js';
import { LocalModelEmbedder } from './local-model-embedder.js';

// The bootstrap (npm test, npm start) installs the model; these tests run it for real.
const directory = locateSentenceModel(DEFAULT_SENTENCE_MODEL, modelCacheDirectory());
const model = new LocalModelEmbedder({ spec: DEFAULT_SENTENCE_MODEL, directory, threads: 2 });
afterAll(() => model.close());

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);

const pages = {
  refunds: 'Refund policy. Items returned within thirty days are reimbursed to the original card.',
  shipping: 'Delivery times. Parcels leave the warehouse within two working days by courier.',
  security: 'Account protection. Turn on two-factor sign-in and pick a long passphrase.',
};
const questions: [string, keyof typeof pages][] = [
  ['how do I get my money back', 'refunds'],
  ['when will my package arrive', 'shipping'],
  ['how can I keep hackers out of my login', 'security'],
];

describe('the local sentence model', () => {
  it('brings a question near the page that answers it in other words, where word hashes see nothing', async () => {
    const hash = new LocalHashEmbedder();
    const names = Object.keys(pages) as (keyof typeof pages)[];
    for (const embedder of [model, hash]) {
      const vectors = await embedder.embed(names.map((name) => pages[name]));
      let found = 0;
      for (const [question, answer] of questions) {
        const [q] = await embedder.embed([question], undefined, 'query');
        const scores = vectors.map((v) => cosine(q as number[], v));
        const best = names[scores.indexOf(Math.max(...scores))];
        if (best === answer) found++;
      }
      if (embedder === model) expect(found).toBe(questions.length);
      else expect(found).toBeLessThan(questions.length);
    }
  });

  it('gives a text the same unit vector alone or among others (no batch padding)', async () => {
    const text = 'Parcels leave the warehouse within two working days.';
    const [alone] = await model.embed([text]);
    const among = await model.embed(['short', text, 'a much longer text '.repeat(40)]);
    expect(among[1]).toEqual(alone);
    expect(alone).toHaveLength(384);
    expect(Math.hypot(...(alone as number[]))).toBeCloseTo(1, 5);
  });

  it('answers a repeated question from its cache of recent question vectors, never a chunk', async () => {
    const small = new LocalModelEmbedder({
      spec: DEFAULT_SENTENCE_MODEL,
      directory,
      threads: 1,
      cachedQuestions: 2,
    });
    const runs = vi.spyOn(EmbeddingWorkerPool.prototype, 'embed');
    try {
      const [first] = await small.embed(['what does shipping cost'], undefined, 'query');
      const [again] = await small.embed(['what does shipping cost'], undefined, 'query');
      expect(again).toEqual(first);
      expect(runs).toHaveBeenCalledTimes(1);
      await small.embed(['what does shipping cost'], undefined, 'passage');
      expect(runs).toHaveBeenCalledTimes(2);
      // Two newer questions push the first out of a cache of two.
      await small.embed(['a second question', 'a third question'], undefined, 'query');
      await small.embed(['what does shipping cost'], undefined, 'query');
      expect(runs).toHaveBeenCalledTimes(5);
    } finally {
      runs.mockRestore();
      await small.close();
    }
  });

  it('stops the api at start, saying how to install it, when the model is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-model-'));
    await expect(
      startPlatformTestApi({ env: { EMBEDDINGS: 'model', PRIVEXBOT_CACHE: empty } }),
    ).rejects.toThrow(/not installed.*EMBEDDINGS=hash/);
  });
});

describe('bots embed with the model by default', () => {
  let api: PlatformTestApi;
  beforeAll(async () => {
    api = await startPlatformTestApi({ env: { EMBEDDINGS: 'model' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('finds the page for a question in other words, through the retrieval route', async () => {
    const org = await api.createOrg('81');
    const botId = await api.createBot(org);
    const bot = await api.request('get', `/v1/orgs/81/bots/${botId}`, { token: org.token });
    expect(bot.body.embedder).toEqual({ id: titledIndexId(DEFAULT_SENTENCE_MODEL.id), kind: 'local' });
    for (const [name, text] of Object.entries(pages)) {
      const created = await api.request('post', `/v1/orgs/81/bots/${botId}/sources`, {
        token: org.token,
        body: { type: 'text', name, text },
      });
      expect(created.status).toBe(201);
    }
    await api.platform.ingestion.idle();
    for (const [question, answer] of questions) {
      const retrieved = await api.request('post', `/v1/orgs/81/bots/${botId}/retrieval`, {
        token: org.token,
        body: { query: question },
      });
      expect(retrieved.body.embedder).toBe(titledIndexId(DEFAULT_SENTENCE_MODEL.id));
      expect(retrieved.body.passages[0]?.sourceName, question).toBe(answer);
    }
  });
});
