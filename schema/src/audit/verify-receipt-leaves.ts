/**
 * The receipt audit (settlement v2): does a signed receipt say what its leaves say? Browser-safe
 * and pure. Used by the audit (each receipt against the published leaf hashes, and an org's
 * lines against the org's attestations) and by the relayer before it submits a receipt (every
 * line against every attestation of the range), so a gateway that signs deltas its own
 * attestations do not add up to is caught before anything reaches the chain, and after.
 *
 * Checks, each failure naming the receipt (signer, range, hash):
 * - the signature by the receipt's signer over its hash;
 * - the Merkle root over the leaf hashes in seq order, and that there is one leaf per number of
 *   the range; the messages of all lines sum to the range's length;
 * - given attestations (all of the range, or one org's): each is signed by the receipt's signer,
 *   within the range and, with leaf hashes, the very leaf at its place; then for each org whose
 *   leaves were given, each of its lines equals the sums of its leaves of that (bot, day), and no
 *   line lacks leaves.
 */
import { fromHex, toHex } from '@cosmjs/encoding';
import {
  type Attestation,
  attestationFromJson,
  hashAttestation,
  merkleRoot,
  verifyAttestation,
} from '@privexbot/schema/attestation';
import type { AuditProblemCode } from '@privexbot/schema/errors';
import {
  aggregateReceiptLines,
  type Receipt,
  type ReceiptLine,
  receiptFromJson,
  type SignedReceiptJson,
  verifyReceipt,
} from '@privexbot/schema/receipt';

/** The audit's codes for a receipt that disagrees with its leaves (`auditProblemCodes`). */
export type ReceiptProblemCode = Extract<
  AuditProblemCode,
  | 'RECEIPT_MALFORMED'
  | 'RECEIPT_BAD_SIGNATURE'
  | 'RECEIPT_ROOT_MISMATCH'
  | 'RECEIPT_COUNT_MISMATCH'
  | 'RECEIPT_FOREIGN_LEAF'
  | 'RECEIPT_LINE_MISMATCH'
>;

export interface ReceiptProblem {
  code: ReceiptProblemCode;
  /** `receipt <signer hex> <first>..<last> (<hash hex>)` */
  receipt: string;
  message: string;
}

export interface ReceiptLeaves {
  /** Every leaf hash of the range, hex, in seq order (the public publication). */
  hashes?: readonly string[];
  /** Signed attestations of the range (`SignedAttestationJson`): all of them, or one org's. */
  attestations?: readonly unknown[];
  /**
   * Orgs whose every leaf of the range is in `attestations` (an org auditor's orgs): their lines
   * are checked even when none of their leaves was handed over, so a withheld leaf cannot hide
   * a line from the sum check.
   */
  orgs?: readonly bigint[];
}

/** Every way `signed` disagrees with its leaves; empty when it agrees. */
export function verifyReceiptLeaves(signed: SignedReceiptJson, leaves: ReceiptLeaves): ReceiptProblem[] {
  return checkReceiptLeaves(signed, leaves).problems;
}

/**
 * `verifyReceiptLeaves`, also returning the given attestations that are signed by the receipt's
 * signer and sit in its range (at their published place when hashes are given): the ones the
 * audit may add to an org's verified sums.
 */
export function checkReceiptLeaves(
  signed: SignedReceiptJson,
  leaves: ReceiptLeaves,
): { problems: ReceiptProblem[]; accepted: Attestation[] } {
  const name = `receipt ${signed.signer} ${signed.first_seq}..${signed.last_seq} (${signed.hash})`;
  const problems: ReceiptProblem[] = [];
  const fail = (code: ReceiptProblemCode, message: string) =>
    problems.push({ code, receipt: name, message: `${name}: ${message}` });
  let receipt: Receipt;
  try {
    const parsed = receiptFromJson(signed);
    receipt = parsed.receipt;
    if (!verifyReceipt(receipt, parsed.signature))
      fail('RECEIPT_BAD_SIGNATURE', 'the signature does not verify');
  } catch (error) {
    fail('RECEIPT_MALFORMED', (error as Error).message);
    return { problems, accepted: [] };
  }
  const span = receipt.lastSeq - receipt.firstSeq + 1n;
  const counted = receipt.lines.reduce((sum, line) => sum + line.messages, 0n);
  if (counted !== span)
    fail('RECEIPT_COUNT_MISMATCH', `its lines count ${counted} messages for ${span} numbers`);

  if (leaves.hashes) {
    if (BigInt(leaves.hashes.length) !== span) {
      fail('RECEIPT_COUNT_MISMATCH', `${leaves.hashes.length} leaves published for ${span} numbers`);
    } else {
      const root = toHex(merkleRoot(leaves.hashes.map((hash) => fromHex(hash))));
      if (root !== signed.root)
        fail(
          'RECEIPT_ROOT_MISMATCH',
          `the published leaves rebuild root ${root}, the receipt says ${signed.root}`,
        );
    }
  }

  const accepted: Attestation[] = [];
  if (!leaves.attestations) return { problems, accepted };
  const byOrg = new Map<bigint, Attestation[]>((leaves.orgs ?? []).map((org) => [org, []]));
  for (const json of leaves.attestations) {
    let attestation: Attestation;
    try {
      const parsed = attestationFromJson(json);
      attestation = parsed.attestation;
      if (!verifyAttestation(attestation, parsed.signature)) throw new Error('its signature does not verify');
    } catch (error) {
      fail('RECEIPT_FOREIGN_LEAF', `a leaf is not a valid signed attestation: ${(error as Error).message}`);
      continue;
    }
    const { seq } = attestation;
    if (toHex(attestation.signer) !== signed.signer || seq < receipt.firstSeq || seq > receipt.lastSeq) {
      fail(
        'RECEIPT_FOREIGN_LEAF',
        `seq ${seq} of signer ${toHex(attestation.signer)} is not in this receipt's range`,
      );
      continue;
    }
    const published = leaves.hashes?.[Number(seq - receipt.firstSeq)];
    if (published !== undefined && published !== toHex(hashAttestation(attestation))) {
      fail('RECEIPT_FOREIGN_LEAF', `seq ${seq} is not the leaf published at its place`);
      continue;
    }
    accepted.push(attestation);
    const list = byOrg.get(attestation.org) ?? [];
    list.push(attestation);
    byOrg.set(attestation.org, list);
  }
  for (const [org, attestations] of byOrg) {
    const claimed = receipt.lines.filter((line) => line.org === org);
    for (const message of lineSumMismatches(org, claimed, attestations))
      fail('RECEIPT_LINE_MISMATCH', message);
  }
  return { problems, accepted };
}

/**
 * How an org's lines of a receipt disagree with the sums of its leaves, per (bot, day): a line
 * its leaves do not add up to, or leaves with no line. Empty when they agree.
 */
export function lineSumMismatches(
  org: bigint,
  claimed: readonly ReceiptLine[],
  leaves: readonly Attestation[],
): string[] {
  const messages: string[] = [];
  const expected = new Map(aggregateReceiptLines(leaves).map((line) => [lineKey(line), line]));
  for (const line of claimed) {
    const sum = expected.get(lineKey(line));
    expected.delete(lineKey(line));
    if (!sum || !sameSums(sum, line)) {
      messages.push(
        `org ${org}, bot ${line.bot}, day ${line.day}: the receipt says ${sums(line)}; its leaves sum to ${sum ? sums(sum) : 'nothing'}`,
      );
    }
  }
  for (const sum of expected.values()) {
    messages.push(`org ${org}, bot ${sum.bot}, day ${sum.day}: no line for leaves summing to ${sums(sum)}`);
  }
  return messages;
}

const lineKey = (line: ReceiptLine) => `${line.org}/${line.bot}/${line.day}`;
const sameSums = (a: ReceiptLine, b: ReceiptLine) =>
  a.messages === b.messages && a.promptTokens === b.promptTokens && a.completionTokens === b.completionTokens;
const sums = (line: ReceiptLine) =>
  `${line.messages} messages, ${line.promptTokens} prompt + ${line.completionTokens} completion tokens`;
