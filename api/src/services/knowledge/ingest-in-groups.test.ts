import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformTestApi, startPlatformTestApi } from '../bots/test-support/start-platform-test-api.js';
import type { Embedder } from '../embeddings/embedder.js';
import { LOCAL_EMBEDDER_ID, LocalHashEmbedder } from '../embeddings/local-hash-embedder.js';

/** The hash embedder, whose passage calls from the `holdFrom`-th on wait for `release()`. */
class GatedEmbedder implements Embedder {
  readonly id = LOCAL_EMBEDDER_ID;
  private readonly inner = new LocalHashEmbedder();
  holdFrom = Number.POSITIVE_INFINITY;
  calls: number[] = [];
  waiting = 0;
  private opened: (() => void) | undefined;
  private readonly gate = new Promise<void>((resolve) => {
    this.opened = resolve;
  });

  release(): void {
    this.opened?.();
  }
  async embed(texts: string[], signal?: AbortSignal, purpose?: 'query' | 'passage'): Promise<number[][]> {
    if (purpose !== 'query') {
      this.calls.push(texts.length);
      if (this.calls.length >= this.holdFrom) {
        this.waiting++;
        await this.gate;
      }
    }
    return this.inner.embed(texts);
  }
}

/** Paragraphs long enough that each becomes a chunk of its own. */
function manual(paragraphs: number): string {
  return Array.from(
    { length: paragraphs },
    (_, i) =>
      `Section ${i}. ${`Step ${i} of the installation guide explains the setting number ${i} and what it changes. `.repeat(9)}`,
  ).join('\n\n');
}

let api: PlatformTestApi;
const embedder = new GatedEmbedder();
beforeAll(async () => {
  api = await startPlatformTestApi({
    env: { EMBEDDINGS: 'hash', INGEST_WRITE_CHUNKS: '16' },
    overrides: { embedders: [embedder] },
  });
});
afterAll(async () => {
  embedder.release();
  await api?.close();
});

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400 && !(await condition()); i++)
    await new Promise((resolve) => setTimeout(resolve, 25));
  expect(await condition()).toBe(true);
}

describe('ingesting a source', () => {
  it('writes vectors a group at a time as they are embedded, so progress moves and the database is never held for a whole batch', async () => {
    const org = await api.createOrg('71');
    const botId = await api.createBot(org, { embedder: 'hash' });
    // The third group's embedding waits: the first two must be stored and counted meanwhile.
    embedder.holdFrom = 3;
    const created = await api.request('post', `/v1/orgs/71/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'manual', text: manual(60) },
    });
    expect(created.status).toBe(201);
    const sourceId = created.body.source.id as string;
    const view = async () =>
      (await api.request('get', `/v1/orgs/71/bots/${botId}/sources/${sourceId}`, { token: org.token })).body;
    const embedded = async () => {
      const [row] = await api.db.$queryRaw<{ n: bigint; first: bigint }[]>`
        SELECT count(*) AS n, count(*) FILTER (WHERE ordinal < 32) AS first
        FROM "Chunk" WHERE "sourceId" = ${sourceId}::uuid AND embedding IS NOT NULL`;
      return { n: Number(row?.n), first: Number(row?.first) };
    };

    await until(async () => embedder.waiting > 0 && (await embedded()).n === 32);
    const total = (await view()).progress.chunksTotal as number;
    expect(total).toBeGreaterThanOrEqual(60);
    // Every call but the last of a batch is a group of 16; the first 32 chunks, in order, are in.
    expect(embedder.calls.slice(0, 3)).toEqual([16, 16, 16]);
    expect(await embedded()).toEqual({ n: 32, first: 32 });
    expect(await view()).toMatchObject({
      status: 'processing',
      progress: { chunksDone: 32, chunksTotal: total },
    });

    embedder.release();
    await api.platform.ingestion.idle();
    expect(await view()).toMatchObject({
      status: 'ready',
      progress: { chunksDone: total, chunksTotal: total },
    });
    expect((await embedded()).n).toBe(total);
    expect(embedder.calls.reduce((a, b) => a + b, 0)).toBe(total);
  });
});
