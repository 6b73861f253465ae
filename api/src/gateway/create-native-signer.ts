import { createHash } from 'node:crypto';
import {
  type AttestationSigner,
  assertSignerOf,
  createAttestationSigner,
  encodeAttestation,
} from '@privexbot/schema/attestation';
import secp256k1 from 'secp256k1';

/**
 * The gateway's attestation signer, through libsecp256k1 (bitcoin-core's library, the
 * `secp256k1` package's prebuilt binding): RFC 6979, low-S, compact — byte for byte what
 * `createAttestationSigner` of @privexbot/schema produces (a test pins it), about ten times
 * faster. Signing runs inside the attestation log's serialized append, so its cost bounds how
 * many answers per second one gateway can attest (scripts/bench/gateway-overhead.ts).
 */
export function createNativeSigner(privateKey: Uint8Array): AttestationSigner {
  // The schema's signer validates the key and derives the public key once.
  const { publicKey } = createAttestationSigner(privateKey);
  const secret = Uint8Array.from(privateKey);
  return {
    publicKey,
    sign(att) {
      // The same refusal, error code and message as the schema's signer.
      assertSignerOf(publicKey, att);
      const hash = createHash('sha256').update(encodeAttestation(att)).digest();
      return secp256k1.ecdsaSign(hash, secret).signature;
    },
  };
}
