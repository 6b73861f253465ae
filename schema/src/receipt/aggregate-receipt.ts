import { AttestationError } from '../attestation/attestation-error.js';
import type { Attestation } from '../attestation/encode-attestation.js';
import { merkleRoot } from '../attestation/merkle-root.js';
import { hashAttestation } from '../attestation/sign-attestation.js';
import { compareReceiptLines, type Receipt, type ReceiptLine } from './encode-receipt.js';

export const SECONDS_PER_DAY = 86_400n;

/**
 * Sums messages and prompt and completion tokens per (org, bot, UTC day), sorted by (org, bot
 * bytes, day): the lines of a receipt over these attestations. The day of an answer is the day
 * of its `ts`, as v1 counts it.
 */
export function aggregateReceiptLines(attestations: readonly Attestation[]): ReceiptLine[] {
  const sums = new Map<string, ReceiptLine>();
  for (const att of attestations) {
    const bot = att.bot.toLowerCase();
    const day = Number(att.ts / SECONDS_PER_DAY);
    const key = `${att.org}/${bot}/${day}`;
    let line = sums.get(key);
    if (!line) {
      line = { org: att.org, bot, day, messages: 0n, promptTokens: 0n, completionTokens: 0n };
      sums.set(key, line);
    }
    line.messages += 1n;
    line.promptTokens += BigInt(att.promptTokens);
    line.completionTokens += BigInt(att.completionTokens);
  }
  return [...sums.values()].sort(compareReceiptLines);
}

/**
 * The receipt over a contiguous run of one signer's attestations, in seq order: the range,
 * the Merkle root of their hashes (the v1 batch tree) and the aggregated lines.
 */
export function buildReceipt(attestations: readonly Attestation[]): Receipt {
  const first = attestations[0];
  if (!first) throw new AttestationError('INVALID_MERKLE_INPUT', 'a receipt needs at least one attestation');
  attestations.forEach((att, i) => {
    if (
      att.seq !== first.seq + BigInt(i) ||
      att.signer.length !== first.signer.length ||
      !att.signer.every((b, j) => b === first.signer[j])
    ) {
      throw new AttestationError(
        'INVALID_MERKLE_INPUT',
        `attestation ${i} is not seq ${first.seq + BigInt(i)} of the same signer`,
        'seq',
      );
    }
  });
  const last = attestations[attestations.length - 1] as Attestation;
  return {
    v: 2,
    signer: Uint8Array.from(first.signer),
    firstSeq: first.seq,
    lastSeq: last.seq,
    root: merkleRoot(attestations.map(hashAttestation)),
    lines: aggregateReceiptLines(attestations),
  };
}
