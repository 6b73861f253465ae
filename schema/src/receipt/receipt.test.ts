import { fromHex, toHex } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Attestation,
  AttestationError,
  hashAttestation,
  merkleRoot,
  signAttestation,
  signerPublicKey,
} from '../attestation/index.js';
import {
  aggregateReceiptLines,
  buildReceipt,
  decodeReceipt,
  decodeSubmitReceipt,
  encodeReceipt,
  encodeSubmitReceipt,
  type Receipt,
  receiptFromJson,
  receiptToJson,
  signReceipt,
  verifyReceipt,
} from './index.js';

// A fixed key so every figure below is reproducible; never used outside tests.
const PRIVATE_KEY = fromHex('0101010101010101010101010101010101010101010101010101010101010101');
const SIGNER = signerPublicKey(PRIVATE_KEY);
const BOT_A = '123e4567-e89b-12d3-a456-426614174000';
const BOT_B = 'ffffffff-e89b-12d3-a456-426614174000';
const NOON = 1_795_348_800n; // 2026-11-22T12:00:00Z, day 20779

function att(seq: bigint, org: bigint, bot: string, ts: bigint, pt: number, ct: number): Attestation {
  return {
    v: 1,
    signer: SIGNER,
    seq,
    org,
    bot,
    ts,
    promptTokens: pt,
    completionTokens: ct,
    reqHash: sha256(Uint8Array.of(Number(seq % 256n))),
    model: 'llama3.3-70b',
  };
}

const range = [
  att(5n, 2n, BOT_A, NOON, 10, 1),
  att(6n, 1n, BOT_B, NOON, 20, 2),
  att(7n, 1n, BOT_A, NOON + 43_200n, 30, 3), // next day
  att(8n, 2n, BOT_A, NOON + 1n, 40, 4),
  att(9n, 1n, BOT_A, NOON, 50, 5),
];

describe('aggregation', () => {
  it('sums per (org, bot, day), sorted by org, bot bytes, day', () => {
    expect(aggregateReceiptLines(range)).toEqual([
      { org: 1n, bot: BOT_A, day: 20779, messages: 1n, promptTokens: 50n, completionTokens: 5n },
      { org: 1n, bot: BOT_A, day: 20780, messages: 1n, promptTokens: 30n, completionTokens: 3n },
      { org: 1n, bot: BOT_B, day: 20779, messages: 1n, promptTokens: 20n, completionTokens: 2n },
      { org: 2n, bot: BOT_A, day: 20779, messages: 2n, promptTokens: 50n, completionTokens: 5n },
    ]);
  });

  it('keeps every answer and every token whatever the order and mix', () => {
    const arbitrary = fc.array(
      fc.record({
        org: fc.bigInt({ min: 0n, max: 3n }),
        bot: fc.constantFrom(BOT_A, BOT_B),
        ts: fc.bigInt({ min: 0n, max: 3n * 86_400n }),
        pt: fc.integer({ min: 0, max: 0xffffffff }),
        ct: fc.integer({ min: 0, max: 0xffffffff }),
      }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(arbitrary, (rows) => {
        const atts = rows.map((r, i) => att(BigInt(i + 1), r.org, r.bot, r.ts, r.pt, r.ct));
        const receipt = buildReceipt(atts);
        expect(decodeReceipt(encodeReceipt(receipt))).toEqual(receipt); // valid: sorted, sums = range
        const sum = (f: (l: Receipt['lines'][number]) => bigint) =>
          receipt.lines.reduce((s, l) => s + f(l), 0n);
        expect(sum((l) => l.promptTokens)).toBe(rows.reduce((s, r) => s + BigInt(r.pt), 0n));
        expect(sum((l) => l.completionTokens)).toBe(rows.reduce((s, r) => s + BigInt(r.ct), 0n));
        expect(sum((l) => l.messages)).toBe(BigInt(rows.length));
      }),
      { numRuns: 100 },
    );
  });

  it('builds over consecutive seqs of one signer only, with the v1 batch root', () => {
    const receipt = buildReceipt(range);
    expect(receipt.firstSeq).toBe(5n);
    expect(receipt.lastSeq).toBe(9n);
    expect(toHex(receipt.root)).toBe(toHex(merkleRoot(range.map(hashAttestation))));
    expect(() => buildReceipt([range[0] as Attestation, range[2] as Attestation])).toThrow(AttestationError);
    const other = { ...(range[1] as Attestation), signer: signerPublicKey(fromHex('02'.repeat(32))) };
    expect(() => buildReceipt([range[0] as Attestation, other])).toThrow(AttestationError);
    expect(() => buildReceipt([])).toThrow(AttestationError);
  });
});

describe('canonical bytes', () => {
  it('lay the domain tag, header and 52-byte lines at their offsets', () => {
    const receipt = buildReceipt(range);
    const bytes = encodeReceipt(receipt);
    expect(bytes.length).toBe(109 + 4 * 52);
    expect(new TextDecoder().decode(bytes.subarray(0, 23))).toBe('privexbot/usage-receipt');
    expect(bytes[23]).toBe(2);
    expect(toHex(bytes.subarray(24, 57))).toBe(toHex(SIGNER));
    expect(toHex(bytes.subarray(57, 73))).toBe('00000000000000050000000000000009');
    expect(toHex(bytes.subarray(73, 105))).toBe(toHex(receipt.root));
    expect(toHex(bytes.subarray(105, 109))).toBe('00000004');
    // Last line: org 2, bot A, day 20779, 2 messages, 50 and 5 tokens.
    expect(toHex(bytes.subarray(109 + 3 * 52))).toBe(
      [
        '0000000000000002',
        '123e4567e89b12d3a456426614174000',
        (20779).toString(16).padStart(8, '0'),
        '0000000000000002',
        '0000000000000032',
        '0000000000000005',
      ].join(''),
    );
  });

  it('refuses receipts that break a v2 rule, naming the field', () => {
    const good = buildReceipt(range);
    const [l0, l1, l2, l3] = good.lines as [
      Receipt['lines'][0],
      Receipt['lines'][0],
      Receipt['lines'][0],
      Receipt['lines'][0],
    ];
    const cases: [Receipt, string][] = [
      [{ ...good, lines: [l1, l0, l2, l3] }, 'lines.1'], // out of order
      [{ ...good, lines: [l0, l0, l2, l3] }, 'lines.1'], // repeated
      [{ ...good, lines: [] }, 'lines'],
      [{ ...good, lines: [l0, l1, l2, { ...l3, messages: 3n }] }, 'lines'], // sums ≠ range
      [{ ...good, lines: [{ ...l0, messages: 0n }, l1, l2, { ...l3, messages: 3n }] }, 'lines.0.messages'],
      [{ ...good, root: new Uint8Array(31) }, 'root'],
      [{ ...good, root: new Uint8Array(0) }, 'root'],
      [{ ...good, lastSeq: 4n }, 'last_seq'],
      [{ ...good, firstSeq: 0n }, 'first_seq'],
      [{ ...good, lines: [{ ...l0, promptTokens: 1n << 64n }, l1, l2, l3] }, 'lines.0.prompt_tokens'],
      [{ ...good, lines: [{ ...l0, bot: 'nope' }, l1, l2, l3] }, 'lines.0.bot'],
    ];
    for (const [receipt, field] of cases) {
      let error: unknown;
      try {
        encodeReceipt(receipt);
      } catch (err) {
        error = err;
      }
      expect(error, field).toBeInstanceOf(AttestationError);
      expect((error as AttestationError).field).toBe(field);
    }
  });

  it('decodes only exact bytes', () => {
    const bytes = encodeReceipt(buildReceipt(range));
    expect(() => decodeReceipt(bytes.subarray(0, bytes.length - 1))).toThrow(AttestationError);
    expect(() => decodeReceipt(Uint8Array.of(...bytes, 0))).toThrow(AttestationError);
    const attestationLike = bytes.slice();
    attestationLike[0] = 1;
    expect(() => decodeReceipt(attestationLike)).toThrow(/domain/);
  });
});

describe('signature', () => {
  it('verifies, and fails for a forged delta, another range, a wrong key or an attestation signature', () => {
    const receipt = buildReceipt(range);
    const signature = signReceipt(receipt, PRIVATE_KEY);
    expect(verifyReceipt(receipt, signature)).toBe(true);
    const [l0, ...rest] = receipt.lines as [Receipt['lines'][0], ...Receipt['lines']];
    expect(
      verifyReceipt(
        { ...receipt, lines: [{ ...l0, promptTokens: l0.promptTokens + 1n }, ...rest] },
        signature,
      ),
    ).toBe(false);
    expect(verifyReceipt({ ...receipt, firstSeq: 6n, lastSeq: 10n }, signature)).toBe(false);
    expect(verifyReceipt({ ...receipt, signer: signerPublicKey(fromHex('02'.repeat(32))) }, signature)).toBe(
      false,
    );
    expect(verifyReceipt(receipt, signAttestation(range[0] as Attestation, PRIVATE_KEY))).toBe(false);
    expect(() => signReceipt(receipt, fromHex('02'.repeat(32)))).toThrow(/receipt signer/);
  });
});

describe('JSON form and submit_receipt', () => {
  it('round-trip and detect tampering', () => {
    const receipt = buildReceipt(range);
    const signed = { receipt, signature: signReceipt(receipt, PRIVATE_KEY) };
    const json = JSON.parse(JSON.stringify(receiptToJson(signed)));
    expect(receiptFromJson(json)).toEqual(signed);
    const tampered = {
      ...json,
      lines: json.lines.map((l: { messages: string }, i: number) =>
        i === 0 ? { ...l, prompt_tokens: '1' } : l,
      ),
    };
    expect(() => receiptFromJson(tampered)).toThrow(/hash/);
    const msg = encodeSubmitReceipt(signed);
    expect(msg.first_seq).toBe('5');
    expect(Buffer.from(msg.lines, 'base64').length).toBe(4 * 52);
    expect(decodeSubmitReceipt(msg)).toEqual(signed);
  });
});
