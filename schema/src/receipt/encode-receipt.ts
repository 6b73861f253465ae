import { AttestationError } from '../attestation/attestation-error.js';
import { assertU64, bytesToUuid, uuidToBytes } from '../attestation/encode-attestation.js';

/**
 * One line of a usage receipt: the sums of one (org, bot, UTC day) over the receipt's range.
 * u64 fields are bigints so no value above 2^53 is ever rounded.
 */
export interface ReceiptLine {
  org: bigint;
  /** Bot id as a lowercase UUID string. */
  bot: string;
  /** UTC day number: unix seconds / 86400, rounded down. */
  day: number;
  messages: bigint;
  promptTokens: bigint;
  completionTokens: bigint;
}

/**
 * A usage receipt, version 2 (contracts/usage/README.md fixes the layout): one gateway
 * signature over the sums of a contiguous range of its sequence numbers.
 */
export interface Receipt {
  v: 2;
  /** Compressed secp256k1 public key of the gateway, 33 bytes. */
  signer: Uint8Array;
  firstSeq: bigint;
  lastSeq: bigint;
  /** Merkle root of the range's attestation hashes in seq order (the v1 batch tree). */
  root: Uint8Array;
  /** Sorted strictly by (org, bot bytes, day). */
  lines: ReceiptLine[];
}

export const RECEIPT_VERSION = 2;
/**
 * Every receipt's canonical bytes start with this tag; an attestation's start with 0x01. No
 * byte string is both, so a signature over one never verifies as a signature over the other.
 */
export const RECEIPT_DOMAIN = 'privexbot/usage-receipt';
/** domain(23) v(1) signer(33) first_seq(8) last_seq(8) root(32) line_count(4). */
export const RECEIPT_HEADER_LENGTH = 109;
/** org(8) bot(16) day(4) messages(8) prompt_tokens(8) completion_tokens(8). */
export const RECEIPT_LINE_LENGTH = 52;
export const ROOT_LENGTH = 32;

const DOMAIN_BYTES = new TextEncoder().encode(RECEIPT_DOMAIN);
const U32_MAX = 0xffff_ffff;

function lineField(index: number, name: string): string {
  return `lines.${index}.${name}`;
}

/** The sort key of a line: org, then bot bytes, then day. Negative when `a` comes first. */
export function compareReceiptLines(a: ReceiptLine, b: ReceiptLine): number {
  if (a.org !== b.org) return a.org < b.org ? -1 : 1;
  // Lowercase UUID text orders exactly as its bytes do.
  if (a.bot !== b.bot) return a.bot < b.bot ? -1 : 1;
  return a.day - b.day;
}

/** Throws an AttestationError naming the first field that breaks the v2 rules. */
export function assertValidReceipt(receipt: Receipt): void {
  if (receipt === null || typeof receipt !== 'object') {
    throw new AttestationError('INVALID_FIELD', 'must be an object');
  }
  if (receipt.v !== RECEIPT_VERSION) throw new AttestationError('INVALID_FIELD', 'must be 2', 'v');
  const { signer } = receipt;
  if (!(signer instanceof Uint8Array) || signer.length !== 33 || (signer[0] !== 2 && signer[0] !== 3)) {
    throw new AttestationError('INVALID_FIELD', 'must be a 33-byte compressed public key', 'signer');
  }
  assertU64(receipt.firstSeq, 'first_seq');
  assertU64(receipt.lastSeq, 'last_seq');
  if (receipt.firstSeq < 1n) throw new AttestationError('INVALID_FIELD', 'must be at least 1', 'first_seq');
  if (receipt.lastSeq < receipt.firstSeq) {
    throw new AttestationError('INVALID_FIELD', 'must be at least first_seq', 'last_seq');
  }
  if (!(receipt.root instanceof Uint8Array) || receipt.root.length !== ROOT_LENGTH) {
    throw new AttestationError('INVALID_FIELD', `must be exactly ${ROOT_LENGTH} bytes`, 'root');
  }
  if (!Array.isArray(receipt.lines) || receipt.lines.length === 0) {
    throw new AttestationError('INVALID_FIELD', 'must hold at least one line', 'lines');
  }
  let messages = 0n;
  receipt.lines.forEach((line, i) => {
    assertU64(line.org, lineField(i, 'org'));
    try {
      uuidToBytes(line.bot);
    } catch {
      throw new AttestationError('INVALID_FIELD', 'must be a UUID', lineField(i, 'bot'));
    }
    if (!Number.isInteger(line.day) || line.day < 0 || line.day > U32_MAX) {
      throw new AttestationError(
        'INVALID_FIELD',
        'must be an integer in 0..=4294967295',
        lineField(i, 'day'),
      );
    }
    assertU64(line.messages, lineField(i, 'messages'));
    assertU64(line.promptTokens, lineField(i, 'prompt_tokens'));
    assertU64(line.completionTokens, lineField(i, 'completion_tokens'));
    if (line.messages < 1n)
      throw new AttestationError('INVALID_FIELD', 'must be at least 1', lineField(i, 'messages'));
    const previous = receipt.lines[i - 1];
    if (previous && compareReceiptLines(previous, line) >= 0) {
      throw new AttestationError(
        'INVALID_FIELD',
        'must come strictly after the line before (org, bot, day)',
        `lines.${i}`,
      );
    }
    messages += line.messages;
  });
  if (messages !== receipt.lastSeq - receipt.firstSeq + 1n) {
    throw new AttestationError(
      'INVALID_FIELD',
      `messages sum to ${messages}, but the range holds ${receipt.lastSeq - receipt.firstSeq + 1n} answers`,
      'lines',
    );
  }
}

/** The packed lines, as `submit_receipt.lines` carries them: the canonical bytes' tail. */
export function encodeReceiptLines(lines: readonly ReceiptLine[]): Uint8Array {
  const out = new Uint8Array(lines.length * RECEIPT_LINE_LENGTH);
  const view = new DataView(out.buffer);
  lines.forEach((line, i) => {
    const at = i * RECEIPT_LINE_LENGTH;
    view.setBigUint64(at, line.org);
    out.set(uuidToBytes(line.bot), at + 8);
    view.setUint32(at + 24, line.day);
    view.setBigUint64(at + 28, line.messages);
    view.setBigUint64(at + 36, line.promptTokens);
    view.setBigUint64(at + 44, line.completionTokens);
  });
  return out;
}

export function decodeReceiptLines(bytes: Uint8Array): ReceiptLine[] {
  if (!(bytes instanceof Uint8Array) || bytes.length % RECEIPT_LINE_LENGTH !== 0) {
    throw new AttestationError(
      'INVALID_ENCODING',
      `lines must be a multiple of ${RECEIPT_LINE_LENGTH} bytes`,
      'lines',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lines: ReceiptLine[] = [];
  for (let at = 0; at < bytes.length; at += RECEIPT_LINE_LENGTH) {
    lines.push({
      org: view.getBigUint64(at),
      bot: bytesToUuid(bytes.subarray(at + 8, at + 24)),
      day: view.getUint32(at + 24),
      messages: view.getBigUint64(at + 28),
      promptTokens: view.getBigUint64(at + 36),
      completionTokens: view.getBigUint64(at + 44),
    });
  }
  return lines;
}

/** Canonical bytes: the exact message whose SHA-256 the gateway signs and the contract checks. */
export function encodeReceipt(receipt: Receipt): Uint8Array {
  assertValidReceipt(receipt);
  const lines = encodeReceiptLines(receipt.lines);
  const out = new Uint8Array(RECEIPT_HEADER_LENGTH + lines.length);
  const view = new DataView(out.buffer);
  out.set(DOMAIN_BYTES, 0);
  out[23] = RECEIPT_VERSION;
  out.set(receipt.signer, 24);
  view.setBigUint64(57, receipt.firstSeq);
  view.setBigUint64(65, receipt.lastSeq);
  out.set(receipt.root, 73);
  view.setUint32(105, receipt.lines.length);
  out.set(lines, RECEIPT_HEADER_LENGTH);
  return out;
}

/** Parses canonical bytes; anything that does not parse exactly, or breaks a v2 rule, is rejected. */
export function decodeReceipt(bytes: Uint8Array): Receipt {
  if (!(bytes instanceof Uint8Array) || bytes.length < RECEIPT_HEADER_LENGTH) {
    throw new AttestationError('INVALID_ENCODING', 'too short for a receipt');
  }
  if (!DOMAIN_BYTES.every((b, i) => bytes[i] === b)) {
    throw new AttestationError('INVALID_ENCODING', 'does not start with the receipt domain tag');
  }
  if (bytes[23] !== RECEIPT_VERSION) {
    throw new AttestationError('INVALID_ENCODING', `unsupported receipt version ${bytes[23]}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(105);
  if (bytes.length !== RECEIPT_HEADER_LENGTH + count * RECEIPT_LINE_LENGTH) {
    throw new AttestationError(
      'INVALID_ENCODING',
      `length ${bytes.length} does not match line_count ${count}`,
    );
  }
  const receipt: Receipt = {
    v: RECEIPT_VERSION,
    signer: bytes.slice(24, 57),
    firstSeq: view.getBigUint64(57),
    lastSeq: view.getBigUint64(65),
    root: bytes.slice(73, 105),
    lines: decodeReceiptLines(bytes.subarray(RECEIPT_HEADER_LENGTH)),
  };
  try {
    assertValidReceipt(receipt);
  } catch (err) {
    if (err instanceof AttestationError)
      throw new AttestationError('INVALID_ENCODING', err.message, err.field);
    throw err;
  }
  return receipt;
}
