import { toBase64 } from '@cosmjs/encoding';
import {
  attestationFromJson,
  hashAttestation,
  merkleRoot,
  type SignedAttestationJson,
} from '@privexbot/schema/attestation';
import {
  type AuditBatchHeader,
  type AuditInput,
  type AuditOrgBatch,
  auditBatches,
  devSignerNotice,
} from '@privexbot/schema/audit';
import { describe, expect, it } from 'vitest';
import type { PublishedBatch } from '../db/relayer-store.js';
import { makeAttestation, testSignerKey } from '../testing/make-attestations.js';
import { toOrgBatch, toPublicBatch } from './public-batch.js';

const key = testSignerKey(11);
const DAY = 86_400;
const day0 = 20_000;

/**
 * Headers computed the way the usage contract computes them, from real signed attestations of
 * orgs 1 and 2; the public publication and org 1's proven attestations as the relayer serves them.
 */
function honestChain(sizes: number[], mode: 'tee' | 'dev' = 'tee') {
  const headers: AuditBatchHeader[] = [];
  const full = new Map<number, PublishedBatch>();
  let seq = 1n;
  sizes.forEach((size, id) => {
    const atts = Array.from({ length: size }, (_, i) =>
      makeAttestation(key, seq + BigInt(i), {
        org: BigInt(1 + (i % 2)),
        ts: BigInt(day0 * DAY + id * 50_000 + i),
      }),
    );
    const parsed = atts.map((a) => attestationFromJson(a).attestation);
    const header: AuditBatchHeader = {
      id,
      signer: toBase64(key.publicKey),
      first_seq: seq.toString(),
      last_seq: (seq + BigInt(size) - 1n).toString(),
      count: size,
      merkle_root: toBase64(merkleRoot(parsed.map(hashAttestation))),
      time: '1',
      prompt_tokens: parsed.reduce((s, a) => s + BigInt(a.promptTokens), 0n).toString(),
      completion_tokens: parsed.reduce((s, a) => s + BigInt(a.completionTokens), 0n).toString(),
    };
    headers.push(header);
    full.set(id, {
      batch: {
        id: String(id),
        signer: key.hex,
        first_seq: header.first_seq,
        last_seq: header.last_seq,
        count: size,
        merkle_root: '',
        prompt_tokens: header.prompt_tokens,
        completion_tokens: header.completion_tokens,
        tx_hash: null,
        height: null,
        origin: 'submitted',
      },
      attestations: atts,
    });
    seq += BigInt(size);
  });
  const all = [...full.values()]
    .flatMap((p) => p.attestations)
    .map((a) => attestationFromJson(a).attestation);
  const days = new Map<number, { messages: bigint; prompt: bigint; completion: bigint }>();
  for (const a of all.filter((x) => x.org === 1n)) {
    const d = Number(a.ts / BigInt(DAY));
    const c = days.get(d) ?? { messages: 0n, prompt: 0n, completion: 0n };
    c.messages += 1n;
    c.prompt += BigInt(a.promptTokens);
    c.completion += BigInt(a.completionTokens);
    days.set(d, c);
  }
  const orgBatches: AuditOrgBatch[] = [...full.values()]
    .map((p) => toOrgBatch(p, '1'))
    .filter((b) => b.attestations.length > 0);
  const input: AuditInput = {
    headers,
    published: new Map([...full].map(([id, p]) => [id, toPublicBatch(p)])),
    signers: new Map([[key.hex, { mode, revoked_at: null, last_seq: (seq - 1n).toString() }]]),
    complete: true,
    totals: {
      messages: all.length.toString(),
      prompt_tokens: all.reduce((s, a) => s + BigInt(a.promptTokens), 0n).toString(),
      completion_tokens: all.reduce((s, a) => s + BigInt(a.completionTokens), 0n).toString(),
    },
    orgAttestations: new Map([['1', orgBatches]]),
    orgUsage: [
      {
        org_id: 1,
        days: [...days].map(([day, c]) => ({
          day,
          counters: {
            messages: c.messages.toString(),
            prompt_tokens: c.prompt.toString(),
            completion_tokens: c.completion.toString(),
          },
        })),
      },
    ],
  };
  return { input, full };
}

const codes = (input: AuditInput) => auditBatches(input).problems.map((p) => p.code);

describe('auditBatches', () => {
  it('passes on honest data: every root from public hashes, org 1 proven one by one and summed per day', () => {
    const { input } = honestChain([3, 5, 4]);
    const report = auditBatches(input);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.leavesChecked).toBe(12);
    // Org 1 holds the even positions of each batch: 2 + 3 + 2.
    expect(report.attestationsVerified).toBe(7);
    expect(report.sums.every((s) => s.org === '1')).toBe(true);
    expect(report.sums.reduce((s, d) => s + d.messages, 0n)).toBe(7n);
    expect(new Set(report.sums.map((s) => s.day)).size).toBeGreaterThan(1);
    expect(report.signerModes).toEqual([{ signer: key.hex, mode: 'tee', batches: 3, receipts: 0 }]);
    expect(devSignerNotice(report)).toBeUndefined();
  });

  it('an outsider audits every root, count and sum from the public form alone', () => {
    const { input } = honestChain([3, 5, 4]);
    const { orgAttestations: _a, orgUsage: _u, ...outsider } = input;
    const report = auditBatches(outsider);
    expect(report.ok).toBe(true);
    expect(report.leavesChecked).toBe(12);
    const publicText = JSON.stringify([...input.published.values()]);
    for (const field of ['"org"', '"bot"', '"model"', '"prompt_tokens":1', '"ts"', '"req_hash"'])
      expect(publicText).not.toContain(field);
    // A published hash list that does not rebuild the root, or lacks one, fails.
    const published = new Map(input.published);
    const one = published.get(1);
    if (!one) throw new Error('fixture');
    published.set(1, { ...one, attestation_hashes: [...one.attestation_hashes].reverse() });
    expect(codes({ ...outsider, published })).toEqual(['MERKLE_MISMATCH']);
    published.set(1, { ...one, attestation_hashes: one.attestation_hashes.slice(1) });
    expect(codes({ ...outsider, published })).toEqual(['PUBLICATION_MISMATCH', 'MERKLE_MISMATCH']);
    published.set(1, { ...one, attestation_hashes: ['zz'] });
    expect(codes({ ...outsider, published })).toEqual(['MALFORMED_PUBLICATION']);
    published.delete(1);
    expect(codes({ ...outsider, published })).toEqual(['MISSING_BATCH']);
  });

  it("detects a tampered attestation of the org: its signature and proof fail, its day's counter no longer adds up", () => {
    const { input, full } = honestChain([3, 3]);
    const batch = full.get(1) as PublishedBatch;
    const victim = batch.attestations[0] as SignedAttestationJson;
    const refit = makeAttestation(key, BigInt(victim.seq), {
      org: BigInt(victim.org),
      ts: BigInt(victim.ts),
      promptTokens: 1,
    });
    const orgBatches = (input.orgAttestations?.get('1') ?? []).map((b) =>
      b.batch.id === '1'
        ? {
            ...b,
            attestations: b.attestations.map((e, i) =>
              i === 0 ? { ...e, attestation: { ...refit, signature: victim.signature } } : e,
            ),
          }
        : b,
    );
    const problems = auditBatches({ ...input, orgAttestations: new Map([['1', orgBatches]]) }).problems;
    expect(problems.map((p) => p.code)).toEqual([
      'BAD_SIGNATURE',
      'PROOF_MISMATCH',
      'COUNTER_MISMATCH',
      'COUNTER_MISMATCH',
      'COUNTER_MISMATCH',
    ]);
    expect(problems[0]).toMatchObject({ batchId: 1, seq: '4', org: '1' });
  });

  it("detects a tampered field whose hash was left as it was, another org's attestation, a wrong place, a replay", () => {
    const { input } = honestChain([4]);
    const [b0] = input.orgAttestations?.get('1') ?? [];
    if (!b0) throw new Error('fixture');
    const [e0, e1] = b0.attestations as [
      AuditOrgBatch['attestations'][number],
      AuditOrgBatch['attestations'][number],
    ];
    const run = (attestations: AuditOrgBatch['attestations']) =>
      codes({ ...input, orgUsage: [], orgAttestations: new Map([['1', [{ ...b0, attestations }]]]) });
    expect(
      run([
        { ...e0, attestation: { ...(e0.attestation as SignedAttestationJson), completion_tokens: 1 } },
        e1,
      ]),
    ).toEqual(['TAMPERED_ATTESTATION']);
    expect(run([{ ...e1, index: 0 }])).toEqual(['SEQUENCE_MISMATCH']);
    expect(run([e0, e0])).toEqual(['DUPLICATE_ATTESTATION']);
    expect(codes({ ...input, orgUsage: [], orgAttestations: new Map([['2', [b0]]]) })).toEqual([
      'FOREIGN_ATTESTATION',
      'FOREIGN_ATTESTATION',
    ]);
    expect(run([{ ...e0, proof: [] }])).toEqual(['PROOF_MISMATCH']);
    expect(
      codes({ ...input, orgUsage: [], orgAttestations: new Map([['1', [{ ...b0, batch: { id: '9' } }]]]) }),
    ).toEqual(['UNKNOWN_BATCH']);
  });

  it('detects attestations the relayer withheld: the counters on chain no longer add up', () => {
    const { input } = honestChain([2, 2, 2]);
    const withheld = (input.orgAttestations?.get('1') ?? []).filter((b) => b.batch.id !== '1');
    const report = auditBatches({ ...input, orgAttestations: new Map([['1', withheld]]) });
    expect(new Set(report.problems.map((p) => p.code))).toEqual(new Set(['COUNTER_MISMATCH']));
    expect(report.problems[0]?.message).toMatch(/counts messages \d+, the signed attestations sum to \d+/);
  });

  it('fails on a dev signer unless allowed, and then says so first', () => {
    const { input } = honestChain([2, 3], 'dev');
    const refused = auditBatches(input);
    expect(refused.ok).toBe(false);
    expect(refused.problems).toEqual([expect.objectContaining({ code: 'DEV_SIGNER', signer: key.hex })]);
    expect(refused.signerModes).toEqual([{ signer: key.hex, mode: 'dev', batches: 2, receipts: 0 }]);
    const allowed = auditBatches({ ...input, allowDevSigners: true });
    expect(allowed.ok).toBe(true);
    expect(allowed.devSignersAllowed).toBe(true);
    expect(devSignerNotice(allowed)).toBe(
      'DEV SIGNERS ALLOWED (development only): 2 batch(es) of 1 dev signer(s) were counted with no TEE behind them',
    );
  });

  it('detects gaps, duplicates, unregistered and revoked signers, and totals that do not add up', () => {
    const { input } = honestChain([2, 2]);
    const base = { ...input, orgAttestations: new Map(), orgUsage: [] };
    const h = input.headers as AuditBatchHeader[];
    const skipped = { ...(h[1] as AuditBatchHeader), first_seq: '4', last_seq: '5' };
    expect(codes({ ...base, headers: [h[0] as AuditBatchHeader, skipped] })).toContain('SEQUENCE_GAP');
    const again = { ...(h[1] as AuditBatchHeader), first_seq: '2', last_seq: '3' };
    expect(codes({ ...base, headers: [h[0] as AuditBatchHeader, again] })).toContain('DUPLICATE_SEQUENCE');
    const unregistered = auditBatches({ ...base, signers: new Map() });
    expect(unregistered.problems.map((p) => p.code)).toContain('UNREGISTERED_SIGNER');
    expect(unregistered.signerModes[0]?.mode).toBe('unregistered');
    const revoked = new Map([[key.hex, { mode: 'tee' as const, revoked_at: '0', last_seq: '4' }]]);
    expect(codes({ ...base, signers: revoked })).toContain('REVOKED_SIGNER');
    const totals = { ...(input.totals as NonNullable<AuditInput['totals']>), messages: '5' };
    expect(codes({ ...base, totals })).toEqual(['TOTALS_MISMATCH']);
  });
});
