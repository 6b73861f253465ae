import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryPermit } from '../chain/chain-client.js';
import {
  AuditInputError,
  type AuditSources,
  collectOrgAuditInput,
  collectPublicAuditInput,
  fetchOrgAttestations,
  fetchOrgShares,
  fetchPublishedBatch,
} from './collect-audit-input.js';
import type { AuditBatchHeader } from './verify-published-batches.js';

const permit = { params: { permit_name: 'p' } } as unknown as QueryPermit;
const receiptHeader = {
  signer: `02${'11'.repeat(32)}`,
  first_seq: '1',
  last_seq: '1',
  count: 1,
  root: '22'.repeat(32),
  receipt_hash: '33'.repeat(32),
  prompt_tokens: '1',
  completion_tokens: '1',
  tx_hash: null,
  height: null,
  origin: 'submitted',
};

/** A relayer that misbehaves the ways the collection must survive or report. */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/batches/0') return json(200, { attestation_hashes: ['ab'] });
      if (req.url === '/batches/1') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html>proxy error</html>');
      }
      if (req.url === '/orgs/1/attestations') {
        const after = (JSON.parse(body) as { after?: string }).after;
        const page = (id: string) => ({ batch: { id }, attestations: [] });
        return after
          ? json(200, { batches: [page('1')] })
          : json(200, { batches: [page('0')], next_after: '0' });
      }
      if (req.url === '/orgs/3/attestations') {
        // a relayer with one batch and two receipts, paging receipts one at a time
        const { after, receipts_after } = JSON.parse(body) as { after?: string; receipts_after?: string };
        const share = (id: string) => ({ receipt: { ...receiptHeader, id }, lines: [], attestations: [] });
        return receipts_after
          ? json(200, {
              batches: after === '0' ? [] : [{ batch: { id: '0' }, attestations: [] }],
              next_after: null,
              receipts: [share('1')],
              next_receipts_after: null,
            })
          : json(200, {
              batches: [{ batch: { id: '0' }, attestations: [] }],
              next_after: null,
              receipts: [share('0')],
              next_receipts_after: '0',
            });
      }
      if (req.url === '/orgs/4/attestations')
        return json(200, { batches: [], receipts: [{ receipt: { id: '0' } }], next_after: null });
      if (req.url === '/orgs/2/attestations')
        return json(403, { error: { code: 'PERMIT_REVOKED', message: 'the permit was revoked' } });
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>not found</html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the publication over HTTP', () => {
  it('returns a published batch, nothing for a 404, and refuses a page that is not JSON', async () => {
    expect(await fetchPublishedBatch(base, 0)).toEqual({ attestation_hashes: ['ab'] });
    expect(await fetchPublishedBatch(base, 7)).toBeUndefined();
    await expect(fetchPublishedBatch(base, 1)).rejects.toThrow(/batches\/1 is not JSON/);
  });

  it('reports an unreachable relayer as an input error, not a finding', async () => {
    await expect(fetchPublishedBatch('http://127.0.0.1:1', 0)).rejects.toBeInstanceOf(AuditInputError);
  });
});

describe("an org's attestations", () => {
  it('follows the pages to the end', async () => {
    const batches = await fetchOrgAttestations(base, '1', { permit });
    expect(batches.map((b) => b.batch.id)).toEqual(['0', '1']);
  });

  it('follows the batch and the receipt cursors each to its end, repeating no batch', async () => {
    const shares = await fetchOrgShares(base, '3', { permit });
    expect(shares.batches.map((b) => b.batch.id)).toEqual(['0']);
    expect(shares.receipts.map((r) => r.receipt.id)).toEqual(['0', '1']);
  });

  it('refuses receipt shares that are not in the documented shape', async () => {
    await expect(fetchOrgShares(base, '4', { permit })).rejects.toThrow(
      /answered receipts that are not org shares \(0\.receipt\./,
    );
  });

  it("stops with the relayer's refusal code, which the dapp uses to sign a fresh permit", async () => {
    const refusal = await fetchOrgAttestations(base, '2', { permit }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AuditInputError);
    expect((refusal as AuditInputError).code).toBe('PERMIT_REVOKED');
    expect((refusal as Error).message).toMatch(/refused org 2's attestations \(PERMIT_REVOKED/);
  });
});

describe('collecting from the contract', () => {
  const header = (id: number, signer: string): AuditBatchHeader => ({
    id,
    signer,
    first_seq: String(id + 1),
    last_seq: String(id + 1),
    count: 1,
    merkle_root: '',
    time: '1',
    prompt_tokens: '1',
    completion_tokens: '1',
  });
  const headers = Array.from({ length: 150 }, (_, i) => header(i, i < 100 ? 'AQ==' : 'Ag=='));
  const receiptHeaders = Array.from({ length: 130 }, (_, i) => ({ ...header(150 + i, 'AQ=='), id: i }));
  const queries: Record<string, unknown>[] = [];
  const sources: AuditSources = {
    queryUsage: async <T>(msg: Record<string, unknown>) => {
      queries.push(msg);
      const q = msg as {
        batches?: { start: number; limit: number };
        receipts?: { start: number; limit: number };
        signer?: { pubkey: string };
        org_usage?: { from_day: number; to_day: number };
      };
      if (q.batches)
        return {
          batches: headers.slice(q.batches.start, q.batches.start + q.batches.limit),
          total: 150,
        } as T;
      if (q.receipts)
        return {
          receipts: receiptHeaders.slice(q.receipts.start, q.receipts.start + q.receipts.limit),
          total: 131, // one more settled after the totals were read: not part of this audit
        } as T;
      if (q.signer) {
        if (q.signer.pubkey === 'Ag==') throw new Error('unknown signer');
        return { mode: 'tee', revoked_at: null, last_seq: '100' } as T;
      }
      if (q.org_usage) return { days: [{ day: q.org_usage.from_day }] } as T;
      return {
        batches: 150,
        receipts: 130,
        counters: { messages: '280', prompt_tokens: '280', completion_tokens: '280' },
      } as T;
    },
    isUnknownSigner: (error) => error instanceof Error && error.message === 'unknown signer',
    publishedBatch: async (id) => (id === 0 ? { attestation_hashes: [] } : undefined),
    publishedReceipt: async (id) => (id === 7 ? { receipt: { id: '7' } } : undefined),
  };

  it('pages through every header and asks once per signer; an unknown signer is a finding', async () => {
    const input = await collectPublicAuditInput(sources, { allowDevSigners: true });
    expect(input.headers).toHaveLength(150);
    expect([...input.published.keys()]).toEqual([0]);
    expect([...input.signers.entries()]).toEqual([
      ['01', { mode: 'tee', revoked_at: null, last_seq: '100' }],
      ['02', undefined],
    ]);
    expect(queries.filter((q) => 'signer' in q)).toHaveLength(2);
    expect(input.totals?.messages).toBe('280');
    // receipt headers in pages, as many as the totals counted
    expect(queries.filter((q) => 'receipts' in q).map((q) => q.receipts)).toEqual([
      { start: 0, limit: 100 },
      { start: 100, limit: 30 },
    ]);
    expect(input.receipts?.map((r) => r.id)).toEqual(receiptHeaders.map((r) => r.id));
    expect([...(input.publishedReceipts?.keys() ?? [])]).toEqual([7]);
    expect(input.allowDevSigners).toBe(true);
  });

  it("reads an org's counters in spans the contract accepts (at most 366 days)", async () => {
    queries.length = 0;
    const org = await collectOrgAuditInput(sources, [], {
      orgs: ['1'],
      permit,
      relayerUrl: base,
      fromDay: 0,
      toDay: 800,
    });
    const spans = queries.map((q) => (q as { org_usage: { from_day: number; to_day: number } }).org_usage);
    expect(spans.map((s) => [s.from_day, s.to_day])).toEqual([
      [0, 365],
      [366, 731],
      [732, 800],
    ]);
    expect(org.orgAttestations.get('1')).toEqual([]);
    expect(org.dayRange).toEqual({ from: 0, to: 800 });
  });
});
