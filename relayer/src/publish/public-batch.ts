import { fromHex } from '@cosmjs/encoding';
import {
  type MerkleProofStepJson,
  merkleProofs,
  merkleProofToJson,
  type SignedAttestationJson,
} from '@privexbot/schema/attestation';
import type { PublishedBatch } from '../db/relayer-store.js';

/**
 * What anyone may read of a batch: its header and the attestation hashes in sequence order,
 * enough to rebuild the Merkle root the chain holds and to check its count, nothing about any
 * org (no org, bot, model, token or time field). A hash reveals nothing either: each
 * attestation carries a salted `req_hash`, so it cannot be guessed from likely fields.
 */
export interface PublicBatch {
  batch: PublishedBatch['batch'];
  attestation_hashes: string[];
}

export function toPublicBatch(published: PublishedBatch): PublicBatch {
  return { batch: published.batch, attestation_hashes: published.attestations.map((a) => a.hash) };
}

/** One attestation of an org, where it sits in its batch, and the proof that it is there. */
export interface ProvenAttestation {
  index: number;
  attestation: SignedAttestationJson;
  proof: MerkleProofStepJson[];
}

/** An org's attestations in one batch, each with its inclusion proof against the batch's root. */
export interface OrgBatch {
  batch: PublishedBatch['batch'];
  attestations: ProvenAttestation[];
}

export function toOrgBatch(published: PublishedBatch, org: string): OrgBatch {
  const indexes = published.attestations.flatMap((a, i) => (a.org === org ? [i] : []));
  const proofs = merkleProofs(
    published.attestations.map((a) => fromHex(a.hash)),
    indexes,
  );
  return {
    batch: published.batch,
    attestations: indexes.map((index, i) => ({
      index,
      attestation: published.attestations[index] as SignedAttestationJson,
      proof: merkleProofToJson(proofs[i] ?? []),
    })),
  };
}
