import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Attestation,
  generateSignerKey,
  hashAttestation,
  merkleRoot,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import { aggregateReceiptLines, receiptFromJson, verifyReceipt } from '@privexbot/schema/receipt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AttestationLog } from './attestation-log.js';
import type { GatewayConfig } from './load-gateway-config.js';
import { RangeReceipts } from './range-receipts.js';
import { type Gateway, startGateway } from './start-gateway.js';
import { chat, chatBody, FEED_TOKEN, PLATFORM_SECRET } from './test-support/call-gateway.js';

const privateKey = generateSignerKey();
const signer = signerPublicKey(privateKey);
const signerHex = Buffer.from(signer).toString('hex');
const BOTS = ['8f14e45f-ceea-467f-a2b8-2c1d2e3f4a5b', '0f5f2c1e-2a4b-4c6d-8e0f-1a2b3c4d5e6f'];
const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function attestation(seq: bigint): Attestation {
  return {
    v: 1,
    signer,
    seq,
    org: 1n + (seq % 3n),
    bot: BOTS[Number(seq % 2n)] as string,
    // two UTC days
    ts: 1_800_000_000n + (seq > 6n ? 86_400n : 0n),
    promptTokens: 10 + Number(seq),
    completionTokens: Number(seq) * 2,
    reqHash: new Uint8Array(32).fill(Number(seq)),
    model: 'm',
  };
}

async function open(count: number, dir = mkdtempSync(join(tmpdir(), 'range-receipts-'))) {
  dirs.push(dir);
  const log = await AttestationLog.open(dir, signerHex);
  for (let i = 0; i < count; i++)
    await log.appendNext((seq) => ({
      attestation: attestation(seq),
      signature: signAttestation(attestation(seq), privateKey),
    }));
  const receipts = await RangeReceipts.open(dir, log, privateKey);
  const close = async () => {
    await receipts.close();
    await log.close();
  };
  closers.push(close);
  return { dir, log, receipts, close };
}

const seqs = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, i) => attestation(BigInt(first + i)));

describe('gateway receipts over its own attestation log', () => {
  it('signs the range: its Merkle root and per (org, bot, day) sums of exactly its attestations', async () => {
    const { receipts } = await open(10);
    const json = await receipts.receiptFor(1n, 10n);
    const { receipt, signature } = receiptFromJson(json);
    expect(verifyReceipt(receipt, signature)).toBe(true);
    expect(json).toMatchObject({ signer: signerHex, first_seq: '1', last_seq: '10' });
    expect(Buffer.from(receipt.root).toString('hex')).toBe(
      Buffer.from(merkleRoot(seqs(1, 10).map(hashAttestation))).toString('hex'),
    );
    expect(receipt.lines).toEqual(aggregateReceiptLines(seqs(1, 10)));
    // 3 orgs × 2 bots × 2 days, sparsely: every answer in exactly one line
    expect(receipt.lines.reduce((n, line) => n + line.messages, 0n)).toBe(10n);
    expect(new Set(receipt.lines.map((line) => line.day)).size).toBe(2);
  });

  it('answers the same range with the same receipt, also after a restart, and continues after it', async () => {
    const { dir, receipts, close } = await open(12);
    const first = await receipts.receiptFor(1n, 5n);
    expect(await receipts.receiptFor(1n, 5n)).toEqual(first);
    const [a, b] = await Promise.all([receipts.receiptFor(6n, 9n), receipts.receiptFor(6n, 9n)]);
    expect(a).toEqual(b);
    expect(
      readFileSync(join(dir, `receipts-${signerHex}.jsonl`), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(2);
    await close();
    closers.splice(0);

    const log = await AttestationLog.open(dir, signerHex);
    const reopened = await RangeReceipts.open(dir, log, privateKey);
    closers.push(async () => {
      await reopened.close();
      await log.close();
    });
    expect(reopened.lastReceiptedSeq).toBe(9n);
    expect(await reopened.receiptFor(1n, 5n)).toEqual(first);
    expect(await reopened.receiptFor(6n, 9n)).toEqual(a);
    expect((await reopened.receiptFor(10n, 12n)).first_seq).toBe('10');
  });

  it('refuses, with a stable code, a range not yet attested, overlapping a receipt, or leaving a gap', async () => {
    const { receipts } = await open(8);
    await expect(receipts.receiptFor(1n, 9n)).rejects.toMatchObject({
      code: 'RANGE_NOT_ATTESTED',
      status: 409,
      details: { last_attested_seq: '8' },
    });
    // the first receipt may start anywhere: v1 batches may have settled the numbers before it
    await receipts.receiptFor(3n, 5n);
    await expect(receipts.receiptFor(3n, 6n)).rejects.toMatchObject({
      code: 'RECEIPT_CONFLICT',
      details: { first_seq: '3', last_seq: '5' },
    });
    await expect(receipts.receiptFor(4n, 6n)).rejects.toMatchObject({ code: 'RECEIPT_CONFLICT' });
    await expect(receipts.receiptFor(1n, 2n)).rejects.toMatchObject({ code: 'RECEIPT_CONFLICT' });
    await expect(receipts.receiptFor(7n, 8n)).rejects.toMatchObject({
      code: 'RECEIPT_NOT_CONTIGUOUS',
      details: { next_first_seq: '6' },
    });
    await expect(receipts.receiptFor(6n, 5n)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(receipts.receiptFor(6n, 30_000n)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    // nothing refused was written: the next receipt continues the last good one
    expect(receipts.lastReceiptedSeq).toBe(5n);
    expect((await receipts.receiptFor(6n, 8n)).last_seq).toBe('8');
  });

  it('drops a torn last receipt line (a crash mid-write, never returned) and signs it again', async () => {
    const { dir, receipts, close } = await open(6);
    const good = await receipts.receiptFor(1n, 3n);
    await close();
    closers.splice(0);
    appendFileSync(join(dir, `receipts-${signerHex}.jsonl`), '{"v":2,"signer":"02');
    const log = await AttestationLog.open(dir, signerHex);
    const reopened = await RangeReceipts.open(dir, log, privateKey);
    closers.push(async () => {
      await reopened.close();
      await log.close();
    });
    expect(await reopened.receiptFor(1n, 3n)).toEqual(good);
    expect((await reopened.receiptFor(4n, 6n)).first_seq).toBe('4');
    const lines = readFileSync(join(dir, `receipts-${signerHex}.jsonl`), 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((line) => JSON.parse(line).first_seq)).toEqual(['1', '4']);
  });
});

describe('gateway POST /receipts', () => {
  it('serves receipts to feed-token holders only, with stable error codes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'range-receipts-gw-'));
    dirs.push(dataDir);
    const config: GatewayConfig = {
      host: '127.0.0.1',
      port: 0,
      dataDir,
      platformSecret: PLATFORM_SECRET,
      feedToken: FEED_TOKEN,
      authWindowMs: 30_000,
      secretVmQuotePath: '/cpu',
      maxBodyBytes: 100_000,
    };
    const gateway: Gateway = await startGateway(config, { logger: pino({ level: 'silent' }) });
    closers.push(() => gateway.close());
    for (let i = 0; i < 4; i++) await chat(gateway.url, chatBody({ org: String(7 + (i % 2)) }));
    const ask = (body: unknown, token = FEED_TOKEN) =>
      fetch(`${gateway.url}/receipts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    expect((await ask({ first_seq: '1', last_seq: '4' }, 'wrong-token-0123456789')).status).toBe(401);
    const response = await ask({ first_seq: '1', last_seq: '4' });
    expect(response.status).toBe(200);
    const { receipt, signature } = receiptFromJson(await response.json());
    expect(verifyReceipt(receipt, signature)).toBe(true);
    expect(Buffer.from(receipt.signer).toString('hex')).toBe(gateway.signerHex);
    expect(receipt.lines.map((line) => [line.org, line.messages])).toEqual([
      [7n, 2n],
      [8n, 2n],
    ]);
    const notYet = await ask({ first_seq: '5', last_seq: '5' });
    expect(notYet.status).toBe(409);
    expect(((await notYet.json()) as { error: { code: string } }).error.code).toBe('RANGE_NOT_ATTESTED');
    const bad = await ask({ first_seq: 1, last_seq: '4' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    expect((await ask('{"first_seq":')).status).toBe(400);
    expect((await fetch(`${gateway.url}/receipts`)).status).toBe(405);
  });
});
