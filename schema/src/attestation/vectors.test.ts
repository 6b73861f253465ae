import { existsSync, readFileSync } from 'node:fs';
import { fromBase64, fromHex, toHex } from '@cosmjs/encoding';
import { describe, expect, it } from 'vitest';
import {
  type Attestation,
  bytesToUuid,
  encodeAttestation,
  encodeWireRecord,
  hashAttestation,
  merkleLeaf,
  merkleProofFromJson,
  merkleProofs,
  merkleProofToJson,
  merkleRoot,
  signAttestation,
  signerPublicKey,
  verifyAttestation,
  verifyMerkleProof,
} from './index.js';

/**
 * Byte-for-byte agreement with the usage contract: schema/vectors/attestation.json is written
 * by the contract crate's tests. This test fails when the file is missing, on purpose: the
 * TypeScript codec is only trusted once it matches the Rust one.
 */
const VECTORS_PATH = new URL('../../vectors/attestation.json', import.meta.url);

type Json = Record<string, unknown>;

function bytesField(value: unknown, name: string): Uint8Array {
  if (Array.isArray(value)) return Uint8Array.from(value as number[]);
  if (typeof value !== 'string') throw new Error(`vector field ${name} is not bytes`);
  const hex = value.startsWith('0x') ? value.slice(2) : value;
  return /^([0-9a-fA-F]{2})*$/.test(hex) ? fromHex(hex) : fromBase64(value);
}

function attestationFromVector(raw: Json): Attestation {
  const pick = (...names: string[]) => names.map((n) => raw[n]).find((v) => v !== undefined);
  const bot = String(pick('bot'));
  return {
    v: 1,
    signer: bytesField(pick('signer'), 'signer'),
    seq: BigInt(pick('seq') as string | number),
    org: BigInt(pick('org') as string | number),
    bot: bot.includes('-') ? bot.toLowerCase() : bytesToUuid(bytesField(bot, 'bot')),
    ts: BigInt(pick('ts') as string | number),
    promptTokens: Number(pick('prompt_tokens', 'promptTokens')),
    completionTokens: Number(pick('completion_tokens', 'completionTokens')),
    reqHash: bytesField(pick('req_hash', 'reqHash'), 'req_hash'),
    model: String(pick('model')),
  };
}

function loadVectors(): { cases: Json[]; merkle: Json[] } {
  const file = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as unknown;
  if (Array.isArray(file)) return { cases: file as Json[], merkle: [] };
  const root = file as Json;
  const list = (...names: string[]) => (names.map((n) => root[n]).find(Array.isArray) ?? []) as Json[];
  return {
    cases: list('cases', 'vectors', 'attestations'),
    merkle: list('merkle', 'merkle_cases', 'merkle_roots'),
  };
}

describe('contract test vectors (schema/vectors/attestation.json)', () => {
  it('exists: run the usage contract tests to write it', () => {
    expect(existsSync(VECTORS_PATH), `missing ${VECTORS_PATH.pathname}`).toBe(true);
  });

  it('encode, hash, sign and wire-encode byte for byte', () => {
    const { cases } = loadVectors();
    expect(cases.length).toBeGreaterThan(0);
    for (const vector of cases) {
      const att = attestationFromVector(vector.attestation as Json);
      expect(toHex(encodeAttestation(att))).toBe(String(vector.bytes_hex).toLowerCase());
      expect(toHex(hashAttestation(att))).toBe(String(vector.sha256).toLowerCase());
      const signature = bytesField(vector.signature, 'signature');
      expect(toHex(bytesField(vector.pubkey, 'pubkey'))).toBe(toHex(att.signer));
      expect(verifyAttestation(att, signature)).toBe(true);
      if (vector.privkey !== undefined) {
        const privateKey = bytesField(vector.privkey, 'privkey');
        expect(toHex(signerPublicKey(privateKey))).toBe(toHex(att.signer));
        expect(toHex(signAttestation(att, privateKey))).toBe(toHex(signature));
      }
      if (vector.wire_hex !== undefined) {
        expect(toHex(encodeWireRecord(att, signature))).toBe(String(vector.wire_hex).toLowerCase());
      }
    }
  });

  it('Merkle roots', () => {
    const { merkle } = loadVectors();
    expect(merkle.length).toBeGreaterThan(0);
    for (const vector of merkle) {
      const hashes = ((vector.attestation_hashes ?? vector.hashes ?? vector.leaves) as string[]).map((h) =>
        bytesField(h, 'attestation hash'),
      );
      if (Array.isArray(vector.leaf_hashes)) {
        expect(hashes.map((h) => toHex(merkleLeaf(h)))).toEqual(vector.leaf_hashes);
      }
      expect(toHex(merkleRoot(hashes))).toBe(String(vector.root).toLowerCase());
    }
  });
});

/**
 * Inclusion proofs (schema/vectors/merkle-proofs.json): every leaf of the contract's Merkle
 * vectors, with its proof in the JSON form the relayer serves to an org's auditors. The proofs
 * must reach the roots the contract computed, and any altered step must fail.
 */
describe('Merkle proof vectors (schema/vectors/merkle-proofs.json)', () => {
  const file = JSON.parse(
    readFileSync(new URL('../../vectors/merkle-proofs.json', import.meta.url), 'utf8'),
  ) as {
    cases: { attestation_hashes: string[]; root: string; proofs: { index: number; proof: unknown }[] }[];
  };
  const contractRoots = new Map(
    loadVectors().merkle.map((m) => [(m.attestation_hashes as string[]).join(','), String(m.root)]),
  );

  it('cover every leaf of the contract vectors and reach the contract roots', () => {
    expect(file.cases.length).toBe(contractRoots.size);
    for (const c of file.cases) {
      expect(c.root).toBe(contractRoots.get(c.attestation_hashes.join(',')));
      const root = fromHex(c.root);
      expect(c.proofs.map((p) => p.index)).toEqual(c.attestation_hashes.map((_, i) => i));
      for (const { index, proof } of c.proofs) {
        const leaf = fromHex(c.attestation_hashes[index] as string);
        expect(verifyMerkleProof(leaf, merkleProofFromJson(proof), root)).toBe(true);
      }
    }
  });

  it('are what merkleProofs computes, byte for byte', () => {
    for (const c of file.cases) {
      const hashes = c.attestation_hashes.map((h) => fromHex(h));
      const ours = merkleProofs(
        hashes,
        hashes.map((_, i) => i),
      ).map(merkleProofToJson);
      expect(ours).toEqual(c.proofs.map((p) => p.proof));
    }
  });

  it('fail when a side is flipped, a sibling altered, or the leaf is another one', () => {
    const c = file.cases.find((x) => x.attestation_hashes.length === 7);
    if (!c) throw new Error('the contract vectors have no 7-leaf case');
    const root = fromHex(c.root);
    for (const { index, proof } of c.proofs) {
      const steps = merkleProofFromJson(proof);
      const leaf = fromHex(c.attestation_hashes[index] as string);
      const other = fromHex(c.attestation_hashes[(index + 1) % 7] as string);
      expect(verifyMerkleProof(other, steps, root)).toBe(false);
      steps.forEach((step, i) => {
        const flipped = steps.map((s, j) => (j === i ? { ...s, siblingOnLeft: !s.siblingOnLeft } : s));
        expect(verifyMerkleProof(leaf, flipped, root)).toBe(false);
        const altered = Uint8Array.from(step.sibling);
        altered[0] = (altered[0] as number) ^ 1;
        const changed = steps.map((s, j) => (j === i ? { ...s, sibling: altered } : s));
        expect(verifyMerkleProof(leaf, changed, root)).toBe(false);
      });
    }
    expect(() => merkleProofFromJson([{ sibling: 'zz', side: 'left' }])).toThrow(/step 0 must be/);
    expect(() => merkleProofFromJson({})).toThrow(/array of at most 64 steps/);
  });
});
