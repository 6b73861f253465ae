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
  merkleRoot,
  signAttestation,
  signerPublicKey,
  verifyAttestation,
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
