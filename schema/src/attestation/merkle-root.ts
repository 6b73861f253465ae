import { sha256 } from '@noble/hashes/sha2.js';
import { AttestationError } from './attestation-error.js';

// Domain separation (contracts/usage/README.md): a leaf can never pass for an inner node.
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export function merkleLeaf(attestationHash: Uint8Array): Uint8Array {
  assertHash(attestationHash, 'leaf');
  return sha256.create().update(LEAF_PREFIX).update(attestationHash).digest();
}

export function merkleNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(NODE_PREFIX).update(left).update(right).digest();
}

/** One step of a proof: the sibling hash and whether it sits on the left. */
export interface MerkleProofStep {
  sibling: Uint8Array;
  siblingOnLeft: boolean;
}

/** Root of the attestation hashes in sequence order; an odd last node is carried up unchanged. */
export function merkleRoot(attestationHashes: readonly Uint8Array[]): Uint8Array {
  if (attestationHashes.length === 0) {
    throw new AttestationError('invalid_merkle_input', 'a Merkle root needs at least one attestation hash');
  }
  let level = attestationHashes.map(merkleLeaf);
  while (level.length > 1) level = nextLevel(level);
  return level[0] as Uint8Array;
}

/** The sibling path from leaf `index` to the root. Carried-up nodes add no step. */
export function merkleProof(attestationHashes: readonly Uint8Array[], index: number): MerkleProofStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= attestationHashes.length) {
    throw new AttestationError(
      'invalid_merkle_input',
      `index ${index} is outside 0..${attestationHashes.length - 1}`,
    );
  }
  const proof: MerkleProofStep[] = [];
  let level = attestationHashes.map(merkleLeaf);
  let position = index;
  while (level.length > 1) {
    const siblingIndex = position % 2 === 0 ? position + 1 : position - 1;
    const sibling = level[siblingIndex];
    if (sibling) proof.push({ sibling, siblingOnLeft: siblingIndex < position });
    level = nextLevel(level);
    position = Math.floor(position / 2);
  }
  return proof;
}

export function verifyMerkleProof(
  attestationHash: Uint8Array,
  proof: readonly MerkleProofStep[],
  root: Uint8Array,
): boolean {
  let node = merkleLeaf(attestationHash);
  for (const step of proof) {
    node = step.siblingOnLeft ? merkleNode(step.sibling, node) : merkleNode(node, step.sibling);
  }
  return node.length === root.length && node.every((byte, i) => byte === root[i]);
}

function nextLevel(level: readonly Uint8Array[]): Uint8Array[] {
  const next: Uint8Array[] = [];
  for (let i = 0; i < level.length; i += 2) {
    const left = level[i] as Uint8Array;
    const right = level[i + 1];
    next.push(right ? merkleNode(left, right) : left);
  }
  return next;
}

function assertHash(hash: Uint8Array, what: string): void {
  if (!(hash instanceof Uint8Array) || hash.length !== 32) {
    throw new AttestationError('invalid_merkle_input', `${what} must be a 32-byte hash`);
  }
}
