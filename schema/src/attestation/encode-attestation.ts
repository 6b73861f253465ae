import { AttestationError } from './attestation-error.js';

/**
 * One usage attestation, version 1 (contracts/usage/README.md fixes the layout).
 * u64 fields are bigints so no value above 2^53 is ever rounded.
 */
export interface Attestation {
  v: 1;
  /** Compressed secp256k1 public key of the gateway, 33 bytes. */
  signer: Uint8Array;
  /** Per-signer sequence number, first is 1. */
  seq: bigint;
  /** Organization id in the billing contract. */
  org: bigint;
  /** Bot id as a lowercase UUID string. */
  bot: string;
  /** Unix seconds when the answer completed. */
  ts: bigint;
  promptTokens: number;
  completionTokens: number;
  /** SHA-256 of a salted digest of request and answer, 32 bytes. */
  reqHash: Uint8Array;
  /** UTF-8 model name, 1..=64 bytes. */
  model: string;
}

export const ATTESTATION_VERSION = 1;
export const SIGNER_LENGTH = 33;
export const REQ_HASH_LENGTH = 32;
export const MODEL_MAX_BYTES = 64;
/** Bytes before the model name: v(1) signer(33) seq(8) org(8) bot(16) ts(8) pt(4) ct(4) req_hash(32) model_len(1). */
export const FIXED_PART_LENGTH = 115;

const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffff_ffff;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// TextEncoder silently turns lone surrogates into U+FFFD, which would sign a different name.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF in the name instead of silently dropping it.
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function assertU64(value: bigint, field: string): void {
  if (typeof value !== 'bigint') throw new AttestationError('INVALID_FIELD', 'must be a bigint', field);
  if (value < 0n || value > U64_MAX) throw new AttestationError('INVALID_FIELD', 'must fit in a u64', field);
}

function assertU32(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new AttestationError('INVALID_FIELD', 'must be an integer in 0..=4294967295', field);
  }
}

function assertBytes(value: Uint8Array, length: number, field: string): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new AttestationError('INVALID_FIELD', `must be exactly ${length} bytes`, field);
  }
}

/** UUID text → its 16 bytes. */
export function uuidToBytes(uuid: string): Uint8Array {
  if (typeof uuid !== 'string' || !UUID_PATTERN.test(uuid)) {
    throw new AttestationError(
      'INVALID_FIELD',
      'must be a UUID like 123e4567-e89b-12d3-a456-426614174000',
      'bot',
    );
  }
  const hex = uuid.replaceAll('-', '');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** 16 bytes → lowercase UUID text. */
export function bytesToUuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The model name as UTF-8, checked against the 1..=64 byte rule. */
export function encodeModel(model: string): Uint8Array {
  if (typeof model !== 'string' || LONE_SURROGATE.test(model)) {
    throw new AttestationError('INVALID_FIELD', 'must be a well-formed string', 'model');
  }
  const bytes = utf8Encoder.encode(model);
  if (bytes.length < 1 || bytes.length > MODEL_MAX_BYTES) {
    throw new AttestationError('INVALID_FIELD', `must be 1..=${MODEL_MAX_BYTES} UTF-8 bytes`, 'model');
  }
  return bytes;
}

/** Throws an AttestationError naming the first field that breaks the v1 rules. */
export function assertValidAttestation(att: Attestation): void {
  if (att === null || typeof att !== 'object')
    throw new AttestationError('INVALID_FIELD', 'must be an object');
  if (att.v !== ATTESTATION_VERSION) throw new AttestationError('INVALID_FIELD', 'must be 1', 'v');
  assertBytes(att.signer, SIGNER_LENGTH, 'signer');
  if (att.signer[0] !== 0x02 && att.signer[0] !== 0x03) {
    throw new AttestationError(
      'INVALID_FIELD',
      'must be a compressed public key (0x02 or 0x03 prefix)',
      'signer',
    );
  }
  assertU64(att.seq, 'seq');
  if (att.seq < 1n) throw new AttestationError('INVALID_FIELD', 'must be at least 1', 'seq');
  assertU64(att.org, 'org');
  uuidToBytes(att.bot);
  assertU64(att.ts, 'ts');
  assertU32(att.promptTokens, 'prompt_tokens');
  assertU32(att.completionTokens, 'completion_tokens');
  assertBytes(att.reqHash, REQ_HASH_LENGTH, 'req_hash');
  encodeModel(att.model);
}

/** Canonical bytes: the exact message whose SHA-256 is signed. */
export function encodeAttestation(att: Attestation): Uint8Array {
  assertValidAttestation(att);
  const model = encodeModel(att.model);
  const out = new Uint8Array(FIXED_PART_LENGTH + model.length);
  const view = new DataView(out.buffer);
  out[0] = att.v;
  out.set(att.signer, 1);
  view.setBigUint64(34, att.seq);
  view.setBigUint64(42, att.org);
  out.set(uuidToBytes(att.bot), 50);
  view.setBigUint64(66, att.ts);
  view.setUint32(74, att.promptTokens);
  view.setUint32(78, att.completionTokens);
  out.set(att.reqHash, 82);
  out[114] = model.length;
  out.set(model, 115);
  return out;
}

/** Parses canonical bytes; anything that does not parse exactly is rejected. */
export function decodeAttestation(bytes: Uint8Array): Attestation {
  if (!(bytes instanceof Uint8Array)) throw new AttestationError('INVALID_ENCODING', 'expected bytes');
  if (bytes.length < FIXED_PART_LENGTH + 1) {
    throw new AttestationError('INVALID_ENCODING', `too short: ${bytes.length} bytes`);
  }
  if (bytes[0] !== ATTESTATION_VERSION) {
    throw new AttestationError('INVALID_ENCODING', `unsupported version ${bytes[0]}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const modelLength = bytes[114] ?? 0;
  if (modelLength < 1 || modelLength > MODEL_MAX_BYTES) {
    throw new AttestationError(
      'INVALID_ENCODING',
      `model_len ${modelLength} is not in 1..=${MODEL_MAX_BYTES}`,
    );
  }
  if (bytes.length !== FIXED_PART_LENGTH + modelLength) {
    throw new AttestationError(
      'INVALID_ENCODING',
      `length ${bytes.length} does not match model_len ${modelLength} (expected ${FIXED_PART_LENGTH + modelLength})`,
    );
  }
  const att: Attestation = {
    v: ATTESTATION_VERSION,
    signer: bytes.slice(1, 34),
    seq: view.getBigUint64(34),
    org: view.getBigUint64(42),
    bot: bytesToUuid(bytes.subarray(50, 66)),
    ts: view.getBigUint64(66),
    promptTokens: view.getUint32(74),
    completionTokens: view.getUint32(78),
    reqHash: bytes.slice(82, 114),
    model: decodeModel(bytes.subarray(115)),
  };
  try {
    assertValidAttestation(att);
  } catch (err) {
    if (err instanceof AttestationError) throw new AttestationError('INVALID_ENCODING', err.message);
    throw err;
  }
  return att;
}

export function decodeModel(bytes: Uint8Array): string {
  try {
    return strictUtf8Decoder.decode(bytes);
  } catch {
    throw new AttestationError('INVALID_ENCODING', 'model is not valid UTF-8', 'model');
  }
}
