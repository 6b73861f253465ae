/**
 * The relayer's loop in settlement v2 (its default), against the chain the stack runs (the
 * devnet's real usage wasm, or wasmd with PRIVEXBOT_TEST_CHAIN=wasmd), a real gateway process
 * and the embedded PostgreSQL: ranges due by size and age settle as one signed receipt each,
 * the publication gives anyone the header and leaf hashes (and an org only its share), a
 * receipt on chain that the database lacks is adopted, a contract refusal (`sequence replay`)
 * leads to reconciliation, not a blind resubmission, and a range the gateway signed before is
 * settled exactly as signed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, fromHex, toHex } from '@cosmjs/encoding';
import { GatewayFeed } from '@privexbot/relayer/gateway/gateway-feed';
import { serveRelayerHttp } from '@privexbot/relayer/http/serve-relayer-http';
import { toOrgReceipt } from '@privexbot/relayer/publish/public-batch';
import { writeMissingBatchFiles, writeSettledFile } from '@privexbot/relayer/publish/write-batch-files';
import { type Relayer, startRelayer } from '@privexbot/relayer/start-relayer';
import { merkleProofFromJson, merkleRoot, verifyMerkleProof } from '@privexbot/schema/attestation';
import { verifyReceiptLeaves } from '@privexbot/schema/audit';
import { usageClient } from '@privexbot/schema/contracts';
import {
  encodeSubmitReceipt,
  orgReceiptSchema,
  publicReceiptListSchema,
  publicReceiptSchema,
  receiptFromJson,
} from '@privexbot/schema/receipt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chainReceipts,
  FEED_TOKEN,
  type GatewayProcess,
  type RelayerStack,
  startRelayerStack,
  TEST_CHAIN,
  waitFor,
} from './relayer-stack.js';

const silent = pino({ level: 'silent' });

describe(`the relayer settles receipts (v2) on the ${TEST_CHAIN}`, () => {
  let stack: RelayerStack;

  beforeAll(async () => {
    stack = await startRelayerStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function newGateway(name: string): Promise<GatewayProcess> {
    const gateway = await stack.startGateway(name);
    await stack.registerSigner(gateway.signer);
    return gateway;
  }

  function relayer(
    gateway: GatewayProcess,
    overrides: Partial<Parameters<typeof startRelayer>[0]> = {},
  ): Promise<Relayer> {
    return startRelayer({
      relayerId: `relayer-${gateway.signer.slice(2, 10)}`,
      gateways: [{ url: gateway.url, token: FEED_TOKEN }],
      chain: stack.relayerChain,
      usageContract: stack.usage,
      pool: stack.newPool(),
      batchSize: 4,
      batchAgeMs: 200,
      pollIntervalMs: 50,
      reconcileIntervalMs: 60_000,
      leaseTtlMs: 3000,
      logger: silent,
      ...overrides,
    });
  }

  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
  const lastSeq = async (gateway: GatewayProcess) =>
    usageClient(stack.relayerChain, stack.usage).lastSeq(b64(gateway.signer));
  const receiptsOf = async (gateway: GatewayProcess) =>
    (await chainReceipts(stack.relayerChain, stack.usage)).filter((h) => h.signer === b64(gateway.signer));

  it('settles ranges due by size and age as one receipt each, publishes header and leaf hashes, and an org only its share', async () => {
    const gateway = await newGateway('gw-v2-honest');
    for (let i = 0; i < 10; i++) await gateway.chat(BigInt(1 + (i % 2)), i);
    const publishDir = mkdtempSync(join(tmpdir(), 'relayer-receipts-'));
    const r: Relayer = await relayer(gateway, {
      onSettled: (kind, id) => void writeSettledFile(r.store, publishDir, kind, id),
    });
    const http = await serveRelayerHttp(r, { host: '127.0.0.1', port: 0, logger: silent });
    try {
      await waitFor(async () => (await r.store.cursor(gateway.signer)) === 10n, 20_000, 'the cursor at 10');
      expect(await lastSeq(gateway)).toBe(10n);
      const headers = await receiptsOf(gateway);
      // 10 answers with ranges of at most 4: two full ranges, and the rest once old enough
      expect(headers.map((h) => [h.first_seq, h.last_seq])).toEqual([
        ['1', '4'],
        ['5', '8'],
        ['9', '10'],
      ]);
      // nothing went on chain as v1 batches
      const totals = await usageClient(stack.relayerChain, stack.usage).query('totals', {});
      expect(totals.receipts).toBeGreaterThanOrEqual(3);

      const attestations = await gateway.allAttestations();
      const list = publicReceiptListSchema.parse(
        await (await fetch(`${http.url}/receipts?signer=${gateway.signer}&from=5`)).json(),
      );
      expect(list.receipts.map((h) => h.id)).toEqual(headers.slice(1).map((h) => String(h.id)));
      for (const header of headers) {
        const response = await fetch(`${http.url}/receipts/${header.id}`);
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        const body = await response.json();
        const published = publicReceiptSchema.parse(body); // strict: no org line in the public form
        expect(JSON.stringify(body)).not.toContain('"org"');
        const root = toHex(merkleRoot(published.attestation_hashes.map((h) => fromHex(h))));
        expect(root).toBe(toHex(fromBase64(header.root)));
        expect(published.receipt).toMatchObject({
          signer: gateway.signer,
          first_seq: header.first_seq,
          last_seq: header.last_seq,
          count: Number(header.answers),
          receipt_hash: toHex(fromBase64(header.receipt_hash)),
          origin: 'submitted',
        });
        expect(published.attestation_hashes).toEqual(
          attestations
            .slice(Number(header.first_seq) - 1, Number(header.last_seq))
            .map((a) => a.hash as string),
        );

        // an org's share: its lines of the receipt, its attestations proven against the root
        const stored = await r.store.publishedReceipt(BigInt(header.id));
        expect(stored).toBeDefined();
        if (!stored) continue;
        expect(
          verifyReceiptLeaves(stored.receipt, {
            hashes: published.attestation_hashes,
            attestations: stored.attestations,
          }),
        ).toEqual([]);
        const share = orgReceiptSchema.parse(toOrgReceipt(stored, '2'));
        expect(share.lines.every((line) => line.org === '2')).toBe(true);
        expect(share.attestations.every((a) => a.attestation.org === '2')).toBe(true);
        expect(share.lines.reduce((sum, line) => sum + Number(line.messages), 0)).toBe(
          share.attestations.length,
        );
        for (const proven of share.attestations)
          expect(
            verifyMerkleProof(
              fromHex(proven.attestation.hash),
              merkleProofFromJson(proven.proof),
              fromBase64(header.root),
            ),
          ).toBe(true);
      }

      // the static copy is the same public form; one lost in a crash is written again at start
      const file = (id: number) => join(publishDir, 'receipts', `${id}.json`);
      await waitFor(
        async () => headers.every((h) => existsSync(file(h.id))), // written by rename: whole or absent
        5_000,
        'the receipt files',
      );
      for (const h of headers)
        expect(JSON.parse(readFileSync(file(h.id), 'utf8'))).toEqual(
          await (await fetch(`${http.url}/receipts/${h.id}`)).json(),
        );
      rmSync(file(headers[1]?.id ?? 0));
      expect(await writeMissingBatchFiles(r.store, publishDir)).toBe(1);
      publicReceiptSchema.parse(JSON.parse(readFileSync(file(headers[1]?.id ?? 0), 'utf8')));

      const metrics = await (await fetch(`${http.url}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`relayer_receipts_total\\{signer="${gateway.signer}",origin="submitted"\\} 3`),
      );
      const bad = await fetch(`${http.url}/receipts/not-a-number`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
      expect((await fetch(`${http.url}/receipts/99999`)).status).toBe(404);
      expect((await fetch(`${http.url}/receipts?limit=0`)).status).toBe(400);
    } finally {
      await r.stop();
      await http.close();
      rmSync(publishDir, { recursive: true, force: true });
    }
  });

  it('adopts a receipt the chain has but the database lacks (crash after submit), then carries on', async () => {
    const gateway = await newGateway('gw-v2-adopt');
    for (let i = 0; i < 6; i++) await gateway.chat(1n, i);
    // a relayer that crashed after submitting seq 1..3, before recording it
    const feed = new GatewayFeed({ url: gateway.url, token: FEED_TOKEN });
    const signed = await feed.receipt(1n, 3n);
    await usageClient(stack.relayerChain, stack.usage).submitReceipt(
      encodeSubmitReceipt(receiptFromJson(signed)),
    );

    const r = await relayer(gateway);
    try {
      await waitFor(async () => (await r.store.cursor(gateway.signer)) === 6n, 20_000, 'the cursor at 6');
      const stored = await r.store.listReceipts({ signer: gateway.signer, limit: 10 });
      expect(stored.map((h) => [h.first_seq, h.last_seq, h.origin])).toEqual([
        ['1', '3', 'adopted'],
        ['4', '6', 'submitted'],
      ]);
      expect(stored[0]?.receipt_hash).toBe(signed.hash);
      expect(await lastSeq(gateway)).toBe(6n);
    } finally {
      await r.stop();
    }
  });

  it("reconciles on the contract's sequence replay instead of resubmitting, and records the receipt once", async () => {
    const gateway = await newGateway('gw-v2-race');
    for (let i = 0; i < 4; i++) await gateway.chat(1n, i);
    const feed = new GatewayFeed({ url: gateway.url, token: FEED_TOKEN });
    let raced = false;
    const r = await relayer(gateway, {
      // another relayer settles the very receipt between our request and our submission
      faults: async (point) => {
        if (point !== 'before-submit' || raced) return;
        raced = true;
        const signed = await feed.receipt(1n, 4n);
        await usageClient(stack.relayerChain, stack.usage).submitReceipt(
          encodeSubmitReceipt(receiptFromJson(signed)),
        );
      },
    });
    try {
      await waitFor(async () => (await r.store.cursor(gateway.signer)) === 4n, 20_000, 'the cursor at 4');
      expect(raced).toBe(true);
      const metrics = await r.metrics.registry.metrics();
      expect(metrics).toContain('relayer_failures_total{code="SEQUENCE_REJECTED",class="reconcile"} 1');
      const stored = await r.store.listReceipts({ signer: gateway.signer, limit: 10 });
      expect(stored.map((h) => [h.first_seq, h.last_seq, h.origin])).toEqual([['1', '4', 'adopted']]);
      expect(await receiptsOf(gateway)).toHaveLength(1);
    } finally {
      await r.stop();
    }
  });

  it('settles exactly the range the gateway signed before, longer or shorter than its batch size', async () => {
    const gateway = await newGateway('gw-v2-pinned');
    for (let i = 0; i < 9; i++) await gateway.chat(1n, i);
    const feed = new GatewayFeed({ url: gateway.url, token: FEED_TOKEN });
    // a relayer with another batch size asked for 1..6, then crashed before submitting
    await feed.receipt(1n, 6n);
    const r = await relayer(gateway, { batchSize: 4 });
    try {
      await waitFor(async () => (await r.store.cursor(gateway.signer)) === 9n, 20_000, 'the cursor at 9');
      expect((await receiptsOf(gateway)).map((h) => [h.first_seq, h.last_seq])).toEqual([
        ['1', '6'],
        ['7', '9'],
      ]);
    } finally {
      await r.stop();
    }
    for (let i = 9; i < 15; i++) await gateway.chat(1n, i);
    await feed.receipt(10n, 11n); // shorter than the batch size this time
    const again = await relayer(gateway, { batchSize: 4 });
    try {
      await waitFor(
        async () => (await again.store.cursor(gateway.signer)) === 15n,
        20_000,
        'the cursor at 15',
      );
      expect((await receiptsOf(gateway)).map((h) => [h.first_seq, h.last_seq]).slice(2)).toEqual([
        ['10', '11'],
        ['12', '15'],
      ]);
    } finally {
      await again.stop();
    }
  });

  it('settles with v1 batches when told to (RELAYER_SETTLEMENT=v1), on the same sequence', async () => {
    const gateway = await newGateway('gw-v1');
    for (let i = 0; i < 5; i++) await gateway.chat(1n, i);
    const r = await relayer(gateway, { settlement: 'v1' });
    try {
      await waitFor(async () => (await r.store.cursor(gateway.signer)) === 5n, 20_000, 'the cursor at 5');
      expect(await receiptsOf(gateway)).toEqual([]);
      const batches = await r.store.listBatches({ signer: gateway.signer, limit: 10 });
      expect(batches.map((b) => [b.first_seq, b.last_seq])).toEqual([
        ['1', '4'],
        ['5', '5'],
      ]);
    } finally {
      await r.stop();
    }
    // and the same signer continues with receipts after them: one sequence, two versions
    for (let i = 5; i < 8; i++) await gateway.chat(1n, i);
    const v2 = await relayer(gateway);
    try {
      await waitFor(async () => (await v2.store.cursor(gateway.signer)) === 8n, 20_000, 'the cursor at 8');
      expect((await receiptsOf(gateway)).map((h) => [h.first_seq, h.last_seq])).toEqual([['6', '8']]);
    } finally {
      await v2.stop();
    }
  });
});
