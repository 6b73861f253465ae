import { describe, expect, it } from 'vitest';
import { makeAttestation, testSignerKey } from '../testing/make-attestations.js';
import { PendingBatch } from './pending-batch.js';
import { verifyFeedPage } from './verify-feed-page.js';

const key = testSignerKey(7);
const other = testSignerKey(8);
const feed = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => makeAttestation(key, BigInt(from + i)));

describe('verifyFeedPage', () => {
  it('accepts a consecutive, correctly signed page', () => {
    const page = verifyFeedPage({ signer: key.hex, nextSeq: 3n, entries: feed(3, 7), now: 1000 });
    expect(page.rejection).toBeUndefined();
    expect(page.accepted.map((a) => a.seq)).toEqual([3n, 4n, 5n, 6n, 7n]);
    expect(page.accepted[0]?.receivedAt).toBe(1000);
  });

  it('refuses a forged signature, keeping what came before it', () => {
    const entries = feed(1, 4);
    const forged = { ...entries[2], signature: makeAttestation(key, 99n).signature };
    entries[2] = forged as (typeof entries)[number];
    const page = verifyFeedPage({ signer: key.hex, nextSeq: 1n, entries, now: 0 });
    expect(page.accepted.map((a) => a.seq)).toEqual([1n, 2n]);
    expect(page.rejection).toMatchObject({ seq: 3n, reason: 'bad_signature' });
  });

  it('refuses a tampered field (hash no longer matches) and a tampered field with a recomputed hash', () => {
    const entries = feed(1, 2);
    const tampered = { ...entries[1], completion_tokens: 9999 };
    const page = verifyFeedPage({ signer: key.hex, nextSeq: 1n, entries: [entries[0], tampered], now: 0 });
    expect(page.rejection).toMatchObject({ seq: 2n, reason: 'tampered' });

    // Tampering that also fixes up the hash is caught by the signature.
    const honest = entries[1] as (typeof entries)[number];
    const refit = makeAttestation(key, 2n, { completionTokens: 9999 });
    const page2 = verifyFeedPage({
      signer: key.hex,
      nextSeq: 2n,
      entries: [{ ...refit, signature: honest.signature }],
      now: 0,
    });
    expect(page2.rejection).toMatchObject({ seq: 2n, reason: 'bad_signature' });
  });

  it('refuses an attestation of another signer', () => {
    const page = verifyFeedPage({
      signer: key.hex,
      nextSeq: 1n,
      entries: [makeAttestation(other, 1n)],
      now: 0,
    });
    expect(page.rejection).toMatchObject({ seq: 1n, reason: 'wrong_signer' });
  });

  it('refuses a gap and a repeat in the sequence', () => {
    const gap = verifyFeedPage({
      signer: key.hex,
      nextSeq: 1n,
      entries: [...feed(1, 2), ...feed(4, 5)],
      now: 0,
    });
    expect(gap.accepted).toHaveLength(2);
    expect(gap.rejection).toMatchObject({ seq: 4n, reason: 'sequence_gap' });
    expect(gap.rejection?.message).toContain('gap');
    const repeat = verifyFeedPage({ signer: key.hex, nextSeq: 3n, entries: feed(2, 3), now: 0 });
    expect(repeat.rejection).toMatchObject({ seq: 2n, reason: 'sequence_gap' });
    expect(repeat.rejection?.message).toContain('repeat');
  });

  it('refuses malformed entries with the field named', () => {
    const page = verifyFeedPage({
      signer: key.hex,
      nextSeq: 1n,
      entries: [{ ...feed(1, 1)[0], bot: 'nope' }],
      now: 0,
    });
    expect(page.rejection).toMatchObject({ seq: 1n, reason: 'malformed' });
    expect(page.rejection?.message).toContain('bot');
    const junk = verifyFeedPage({ signer: key.hex, nextSeq: 5n, entries: ['junk'], now: 0 });
    expect(junk.rejection).toMatchObject({ seq: 5n, reason: 'malformed' });
  });
});

describe('PendingBatch', () => {
  const verified = (from: number, to: number, at: number) =>
    verifyFeedPage({ signer: key.hex, nextSeq: BigInt(from), entries: feed(from, to), now: at }).accepted;

  it('is due when full, with at most maxSize attestations per batch', () => {
    const batch = new PendingBatch(3, 10_000);
    batch.add(verified(1, 2, 0));
    expect(batch.isDue(0)).toBe(false);
    batch.add(verified(3, 5, 0));
    expect(batch.isDue(0)).toBe(true);
    expect(batch.next().map((a) => a.seq)).toEqual([1n, 2n, 3n]);
    batch.drop(3);
    expect(batch.next().map((a) => a.seq)).toEqual([4n, 5n]);
    expect(batch.isDue(0)).toBe(false);
  });

  it('is due when the oldest attestation has waited maxAge, counted from its arrival', () => {
    const batch = new PendingBatch(100, 2000);
    expect(batch.dueInMs(0)).toBeUndefined();
    batch.add(verified(1, 1, 1000));
    batch.add(verified(2, 2, 2500));
    expect(batch.isDue(2999)).toBe(false);
    expect(batch.dueInMs(2500)).toBe(500);
    expect(batch.isDue(3000)).toBe(true);
    expect(batch.oldestAgeMs(3000)).toBe(2000);
  });

  it('refuses to add out of sequence', () => {
    const batch = new PendingBatch(10, 1000);
    batch.add(verified(1, 2, 0));
    expect(() => batch.add(verified(4, 4, 0))).toThrow(/expects seq 3/);
  });
});

describe('native signature verification', () => {
  it('agrees with the schema verifier on valid, tampered, wrong-key and high-S signatures', async () => {
    const { attestationFromJson, hashAttestation, verifyAttestation } = await import(
      '@privexbot/schema/attestation'
    );
    const { verifyAttestationNative } = await import('./verify-signature-native.js');
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    for (let seq = 1n; seq <= 20n; seq++) {
      const signed = attestationFromJson(makeAttestation(key, seq));
      const highS = new Uint8Array(signed.signature);
      const s = BigInt(`0x${Buffer.from(highS.subarray(32)).toString('hex')}`);
      highS.set(Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'), 32);
      const cases: [typeof signed.attestation, Uint8Array][] = [
        [signed.attestation, signed.signature],
        [{ ...signed.attestation, promptTokens: signed.attestation.promptTokens + 1 }, signed.signature],
        [{ ...signed.attestation, signer: other.publicKey }, signed.signature],
        [signed.attestation, highS],
        [signed.attestation, signed.signature.subarray(0, 63)],
      ];
      for (const [att, sig] of cases)
        expect(verifyAttestationNative(att, sig)).toBe(verifyAttestation(att, sig));
      expect(verifyAttestationNative(signed.attestation, signed.signature)).toBe(true);
      // With the hash the feed carried (checked against the fields by parsing): the same answers.
      const hash = hashAttestation(signed.attestation);
      expect(verifyAttestationNative(signed.attestation, signed.signature, hash)).toBe(true);
      expect(verifyAttestationNative(signed.attestation, highS, hash)).toBe(false);
      expect(
        verifyAttestationNative(
          signed.attestation,
          signed.signature,
          hash.map((b) => b ^ 1),
        ),
      ).toBe(false);
    }
  });
});

describe('native signing (benchmark feeds)', () => {
  it("produces the schema signer's bytes exactly (RFC 6979, low-S)", async () => {
    const { attestationFromJson, signAttestation } = await import('@privexbot/schema/attestation');
    const { signAttestationNative } = await import('../testing/sign-attestation-native.js');
    for (let seq = 1n; seq <= 20n; seq++) {
      const { attestation } = attestationFromJson(makeAttestation(key, seq));
      expect(signAttestationNative(attestation, key.privateKey)).toEqual(
        signAttestation(attestation, key.privateKey),
      );
    }
  });
});
