import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { AttestationError } from './attestation-error.js';
import { type Attestation, encodeAttestation } from './encode-attestation.js';

export const SIGNATURE_LENGTH = 64;

/** The attestation hash: SHA-256 of the canonical bytes. Leaves of the batch Merkle tree. */
export function hashAttestation(att: Attestation): Uint8Array {
  return sha256(encodeAttestation(att));
}

/** Compressed (33-byte) public key of a 32-byte secret key. */
export function signerPublicKey(privateKey: Uint8Array): Uint8Array {
  assertPrivateKey(privateKey);
  return secp256k1.getPublicKey(privateKey, true);
}

export function generateSignerKey(): Uint8Array {
  return secp256k1.utils.randomSecretKey();
}

/**
 * Signs the attestation hash: deterministic (RFC 6979), low-S, compact r||s.
 * The hash is the digest itself (prehash: false), exactly what the contract's
 * `secp256k1_verify(hash, sig, pubkey)` checks. Refuses a key that is not the attestation's signer.
 */
export function signAttestation(att: Attestation, privateKey: Uint8Array): Uint8Array {
  const hash = hashAttestation(att);
  const publicKey = signerPublicKey(privateKey);
  assertSignerOf(publicKey, att);
  return secp256k1.sign(hash, privateKey, { prehash: false, lowS: true, format: 'compact' });
}

/**
 * True when `signature` is a valid low-S compact signature of the attestation hash by
 * `att.signer`. High-S signatures are refused, as the chain refuses them.
 */
export function verifyAttestation(att: Attestation, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) return false;
  let hash: Uint8Array;
  try {
    hash = hashAttestation(att);
  } catch {
    return false;
  }
  try {
    return secp256k1.verify(signature, hash, att.signer, { prehash: false, lowS: true, format: 'compact' });
  } catch {
    return false;
  }
}

/** A signer bound to one key: derives the public key once, for processes that sign many attestations. */
export interface AttestationSigner {
  publicKey: Uint8Array;
  sign(att: Attestation): Uint8Array;
}

export function createAttestationSigner(privateKey: Uint8Array): AttestationSigner {
  const publicKey = signerPublicKey(privateKey);
  return {
    publicKey,
    sign(att) {
      assertSignerOf(publicKey, att);
      return secp256k1.sign(hashAttestation(att), privateKey, {
        prehash: false,
        lowS: true,
        format: 'compact',
      });
    },
  };
}

/**
 * Refuses to sign an attestation that names another signer: its signature would verify against
 * no key the chain knows for it. Every signer (this module's and the gateway's native one)
 * calls this, so the refusal and its error code are the same everywhere.
 */
export function assertSignerOf(publicKey: Uint8Array, att: Attestation): void {
  if (!equalBytes(publicKey, att.signer)) {
    throw new AttestationError(
      'INVALID_KEY',
      'private key does not belong to the attestation signer',
      'signer',
    );
  }
}

function assertPrivateKey(privateKey: Uint8Array): void {
  if (
    !(privateKey instanceof Uint8Array) ||
    privateKey.length !== 32 ||
    !secp256k1.utils.isValidSecretKey(privateKey)
  ) {
    throw new AttestationError('INVALID_KEY', 'must be a valid 32-byte secp256k1 secret key', 'privateKey');
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
