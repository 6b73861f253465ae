import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { AttestationError } from '../attestation/attestation-error.js';
import { equalBytes, SIGNATURE_LENGTH, signerPublicKey } from '../attestation/sign-attestation.js';
import { encodeReceipt, type Receipt } from './encode-receipt.js';

/** The receipt hash: SHA-256 of the canonical bytes, the digest the gateway signs. */
export function hashReceipt(receipt: Receipt): Uint8Array {
  return sha256(encodeReceipt(receipt));
}

/**
 * Signs the receipt hash as attestations are signed: deterministic (RFC 6979), low-S, compact
 * r||s over the digest itself, what the contract's `secp256k1_verify(hash, sig, pubkey)` checks.
 * Refuses a key that is not the receipt's signer.
 */
export function signReceipt(receipt: Receipt, privateKey: Uint8Array): Uint8Array {
  const hash = hashReceipt(receipt);
  if (!equalBytes(signerPublicKey(privateKey), receipt.signer)) {
    throw new AttestationError('INVALID_KEY', 'private key does not belong to the receipt signer', 'signer');
  }
  return secp256k1.sign(hash, privateKey, { prehash: false, lowS: true, format: 'compact' });
}

/**
 * True when `signature` is a valid low-S compact signature of the receipt hash by
 * `receipt.signer`, and the receipt obeys every v2 rule. High-S twins are refused, as on chain.
 */
export function verifyReceipt(receipt: Receipt, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) return false;
  try {
    return secp256k1.verify(signature, hashReceipt(receipt), receipt.signer, {
      prehash: false,
      lowS: true,
      format: 'compact',
    });
  } catch {
    return false;
  }
}
