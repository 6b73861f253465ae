import { fromBase64, fromHex, toBase64, toHex } from '@cosmjs/encoding';
import { z } from 'zod';
import { AttestationError } from '../attestation/attestation-error.js';
import { decodeReceiptLines, encodeReceiptLines, type Receipt, type ReceiptLine } from './encode-receipt.js';
import { hashReceipt } from './sign-receipt.js';

/** A receipt with its gateway signature. */
export interface SignedReceipt {
  receipt: Receipt;
  signature: Uint8Array;
}

/**
 * The JSON form of a signed receipt (publication, audit): bytes are lowercase hex, u64 values
 * decimal strings so no JSON parser rounds them. `hash` is the receipt hash, a convenience
 * that parsing checks against the fields.
 */
export interface SignedReceiptJson {
  v: 2;
  signer: string;
  first_seq: string;
  last_seq: string;
  root: string;
  lines: {
    org: string;
    bot: string;
    day: number;
    messages: string;
    prompt_tokens: string;
    completion_tokens: string;
  }[];
  hash: string;
  signature: string;
}

const hex = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `must be ${bytes} bytes of lowercase hex`);
const u64String = z.string().regex(/^(0|[1-9]\d{0,19})$/, 'must be a decimal u64 string');

export const signedReceiptJsonSchema = z.object({
  v: z.literal(2),
  signer: hex(33),
  first_seq: u64String,
  last_seq: u64String,
  root: hex(32),
  lines: z.array(
    z.object({
      org: u64String,
      bot: z.string(),
      day: z.number().int().min(0).max(0xffff_ffff),
      messages: u64String,
      prompt_tokens: u64String,
      completion_tokens: u64String,
    }),
  ),
  hash: hex(32),
  signature: hex(64),
});

export function receiptToJson({ receipt, signature }: SignedReceipt): SignedReceiptJson {
  return {
    v: 2,
    signer: toHex(receipt.signer),
    first_seq: receipt.firstSeq.toString(),
    last_seq: receipt.lastSeq.toString(),
    root: toHex(receipt.root),
    lines: receipt.lines.map((line) => ({
      org: line.org.toString(),
      bot: line.bot,
      day: line.day,
      messages: line.messages.toString(),
      prompt_tokens: line.promptTokens.toString(),
      completion_tokens: line.completionTokens.toString(),
    })),
    hash: toHex(hashReceipt(receipt)),
    signature: toHex(signature),
  };
}

/**
 * Parses and validates the JSON form, and checks `hash` against the fields. It does not verify
 * the signature (call verifyReceipt: the caller decides which signers it trusts).
 */
export function receiptFromJson(input: unknown): SignedReceipt {
  const parsed = signedReceiptJsonSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AttestationError(
      'INVALID_FIELD',
      issue?.message ?? 'invalid receipt JSON',
      issue?.path.join('.'),
    );
  }
  const json = parsed.data;
  const lines: ReceiptLine[] = json.lines.map((line) => ({
    org: BigInt(line.org),
    bot: line.bot.toLowerCase(),
    day: line.day,
    messages: BigInt(line.messages),
    promptTokens: BigInt(line.prompt_tokens),
    completionTokens: BigInt(line.completion_tokens),
  }));
  const receipt: Receipt = {
    v: 2,
    signer: fromHex(json.signer),
    firstSeq: BigInt(json.first_seq),
    lastSeq: BigInt(json.last_seq),
    root: fromHex(json.root),
    lines,
  };
  // hashReceipt validates every rule (ranges, order, counts) on the way.
  if (toHex(hashReceipt(receipt)) !== json.hash) {
    throw new AttestationError('INVALID_FIELD', 'does not match the receipt fields', 'hash');
  }
  return { receipt, signature: fromHex(json.signature) };
}

/** The usage contract's `submit_receipt` message body (contracts/usage/README.md). */
export interface SubmitReceiptMsg {
  /** base64 of the 33-byte signer key */
  signer: string;
  first_seq: string;
  last_seq: string;
  /** base64 of the 32-byte Merkle root */
  root: string;
  /** base64 of the packed 52-byte lines */
  lines: string;
  /** base64 of the 64-byte signature */
  signature: string;
}

/** `{ submit_receipt: encodeSubmitReceipt(signed) }` is what a relayer executes. */
export function encodeSubmitReceipt({ receipt, signature }: SignedReceipt): SubmitReceiptMsg {
  hashReceipt(receipt); // validates
  return {
    signer: toBase64(receipt.signer),
    first_seq: receipt.firstSeq.toString(),
    last_seq: receipt.lastSeq.toString(),
    root: toBase64(receipt.root),
    lines: toBase64(encodeReceiptLines(receipt.lines)),
    signature: toBase64(signature),
  };
}

export function decodeSubmitReceipt(msg: SubmitReceiptMsg): SignedReceipt {
  const receipt: Receipt = {
    v: 2,
    signer: fromBase64(msg.signer),
    firstSeq: BigInt(msg.first_seq),
    lastSeq: BigInt(msg.last_seq),
    root: fromBase64(msg.root),
    lines: decodeReceiptLines(fromBase64(msg.lines)),
  };
  hashReceipt(receipt); // validates
  return { receipt, signature: fromBase64(msg.signature) };
}
