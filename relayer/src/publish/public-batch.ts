import { fromHex } from '@cosmjs/encoding';
import {
  type MerkleProofStepJson,
  merkleProofs,
  merkleProofToJson,
  type SignedAttestationJson,
} from '@privexbot/schema/attestation';
import type { OrgReceipt, PublicReceipt } from '@privexbot/schema/receipt';
import type { PublishedBatch, PublishedReceipt } from '../db/relayer-store.js';

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
  return { batch: published.batch, attestations: provenAttestationsOf(published.attestations, org) };
}

/** The attestations of `org` among a range's, each with its Merkle proof against the range's root. */
function provenAttestationsOf(
  attestations: readonly SignedAttestationJson[],
  org: string,
): ProvenAttestation[] {
  const indexes = attestations.flatMap((a, i) => (a.org === org ? [i] : []));
  const proofs = merkleProofs(
    attestations.map((a) => fromHex(a.hash)),
    indexes,
  );
  return indexes.map((index, i) => ({
    index,
    attestation: attestations[index] as SignedAttestationJson,
    proof: merkleProofToJson(proofs[i] ?? []),
  }));
}

/**
 * The public form of a receipt (settlement v2, `publicReceiptSchema` of
 * `@privexbot/schema/receipt`): the header and the range's attestation hashes, from which anyone
 * rebuilds the root and checks the count. The receipt's per-(org, bot, day) lines are not in
 * it: they are an org's usage, private as its attestations.
 */
export function toPublicReceipt(published: PublishedReceipt): PublicReceipt {
  return { receipt: published.header, attestation_hashes: published.attestations.map((a) => a.hash) };
}

/** An org's share of one receipt: its lines of the receipt and its attestations with their proofs. */
export function toOrgReceipt(published: PublishedReceipt, org: string): OrgReceipt {
  return {
    receipt: published.header,
    lines: published.receipt.lines.filter((line) => line.org === org),
    attestations: provenAttestationsOf(published.attestations, org),
  };
}
