import { toHex } from '@cosmjs/encoding';
import {
  type Attestation,
  attestationFromJson,
  attestationToJson,
  type SignedAttestation,
  type SignedAttestationJson,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';

/**
 * Test and benchmark helper: real secp256k1-signed attestations, the way a gateway makes
 * them. Keys here are fixed test keys that never sign anything real.
 */
export function testSignerKey(byte: number): { privateKey: Uint8Array; publicKey: Uint8Array; hex: string } {
  const privateKey = new Uint8Array(32).fill(byte);
  const publicKey = signerPublicKey(privateKey);
  return { privateKey, publicKey, hex: toHex(publicKey) };
}

export function makeAttestation(
  key: { privateKey: Uint8Array; publicKey: Uint8Array },
  seq: bigint,
  overrides: Partial<Attestation> = {},
): SignedAttestationJson {
  const attestation: Attestation = {
    v: 1,
    signer: key.publicKey,
    seq,
    org: 1n,
    bot: '123e4567-e89b-12d3-a456-426614174000',
    ts: BigInt(Math.floor(Date.now() / 1000) - 60),
    promptTokens: 10 + Number(seq % 50n),
    completionTokens: 5 + Number(seq % 20n),
    reqHash: new Uint8Array(32).fill(Number(seq % 251n)),
    model: 'test-model',
    ...overrides,
  };
  return attestationToJson({ attestation, signature: signAttestation(attestation, key.privateKey) });
}

/** A signed attestation of the test key `keyByte`, parsed (the form `encodeSubmitBatch` takes). */
export function attestationFromJsonOf(keyByte: number, seq: bigint): SignedAttestation {
  return attestationFromJson(makeAttestation(testSignerKey(keyByte), seq));
}
