import { sha256 as cosmSha256, Secp256k1, Secp256k1Signature } from '@cosmjs/crypto';
import { fromHex, toHex } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Attestation,
  AttestationError,
  attestationFromJson,
  attestationToJson,
  checkGatewayAuth,
  decodeAttestation,
  decodeSubmitBatch,
  decodeWireRecord,
  encodeAttestation,
  encodeSubmitBatch,
  encodeWireRecord,
  gatewayAuthHeaders,
  hashAttestation,
  merkleProof,
  merkleRoot,
  signAttestation,
  signerPublicKey,
  verifyAttestation,
  verifyMerkleProof,
} from './index.js';

// A fixed key so every figure below is reproducible; never used outside tests.
const PRIVATE_KEY = fromHex('0101010101010101010101010101010101010101010101010101010101010101');
const SIGNER = signerPublicKey(PRIVATE_KEY);

function sample(overrides: Partial<Attestation> = {}): Attestation {
  return {
    v: 1,
    signer: SIGNER,
    seq: 1n,
    org: 7n,
    bot: '123e4567-e89b-12d3-a456-426614174000',
    ts: 1_763_777_000n,
    promptTokens: 120,
    completionTokens: 45,
    reqHash: new Uint8Array(32).fill(0xab),
    model: 'llama3.3-70b',
    ...overrides,
  };
}

describe('canonical bytes (spec layout, independent of the encoder)', () => {
  it('lays every field at its offset, big-endian', () => {
    const att = sample({ seq: 0x0102030405060708n, org: 0xfffffffffffffffen, promptTokens: 0xdeadbeef });
    const expectedHex = [
      '01',
      toHex(SIGNER),
      '0102030405060708',
      'fffffffffffffffe',
      '123e4567e89b12d3a456426614174000',
      (1_763_777_000).toString(16).padStart(16, '0'),
      'deadbeef',
      '0000002d',
      'ab'.repeat(32),
      '0c',
      Buffer.from('llama3.3-70b', 'utf8').toString('hex'),
    ].join('');
    const bytes = encodeAttestation(att);
    expect(toHex(bytes)).toBe(expectedHex);
    expect(bytes.length).toBe(115 + 12);
    expect(toHex(hashAttestation(att))).toBe(toHex(sha256(fromHex(expectedHex))));
  });

  it('round-trips any valid attestation', () => {
    const arbitrary = fc.record({
      seq: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
      org: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      ts: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      promptTokens: fc.integer({ min: 0, max: 0xffffffff }),
      completionTokens: fc.integer({ min: 0, max: 0xffffffff }),
      bot: fc.uuid(),
      // Up to 16 graphemes can exceed the 64-byte limit (a grapheme may take 4+ bytes): keep valid ones.
      model: fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 16 })
        .filter((m) => new TextEncoder().encode(m).length <= 64),
      reqHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    });
    fc.assert(
      fc.property(arbitrary, (fields) => {
        const att = sample(fields);
        const decoded = decodeAttestation(encodeAttestation(att));
        expect(decoded).toEqual({ ...att, bot: att.bot.toLowerCase() });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses invalid fields with the field named', () => {
    const cases: [Partial<Attestation>, string][] = [
      [{ seq: 0n }, 'seq'],
      [{ seq: 1n << 64n }, 'seq'],
      [{ org: -1n }, 'org'],
      [{ promptTokens: 2 ** 32 }, 'prompt_tokens'],
      [{ completionTokens: 1.5 }, 'completion_tokens'],
      [{ bot: 'not-a-uuid' }, 'bot'],
      [{ model: '' }, 'model'],
      [{ model: 'm'.repeat(65) }, 'model'],
      [{ model: 'é'.repeat(33) }, 'model'], // 66 UTF-8 bytes
      [{ model: '\uD800x' }, 'model'],
      [{ reqHash: new Uint8Array(31) }, 'req_hash'],
      [{ signer: new Uint8Array(33) }, 'signer'],
    ];
    for (const [overrides, field] of cases) {
      const error = catchError(() => encodeAttestation(sample(overrides)));
      expect(error, JSON.stringify(field)).toBeInstanceOf(AttestationError);
      expect((error as AttestationError).field).toBe(field);
    }
    expect(encodeAttestation(sample({ model: 'm'.repeat(64) })).length).toBe(115 + 64);
  });

  it('rejects bytes that do not parse exactly', () => {
    const good = encodeAttestation(sample());
    const withByte = (index: number, value: number) => {
      const copy = good.slice();
      copy[index] = value;
      return copy;
    };
    const rejected = (bytes: Uint8Array) => catchError(() => decodeAttestation(bytes));
    expect(rejected(withByte(0, 2))).toBeInstanceOf(AttestationError); // version
    expect(rejected(good.subarray(0, good.length - 1))).toBeInstanceOf(AttestationError); // short
    expect(rejected(Uint8Array.of(...good, 0))).toBeInstanceOf(AttestationError); // trailing
    expect(rejected(withByte(114, 0))).toBeInstanceOf(AttestationError); // model_len 0
    expect(rejected(withByte(114, 65))).toBeInstanceOf(AttestationError); // model_len > 64
    expect(rejected(withByte(115, 0xff))).toBeInstanceOf(AttestationError); // invalid UTF-8
    expect(decodeAttestation(good)).toEqual(sample());
  });
});

describe('signature', () => {
  it('is deterministic low-S compact over the attestation hash, as cosmjs produces it', async () => {
    const att = sample();
    const signature = signAttestation(att, PRIVATE_KEY);
    expect(signature.length).toBe(64);
    expect(toHex(signAttestation(att, PRIVATE_KEY))).toBe(toHex(signature)); // RFC 6979
    // An independent implementation (cosmjs, on elliptic) signs the same digest identically.
    const hash = cosmSha256(encodeAttestation(att));
    const cosmSignature = await Secp256k1.createSignature(hash, PRIVATE_KEY);
    expect(toHex(cosmSignature.toFixedLength().subarray(0, 64))).toBe(toHex(signature));
    expect(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(signature), hash, SIGNER)).toBe(
      true,
    );
    const s = BigInt(`0x${toHex(signature.subarray(32))}`);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    expect(s <= n / 2n).toBe(true);
  });

  it('verifies, and fails for a tampered field, a wrong signer or a high-S twin', () => {
    const att = sample();
    const signature = signAttestation(att, PRIVATE_KEY);
    expect(verifyAttestation(att, signature)).toBe(true);
    expect(verifyAttestation(sample({ completionTokens: 46 }), signature)).toBe(false);
    const otherSigner = signerPublicKey(fromHex('02'.repeat(32)));
    expect(verifyAttestation(sample({ signer: otherSigner }), signature)).toBe(false);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = new Uint8Array(signature);
    highS.set(fromHex((n - BigInt(`0x${toHex(signature.subarray(32))}`)).toString(16).padStart(64, '0')), 32);
    expect(verifyAttestation(att, highS)).toBe(false);
    expect(verifyAttestation(att, signature.subarray(0, 63))).toBe(false);
  });

  it('refuses to sign with a key that is not the signer', () => {
    const error = catchError(() => signAttestation(sample(), fromHex('02'.repeat(32))));
    expect((error as AttestationError).code).toBe('INVALID_KEY');
  });
});

describe('wire record and submit_batch', () => {
  it('is the canonical bytes without signer and seq, then the signature', () => {
    const att = sample({ seq: 9n });
    const signature = signAttestation(att, PRIVATE_KEY);
    const canonical = encodeAttestation(att);
    const record = encodeWireRecord(att, signature);
    expect(record.length).toBe(138 + 12);
    expect(toHex(record)).toBe(
      toHex(Uint8Array.of(canonical[0] as number, ...canonical.subarray(42), ...signature)),
    );
    const decoded = decodeWireRecord(record, SIGNER, 9n);
    expect(decoded.attestation).toEqual(att);
    expect(toHex(decoded.signature)).toBe(toHex(signature));
    expect(catchError(() => decodeWireRecord(record.subarray(1), SIGNER, 9n))).toBeInstanceOf(
      AttestationError,
    );
  });

  it('builds a batch only from consecutive sequence numbers of one signer', () => {
    const items = [5n, 6n, 7n].map((seq) => {
      const attestation = sample({ seq, promptTokens: Number(seq) });
      return { attestation, signature: signAttestation(attestation, PRIVATE_KEY) };
    });
    const msg = encodeSubmitBatch(items);
    expect(msg.first_seq).toBe('5');
    expect(msg.signer).toBe(Buffer.from(SIGNER).toString('base64'));
    const back = decodeSubmitBatch(msg);
    expect(back.map((b) => b.attestation)).toEqual(items.map((i) => i.attestation));
    expect(back.every((b) => verifyAttestation(b.attestation, b.signature))).toBe(true);
    const gap = [items[0], items[2]].filter((i) => i !== undefined);
    expect(catchError(() => encodeSubmitBatch(gap))).toBeInstanceOf(AttestationError);
  });
});

describe('Merkle root', () => {
  const hashes = [1, 2, 3, 4, 5].map((i) => sha256(Uint8Array.of(i)));
  const leaf = (h: Uint8Array) => sha256(Uint8Array.of(0, ...h));
  const node = (l: Uint8Array, r: Uint8Array) => sha256(Uint8Array.of(1, ...l, ...r));
  const [h1, h2, h3, h4, h5] = hashes as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];

  it('matches the README construction for 1, 2, 3 and 5 leaves', () => {
    expect(toHex(merkleRoot([h1]))).toBe(toHex(leaf(h1)));
    expect(toHex(merkleRoot([h1, h2]))).toBe(toHex(node(leaf(h1), leaf(h2))));
    // Odd level: the last node is carried up unchanged, not duplicated.
    expect(toHex(merkleRoot([h1, h2, h3]))).toBe(toHex(node(node(leaf(h1), leaf(h2)), leaf(h3))));
    const n12 = node(leaf(h1), leaf(h2));
    const n34 = node(leaf(h3), leaf(h4));
    expect(toHex(merkleRoot(hashes))).toBe(toHex(node(node(n12, n34), leaf(h5))));
    expect(catchError(() => merkleRoot([]))).toBeInstanceOf(AttestationError);
  });

  it('proves every leaf of every size, and a wrong leaf fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (size, pick) => {
        const leaves = Array.from({ length: size }, (_, i) => sha256(Uint8Array.of(i, size)));
        const root = merkleRoot(leaves);
        const index = pick % size;
        const proof = merkleProof(leaves, index);
        expect(verifyMerkleProof(leaves[index] as Uint8Array, proof, root)).toBe(true);
        expect(verifyMerkleProof(sha256(Uint8Array.of(255, 255)), proof, root)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('JSON form', () => {
  it('round-trips with decimal-string u64s and hex bytes, and detects tampering', () => {
    const attestation = sample({ seq: (1n << 64n) - 1n });
    const signed = { attestation, signature: signAttestation(attestation, PRIVATE_KEY) };
    const json = attestationToJson(signed);
    expect(json.seq).toBe('18446744073709551615');
    expect(json.signer).toMatch(/^0[23][0-9a-f]{64}$/);
    const back = attestationFromJson(JSON.parse(JSON.stringify(json)));
    expect(back.attestation).toEqual(attestation);
    expect(verifyAttestation(back.attestation, back.signature)).toBe(true);
    const tampered = catchError(() => attestationFromJson({ ...json, completion_tokens: 1 }));
    expect((tampered as AttestationError).field).toBe('hash');
    expect((catchError(() => attestationFromJson({ ...json, seq: 5 })) as AttestationError).field).toBe(
      'seq',
    );
  });
});

describe('gateway request HMAC', () => {
  const secret = 'test-shared-secret';
  const body = '{"org":"1"}';
  const check = (
    headers: Record<string, string>,
    overrides: Partial<Parameters<typeof checkGatewayAuth>[0]> = {},
  ) =>
    checkGatewayAuth({
      secret,
      body,
      timestamp: headers['x-privexbot-timestamp'],
      signature: headers['x-privexbot-signature'],
      nowMs: 1_000_000,
      windowMs: 30_000,
      ...overrides,
    });

  it('accepts a fresh signature and names each failure', () => {
    const headers = gatewayAuthHeaders(secret, body, 1_000_000);
    expect(check(headers)).toBeNull();
    expect(check(headers, { body: '{"org":"2"}' })).toBe('bad_signature');
    expect(check(headers, { secret: 'other' })).toBe('bad_signature');
    expect(check(headers, { nowMs: 1_031_000 })).toBe('stale_timestamp');
    expect(check({})).toBe('missing_auth');
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}
