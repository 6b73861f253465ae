import { fromHex, toHex } from '@cosmjs/encoding';
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
    throw new AttestationError('INVALID_MERKLE_INPUT', 'a Merkle root needs at least one attestation hash');
  }
  let level = attestationHashes.map(merkleLeaf);
  while (level.length > 1) level = nextLevel(level);
  return level[0] as Uint8Array;
}

/** The sibling path from leaf `index` to the root. Carried-up nodes add no step. */
export function merkleProof(attestationHashes: readonly Uint8Array[], index: number): MerkleProofStep[] {
  return merkleProofs(attestationHashes, [index])[0] as MerkleProofStep[];
}

/**
 * The sibling paths of several leaves of one batch, building the tree once (a relayer proves
 * every attestation of one org in a batch of hundreds).
 */
export function merkleProofs(
  attestationHashes: readonly Uint8Array[],
  indexes: readonly number[],
): MerkleProofStep[][] {
  for (const index of indexes) {
    if (!Number.isInteger(index) || index < 0 || index >= attestationHashes.length) {
      throw new AttestationError(
        'INVALID_MERKLE_INPUT',
        `index ${index} is outside 0..${attestationHashes.length - 1}`,
      );
    }
  }
  const levels = [attestationHashes.map(merkleLeaf)];
  for (let level = levels[0] as Uint8Array[]; level.length > 1; ) {
    level = nextLevel(level);
    levels.push(level);
  }
  return indexes.map((index) => {
    const proof: MerkleProofStep[] = [];
    let position = index;
    for (const level of levels.slice(0, -1)) {
      const siblingIndex = position % 2 === 0 ? position + 1 : position - 1;
      const sibling = level[siblingIndex];
      if (sibling) proof.push({ sibling, siblingOnLeft: siblingIndex < position });
      position = Math.floor(position / 2);
    }
    return proof;
  });
}

/** A proof step in JSON (relayer answers, test vectors): the sibling in lowercase hex and its side. */
export interface MerkleProofStepJson {
  sibling: string;
  side: 'left' | 'right';
}

export function merkleProofToJson(proof: readonly MerkleProofStep[]): MerkleProofStepJson[] {
  return proof.map((step) => ({ sibling: toHex(step.sibling), side: step.siblingOnLeft ? 'left' : 'right' }));
}

/** Parses and validates a proof's JSON form; throws AttestationError('INVALID_MERKLE_INPUT'). */
export function merkleProofFromJson(json: unknown): MerkleProofStep[] {
  // 64 levels cover any batch a u32 count can describe; anything longer is not a proof.
  if (!Array.isArray(json) || json.length > 64) {
    throw new AttestationError('INVALID_MERKLE_INPUT', 'a proof is an array of at most 64 steps', 'proof');
  }
  return json.map((step: unknown, i) => {
    const { sibling, side } = (step ?? {}) as { sibling?: unknown; side?: unknown };
    if (
      typeof sibling !== 'string' ||
      !/^[0-9a-f]{64}$/.test(sibling) ||
      (side !== 'left' && side !== 'right')
    ) {
      throw new AttestationError(
        'INVALID_MERKLE_INPUT',
        `step ${i} must be { sibling: 32 bytes of lowercase hex, side: "left" | "right" }`,
        'proof',
      );
    }
    return { sibling: fromHex(sibling), siblingOnLeft: side === 'left' };
  });
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
    throw new AttestationError('INVALID_MERKLE_INPUT', `${what} must be a 32-byte hash`);
  }
}
