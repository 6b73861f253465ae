import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformTestApi,
  startPlatformTestApi,
} from '../services/bots/test-support/start-platform-test-api.js';
import {
  csvSingleLine,
  docxLyingAboutSize,
  docxZipBomb,
  pdfRecursiveObjectStream,
} from '../testing/hostile-documents.js';

/**
 * Hostile uploads (issue 17, item 5): each is refused with a 4xx code while a second client
 * keeps asking `/healthz`, which must keep answering: parsing runs off the event loop.
 * The p99 is printed, not asserted (timings are for scripts/bench); the bound asserted is
 * a generous 1 s, where parsing on the event loop took 13 s.
 */
let api: PlatformTestApi;
let org: { orgId: string; token: string };
let botId: string;
let site: Server;
let siteUrl: string;
const hostileCsv = csvSingleLine(50 * 1024 * 1024);
const heldResponses: (() => void)[] = [];

beforeAll(async () => {
  api = await startPlatformTestApi({
    env: {
      MAX_BODY_BYTES: String(8 * 1024 * 1024),
      URL_FETCH_ALLOW_LOOPBACK: 'true',
      URL_FETCH_MAX_BYTES: String(60 * 1024 * 1024),
      URL_FETCH_TIMEOUT_MS: '30000',
      DOCUMENT_UPLOADS_PER_ORG: '2',
    },
  });
  org = await api.createOrg('171');
  botId = await api.createBot(org);
  site = createServer((req, res) => {
    if (req.url === '/one-line.csv') {
      res.setHeader('content-type', 'text/csv');
      res.end(hostileCsv);
    } else if (req.url === '/bad-redirect') {
      res.writeHead(302, { location: 'http://[not-an-address/page' }).end();
    } else if (req.url === '/redirect-to-ftp') {
      res.writeHead(301, { location: 'ftp://files.example/page.txt' }).end();
    } else if (req.url === '/held.txt') {
      // Answers only when the test releases it: an upload that stays in flight.
      heldResponses.push(() => {
        res.setHeader('content-type', 'text/plain');
        res.end('Held page: the workshop opens at nine.');
      });
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const release of heldResponses.splice(0)) release();
  site?.closeAllConnections();
  site?.close();
  await api?.close();
});

/** Runs an upload while another client times `/healthz` every 10 ms until the upload answers. */
async function uploadTimingHealthz(body: unknown, label: string) {
  let done = false;
  const healthz: number[] = [];
  const sampler = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${api.baseUrl}/healthz`);
      await response.text();
      expect(response.status).toBe(200);
      healthz.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const started = performance.now();
  const response = await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/sources`, {
    token: org.token,
    body,
  });
  const uploadMs = performance.now() - started;
  done = true;
  await sampler;
  const sorted = [...healthz].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
  console.log(
    `${label}: ${response.status} ${response.body?.error?.code} in ${uploadMs.toFixed(0)} ms; /healthz ${healthz.length} answers, p99 ${p99.toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
  );
  return { response, healthz, maxHealthzMs: sorted.at(-1) ?? 0 };
}

describe('hostile uploads are refused without stalling the api', () => {
  it('refuses a DOCX zip bomb (1 MB expanding to 330 MB) before inflating it', async () => {
    const { docx, expandedBytes } = await docxZipBomb(330 * 1000 * 1000);
    expect(expandedBytes).toBeGreaterThan(300_000_000);
    const { response, healthz, maxHealthzMs } = await uploadTimingHealthz(
      { type: 'file', name: 'bomb.docx', contentBase64: docx.toString('base64') },
      'docx zip bomb',
    );
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({
      code: 'DOCUMENT_TOO_LARGE',
      details: { reason: 'EXPANDS_TOO_MUCH', format: 'docx' },
    });
    expect(healthz.length).toBeGreaterThan(0);
    expect(maxHealthzMs).toBeLessThan(1000);
    expect(await api.db.source.count({ where: { botId } })).toBe(0);
  });

  it('refuses a DOCX whose entry inflates past the size it declares', async () => {
    const docx = await docxLyingAboutSize(20_000_000);
    const { response } = await uploadTimingHealthz(
      { type: 'file', name: 'liar.docx', contentBase64: docx.toString('base64') },
      'docx lying about its size',
    );
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({
      code: 'DOCUMENT_TOO_LARGE',
      details: { reason: 'SIZE_MISMATCH' },
    });
  });

  it('refuses a PDF with a recursive object stream that inflates to 200 MB', async () => {
    const pdf = await pdfRecursiveObjectStream(200 * 1000 * 1000);
    const { response, healthz, maxHealthzMs } = await uploadTimingHealthz(
      { type: 'file', name: 'loop.pdf', mimeType: 'application/pdf', contentBase64: pdf.toString('base64') },
      'pdf recursive object stream',
    );
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({
      code: 'DOCUMENT_TOO_LARGE',
      details: { reason: 'EXPANDS_TOO_MUCH', format: 'pdf' },
    });
    expect(healthz.length).toBeGreaterThan(0);
    expect(maxHealthzMs).toBeLessThan(1000);
  });

  it('refuses a 50 MB single-line CSV', async () => {
    const { response, healthz, maxHealthzMs } = await uploadTimingHealthz(
      { type: 'url', url: `${siteUrl}/one-line.csv` },
      'csv, one 50 MB line',
    );
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({
      code: 'DOCUMENT_TOO_LARGE',
      details: { reason: 'RECORD_TOO_LONG', format: 'csv' },
    });
    expect(healthz.length).toBeGreaterThan(0);
    expect(maxHealthzMs).toBeLessThan(1000);
  });

  it('refuses HTML nested 200,000 deep with a 4xx', async () => {
    const html = Buffer.from(`<html><body>${'<div>'.repeat(200_000)}deep</body></html>`);
    const { response, healthz } = await uploadTimingHealthz(
      { type: 'file', name: 'deep.html', mimeType: 'text/html', contentBase64: html.toString('base64') },
      'html nested 200,000 deep',
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ details: { reason: 'UNREADABLE_DOCUMENT', format: 'html' } });
    expect(healthz.length).toBeGreaterThan(0);
  });

  it('bounds the uploads one org has in flight (429), and frees the slot when one ends', async () => {
    const held = [1, 2].map(() =>
      api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/sources`, {
        token: org.token,
        body: { type: 'url', url: `${siteUrl}/held.txt` },
      }),
    );
    while (heldResponses.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const third = await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'third', text: 'A third document.' },
    });
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { reason: 'UPLOAD_CONCURRENCY', limit: 2 },
    });
    for (const release of heldResponses.splice(0)) release();
    // Same page twice: one is created, the other is its duplicate.
    const statuses = (await Promise.all(held)).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 201]);
    const fourth = await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/sources`, {
      token: org.token,
      body: { type: 'text', name: 'fourth', text: 'A fourth document.' },
    });
    expect(fourth.status).toBe(201);
  });
});

describe('URL ingestion through a malformed redirect', () => {
  it('answers 400 URL_REDIRECT_INVALID, not 500, and writes nothing', async () => {
    for (const path of ['/bad-redirect', '/redirect-to-ftp']) {
      const response = await api.request('post', `/v1/orgs/${org.orgId}/bots/${botId}/sources`, {
        token: org.token,
        body: { type: 'url', url: `${siteUrl}${path}` },
      });
      expect(response.status, path).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'URL_REDIRECT_INVALID',
        details: { reason: 'REDIRECT_INVALID' },
      });
    }
    expect(await api.db.source.count({ where: { botId, name: { contains: 'redirect' } } })).toBe(0);
  });
});
