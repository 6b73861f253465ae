import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Attestation,
  generateSignerKey,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import { afterEach, describe, expect, it } from 'vitest';
import { AttestationLog } from './attestation-log.js';

const privateKey = generateSignerKey();
const signer = signerPublicKey(privateKey);
const signerHex = Buffer.from(signer).toString('hex');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sign(seq: bigint) {
  const attestation: Attestation = {
    v: 1,
    signer,
    seq,
    org: 3n,
    bot: '8f14e45f-ceea-467f-a2b8-2c1d2e3f4a5b',
    ts: 1_800_000_000n,
    promptTokens: 10,
    completionTokens: Number(seq),
    reqHash: new Uint8Array(32),
    model: 'm',
  };
  return { attestation, signature: signAttestation(attestation, privateKey) };
}

async function logWith(count: number): Promise<{ dir: string; log: AttestationLog }> {
  const dir = mkdtempSync(join(tmpdir(), 'attestation-log-'));
  dirs.push(dir);
  const log = await AttestationLog.open(dir, signerHex);
  for (let i = 0; i < count; i++) await log.appendNext(sign);
  return { dir, log };
}

describe('attestation log', () => {
  it('numbers concurrent appends 1, 2, 3... in file order', async () => {
    const { log } = await logWith(0);
    const results = await Promise.all(Array.from({ length: 25 }, () => log.appendNext(sign)));
    expect(results.map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    const lines = await log.readAfter(0n, 100);
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual(results.map((r) => r.seq));
    expect((await log.readAfter(20n, 3)).map((l) => JSON.parse(l).seq)).toEqual(['21', '22', '23']);
    expect(await log.readAfter(25n, 3)).toEqual([]);
    await log.close();
  });

  it('refuses an append that would not continue the log', async () => {
    const { log } = await logWith(2);
    await expect(log.appendNext(() => sign(7n))).rejects.toThrow(/does not continue/);
    // The queue is not wedged by the failure.
    expect((await log.appendNext(sign)).seq).toBe('3');
    await log.close();
  });

  it('cuts a torn last line at open and continues after the last whole one', async () => {
    const { dir, log } = await logWith(3);
    await log.close();
    appendFileSync(log.path, '{"v":1,"sig');
    const reopened = await AttestationLog.open(dir, signerHex);
    expect(reopened.lastSeq).toBe(3n);
    expect(reopened.repairedBytes).toBe('{"v":1,"sig'.length);
    expect((await reopened.appendNext(sign)).seq).toBe('4');
    expect(readFileSync(log.path, 'utf8').trim().split('\n')).toHaveLength(4);
    await reopened.close();
  });

  it('refuses to open a log damaged anywhere but its tail', async () => {
    const { dir, log } = await logWith(3);
    await log.close();
    const lines = readFileSync(log.path, 'utf8').split('\n');
    writeFileSync(log.path, [lines[0], 'garbage', lines[2], ''].join('\n'));
    await expect(AttestationLog.open(dir, signerHex)).rejects.toThrow(/line 2 is not JSON/);
    writeFileSync(log.path, [lines[0], lines[2], ''].join('\n'));
    await expect(AttestationLog.open(dir, signerHex)).rejects.toThrow(/out of order/);
  });
});
