import { fromBase64, toBase64 } from '@cosmjs/encoding';
import { AttestationError } from './attestation-error.js';
import {
  type Attestation,
  assertU64,
  decodeAttestation,
  encodeAttestation,
  FIXED_PART_LENGTH,
  MODEL_MAX_BYTES,
  SIGNER_LENGTH,
} from './encode-attestation.js';
import { SIGNATURE_LENGTH } from './sign-attestation.js';

/** Canonical bytes without signer(33) and seq(8); the contract takes both from the batch. */
const SIGNER_AND_SEQ_LENGTH = SIGNER_LENGTH + 8;
/** v(1) + body after seq (bytes 42.. of the canonical layout, up to model). */
const WIRE_FIXED_LENGTH = FIXED_PART_LENGTH - SIGNER_AND_SEQ_LENGTH;

/** A signed attestation as a relayer holds it. */
export interface SignedAttestation {
  attestation: Attestation;
  signature: Uint8Array;
}

/** `submit_batch` element: v | org | bot | ts | pt | ct | req_hash | model_len | model | signature. */
export function encodeWireRecord(att: Attestation, signature: Uint8Array): Uint8Array {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) {
    throw new AttestationError('INVALID_FIELD', `must be exactly ${SIGNATURE_LENGTH} bytes`, 'signature');
  }
  const canonical = encodeAttestation(att);
  const out = new Uint8Array(canonical.length - SIGNER_AND_SEQ_LENGTH + SIGNATURE_LENGTH);
  out[0] = canonical[0] ?? 0;
  out.set(canonical.subarray(1 + SIGNER_AND_SEQ_LENGTH), 1);
  out.set(signature, canonical.length - SIGNER_AND_SEQ_LENGTH);
  return out;
}

/** Rebuilds the attestation a wire record stands for, given the batch's signer and this record's seq. */
export function decodeWireRecord(record: Uint8Array, signer: Uint8Array, seq: bigint): SignedAttestation {
  if (!(record instanceof Uint8Array)) throw new AttestationError('INVALID_ENCODING', 'expected bytes');
  const minimum = WIRE_FIXED_LENGTH + 1 + SIGNATURE_LENGTH;
  if (record.length < minimum)
    throw new AttestationError('INVALID_ENCODING', `wire record too short: ${record.length} bytes`);
  const modelLength = record[WIRE_FIXED_LENGTH - 1] ?? 0;
  if (modelLength < 1 || modelLength > MODEL_MAX_BYTES) {
    throw new AttestationError(
      'INVALID_ENCODING',
      `model_len ${modelLength} is not in 1..=${MODEL_MAX_BYTES}`,
    );
  }
  const expected = WIRE_FIXED_LENGTH + modelLength + SIGNATURE_LENGTH;
  if (record.length !== expected) {
    throw new AttestationError(
      'INVALID_ENCODING',
      `wire record is ${record.length} bytes, expected ${expected}`,
    );
  }
  if (!(signer instanceof Uint8Array) || signer.length !== SIGNER_LENGTH) {
    throw new AttestationError('INVALID_FIELD', `must be exactly ${SIGNER_LENGTH} bytes`, 'signer');
  }
  assertU64(seq, 'seq');
  const bodyEnd = record.length - SIGNATURE_LENGTH;
  const canonical = new Uint8Array(bodyEnd + SIGNER_AND_SEQ_LENGTH);
  canonical[0] = record[0] ?? 0;
  canonical.set(signer, 1);
  new DataView(canonical.buffer).setBigUint64(1 + SIGNER_LENGTH, seq);
  canonical.set(record.subarray(1, bodyEnd), 1 + SIGNER_AND_SEQ_LENGTH);
  return { attestation: decodeAttestation(canonical), signature: record.slice(bodyEnd) };
}

/** The `submit_batch` message body of the usage contract. */
export interface SubmitBatchMsg {
  signer: string;
  first_seq: string;
  attestations: string[];
}

/**
 * Builds a `submit_batch` body from attestations of one signer with consecutive sequence
 * numbers (the contract rejects anything else, so this refuses it first).
 */
export function encodeSubmitBatch(items: readonly SignedAttestation[]): SubmitBatchMsg {
  const first = items[0];
  if (!first)
    throw new AttestationError('INVALID_FIELD', 'a batch needs at least one attestation', 'attestations');
  const signer = first.attestation.signer;
  items.forEach((item, i) => {
    if (toBase64(item.attestation.signer) !== toBase64(signer)) {
      throw new AttestationError('INVALID_FIELD', `item ${i} has another signer`, 'attestations');
    }
    if (item.attestation.seq !== first.attestation.seq + BigInt(i)) {
      throw new AttestationError(
        'INVALID_FIELD',
        `item ${i} breaks the sequence (seq ${item.attestation.seq})`,
        'attestations',
      );
    }
  });
  return {
    signer: toBase64(signer),
    first_seq: first.attestation.seq.toString(),
    attestations: items.map((item) => toBase64(encodeWireRecord(item.attestation, item.signature))),
  };
}

/** Inverse of encodeSubmitBatch, for auditors reading a batch back. */
export function decodeSubmitBatch(msg: SubmitBatchMsg): SignedAttestation[] {
  if (!/^\d{1,20}$/.test(msg.first_seq))
    throw new AttestationError('INVALID_FIELD', 'must be a decimal u64', 'first_seq');
  const signer = fromBase64(msg.signer);
  const firstSeq = BigInt(msg.first_seq);
  return msg.attestations.map((record, i) =>
    decodeWireRecord(fromBase64(record), signer, firstSeq + BigInt(i)),
  );
}
