import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '../services/bots/test-support/start-platform-test-api.js';
import type { Embedder } from '../services/embeddings/embedder.js';
import { LocalHashEmbedder } from '../services/embeddings/local-hash-embedder.js';
import { IngestionWorker } from '../services/knowledge/ingestion-worker.js';
import { InMemoryPlanQuotaSource } from '../services/quotas/in-memory-plan-quota-source.js';

const fixtures = new URL('../../test-fixtures/knowledge/', import.meta.url);
const plans = new InMemoryPlanQuotaSource();
const silent = pino({ level: 'silent' });

/** Embeds like the local embedder, but stalls forever after `batches` batches: a worker that dies mid-job. */
class DyingEmbedder implements Embedder {
  readonly id = 'local-hash-384';
  private readonly inner = new LocalHashEmbedder();
  calls = 0;
  constructor(private readonly batches: number) {}
  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (++this.calls > this.batches) {
      await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('killed'))));
    }
    return this.inner.embed(texts);
  }
}

let api: PlatformTestApi;
let org: { orgId: string; token: string };
let botId: string;
let site: Server;
let siteUrl: string;

async function ingest(body: unknown): ReturnType<PlatformTestApi['request']> {
  const response = await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/sources`, {
    token: org.token,
    body,
  });
  await api.platform.ingestion.idle();
  return response;
}

async function topPassage(query: string): Promise<{ text: string; sourceName: string }> {
  const response = await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/retrieval`, {
    token: org.token,
    body: { query, limit: 3 },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.passages[0];
}

beforeAll(async () => {
  api = await startPlatformTestApi({
    overrides: { planQuotaSource: plans },
    env: {
      QUOTA_CACHE_SECONDS: '0',
      URL_FETCH_ALLOW_LOOPBACK: 'true',
      URL_FETCH_TIMEOUT_MS: '2000',
      URL_FETCH_MAX_BYTES: '1000000',
    },
  });
  org = await api.createOrg('21');
  botId = await api.createBot(org);
  site = createServer(async (req, res) => {
    if (req.url === '/guide.html') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      const page = await readFile(new URL('sample.html', fixtures), 'utf8');
      res.end(
        page.replace('</body>', '<p>Served over HTTP: the Solstice workshop also rents tandems.</p></body>'),
      );
    } else if (req.url === '/to-private') {
      res.writeHead(302, { location: 'http://10.0.0.7/secret' }).end();
    } else if (req.url === '/to-metadata') {
      res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (req.url === '/binary') {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(Buffer.alloc(100));
    } else if (req.url === '/huge') {
      res.setHeader('content-type', 'text/plain');
      res.end('x'.repeat(3_000_000));
    } else if (req.url === '/slow') {
      res.setHeader('content-type', 'text/plain');
      res.write('partial');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  site?.closeAllConnections();
  site?.close();
  await api?.close();
});

describe('ingestion of every file type', () => {
  const cases = [
    {
      file: 'sample.txt',
      mimeType: 'text/plain',
      question: 'What adapter does the Zephyr lamp use?',
      expect: /12 volt adapter/,
    },
    {
      file: 'sample.md',
      mimeType: 'text/markdown',
      question: 'Which Nimbus grind setting for espresso?',
      expect: /Setting 8 suits espresso/,
    },
    {
      file: 'sample.html',
      mimeType: 'text/html',
      question: 'When does the Solstice bike store open on Saturdays?',
      expect: /10 am on Saturdays/,
    },
    {
      file: 'sample.pdf',
      mimeType: 'application/pdf',
      question: 'How long is the Orchard mount warranty?',
      expect: /seven year warranty/,
    },
    {
      file: 'sample.docx',
      mimeType: undefined,
      question: 'Are life jackets included with a kayak rental?',
      expect: /Life jackets are included/,
    },
    {
      file: 'sample.csv',
      mimeType: 'text/csv',
      question: 'How much does the Canyon plan cost?',
      expect: /plan: Canyon; price: 29 EUR/,
    },
    {
      file: 'sample.json',
      mimeType: 'application/json',
      question: 'What batteries does the Aurora thermostat use?',
      expect: /Two AAA lithium batteries/,
    },
  ];
  for (const c of cases) {
    it(`${c.file}: parsed, chunked, embedded, retrievable`, async () => {
      const content = await readFile(new URL(c.file, fixtures));
      const created = await ingest({
        type: 'file',
        name: c.file,
        ...(c.mimeType ? { mimeType: c.mimeType } : {}),
        contentBase64: content.toString('base64'),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const source = await api.request(
        'get',
        `/v1/orgs/${org.orgId}/bots/${botId}/sources/${created.body.source.id}`,
        { token: org.token },
      );
      expect(source.body.status).toBe('ready');
      expect(source.body.progress.chunksDone).toBe(source.body.progress.chunksTotal);
      expect(source.body.progress.chunksTotal).toBeGreaterThan(0);
      const top = await topPassage(c.question);
      expect(top.sourceName).toBe(c.file);
      expect(top.text).toMatch(c.expect);
    });
  }

  it('drops scripts and styles of HTML and keeps headings as structure', async () => {
    const chunks = await api.db.chunk.findMany({ where: { source: { name: 'sample.html' } } });
    const all = chunks.map((c) => c.text).join('\n');
    expect(all).not.toContain('SCRIPT TEXT MUST NOT BE INDEXED');
    expect(all).toMatch(/Solstice Bike Store > Repairs/);
  });

  it('refuses an unsupported file type and a binary file sent as text, writing nothing', async () => {
    const before = await api.db.source.count();
    const exe = await ingest({
      type: 'file',
      name: 'tool.exe',
      contentBase64: Buffer.from('MZ').toString('base64'),
    });
    expect(exe.status).toBe(415);
    const binary = await ingest({
      type: 'file',
      name: 'notes.txt',
      contentBase64: Buffer.from([0xff, 0xfe, 0xfd, 0x00]).toString('base64'),
    });
    expect(binary.status).toBe(400);
    expect(binary.body.error.details.reason).toBe('UNREADABLE_DOCUMENT');
    expect(await api.db.source.count()).toBe(before);
  });
});

describe('idempotent ingestion', () => {
  it('a re-upload of identical content adds nothing; new content under the same name replaces the old', async () => {
    const text = '# Opening hours\n\nThe Quayside office opens at 9 and closes at 17.';
    const first = await ingest({ type: 'text', name: 'hours', text });
    expect(first.status).toBe(201);
    const chunksBefore = await api.db.chunk.count({ where: { botId } });
    const again = await ingest({ type: 'text', name: 'hours (copy)', text: `${text}\n\n\n` });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, source: { id: first.body.source.id } });
    expect(await api.db.chunk.count({ where: { botId } })).toBe(chunksBefore);

    const replaced = await ingest({
      type: 'text',
      name: 'hours',
      text: '# Opening hours\n\nThe Quayside office now opens at 8.',
    });
    expect(replaced.status).toBe(201);
    expect(await api.db.source.count({ where: { botId, name: 'hours' } })).toBe(1);
    expect((await topPassage('When does the Quayside office open?')).text).toContain('now opens at 8');
  });
});

describe('URL ingestion', () => {
  it('fetches a page from a local server (loopback allowed by the test-only setting)', async () => {
    const created = await ingest({ type: 'url', url: `${siteUrl}/guide.html`, citable: true });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.source).toMatchObject({
      type: 'url',
      url: `${siteUrl}/guide.html`,
      mimeType: 'text/html',
      status: 'processing',
    });
    expect((await topPassage('Does the Solstice workshop rent tandems?')).text).toContain(
      'also rents tandems',
    );
  });

  it('refuses private targets, including through redirects, and bad content', async () => {
    const attempts: [string, number, string][] = [
      ['http://10.1.2.3/page', 400, 'BLOCKED_ADDRESS'],
      ['http://192.168.1.1/', 400, 'BLOCKED_ADDRESS'],
      ['http://169.254.169.254/latest/meta-data/', 400, 'BLOCKED_ADDRESS'],
      ['http://[::ffff:10.0.0.1]/', 400, 'BLOCKED_ADDRESS'],
      ['http://[fd00::1]/', 400, 'BLOCKED_ADDRESS'],
      [`${siteUrl}/to-private`, 400, 'BLOCKED_ADDRESS'],
      [`${siteUrl}/to-metadata`, 400, 'BLOCKED_ADDRESS'],
      [`${siteUrl}/binary`, 415, 'UNSUPPORTED_CONTENT_TYPE'],
      [`${siteUrl}/huge`, 413, 'TOO_LARGE'],
      [`${siteUrl}/slow`, 400, 'TIMEOUT'],
    ];
    for (const [url, status, reason] of attempts) {
      const response = await ingest({ type: 'url', url });
      expect(response.status, `${url}: ${JSON.stringify(response.body)}`).toBe(status);
      expect(response.body.error.details.reason, url).toBe(reason);
    }
  }, 30_000);
});

describe('a crash mid-ingestion', () => {
  it('resumes where the dead worker stopped, without duplicating chunks', { timeout: 120_000 }, async () => {
    const bot = await api.createBot(org, { name: 'Long document' });
    const paragraphs = Array.from(
      { length: 400 },
      (_, i) => `Paragraph ${i} explains topic number ${i} in enough words to fill a chunk of text.`,
    );
    // The app's own worker must not pick the job: pause it by stopping the platform's sweep.
    const dying = new DyingEmbedder(2);
    const doomed = new IngestionWorker({
      db: api.db,
      log: silent,
      embedderFor: () => dying,
      staleAfterMs: 60_000,
      // One embedder call and one write per batch of 16: two calls, then the crash.
      batchSize: 16,
      writeChunks: 16,
    });
    await api.platform.ingestion.stop();
    const created = await api.request('post', `/v1/orgs/${org.orgId}/bots/${bot}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'long', text: paragraphs.join('\n\n') },
    });
    expect(created.status).toBe(201);
    doomed.kick();
    while (dying.calls <= 2) await new Promise((resolve) => setTimeout(resolve, 20));
    const job = await api.db.ingestJob.findFirstOrThrow({ where: { sourceId: created.body.source.id } });
    expect(job.status).toBe('running');
    expect(job.chunksDone).toBe(32);
    expect(job.chunksTotal).toBeGreaterThan(32);
    await doomed.stop(); // the process dies: the job stays "running", its lock goes stale

    const rescuer = new IngestionWorker({
      db: api.db,
      log: silent,
      embedderFor: () => new LocalHashEmbedder(),
      staleAfterMs: 0,
    });
    rescuer.kick();
    await rescuer.idle();
    const done = await api.db.ingestJob.findFirstOrThrow({ where: { id: job.id } });
    expect(done).toMatchObject({ status: 'done', chunksDone: job.chunksTotal, attempts: 2 });
    expect(await api.db.chunk.count({ where: { sourceId: created.body.source.id } })).toBe(job.chunksTotal);
    const unembedded = await api.db.$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM "Chunk" WHERE "sourceId" = ${created.body.source.id}::uuid AND embedding IS NULL`;
    expect(unembedded[0]?.n).toBe(0);
  });
});

describe('storage cap', () => {
  it('refuses knowledge beyond the plan’s bytes with 402 and writes nothing', async () => {
    const small = await api.createOrg('22');
    plans.setPlan('22', { quotas: { knowledgeBytes: 100 } });
    const bot = await api.createBot(small);
    const ok = await api.request('post', `/v1/orgs/22/bots/${bot}/sources`, {
      token: small.token,
      body: { type: 'text', name: 'a', text: 'x'.repeat(60) },
    });
    expect(ok.status).toBe(201);
    const over = await api.request('post', `/v1/orgs/22/bots/${bot}/sources`, {
      token: small.token,
      body: { type: 'text', name: 'b', text: 'y'.repeat(60) },
    });
    expect(over.status).toBe(402);
    expect(over.body.error.details).toMatchObject({ reason: 'KNOWLEDGE_STORAGE', limit: 100 });
    expect(await api.db.source.count({ where: { botId: bot } })).toBe(1);
  });
});
