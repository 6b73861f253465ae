import { fromHex } from '@cosmjs/encoding';
import {
  type Attestation,
  AttestationError,
  attestationFromJson,
  type SignedAttestation,
  type SignedAttestationJson,
} from '@privexbot/schema/attestation';
import type { QuarantineReason } from '../db/relayer-store.js';
import { verifyAttestationNative } from './verify-signature-native.js';

/** An attestation that passed every check and may go into a batch. */
export interface VerifiedAttestation {
  signed: SignedAttestation;
  /** Canonical JSON form, as published. */
  json: SignedAttestationJson;
  seq: bigint;
  /** The attestation hash (a Merkle leaf), checked against the fields by parsing. */
  hash: Uint8Array;
  /** When the relayer received it (ms, relayer clock): batch age counts from here. */
  receivedAt: number;
}

export type SignatureVerifier = (att: Attestation, signature: Uint8Array, hash: Uint8Array) => boolean;

export interface FeedRejection {
  seq: bigint;
  reason: QuarantineReason;
  message: string;
  raw: unknown;
}

export interface VerifiedPage {
  accepted: VerifiedAttestation[];
  /** The first entry refused for good; nothing after it on this page was looked at. */
  rejection?: FeedRejection;
}

/**
 * Checks a page of a gateway's feed in order: well-formed, hash matching the fields, signed
 * by the expected signer, the next sequence number, valid signature. Stops at the first
 * failure, because the contract rejects gaps: nothing after a refused attestation can be
 * counted until it is resolved.
 */
export function verifyFeedPage(options: {
  signer: string;
  nextSeq: bigint;
  entries: readonly unknown[];
  now: number;
  /** The signature check; libsecp256k1 unless a benchmark compares another. */
  verifySignature?: SignatureVerifier;
}): VerifiedPage {
  const verifySignature = options.verifySignature ?? verifyAttestationNative;
  const accepted: VerifiedAttestation[] = [];
  let expected = options.nextSeq;
  for (const raw of options.entries) {
    let signed: SignedAttestation;
    try {
      signed = attestationFromJson(raw);
    } catch (error) {
      const message = error instanceof AttestationError ? error.message : String(error);
      const reason: QuarantineReason =
        error instanceof AttestationError && error.field === 'hash' ? 'tampered' : 'malformed';
      return { accepted, rejection: { seq: claimedSeq(raw) ?? expected, reason, message, raw } };
    }
    const att = signed.attestation;
    // attestationFromJson validated every field and that `hash` matches them: reuse both.
    const json = publishedForm(raw as SignedAttestationJson, att.bot);
    if (json.signer !== options.signer) {
      return {
        accepted,
        rejection: {
          seq: att.seq,
          reason: 'wrong_signer',
          message: `signed by ${json.signer}, expected ${options.signer}`,
          raw,
        },
      };
    }
    if (att.seq !== expected) {
      return {
        accepted,
        rejection: {
          seq: att.seq,
          reason: 'sequence_gap',
          message: `sequence ${att.seq} where ${expected} was expected (${att.seq > expected ? 'gap' : 'repeat'})`,
          raw,
        },
      };
    }
    // attestationFromJson checked `json.hash` against the fields: the signature is checked over it.
    const hash = fromHex(json.hash);
    if (!verifySignature(att, signed.signature, hash)) {
      return {
        accepted,
        rejection: { seq: att.seq, reason: 'bad_signature', message: 'the signature does not verify', raw },
      };
    }
    accepted.push({ signed, json, seq: att.seq, hash, receivedAt: options.now });
    expected += 1n;
  }
  return { accepted };
}

/** Exactly the fields of the JSON form (a feed may add others), with the bot id in lowercase as signed. */
function publishedForm(raw: SignedAttestationJson, bot: string): SignedAttestationJson {
  return {
    v: raw.v,
    signer: raw.signer,
    seq: raw.seq,
    org: raw.org,
    bot,
    model: raw.model,
    prompt_tokens: raw.prompt_tokens,
    completion_tokens: raw.completion_tokens,
    ts: raw.ts,
    req_hash: raw.req_hash,
    hash: raw.hash,
    signature: raw.signature,
  };
}

function claimedSeq(raw: unknown): bigint | undefined {
  const seq = (raw as { seq?: unknown } | null)?.seq;
  return typeof seq === 'string' && /^[1-9]\d{0,19}$/.test(seq) ? BigInt(seq) : undefined;
}
