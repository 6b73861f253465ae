import { fromHex, toHex } from '@cosmjs/encoding';
import { z } from 'zod';
import { AttestationError } from './attestation-error.js';
import type { Attestation } from './encode-attestation.js';
import { hashAttestation } from './sign-attestation.js';
import type { SignedAttestation } from './wire-record.js';

/**
 * The JSON form of a signed attestation (the gateway's `/attestations` feed, published batches).
 * Bytes are lowercase hex; u64 values (seq, org, ts) are decimal strings so no JSON parser
 * rounds them; token counts (u32) are plain numbers. `hash` is the attestation hash, a
 * convenience that parsing checks against the fields.
 */
export interface SignedAttestationJson {
  v: 1;
  signer: string;
  seq: string;
  org: string;
  bot: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  ts: string;
  req_hash: string;
  hash: string;
  signature: string;
}

const hex = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `must be ${bytes} bytes of lowercase hex`);
const u64String = z.string().regex(/^(0|[1-9]\d{0,19})$/, 'must be a decimal u64 string');
const u32 = z.number().int().min(0).max(0xffff_ffff);

export const signedAttestationJsonSchema = z.object({
  v: z.literal(1),
  signer: hex(33),
  seq: u64String,
  org: u64String,
  bot: z.string(),
  model: z.string(),
  prompt_tokens: u32,
  completion_tokens: u32,
  ts: u64String,
  req_hash: hex(32),
  hash: hex(32),
  signature: hex(64),
});

export function attestationToJson({ attestation: att, signature }: SignedAttestation): SignedAttestationJson {
  return {
    v: 1,
    signer: toHex(att.signer),
    seq: att.seq.toString(),
    org: att.org.toString(),
    bot: att.bot,
    model: att.model,
    prompt_tokens: att.promptTokens,
    completion_tokens: att.completionTokens,
    ts: att.ts.toString(),
    req_hash: toHex(att.reqHash),
    hash: toHex(hashAttestation(att)),
    signature: toHex(signature),
  };
}

/**
 * Parses and validates the JSON form. Checks that `hash` matches the fields; it does not
 * verify the signature (call verifyAttestation: the caller decides which signers it trusts).
 */
export function attestationFromJson(input: unknown): SignedAttestation {
  const parsed = signedAttestationJsonSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AttestationError(
      'INVALID_FIELD',
      issue?.message ?? 'invalid attestation JSON',
      issue?.path.join('.'),
    );
  }
  const json = parsed.data;
  const attestation: Attestation = {
    v: 1,
    signer: fromHex(json.signer),
    seq: BigInt(json.seq),
    org: BigInt(json.org),
    bot: json.bot.toLowerCase(),
    ts: BigInt(json.ts),
    promptTokens: json.prompt_tokens,
    completionTokens: json.completion_tokens,
    reqHash: fromHex(json.req_hash),
    model: json.model,
  };
  // hashAttestation validates every field (ranges, UUID, model bytes) on the way.
  if (toHex(hashAttestation(attestation)) !== json.hash) {
    throw new AttestationError('INVALID_FIELD', 'does not match the attestation fields', 'hash');
  }
  return { attestation, signature: fromHex(json.signature) };
}
