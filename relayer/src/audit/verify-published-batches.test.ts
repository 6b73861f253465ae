import { fromHex, toBase64 } from '@cosmjs/encoding';
import {
  attestationFromJson,
  hashAttestation,
  merkleRoot,
  type SignedAttestationJson,
} from '@privexbot/schema/attestation';
import { describe, expect, it } from 'vitest';
import { makeAttestation, testSignerKey } from '../testing/make-attestations.js';
import { type AuditBatchHeader, type AuditInput, auditBatches } from './verify-published-batches.js';

const key = testSignerKey(11);
const DAY = 86_400;
const day0 = 20_000;

/** Headers computed the way the usage contract computes them, from real signed attestations. */
function honestChain(sizes: number[]) {
  const headers: AuditBatchHeader[] = [];
  const published = new Map<number, { attestations: SignedAttestationJson[] }>();
  let seq = 1n;
  sizes.forEach((size, id) => {
    const atts = Array.from({ length: size }, (_, i) =>
      makeAttestation(key, seq + BigInt(i), {
        org: BigInt(1 + (i % 2)),
        ts: BigInt(day0 * DAY + id * 50_000 + i),
      }),
    );
    const parsed = atts.map((a) => attestationFromJson(a).attestation);
    headers.push({
      id,
      signer: toBase64(key.publicKey),
      first_seq: seq.toString(),
      last_seq: (seq + BigInt(size) - 1n).toString(),
      count: size,
      merkle_root: toBase64(merkleRoot(parsed.map(hashAttestation))),
      time: '1',
      prompt_tokens: parsed.reduce((s, a) => s + BigInt(a.promptTokens), 0n).toString(),
      completion_tokens: parsed.reduce((s, a) => s + BigInt(a.completionTokens), 0n).toString(),
    });
    published.set(id, { attestations: atts });
    seq += BigInt(size);
  });
  const all = [...published.values()]
    .flatMap((p) => p.attestations)
    .map((a) => attestationFromJson(a).attestation);
  const orgUsage = [1n, 2n].map((org) => {
    const days = new Map<number, { messages: bigint; prompt: bigint; completion: bigint }>();
    for (const a of all.filter((x) => x.org === org)) {
      const d = Number(a.ts / BigInt(DAY));
      const c = days.get(d) ?? { messages: 0n, prompt: 0n, completion: 0n };
      c.messages += 1n;
      c.prompt += BigInt(a.promptTokens);
      c.completion += BigInt(a.completionTokens);
      days.set(d, c);
    }
    return {
      org_id: Number(org),
      days: [...days].map(([day, c]) => ({
        day,
        counters: {
          messages: c.messages.toString(),
          prompt_tokens: c.prompt.toString(),
          completion_tokens: c.completion.toString(),
        },
      })),
    };
  });
  const input: AuditInput = {
    headers,
    published,
    signers: new Map([
      [key.hex, { mode: 'tee' as const, revoked_at: null, last_seq: (seq - 1n).toString() }],
    ]),
    complete: true,
    totals: {
      messages: all.length.toString(),
      prompt_tokens: all.reduce((s, a) => s + BigInt(a.promptTokens), 0n).toString(),
      completion_tokens: all.reduce((s, a) => s + BigInt(a.completionTokens), 0n).toString(),
    },
    orgUsage,
  };
  return input;
}

describe('auditBatches', () => {
  it('passes on honest data and sums per org and day', () => {
    const report = auditBatches(honestChain([3, 5, 4]));
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.attestationsVerified).toBe(12);
    expect(report.sums.reduce((s, d) => s + d.messages, 0n)).toBe(12n);
    expect(new Set(report.sums.map((s) => s.day)).size).toBeGreaterThan(1);
  });

  it('detects a tampered published attestation', () => {
    const input = honestChain([3, 3]);
    const batch = input.published.get(1) as { attestations: SignedAttestationJson[] };
    const victim = batch.attestations[1] as SignedAttestationJson;
    // Tampering with the tokens and recomputing the convenience hash: the signature and root catch it.
    const refit = makeAttestation(key, BigInt(victim.seq), {
      org: BigInt(victim.org),
      ts: BigInt(victim.ts),
      promptTokens: 1,
    });
    batch.attestations[1] = { ...refit, signature: victim.signature };
    const report = auditBatches(input);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toEqual(
      expect.arrayContaining(['bad_signature', 'merkle_mismatch', 'header_sum_mismatch']),
    );
    expect(report.problems.find((p) => p.code === 'bad_signature')).toMatchObject({ batchId: 1, seq: '5' });
  });

  it('detects a tampered field whose hash was left as it was', () => {
    const input = honestChain([2]);
    const batch = input.published.get(0) as { attestations: SignedAttestationJson[] };
    batch.attestations[0] = { ...(batch.attestations[0] as SignedAttestationJson), completion_tokens: 1 };
    expect(auditBatches(input).problems[0]).toMatchObject({
      code: 'tampered_attestation',
      batchId: 0,
      seq: '1',
    });
  });

  it('detects a missing batch, and the counter mismatch it leaves', () => {
    const input = honestChain([2, 2, 2]);
    (input.published as Map<number, unknown>).delete(1);
    const report = auditBatches(input);
    expect(report.problems[0]).toMatchObject({ code: 'missing_batch', batchId: 1 });
    expect(report.problems.some((p) => p.code === 'counter_mismatch')).toBe(true);
  });

  it('detects a counter mismatch on chain', () => {
    const input = honestChain([4]);
    const usage = input.orgUsage?.[0];
    const first = usage?.days[0];
    if (!first) throw new Error('fixture has no usage');
    first.counters = { ...first.counters, messages: (BigInt(first.counters.messages) + 1n).toString() };
    const report = auditBatches(input);
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'counter_mismatch', org: '1', day: first.day }),
    ]);
    expect(report.problems[0]?.message).toMatch(/counts messages \d+, the signed attestations sum to \d+/);
  });

  it('detects gaps, duplicates, unregistered and revoked signers, and totals that do not add up', () => {
    const input = honestChain([2, 2]);
    const h = input.headers as AuditBatchHeader[];
    const skipped = { ...(h[1] as AuditBatchHeader), first_seq: '4', last_seq: '5' };
    expect(
      auditBatches({ ...input, headers: [h[0] as AuditBatchHeader, skipped] }).problems.map((p) => p.code),
    ).toContain('sequence_gap');
    const again = { ...(h[1] as AuditBatchHeader), first_seq: '2', last_seq: '3' };
    expect(
      auditBatches({ ...input, headers: [h[0] as AuditBatchHeader, again] }).problems.map((p) => p.code),
    ).toContain('duplicate_sequence');
    expect(auditBatches({ ...input, signers: new Map() }).problems.map((p) => p.code)).toContain(
      'unregistered_signer',
    );
    const revoked = new Map([[key.hex, { mode: 'tee' as const, revoked_at: '0', last_seq: '4' }]]);
    expect(auditBatches({ ...input, signers: revoked }).problems.map((p) => p.code)).toContain(
      'revoked_signer',
    );
    const totals = { ...(input.totals as NonNullable<AuditInput['totals']>), messages: '5' };
    expect(auditBatches({ ...input, totals }).problems.map((p) => p.code)).toEqual(['totals_mismatch']);
    expect(fromHex(key.hex)).toHaveLength(33);
  });
});
