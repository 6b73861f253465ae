import { toHex } from '@cosmjs/encoding';
import {
  type Attestation,
  attestationToJson,
  generateSignerKey,
  hashAttestation,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import { buildReceipt, type Receipt, receiptToJson, signReceipt } from '@privexbot/schema/receipt';
import { describe, expect, it } from 'vitest';
import { verifyReceiptLeaves } from './verify-receipt-leaves.js';

const key = generateSignerKey();
const signer = signerPublicKey(key);
const BOTS = ['8f14e45f-ceea-467f-a2b8-2c1d2e3f4a5b', '0f5f2c1e-2a4b-4c6d-8e0f-1a2b3c4d5e6f'];

function attestation(seq: bigint): Attestation {
  return {
    v: 1,
    signer,
    seq,
    org: 1n + (seq % 2n),
    bot: BOTS[Number((seq / 2n) % 2n)] as string,
    ts: 1_800_000_000n,
    promptTokens: 10 + Number(seq),
    completionTokens: Number(seq),
    reqHash: new Uint8Array(32).fill(Number(seq)),
    model: 'm',
  };
}

const attestations = Array.from({ length: 8 }, (_, i) => attestation(BigInt(i + 5)));
const json = attestations.map((a) =>
  attestationToJson({ attestation: a, signature: signAttestation(a, key) }),
);
const hashes = attestations.map((a) => toHex(hashAttestation(a)));
const honest = buildReceipt(attestations);
const signed = (receipt: Receipt) => receiptToJson({ receipt, signature: signReceipt(receipt, key) });
const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

describe('verifyReceiptLeaves', () => {
  it('passes an honest receipt against every leaf, the published hashes, and one org’s leaves', () => {
    const receipt = signed(honest);
    expect(verifyReceiptLeaves(receipt, { hashes, attestations: json })).toEqual([]);
    const orgTwo = json.filter((a) => a.org === '2');
    expect(verifyReceiptLeaves(receipt, { hashes, attestations: orgTwo })).toEqual([]);
  });

  it('catches a gateway that signs a delta its attestations do not add up to, naming the receipt', () => {
    // same range, same root, same message count: only one line's prompt tokens are inflated
    const lines = honest.lines.map((line, i) =>
      i === 0 ? { ...line, promptTokens: line.promptTokens + 1_000n } : line,
    );
    const forged = signed({ ...honest, lines });
    const problems = verifyReceiptLeaves(forged, { hashes, attestations: json });
    expect(codes(problems)).toEqual(['RECEIPT_LINE_MISMATCH']);
    expect(problems[0]?.message).toMatch(
      new RegExp(
        `^receipt ${toHex(signer)} 5\\.\\.12 \\(${forged.hash}\\): org 1, bot [0-9a-f-]+, day \\d+: the receipt says`,
      ),
    );
    // moving a message from one org to another keeps the count: each org's auditor sees it
    const moved = honest.lines.map((line) =>
      line.org === 1n && line === honest.lines[0]
        ? { ...line, messages: line.messages + 1n }
        : line.org === 2n && line === honest.lines.find((l) => l.org === 2n)
          ? { ...line, messages: line.messages - 1n }
          : line,
    );
    const shifted = signed({ ...honest, lines: moved });
    expect(codes(verifyReceiptLeaves(shifted, { hashes }))).toEqual([]);
    expect(codes(verifyReceiptLeaves(shifted, { attestations: json.filter((a) => a.org === '1') }))).toEqual([
      'RECEIPT_LINE_MISMATCH',
    ]);
  });

  it('catches a root that the published leaves do not rebuild, a missing leaf, and a bad signature', () => {
    const receipt = signed(honest);
    const swapped = [hashes[1], hashes[0], ...hashes.slice(2)] as string[];
    expect(codes(verifyReceiptLeaves(receipt, { hashes: swapped }))).toEqual(['RECEIPT_ROOT_MISMATCH']);
    expect(codes(verifyReceiptLeaves(receipt, { hashes: hashes.slice(1) }))).toEqual([
      'RECEIPT_COUNT_MISMATCH',
    ]);
    const otherKey = generateSignerKey();
    const bySomeoneElse = {
      ...receipt,
      signature: toHex(signReceipt({ ...honest, signer: signerPublicKey(otherKey) }, otherKey)),
    };
    expect(codes(verifyReceiptLeaves(bySomeoneElse, { hashes }))).toEqual(['RECEIPT_BAD_SIGNATURE']);
  });

  it('refuses leaves hidden from an org’s auditor and leaves from outside the range', () => {
    const receipt = signed(honest);
    const orgOne = json.filter((a) => a.org === '1');
    expect(codes(verifyReceiptLeaves(receipt, { hashes, attestations: orgOne.slice(1) }))).toContain(
      'RECEIPT_LINE_MISMATCH',
    );
    const outside = attestation(40n);
    const foreign = attestationToJson({ attestation: outside, signature: signAttestation(outside, key) });
    expect(codes(verifyReceiptLeaves(receipt, { hashes, attestations: [...json, foreign] }))).toEqual([
      'RECEIPT_FOREIGN_LEAF',
    ]);
  });
});
