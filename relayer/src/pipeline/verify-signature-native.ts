import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { type Attestation, encodeAttestation } from '@privexbot/schema/attestation';

/**
 * The same check as `verifyAttestation` of @privexbot/schema (low-S compact ECDSA secp256k1
 * over SHA-256 of the canonical bytes), done by Node's OpenSSL instead of pure JavaScript:
 * about ten times faster, which is what lets one relayer keep up with many gateways (see
 * scripts/bench/relayer-throughput.ts). Node only; the browser-safe audit uses the schema's
 * verifier, and a unit test proves both agree.
 */
const HALF_ORDER = secp256k1.Point.CURVE().n >> 1n;
const keys = new Map<string, KeyObject>();

function publicKeyOf(signer: Uint8Array): KeyObject {
  const id = Buffer.from(signer).toString('hex');
  let key = keys.get(id);
  if (!key) {
    const point = secp256k1.Point.fromBytes(signer).toAffine();
    const coordinate = (n: bigint) =>
      Buffer.from(n.toString(16).padStart(64, '0'), 'hex').toString('base64url');
    key = createPublicKey({
      key: { kty: 'EC', crv: 'secp256k1', x: coordinate(point.x), y: coordinate(point.y) },
      format: 'jwk',
    });
    if (keys.size > 1000) keys.clear(); // a handful of gateways in practice; never unbounded
    keys.set(id, key);
  }
  return key;
}

export function verifyAttestationNative(att: Attestation, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  // The chain refuses high-S signatures (malleability); OpenSSL would accept them.
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  if (s === 0n || s > HALF_ORDER) return false;
  try {
    return verify(
      'sha256',
      encodeAttestation(att),
      { key: publicKeyOf(att.signer), dsaEncoding: 'ieee-p1363' },
      signature,
    );
  } catch {
    return false;
  }
}
