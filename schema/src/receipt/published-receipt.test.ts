import { fromHex, toHex } from '@cosmjs/encoding';
import { describe, expect, it } from 'vitest';
import {
  type Attestation,
  attestationToJson,
  hashAttestation,
  merkleProofs,
  merkleProofToJson,
  merkleRoot,
  signAttestation,
  signerPublicKey,
} from '../attestation/index.js';
import {
  buildReceipt,
  hashReceipt,
  orgReceiptSchema,
  publicReceiptSchema,
  receiptToJson,
  signReceipt,
} from './index.js';

// A fixed key so the fixture is reproducible; never used outside tests.
const PRIVATE_KEY = fromHex('0202020202020202020202020202020202020202020202020202020202020202');
const SIGNER = signerPublicKey(PRIVATE_KEY);
const BOT = '123e4567-e89b-12d3-a456-426614174000';

const attestations: Attestation[] = [1n, 2n, 1n].map((org, i) => ({
  v: 1,
  signer: SIGNER,
  seq: BigInt(i + 1),
  org,
  bot: BOT,
  ts: 1_795_348_800n,
  promptTokens: 10 + i,
  completionTokens: 1,
  reqHash: new Uint8Array(32).fill(i + 1),
  model: 'llama3.3-70b',
}));
const signed = attestations.map((attestation) => ({
  attestation,
  signature: signAttestation(attestation, PRIVATE_KEY),
}));
const hashes = attestations.map(hashAttestation);
const receipt = buildReceipt(attestations);
const receiptJson = receiptToJson({ receipt, signature: signReceipt(receipt, PRIVATE_KEY) });
const header = {
  id: '0',
  signer: toHex(SIGNER),
  first_seq: '1',
  last_seq: '3',
  count: 3,
  root: toHex(merkleRoot(hashes)),
  receipt_hash: toHex(hashReceipt(receipt)),
  prompt_tokens: '33',
  completion_tokens: '3',
  tx_hash: null,
  height: '12',
  origin: 'submitted' as const,
};

describe('the published receipt (the relayer writes it, the audit reads it)', () => {
  it('the public form is the header and the leaf hashes, which rebuild the root', () => {
    const parsed = publicReceiptSchema.parse({ receipt: header, attestation_hashes: hashes.map(toHex) });
    expect(toHex(merkleRoot(parsed.attestation_hashes.map(fromHex)))).toBe(parsed.receipt.root);
  });

  it('the public form refuses anything about an org: lines or attestations', () => {
    const base = { receipt: header, attestation_hashes: hashes.map(toHex) };
    expect(publicReceiptSchema.safeParse({ ...base, lines: receiptJson.lines }).success).toBe(false);
    expect(
      publicReceiptSchema.safeParse({ ...base, receipt: { ...header, lines: receiptJson.lines } }).success,
    ).toBe(false);
    expect(publicReceiptSchema.safeParse({ ...base, attestation_hashes: [] }).success).toBe(false);
  });

  it("an org's share holds its lines and its attestations with proofs against the root", () => {
    const indexes = [0, 2];
    const proofs = merkleProofs(hashes, indexes);
    const share = orgReceiptSchema.parse({
      receipt: header,
      lines: receiptJson.lines.filter((line) => line.org === '1'),
      attestations: indexes.map((index, i) => ({
        index,
        attestation: attestationToJson(signed[index] as (typeof signed)[number]),
        proof: merkleProofToJson(proofs[i] ?? []),
      })),
    });
    expect(share.lines).toEqual([
      { org: '1', bot: BOT, day: 20779, messages: '2', prompt_tokens: '22', completion_tokens: '2' },
    ]);
    expect(
      orgReceiptSchema.safeParse({
        ...share,
        attestations: [{ ...share.attestations[0], proof: [{ sibling: 'zz', side: 'left' }] }],
      }).success,
    ).toBe(false);
  });
});
