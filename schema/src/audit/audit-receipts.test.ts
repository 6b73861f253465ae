import { toBase64, toHex } from '@cosmjs/encoding';
import {
  type Attestation,
  attestationToJson,
  generateSignerKey,
  hashAttestation,
  merkleProof,
  merkleProofToJson,
  merkleRoot,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import {
  buildReceipt,
  type OrgReceipt,
  type PublishedReceiptHeader,
  type Receipt,
  receiptToJson,
  signReceipt,
} from '@privexbot/schema/receipt';
import { describe, expect, it } from 'vitest';
import type { AuditReceiptHeader } from './audit-receipts.js';
import { type AuditBatchHeader, type AuditInput, auditBatches } from './verify-published-batches.js';

// One gateway key, real secp256k1 signatures; answers 1..4 settled by a v1 batch, 5..8 and
// 9..12 by v2 receipts, alternating between orgs 1 and 2 and two bots, over two days.
const key = generateSignerKey();
const signer = signerPublicKey(key);
const signerHex = toHex(signer);
const BOTS = ['8f14e45f-ceea-467f-a2b8-2c1d2e3f4a5b', '0f5f2c1e-2a4b-4c6d-8e0f-1a2b3c4d5e6f'];
const DAY = 20_000;

const attestations: Attestation[] = Array.from({ length: 12 }, (_, i) => {
  const seq = BigInt(i + 1);
  return {
    v: 1,
    signer,
    seq,
    org: 1n + (seq % 2n),
    bot: BOTS[Number((seq / 2n) % 2n)] as string,
    ts: BigInt(DAY * 86_400 + (i < 6 ? 100 : 86_400 + 100)),
    promptTokens: 10 + i,
    completionTokens: 3 * i,
    reqHash: new Uint8Array(32).fill(i + 1),
    model: 'm',
  };
});
const json = attestations.map((a) =>
  attestationToJson({ attestation: a, signature: signAttestation(a, key) }),
);
const hashes = attestations.map((a) => toHex(hashAttestation(a)));
const range = (first: number, last: number) => attestations.slice(first - 1, last);
const sumOf = (list: readonly Attestation[], field: 'promptTokens' | 'completionTokens') =>
  list.reduce((s, a) => s + BigInt(a[field]), 0n);

const batch: AuditBatchHeader = {
  id: 0,
  signer: toBase64(signer),
  first_seq: '1',
  last_seq: '4',
  count: 4,
  merkle_root: toBase64(merkleRoot(range(1, 4).map(hashAttestation))),
  time: '1000',
  prompt_tokens: sumOf(range(1, 4), 'promptTokens').toString(),
  completion_tokens: sumOf(range(1, 4), 'completionTokens').toString(),
};

interface Settled {
  receipt: Receipt;
  first: number;
  last: number;
}
const honest = (first: number, last: number): Settled => ({
  receipt: buildReceipt(range(first, last)),
  first,
  last,
});

/**
 * The audit's input for the batch and `receipts`: the headers the contract stores, the
 * relayer's public form of each, and (for `orgs`) each org's share from its private route.
 */
function history(
  receipts: Settled[],
  options: { orgs?: string[]; withhold?: bigint; leaves?: (id: number) => string[] } = {},
): AuditInput {
  const signed = receipts.map(({ receipt }) =>
    receiptToJson({ receipt, signature: signReceipt(receipt, key) }),
  );
  const lineSum = (id: number, field: 'promptTokens' | 'completionTokens') =>
    (receipts[id]?.receipt.lines ?? []).reduce((s, l) => s + l[field], 0n).toString();
  const headers = receipts.map(
    ({ receipt }, id): AuditReceiptHeader => ({
      id,
      signer: toBase64(receipt.signer),
      first_seq: receipt.firstSeq.toString(),
      last_seq: receipt.lastSeq.toString(),
      answers: (receipt.lastSeq - receipt.firstSeq + 1n).toString(),
      lines: receipt.lines.length,
      root: toBase64(receipt.root),
      receipt_hash: toBase64(Buffer.from(signed[id]?.hash ?? '', 'hex')),
      time: '2000',
      height: 10 + id,
      relayer: 'relayer',
      prompt_tokens: lineSum(id, 'promptTokens'),
      completion_tokens: lineSum(id, 'completionTokens'),
    }),
  );
  const published = headers.map(
    (h, id): PublishedReceiptHeader => ({
      id: String(id),
      signer: signerHex,
      first_seq: h.first_seq,
      last_seq: h.last_seq,
      count: Number(h.answers),
      root: toHex(Buffer.from(h.root, 'base64')),
      receipt_hash: signed[id]?.hash ?? '',
      prompt_tokens: h.prompt_tokens,
      completion_tokens: h.completion_tokens,
      tx_hash: null,
      height: null,
      origin: 'submitted',
    }),
  );
  const orgReceipts = new Map<string, OrgReceipt[]>();
  for (const org of options.orgs ?? []) {
    orgReceipts.set(
      org,
      receipts.map(({ first, last }, id): OrgReceipt => {
        const leaves = range(first, last).map(hashAttestation);
        return {
          receipt: published[id] as PublishedReceiptHeader,
          lines: (signed[id]?.lines ?? []).filter((line) => line.org === org),
          attestations: range(first, last)
            .map((a, index) => ({ a, index }))
            .filter(({ a }) => a.org.toString() === org && a.seq !== options.withhold)
            .map(({ a, index }) => ({
              index,
              attestation: json[Number(a.seq) - 1] as OrgReceipt['attestations'][number]['attestation'],
              proof: merkleProofToJson(merkleProof(leaves, index)),
            })),
        };
      }),
    );
  }
  const total = (field: 'promptTokens' | 'completionTokens') =>
    (
      sumOf(range(1, 4), field) + receipts.reduce((s, _, id) => s + BigInt(lineSum(id, field)), 0n)
    ).toString();
  const last = receipts.at(-1)?.receipt.lastSeq ?? 4n;
  return {
    headers: [batch],
    published: new Map([[0, { attestation_hashes: hashes.slice(0, 4) }]]),
    receipts: headers,
    publishedReceipts: new Map(
      receipts.map(({ first, last }, id) => [
        id,
        { receipt: published[id], attestation_hashes: options.leaves?.(id) ?? hashes.slice(first - 1, last) },
      ]),
    ),
    signers: new Map([[signerHex, { mode: 'tee', revoked_at: null, last_seq: last.toString() }]]),
    complete: true,
    totals: {
      messages: (last - BigInt(receipts[0]?.first ?? 5) + 1n + 4n).toString(),
      prompt_tokens: total('promptTokens'),
      completion_tokens: total('completionTokens'),
    },
    ...(options.orgs ? { orgReceipts } : {}),
  };
}

const codes = (report: { problems: { code: string }[] }) => [...new Set(report.problems.map((p) => p.code))];
const named = (id: number, first: number, last: number) =>
  `receipt ${id} (signer ${signerHex}, seq ${first}..${last}): `;

describe('the audit of v1 batches and v2 receipts', () => {
  it('passes a clean mixed history, publicly (saying what it could not check) and for both orgs', () => {
    const pub = auditBatches(history([honest(5, 8), honest(9, 12)]));
    expect(pub.problems).toEqual([]);
    expect(pub.ok).toBe(true);
    expect(pub.receiptsChecked).toBe(2);
    expect(pub.leavesChecked).toBe(12);
    expect(pub.receipts.map((r) => [r.id, r.firstSeq, r.lastSeq, r.ok, r.orgsChecked])).toEqual([
      [0, '5', '8', true, []],
      [1, '9', '12', true, []],
    ]);
    expect(pub.unchecked.join(' ')).toMatch(/^2 receipt\(s\): .*needs an org's permit/);
    expect(pub.signerModes).toEqual([{ signer: signerHex, mode: 'tee', batches: 1, receipts: 2 }]);

    const org = auditBatches(history([honest(5, 8), honest(9, 12)], { orgs: ['1', '2'] }));
    expect(org.problems).toEqual([]);
    expect(org.unchecked).toEqual([]);
    expect(org.attestationsVerified).toBe(8);
    expect(org.receipts.map((r) => r.orgsChecked)).toEqual([
      ['1', '2'],
      ['1', '2'],
    ]);
    expect(org.sums.reduce((n, s) => n + s.messages, 0n)).toBe(8n);
  });

  it('catches a forged delta signed by the registered signer and names the receipt', () => {
    // Same range, root and message count (so the contract accepts it): 500 prompt tokens added
    // to one of org 1's lines.
    const real = buildReceipt(range(9, 12));
    const lines = real.lines.map((line, i) =>
      i === 0 ? { ...line, promptTokens: line.promptTokens + 500n } : line,
    );
    const forged: Settled = { receipt: { ...real, lines }, first: 9, last: 12 };
    const report = auditBatches(history([honest(5, 8), forged], { orgs: ['1'] }));
    expect(report.ok).toBe(false);
    expect(codes(report)).toEqual(['RECEIPT_LINE_MISMATCH']);
    expect(report.problems[0]).toMatchObject({ receiptId: 1, signer: signerHex, org: '1' });
    expect(report.problems[0]?.message).toMatch(
      new RegExp(
        `^${named(1, 9, 12).replace(/[().]/g, '\\$&')}org 1, bot [0-9a-f-]+, day \\d+: the receipt says 1 messages, 519 prompt`,
      ),
    );
    expect(report.receipts.map((r) => [r.id, r.ok, r.problems])).toEqual([
      [0, true, []],
      [1, false, ['RECEIPT_LINE_MISMATCH']],
    ]);
    // The public audit cannot see it (the root and the count are honest) and says what it did not check.
    const pub = auditBatches(history([honest(5, 8), forged]));
    expect(pub.ok).toBe(true);
    expect(pub.unchecked).toHaveLength(1);
  });

  it('catches a missing leaf, publicly and in the org audit', () => {
    const pub = auditBatches(
      history([honest(5, 8), honest(9, 12)], {
        leaves: (id) => (id === 1 ? hashes.slice(8, 11) : hashes.slice(4, 8)),
      }),
    );
    expect(codes(pub)).toEqual(['RECEIPT_COUNT_MISMATCH']);
    expect(pub.problems[0]?.message).toBe(`${named(1, 9, 12)}3 leaves published for 4 numbers`);
    // the relayer withholds one of org 1's attestations (seq 10): its line no longer adds up
    const org = auditBatches(history([honest(5, 8), honest(9, 12)], { orgs: ['1'], withhold: 10n }));
    expect(codes(org)).toEqual(['RECEIPT_LINE_MISMATCH']);
    expect(org.problems.every((p) => p.receiptId === 1)).toBe(true);
  });

  it('catches a wrong root: leaves that do not rebuild what the gateway signed and the chain stored', () => {
    const real = buildReceipt(range(5, 8));
    const wrong: Settled = { receipt: { ...real, root: new Uint8Array(32).fill(7) }, first: 5, last: 8 };
    const report = auditBatches(history([wrong, honest(9, 12)]));
    expect(codes(report)).toEqual(['RECEIPT_ROOT_MISMATCH']);
    expect(report.problems[0]?.message).toMatch(
      new RegExp(
        `^${named(0, 5, 8).replace(/[().]/g, '\\$&')}the published leaves rebuild root [0-9a-f]{64}, the chain has 0707`,
      ),
    );
    expect(report.receipts.map((r) => r.ok)).toEqual([false, true]);
    // an org's proofs cannot reach the wrong root either: none of its leaves counts, so its lines fail
    expect(codes(auditBatches(history([wrong, honest(9, 12)], { orgs: ['2'] })))).toEqual([
      'RECEIPT_ROOT_MISMATCH',
      'PROOF_MISMATCH',
      'RECEIPT_LINE_MISMATCH',
    ]);
  });

  it('fails an unpublished receipt, a publication that differs from the chain, and a gap before a receipt', () => {
    const input = history([honest(5, 8), honest(9, 12)]);
    const missing = auditBatches({
      ...input,
      publishedReceipts: new Map([[1, input.publishedReceipts?.get(1)]]),
    });
    expect(codes(missing)).toEqual(['MISSING_RECEIPT']);
    expect(missing.problems[0]?.message).toBe(`${named(0, 5, 8)}on chain but not published`);

    const other = input.publishedReceipts?.get(1);
    const swapped = auditBatches({
      ...input,
      publishedReceipts: new Map([
        [0, other],
        [1, other],
      ]),
    });
    expect(codes(swapped)).toContain('RECEIPT_HEADER_MISMATCH');
    expect(swapped.problems[0]?.message).toContain(
      "the published header differs from the chain's in first_seq, last_seq, root, receipt_hash",
    );

    const gap = history([honest(6, 8), honest(9, 12)]);
    const report = auditBatches(gap);
    expect(codes(report)).toEqual(['SEQUENCE_GAP']);
    expect(report.problems[0]).toMatchObject({ receiptId: 0, seq: '5' });
  });

  it('counts receipts in the totals: a receipt left out of the headers is a totals mismatch', () => {
    const input = history([honest(5, 8), honest(9, 12)]);
    const report = auditBatches({
      ...input,
      receipts: input.receipts?.slice(0, 1),
      signers: new Map([[signerHex, { mode: 'tee', revoked_at: null, last_seq: '8' }]]),
    });
    expect(codes(report)).toEqual(['TOTALS_MISMATCH']);
  });
});
