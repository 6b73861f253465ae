import { readFileSync } from 'node:fs';
import { fromBase64, fromHex, toHex } from '@cosmjs/encoding';
import { describe, expect, it } from 'vitest';
import { attestationFromJson, verifyAttestation } from '../attestation/index.js';
import {
  buildReceipt,
  decodeReceipt,
  encodeReceipt,
  encodeSubmitReceipt,
  hashReceipt,
  receiptFromJson,
  signReceipt,
  verifyReceipt,
} from './index.js';

/**
 * Byte-for-byte agreement with the usage contract: schema/vectors/receipt.json is written by the
 * contract crate's tests (`--test receipt_vectors`). Each vector holds signed attestations and
 * the receipt the contract computed over them; the TypeScript side must rebuild the same
 * receipt from the attestations alone, and encode, hash and sign it identically.
 */
const file = JSON.parse(readFileSync(new URL('../../vectors/receipt.json', import.meta.url), 'utf8')) as {
  vectors: {
    name: string;
    attestations: unknown[];
    receipt: Record<string, unknown>;
    bytes_hex: string;
    lines_hex: string;
    sha256: string;
    privkey: string;
    signature: string;
  }[];
};

describe('contract receipt vectors (schema/vectors/receipt.json)', () => {
  it('rebuild, encode, hash and sign byte for byte', () => {
    expect(file.vectors.length).toBeGreaterThanOrEqual(3);
    for (const vector of file.vectors) {
      const signed = vector.attestations.map((a) => attestationFromJson(a));
      expect(signed.every((s) => verifyAttestation(s.attestation, s.signature))).toBe(true);
      const receipt = buildReceipt(signed.map((s) => s.attestation));
      expect(toHex(encodeReceipt(receipt)), vector.name).toBe(vector.bytes_hex);
      expect(toHex(hashReceipt(receipt))).toBe(vector.sha256);
      const signature = fromHex(vector.signature);
      expect(verifyReceipt(receipt, signature)).toBe(true);
      expect(toHex(signReceipt(receipt, fromHex(vector.privkey)))).toBe(vector.signature);
      expect(decodeReceipt(fromHex(vector.bytes_hex))).toEqual(receipt);
      const fromJson = receiptFromJson({
        ...vector.receipt,
        hash: vector.sha256,
        signature: vector.signature,
      });
      expect(fromJson.receipt).toEqual(receipt);
      expect(toHex(fromBase64(encodeSubmitReceipt({ receipt, signature }).lines))).toBe(vector.lines_hex);
    }
  });

  it('an attestation signature never verifies as a receipt signature, nor the reverse', () => {
    for (const vector of file.vectors) {
      const signed = vector.attestations.map((a) => attestationFromJson(a));
      const receipt = buildReceipt(signed.map((s) => s.attestation));
      for (const { attestation, signature } of signed) {
        expect(verifyReceipt(receipt, signature)).toBe(false);
        expect(verifyAttestation(attestation, fromHex(vector.signature))).toBe(false);
      }
    }
  });
});
