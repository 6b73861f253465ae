import {
  type Attestation,
  AttestationError,
  createAttestationSigner,
  generateSignerKey,
  verifyAttestation,
} from '@privexbot/schema/attestation';
import { describe, expect, it } from 'vitest';
import { createNativeSigner } from './create-native-signer.js';

describe('createNativeSigner', () => {
  it('signs byte for byte like the schema signer, and the signatures verify', () => {
    const privateKey = generateSignerKey();
    const native = createNativeSigner(privateKey);
    const reference = createAttestationSigner(privateKey);
    expect(native.publicKey).toEqual(reference.publicKey);
    for (let seq = 1n; seq <= 25n; seq++) {
      const att: Attestation = {
        v: 1,
        signer: native.publicKey,
        seq,
        org: 7n,
        bot: '123e4567-e89b-12d3-a456-426614174000',
        ts: 1_700_000_000n + seq,
        promptTokens: Number(seq) * 3,
        completionTokens: Number(seq) * 5,
        reqHash: new Uint8Array(32).fill(Number(seq)),
        model: 'llama3.3-70b',
      };
      const signature = native.sign(att);
      expect(signature).toEqual(reference.sign(att));
      expect(verifyAttestation(att, signature)).toBe(true);
    }
  });

  it('refuses an attestation naming another signer, and a key that is not a secp256k1 key', () => {
    const native = createNativeSigner(generateSignerKey());
    const other = createNativeSigner(generateSignerKey());
    const att: Attestation = {
      v: 1,
      signer: other.publicKey,
      seq: 1n,
      org: 1n,
      bot: '123e4567-e89b-12d3-a456-426614174000',
      ts: 1n,
      promptTokens: 1,
      completionTokens: 1,
      reqHash: new Uint8Array(32),
      model: 'm',
    };
    expect(() => native.sign(att)).toThrow(AttestationError);
    // One check owns the refusal: the native signer's error is the schema signer's, code and all.
    const reference = createAttestationSigner(generateSignerKey());
    const refusal = (sign: () => unknown) => {
      try {
        sign();
      } catch (error) {
        return { code: (error as AttestationError).code, message: (error as Error).message };
      }
      return undefined;
    };
    expect(refusal(() => native.sign(att))).toEqual({
      code: 'INVALID_KEY',
      message: expect.stringContaining('does not belong to the attestation signer'),
    });
    expect(refusal(() => native.sign(att))).toEqual(refusal(() => reference.sign(att)));
    expect(() => createNativeSigner(new Uint8Array(32))).toThrow(AttestationError);
  });
});
