import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '../services/bots/test-support/start-platform-test-api.js';

let api: PlatformTestApi;
let org: { orgId: string; token: string };

beforeAll(async () => {
  api = await startPlatformTestApi({});
  org = await api.createOrg('42');
});
afterAll(async () => {
  await api?.close();
});

describe('the inbox: conversations by text and by day', () => {
  it('finds conversations whose messages contain the words, within the days asked', async () => {
    const bot = await api.createBot(org, { name: 'Inbox' });
    const conversation = async (day: string, texts: string[]) => {
      const at = new Date(`${day}T12:00:00Z`);
      const row = await api.db.conversation.create({
        data: {
          botId: bot,
          visitorId: `v-${day}`,
          createdAt: at,
          lastMessageAt: at,
          messageCount: texts.length,
        },
      });
      await api.db.message.createMany({
        data: texts.map((content, i) => ({
          conversationId: row.id,
          role: i % 2 ? 'assistant' : 'user',
          content,
          createdAt: at,
        })),
      });
      return row.id;
    };
    const refund = await conversation('2026-03-02', ['Can I get a REFUND?', 'Yes, within 30 days.']);
    const hours = await conversation('2026-03-05', ['When do you open?', 'At nine.']);
    const list = (query: string) =>
      api.request('get', `/v1/orgs/42/bots/${bot}/conversations${query}`, { token: org.token }).then((r) => ({
        status: r.status,
        ids: (r.body.conversations ?? []).map((c: { id: string }) => c.id),
        body: r.body,
      }));

    expect((await list('')).ids).toEqual([hours, refund]);
    expect((await list('?q=refund')).ids).toEqual([refund]);
    expect((await list('?from=2026-03-03')).ids).toEqual([hours]);
    expect((await list('?to=2026-03-02')).ids).toEqual([refund]);
    expect((await list('?q=open&to=2026-03-04')).ids).toEqual([]);
    const backwards = await list('?from=2026-03-05&to=2026-03-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.code).toBe('VALIDATION_FAILED');
    expect((await list('?from=yesterday')).status).toBe(400);
  });
});

describe('re-indexing a source', () => {
  it('embeds its chunks again, reporting progress until it is ready', async () => {
    const bot = await api.createBot(org, { name: 'Reindex' });
    const created = await api.request('post', `/v1/orgs/42/bots/${bot}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'Hours', text: 'We open at nine and close at five, every weekday.' },
    });
    const sourceId: string = created.body.source.id;
    await api.platform.ingestion.idle();
    const embedded = () =>
      api.db.$queryRaw<
        { n: bigint }[]
      >`SELECT count(*) AS n FROM "Chunk" WHERE "sourceId" = ${sourceId}::uuid AND embedding IS NOT NULL`.then(
        (rows) => Number(rows[0]?.n),
      );
    const chunks = await embedded();
    expect(chunks).toBeGreaterThan(0);

    const reindex = await api.request('post', `/v1/orgs/42/bots/${bot}/sources/${sourceId}/reindex`, {
      token: org.token,
      body: {},
    });
    expect(reindex.status).toBe(202);
    expect(reindex.body).toMatchObject({
      id: sourceId,
      status: 'processing',
      progress: { chunksDone: 0, chunksTotal: chunks },
    });
    await api.platform.ingestion.idle();
    const after = await api.request('get', `/v1/orgs/42/bots/${bot}/sources/${sourceId}`, {
      token: org.token,
    });
    expect(after.body).toMatchObject({
      status: 'ready',
      progress: { chunksDone: chunks, chunksTotal: chunks },
    });
    expect(await embedded()).toBe(chunks);

    const missing = await api.request(
      'post',
      `/v1/orgs/42/bots/${bot}/sources/00000000-0000-4000-8000-000000000000/reindex`,
      {
        token: org.token,
        body: {},
      },
    );
    expect(missing.status).toBe(404);
  });
});
