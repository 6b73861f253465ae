import { createHash } from 'node:crypto';
import { type Attestation, encodeAttestation } from '@privexbot/schema/attestation';
import secp256k1 from 'secp256k1';

/**
 * The same check as `verifyAttestation` of @privexbot/schema (low-S compact ECDSA secp256k1
 * over SHA-256 of the canonical bytes), done by libsecp256k1 — bitcoin-core's library, the
 * one the chain's own `secp256k1_verify` uses — through the `secp256k1` package's prebuilt
 * Node binding. About 15 times faster than Node's OpenSSL (which has no secp256k1-specific
 * code) and 30 times faster than pure JavaScript: scripts/bench/relayer-throughput.ts measures
 * all three. Where the binding cannot load, the package falls back to a JavaScript
 * implementation with the same answers. Node only; the browser-safe audit uses the schema's
 * verifier, and a unit test proves both agree.
 */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/**
 * `hash` is the attestation hash when the caller already has it (the feed's `hash`, which
 * `attestationFromJson` checked against the fields); otherwise it is computed here.
 */
export function verifyAttestationNative(att: Attestation, signature: Uint8Array, hash?: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  // libsecp256k1 refuses high-S signatures too; checked here first so the JavaScript fallback agrees.
  const s = BigInt(`0x${Buffer.from(signature.buffer, signature.byteOffset + 32, 32).toString('hex')}`);
  if (s === 0n || s > HALF_ORDER) return false;
  try {
    const digest = hash ?? createHash('sha256').update(encodeAttestation(att)).digest();
    return secp256k1.ecdsaVerify(signature, digest, att.signer);
  } catch {
    // a malformed public key or field: not a valid attestation
    return false;
  }
}
