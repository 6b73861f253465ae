import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nativeFetch } from '@privexbot/schema/fetch';
import {
  DEFAULT_SENTENCE_MODEL,
  locateSentenceModel,
  modelCacheDirectory,
} from '@privexbot/schema/sentence-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../db/apply-migrations.js';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../bots/test-support/start-platform-test-api.js';
import type { Embedder } from '../embeddings/embedder.js';
import { LocalModelEmbedder } from '../embeddings/local-model-embedder.js';
import { titledIndexId } from './passage-text.js';

/** What `embedder: 'local'` is now: the sentence model reading each chunk behind its title. */
const TITLED = titledIndexId(DEFAULT_SENTENCE_MODEL.id);

/** The real sentence model, whose passage embeddings wait for `release()` while `held`. */
class GatedModel implements Embedder {
  readonly id = DEFAULT_SENTENCE_MODEL.id;
  readonly inner = new LocalModelEmbedder({
    spec: DEFAULT_SENTENCE_MODEL,
    directory: locateSentenceModel(DEFAULT_SENTENCE_MODEL, modelCacheDirectory()),
    threads: 1,
  });
  held = false;
  waiting = 0;
  private opened: (() => void) | undefined;
  private gate = Promise.resolve();

  hold(): void {
    this.held = true;
    this.gate = new Promise((resolve) => {
      this.opened = resolve;
    });
  }
  release(): void {
    this.held = false;
    this.opened?.();
  }
  async embed(texts: string[], signal?: AbortSignal, purpose?: 'query' | 'passage'): Promise<number[][]> {
    if (this.held && purpose !== 'query') {
      this.waiting++;
      await this.gate;
    }
    return this.inner.embed(texts, signal, purpose);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const pages = {
  refunds: 'Refund policy. Items returned within thirty days are reimbursed to the original card.',
  shipping: 'Delivery times. Parcels leave the warehouse within two working days by courier.',
  security: 'Account protection. Turn on two-factor sign-in and pick a long passphrase.',
};

/** A language model that records the prompt it was given and answers "ok". */
let llm: Server;
let lastPrompt = '';

let api: PlatformTestApi;
const model = new GatedModel();
beforeAll(async () => {
  llm = createServer((req, res) => {
    let raw = '';
    req.on('data', (part) => (raw += part));
    req.on('end', () => {
      const body = JSON.parse(raw) as { model: string; messages: unknown[] };
      lastPrompt = JSON.stringify(body.messages);
      const chunk = (delta: object, usage?: object) =>
        `data: ${JSON.stringify({ id: 'ok', object: 'chat.completion.chunk', created: 0, model: body.model, choices: usage ? [] : [{ index: 0, delta, finish_reason: null }], ...(usage ? { usage } : {}) })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ content: 'ok' }));
      res.write(chunk({}, { prompt_tokens: 100, completion_tokens: 1, total_tokens: 101 }));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => llm.listen(0, '127.0.0.1', resolve));
  const llmUrl = `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`;
  api = await startPlatformTestApi({
    env: { EMBEDDINGS: 'model', LLM_BASE_URL: llmUrl },
    overrides: { embedders: [model] },
  });
});
afterAll(async () => {
  await api?.close();
  llm?.close();
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(condition()).toBe(true);
}

/** The embedders of the bot's chunks' vectors: in the slot retrieval reads, and in the other. */
async function embeddersInUse(
  botId: string,
): Promise<{ live: Record<string, number>; other: Record<string, number> }> {
  const rows = await api.db.$queryRaw<{ live: string | null; other: string | null; n: bigint }[]>`
    SELECT CASE WHEN b."vectorSlot" = 0 THEN c."embeddedBy" ELSE c."embeddedAltBy" END AS live,
      CASE WHEN b."vectorSlot" = 0 THEN c."embeddedAltBy" ELSE c."embeddedBy" END AS other, count(*) AS n
    FROM "Chunk" c JOIN "Bot" b ON b.id = c."botId" WHERE c."botId" = ${botId}::uuid
    GROUP BY 1, 2`;
  const live: Record<string, number> = {};
  const other: Record<string, number> = {};
  for (const row of rows) {
    live[row.live ?? 'none'] = (live[row.live ?? 'none'] ?? 0) + Number(row.n);
    other[row.other ?? 'none'] = (other[row.other ?? 'none'] ?? 0) + Number(row.n);
  }
  return { live, other };
}

/** Cosine of the live vector of source `name`'s chunk with the model's vector of `text`. */
async function storedCosine(botId: string, name: string, text: string): Promise<number> {
  const [stored] = await api.db.$queryRaw<{ v: string }[]>`
    SELECT (CASE WHEN b."vectorSlot" = 0 THEN c.embedding ELSE c."embeddingAlt" END)::text AS v
    FROM "Chunk" c JOIN "Source" s ON s.id = c."sourceId" JOIN "Bot" b ON b.id = c."botId"
    WHERE c."botId" = ${botId}::uuid AND s.name = ${name}`;
  const [expected] = await model.inner.embed([text]);
  return JSON.parse(stored?.v ?? '[]').reduce(
    (sum: number, x: number, i: number) => sum + x * ((expected as number[])[i] as number),
    0,
  );
}

/** Each chunk row's version (ctid and xmin change with any UPDATE of the row). */
async function chunkVersions(botId: string): Promise<string[]> {
  const rows = await api.db.$queryRaw<{ v: string }[]>`
    SELECT id::text || ctid::text || xmin::text AS v FROM "Chunk" WHERE "botId" = ${botId}::uuid ORDER BY id`;
  return rows.map((row) => row.v);
}

/** Whether the bot's row was written after every one of its chunks (its switch wrote no chunk). */
async function botWrittenAfterItsChunks(botId: string): Promise<boolean> {
  const [row] = await api.db.$queryRaw<{ after: boolean }[]>`
    SELECT (SELECT xmin::text::bigint FROM "Bot" WHERE id = ${botId}::uuid)
      > (SELECT max(xmin::text::bigint) FROM "Chunk" WHERE "botId" = ${botId}::uuid) AS after`;
  return row?.after === true;
}

/** A bot on word hashes with the three pages ingested. */
async function hashBotWithPages(
  orgId: string,
): Promise<{ org: { orgId: string; token: string }; botId: string }> {
  const org = await api.createOrg(orgId);
  const botId = await api.createBot(org, { embedder: 'hash' });
  for (const [name, text] of Object.entries(pages)) {
    await api.request('post', `/v1/orgs/${orgId}/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name, text },
    });
  }
  await api.platform.ingestion.idle();
  return { org, botId };
}

/** Switches the bot to the sentence model and returns once its first batch waits on the held model. */
async function switchToModelHeld(org: { token: string }, orgId: string, botId: string): Promise<void> {
  model.hold();
  const waitingBefore = model.waiting;
  await api.request('patch', `/v1/orgs/${orgId}/bots/${botId}`, {
    token: org.token,
    body: { embedder: 'local' },
  });
  await until(() => model.waiting > waitingBefore);
}

describe('changing a bot’s embedder', () => {
  it('re-embeds in the background, searching the old vectors until the new ones are all there, then swaps at once', async () => {
    const { org, botId } = await hashBotWithPages('91');
    const ask = () =>
      api.request('post', `/v1/orgs/91/bots/${botId}/retrieval`, {
        token: org.token,
        body: { query: 'how do I get my money back' },
      });
    const progress = () => api.request('get', `/v1/orgs/91/bots/${botId}/reembedding`, { token: org.token });
    expect((await progress()).body).toEqual({ embedder: 'local-hash-384', reembedding: null });

    model.hold();
    const switched = await api.request('patch', `/v1/orgs/91/bots/${botId}`, {
      token: org.token,
      body: { embedder: 'local' },
    });
    expect(switched.status).toBe(200);
    expect(switched.body.embedder).toEqual({ id: 'local-hash-384', kind: 'hash' });
    expect(switched.body.reembeddingTo).toEqual({ id: TITLED, kind: 'local' });
    await until(() => model.waiting > 0);

    // Mid-way: search still answers, with the old embedder only; no chunk lost its vector.
    const during = await ask();
    expect(during.status).toBe(200);
    expect(during.body.embedder).toBe('local-hash-384');
    expect((await progress()).body).toEqual({
      embedder: 'local-hash-384',
      reembedding: { embedder: TITLED, chunksDone: 0, chunksTotal: 3 },
    });
    expect(await embeddersInUse(botId)).toEqual({ live: { 'local-hash-384': 3 }, other: { none: 3 } });
    const sources = await api.request('get', `/v1/orgs/91/bots/${botId}/sources`, { token: org.token });
    expect(sources.body.sources.map((s: { status: string }) => s.status)).toEqual([
      'ready',
      'ready',
      'ready',
    ]);

    model.release();
    await api.platform.ingestion.idle();
    expect((await progress()).body).toEqual({ embedder: TITLED, reembedding: null });
    // The old vectors stay in the slot retrieval no longer reads, tagged with their embedder.
    expect(await embeddersInUse(botId)).toEqual({ live: { [TITLED]: 3 }, other: { 'local-hash-384': 3 } });
    expect(await botWrittenAfterItsChunks(botId)).toBe(true);
    const after = await ask();
    expect(after.body.embedder).toBe(TITLED);
    expect(after.body.passages[0].sourceName).toBe('refunds');
    // The stored vectors are the model's own, of the chunk behind its source's title.
    expect(await storedCosine(botId, 'refunds', `refunds\n${pages.refunds}`)).toBeGreaterThan(0.9999);
    expect(await storedCosine(botId, 'refunds', pages.refunds)).toBeLessThan(0.999);
  });

  it('discards a re-embedding cancelled mid-way: its vectors never reach the bot', async () => {
    const org = await api.createOrg('92');
    const botId = await api.createBot(org, { embedder: 'hash' });
    await api.request('post', `/v1/orgs/92/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'refunds', text: pages.refunds },
    });
    await api.platform.ingestion.idle();
    await switchToModelHeld(org, '92', botId);
    const back = await api.request('patch', `/v1/orgs/92/bots/${botId}`, {
      token: org.token,
      body: { embedder: 'hash' },
    });
    expect(back.body.reembeddingTo).toBeNull();
    model.release();
    await api.platform.ingestion.idle();
    expect((await embeddersInUse(botId)).live).toEqual({ 'local-hash-384': 1 });
    const bot = await api.request('get', `/v1/orgs/92/bots/${botId}`, { token: org.token });
    expect(bot.body).toMatchObject({ embedder: { id: 'local-hash-384' }, reembeddingTo: null });
  });

  it('moves bots made before the sentence model to it on upgrade, with titled passages', async () => {
    const org = await api.createOrg('93');
    const botId = await api.createBot(org, { embedder: 'hash' });
    await api.request('post', `/v1/orgs/93/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'refunds', text: pages.refunds },
    });
    await api.platform.ingestion.idle();
    // The upgrade: the database as it was before this release's migration, then migrated.
    await api.db.$executeRawUnsafe(
      `DELETE FROM "_prisma_migrations" WHERE migration_name IN ('20261207041700_reembed_in_background', '20261207151000_titled_passages')`,
    );
    const { applied } = await applyMigrations({ databaseUrl: api.database.url });
    expect(applied).toEqual(['20261207041700_reembed_in_background', '20261207151000_titled_passages']);
    const pending = await api.request('get', `/v1/orgs/93/bots/${botId}`, { token: org.token });
    expect(pending.body.reembeddingTo).toEqual({ id: TITLED, kind: 'local' });
    api.platform.ingestion.kick();
    await api.platform.ingestion.idle();
    const moved = await api.request('get', `/v1/orgs/93/bots/${botId}`, { token: org.token });
    expect(moved.body).toMatchObject({ embedder: { id: TITLED }, reembeddingTo: null });
    expect(await storedCosine(botId, 'refunds', `refunds\n${pages.refunds}`)).toBeGreaterThan(0.9999);
  });

  it('moves bots on plain-chunk vectors to titled passages on upgrade, searching the plain ones until done', async () => {
    const { org, botId } = await hashBotWithPages('94');
    // The database as the previous release left it: the bot on the model, its chunks embedded alone.
    await api.db
      .$executeRaw`UPDATE "Bot" SET "embedderNext" = ${DEFAULT_SENTENCE_MODEL.id} WHERE id = ${botId}::uuid`;
    api.platform.ingestion.kick();
    await api.platform.ingestion.idle();
    expect(await storedCosine(botId, 'refunds', pages.refunds)).toBeGreaterThan(0.9999);
    await api.db.$executeRawUnsafe(
      `DELETE FROM "_prisma_migrations" WHERE migration_name = '20261207151000_titled_passages'`,
    );
    expect((await applyMigrations({ databaseUrl: api.database.url })).applied).toEqual([
      '20261207151000_titled_passages',
    ]);

    model.hold();
    const waitingBefore = model.waiting;
    api.platform.ingestion.kick();
    await until(() => model.waiting > waitingBefore);
    const during = await api.request('post', `/v1/orgs/94/bots/${botId}/retrieval`, {
      token: org.token,
      body: { query: 'how do I get my money back' },
    });
    expect(during.body.embedder).toBe(DEFAULT_SENTENCE_MODEL.id);
    expect(during.body.passages[0].sourceName).toBe('refunds');
    expect((await embeddersInUse(botId)).live).toEqual({ [DEFAULT_SENTENCE_MODEL.id]: 3 });
    expect(await storedCosine(botId, 'refunds', pages.refunds)).toBeGreaterThan(0.9999);

    model.release();
    await api.platform.ingestion.idle();
    const after = await api.request('post', `/v1/orgs/94/bots/${botId}/retrieval`, {
      token: org.token,
      body: { query: 'how do I get my money back' },
    });
    expect(after.body.embedder).toBe(TITLED);
    expect(after.body.passages[0].sourceName).toBe('refunds');
    for (const [name, text] of Object.entries(pages))
      expect(await storedCosine(botId, name, `${name}\n${text}`)).toBeGreaterThan(0.9999);
  });

  it('switches back and forth without writing a chunk: each embedder’s vectors stay in their slot', async () => {
    const { org, botId } = await hashBotWithPages('95');
    const switchTo = async (embedder: 'hash' | 'local') => {
      const patched = await api.request('patch', `/v1/orgs/95/bots/${botId}`, {
        token: org.token,
        body: { embedder },
      });
      expect(patched.status).toBe(200);
      await api.platform.ingestion.idle();
    };
    const ask = async (query: string) =>
      (
        await api.request('post', `/v1/orgs/95/bots/${botId}/retrieval`, {
          token: org.token,
          body: { query },
        })
      ).body;
    await switchTo('local');
    expect(await embeddersInUse(botId)).toEqual({ live: { [TITLED]: 3 }, other: { 'local-hash-384': 3 } });
    const versions = await chunkVersions(botId);

    // Back to word hashes: their vectors are still in the other slot, so only the bot's row moves.
    await switchTo('hash');
    expect(await chunkVersions(botId)).toEqual(versions);
    expect(await embeddersInUse(botId)).toEqual({ live: { 'local-hash-384': 3 }, other: { [TITLED]: 3 } });
    const onHash = await ask('refund policy');
    expect(onHash.embedder).toBe('local-hash-384');
    expect(onHash.passages[0].sourceName).toBe('refunds');
    await switchTo('local');
    expect(await chunkVersions(botId)).toEqual(versions);
    const onModel = await ask('how do I get my money back');
    expect(onModel.embedder).toBe(TITLED);
    expect(onModel.passages[0].sourceName).toBe('refunds');
    const bot = await api.db.bot.findUniqueOrThrow({ where: { id: botId } });
    expect({ embedder: bot.embedder, embedderNext: bot.embedderNext, vectorSlot: bot.vectorSlot }).toEqual({
      embedder: TITLED,
      embedderNext: null,
      vectorSlot: 1,
    });
  });

  it('embeds knowledge added during a re-embedding with both embedders before switching', async () => {
    const { org, botId } = await hashBotWithPages('96');
    await switchToModelHeld(org, '96', botId);
    const warranty = 'Guarantee terms. A faulty appliance is repaired or swapped for free during two years.';
    const added = await api.request('post', `/v1/orgs/96/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'warranty', text: warranty },
    });
    expect(added.status).toBe(201);
    model.release();
    await api.platform.ingestion.idle();
    // The new chunk got the old embedder's vector (searched until the switch) and the new one's.
    expect(await embeddersInUse(botId)).toEqual({ live: { [TITLED]: 4 }, other: { 'local-hash-384': 4 } });
    expect(await storedCosine(botId, 'warranty', `warranty\n${warranty}`)).toBeGreaterThan(0.9999);
    const asked = await api.request('post', `/v1/orgs/96/bots/${botId}/retrieval`, {
      token: org.token,
      body: { query: 'my broken fridge, will you fix it at no cost?' },
    });
    expect(asked.body.embedder).toBe(TITLED);
    expect(asked.body.passages[0].sourceName).toBe('warranty');
  });

  it('drops a batch of the first target when the embedder changes again mid-way, and completes the second', async () => {
    const { org, botId } = await hashBotWithPages('97');
    await switchToModelHeld(org, '97', botId);
    // A second change while the first target's batch is being embedded: plain chunks, no titles.
    await api.db
      .$executeRaw`UPDATE "Bot" SET "embedderNext" = ${DEFAULT_SENTENCE_MODEL.id} WHERE id = ${botId}::uuid`;
    model.release();
    api.platform.ingestion.kick();
    await api.platform.ingestion.idle();
    const bot = await api.db.bot.findUniqueOrThrow({ where: { id: botId } });
    expect(bot).toMatchObject({ embedder: DEFAULT_SENTENCE_MODEL.id, embedderNext: null, vectorSlot: 1 });
    expect(await embeddersInUse(botId)).toEqual({
      live: { [DEFAULT_SENTENCE_MODEL.id]: 3 },
      other: { 'local-hash-384': 3 },
    });
    for (const [name, text] of Object.entries(pages)) {
      expect(await storedCosine(botId, name, text)).toBeGreaterThan(0.9999);
      expect(await storedCosine(botId, name, `${name}\n${text}`)).toBeLessThan(0.999);
    }
  });

  it('answers chat from the live slot after a switch: knowledge added since is found by meaning', async () => {
    const org = await api.createOrg('99');
    const botId = await api.createBot(org, { embedder: 'hash' });
    for (const name of ['shipping', 'security'] as const) {
      await api.request('post', `/v1/orgs/99/bots/${botId}/sources`, {
        token: org.token,
        body: { type: 'text', name, text: pages[name] },
      });
    }
    await api.platform.ingestion.idle();
    await api.request('patch', `/v1/orgs/99/bots/${botId}`, {
      token: org.token,
      body: { embedder: 'local' },
    });
    await api.platform.ingestion.idle();
    // Added after the switch: its only vector is the model's, in the live slot (slot 1).
    await api.request('post', `/v1/orgs/99/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'refunds', text: pages.refunds },
    });
    await api.platform.ingestion.idle();
    expect(await embeddersInUse(botId)).toEqual({
      live: { [TITLED]: 3 },
      other: { 'local-hash-384': 2, none: 1 },
    });
    await api.request('post', `/v1/orgs/99/bots/${botId}/publish`, { token: org.token });
    const response = await nativeFetch(`${api.baseUrl}/v1/bots/${botId}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_PUBLIC_URL },
      // No word of the refunds page: only its vector finds it.
      body: JSON.stringify({ message: 'how do I get my money back' }),
    });
    expect(response.status).toBe(200);
    await response.text();
    expect(lastPrompt).toContain('reimbursed to the original card');
  });

  // Last: it takes the schema back to before the slots for every bot of this file's database.
  it('migrates existing vectors into slots where they lie: tagged with the bot’s embedder, or its unfinished target’s', async () => {
    const { org, botId } = await hashBotWithPages('98');
    const vectors = async () =>
      api.db.$queryRaw<{ id: string; live: string; alt: string | null }[]>`
        SELECT id::text, embedding::text AS live, "embeddingAlt"::text AS alt FROM "Chunk"
        WHERE "botId" = ${botId}::uuid ORDER BY id`;
    const [first, ...rest] = await vectors();
    // The database as the previous release left it, mid-way through a re-embedding to an embedder
    // this api does not run (so the worker leaves it be): one chunk has its new vector.
    await api.db.$executeRawUnsafe(
      `DELETE FROM "_prisma_migrations" WHERE migration_name = '20261207210000_two_vector_slots'`,
    );
    await api.db.$executeRawUnsafe('DROP INDEX "Chunk_embeddingAlt_hnsw_idx"');
    await api.db.$executeRawUnsafe(
      'ALTER TABLE "Chunk" DROP COLUMN "embeddedBy", DROP COLUMN "embeddedAltBy"',
    );
    await api.db.$executeRawUnsafe('UPDATE "Chunk" SET "embeddingAlt" = NULL');
    // The upgrade test above re-ran the migration that first added "embeddingNext".
    await api.db.$executeRawUnsafe('ALTER TABLE "Chunk" DROP COLUMN IF EXISTS "embeddingNext"');
    await api.db.$executeRawUnsafe('ALTER TABLE "Chunk" RENAME COLUMN "embeddingAlt" TO "embeddingNext"');
    await api.db.$executeRawUnsafe('ALTER TABLE "Bot" DROP COLUMN "vectorSlot"');
    const target = 'openai:text-embedding-3-small';
    await api.db.$executeRaw`UPDATE "Bot" SET "embedderNext" = ${target} WHERE id = ${botId}::uuid`;
    await api.db.$executeRaw`UPDATE "Chunk" SET "embeddingNext" = embedding WHERE id = ${first?.id}::uuid`;

    expect((await applyMigrations({ databaseUrl: api.database.url })).applied).toEqual([
      '20261207210000_two_vector_slots',
    ]);
    expect(await vectors()).toEqual([
      { id: first?.id, live: first?.live, alt: first?.live },
      ...rest.map((chunk) => ({ ...chunk, alt: null })),
    ]);
    expect(await embeddersInUse(botId)).toEqual({
      live: { 'local-hash-384': 3 },
      other: { [target]: 1, none: 2 },
    });
    const progress = await api.request('get', `/v1/orgs/98/bots/${botId}/reembedding`, { token: org.token });
    expect(progress.body).toEqual({
      embedder: 'local-hash-384',
      reembedding: { embedder: target, chunksDone: 1, chunksTotal: 3 },
    });
    const asked = await api.request('post', `/v1/orgs/98/bots/${botId}/retrieval`, {
      token: org.token,
      body: { query: 'refund policy' },
    });
    expect(asked.body.embedder).toBe('local-hash-384');
    expect(asked.body.passages[0].sourceName).toBe('refunds');
  });
});
