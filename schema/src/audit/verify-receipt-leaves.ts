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
import {
  aggregateReceiptLines,
  type Receipt,
  type ReceiptLine,
  receiptFromJson,
  type SignedReceiptJson,
  verifyReceipt,
} from '@privexbot/schema/receipt';

export type ReceiptProblemCode =
  | 'receipt_malformed'
  | 'receipt_bad_signature'
  | 'receipt_root_mismatch'
  | 'receipt_count_mismatch'
  | 'receipt_foreign_leaf'
  | 'receipt_line_mismatch';

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
}

/** Every way `signed` disagrees with its leaves; empty when it agrees. */
export function verifyReceiptLeaves(signed: SignedReceiptJson, leaves: ReceiptLeaves): ReceiptProblem[] {
  const name = `receipt ${signed.signer} ${signed.first_seq}..${signed.last_seq} (${signed.hash})`;
  const problems: ReceiptProblem[] = [];
  const fail = (code: ReceiptProblemCode, message: string) =>
    problems.push({ code, receipt: name, message: `${name}: ${message}` });
  let receipt: Receipt;
  try {
    const parsed = receiptFromJson(signed);
    receipt = parsed.receipt;
    if (!verifyReceipt(receipt, parsed.signature))
      fail('receipt_bad_signature', 'the signature does not verify');
  } catch (error) {
    fail('receipt_malformed', (error as Error).message);
    return problems;
  }
  const span = receipt.lastSeq - receipt.firstSeq + 1n;
  const counted = receipt.lines.reduce((sum, line) => sum + line.messages, 0n);
  if (counted !== span)
    fail('receipt_count_mismatch', `its lines count ${counted} messages for ${span} numbers`);

  if (leaves.hashes) {
    if (BigInt(leaves.hashes.length) !== span) {
      fail('receipt_count_mismatch', `${leaves.hashes.length} leaves published for ${span} numbers`);
    } else {
      const root = toHex(merkleRoot(leaves.hashes.map((hash) => fromHex(hash))));
      if (root !== signed.root)
        fail(
          'receipt_root_mismatch',
          `the published leaves rebuild root ${root}, the receipt says ${signed.root}`,
        );
    }
  }

  if (!leaves.attestations) return problems;
  const byOrg = new Map<bigint, Attestation[]>();
  for (const json of leaves.attestations) {
    let attestation: Attestation;
    try {
      const parsed = attestationFromJson(json);
      attestation = parsed.attestation;
      if (!verifyAttestation(attestation, parsed.signature)) throw new Error('its signature does not verify');
    } catch (error) {
      fail('receipt_foreign_leaf', `a leaf is not a valid signed attestation: ${(error as Error).message}`);
      continue;
    }
    const { seq } = attestation;
    if (toHex(attestation.signer) !== signed.signer || seq < receipt.firstSeq || seq > receipt.lastSeq) {
      fail(
        'receipt_foreign_leaf',
        `seq ${seq} of signer ${toHex(attestation.signer)} is not in this receipt's range`,
      );
      continue;
    }
    const published = leaves.hashes?.[Number(seq - receipt.firstSeq)];
    if (published !== undefined && published !== toHex(hashAttestation(attestation))) {
      fail('receipt_foreign_leaf', `seq ${seq} is not the leaf published at its place`);
      continue;
    }
    const list = byOrg.get(attestation.org) ?? [];
    list.push(attestation);
    byOrg.set(attestation.org, list);
  }
  for (const [org, attestations] of byOrg) {
    const expected = new Map(aggregateReceiptLines(attestations).map((line) => [lineKey(line), line]));
    const claimed = receipt.lines.filter((line) => line.org === org);
    for (const line of claimed) {
      const sum = expected.get(lineKey(line));
      expected.delete(lineKey(line));
      if (!sum || !sameSums(sum, line)) {
        fail(
          'receipt_line_mismatch',
          `org ${org}, bot ${line.bot}, day ${line.day}: the receipt says ${sums(line)}; its leaves sum to ${sum ? sums(sum) : 'nothing'}`,
        );
      }
    }
    for (const sum of expected.values()) {
      fail(
        'receipt_line_mismatch',
        `org ${org}, bot ${sum.bot}, day ${sum.day}: no line for leaves summing to ${sums(sum)}`,
      );
    }
  }
  return problems;
}

const lineKey = (line: ReceiptLine) => `${line.org}/${line.bot}/${line.day}`;
const sameSums = (a: ReceiptLine, b: ReceiptLine) =>
  a.messages === b.messages && a.promptTokens === b.promptTokens && a.completionTokens === b.completionTokens;
const sums = (line: ReceiptLine) =>
  `${line.messages} messages, ${line.promptTokens} prompt + ${line.completionTokens} completion tokens`;
