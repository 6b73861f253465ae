import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformTestApi, startPlatformTestApi } from '../bots/test-support/start-platform-test-api.js';
import { embedOne } from './local-hash-embedder.js';

let standin: LlmStandin;
let api: PlatformTestApi;

beforeAll(async () => {
  standin = await startLlmStandin({ port: 0 });
  api = await startPlatformTestApi({
    env: { EMBEDDINGS_BASE_URL: standin.url, EMBEDDINGS_MODEL: 'text-embedding-3-small' },
  });
});
afterAll(async () => {
  await api?.close();
  await standin?.close();
});

async function firstVector(botId: string): Promise<number[]> {
  // The bot's live vector slot (knowledge/vector-slots).
  const rows = await api.db.$queryRaw<{ v: string }[]>`
    SELECT (CASE WHEN b."vectorSlot" = 0 THEN c.embedding ELSE c."embeddingAlt" END)::text AS v
    FROM "Chunk" c JOIN "Bot" b ON b.id = c."botId" WHERE c."botId" = ${botId}::uuid ORDER BY c.ordinal LIMIT 1`;
  return JSON.parse(rows[0]?.v ?? '[]');
}

describe('embedders', () => {
  it('uses the OpenAI-compatible endpoint when configured, says so, and re-embeds everything on a switch', async () => {
    const org = await api.createOrg('71');
    const botId = await api.createBot(org);
    const bot = await api.request('get', `/v1/orgs/71/bots/${botId}`, { token: org.token });
    expect(bot.body.embedder).toEqual({ id: 'openai:text-embedding-3-small', kind: 'openai' });
    const text = 'Our help desk answers within four hours on working days.';
    await api.request('post', `/v1/orgs/71/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'sla', text },
    });
    await api.platform.ingestion.idle();
    expect(standin.stats.embeddingRequests).toBeGreaterThan(0);
    const remote = await firstVector(botId);
    expect(remote).toHaveLength(384);

    const switched = await api.request('patch', `/v1/orgs/71/bots/${botId}`, {
      token: org.token,
      body: { embedder: 'local' },
    });
    // Until the background re-embedding completes, the bot keeps its embedder and its vectors.
    expect(switched.body.embedder).toEqual({ id: 'openai:text-embedding-3-small', kind: 'openai' });
    expect(switched.body.reembeddingTo).toEqual({ id: 'local-hash-384', kind: 'hash' });
    const during = await api.request('get', `/v1/orgs/71/bots/${botId}/sources`, { token: org.token });
    expect(during.body.sources[0].status).toBe('ready');
    await api.platform.ingestion.idle();
    const after = await api.request('get', `/v1/orgs/71/bots/${botId}`, { token: org.token });
    expect(after.body).toMatchObject({
      embedder: { id: 'local-hash-384', kind: 'hash' },
      reembeddingTo: null,
    });
    const local = await firstVector(botId);
    const expected = embedOne(`${text}`);
    expect(local.map((x) => x.toFixed(4))).toEqual(expected.map((x) => Math.fround(x).toFixed(4)));
    const retrieved = await api.request('post', `/v1/orgs/71/bots/${botId}/retrieval`, {
      token: org.token,
      body: { query: 'How fast does the help desk answer?' },
    });
    expect(retrieved.body).toMatchObject({
      embedder: 'local-hash-384',
      passages: [expect.objectContaining({ sourceName: 'sla' })],
    });
  });

  it('refuses the openai embedder where none is configured', async () => {
    const plain = await startPlatformTestApi();
    try {
      const org = await plain.createOrg('72');
      const refused = await plain.request('post', '/v1/orgs/72/bots', {
        token: org.token,
        body: { name: 'x', embedder: 'openai' },
      });
      expect(refused.status).toBe(400);
      expect(await plain.db.bot.count()).toBe(0);
    } finally {
      await plain.close();
    }
  });
});
