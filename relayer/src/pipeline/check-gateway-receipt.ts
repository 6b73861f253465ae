import { verifyReceiptLeaves } from '@privexbot/schema/audit';
import type { SignedReceiptJson } from '@privexbot/schema/receipt';
import { RelayerError } from '../loop/relayer-error.js';
import type { VerifiedAttestation } from './verify-feed-page.js';

/**
 * Settlement v2: before a receipt goes on chain, the relayer checks it against the very
 * attestations it fetched and verified for that range: signature, Merkle root, and every
 * per-(org, bot, day) line equal to the sums of its leaves (`verifyReceiptLeaves`, the audit's
 * own check). The contract cannot do this (it never sees the leaves), so a gateway that signs
 * deltas its attestations do not add up to is stopped here, fatally: resubmitting cannot help,
 * an operator must look at the gateway. Returns the receipt when it agrees.
 */
export function checkGatewayReceipt(
  receipt: SignedReceiptJson,
  items: readonly VerifiedAttestation[],
): SignedReceiptJson {
  const hashes = items.map((item) => Buffer.from(item.hash).toString('hex'));
  const problems = verifyReceiptLeaves(receipt, { hashes, attestations: items.map((item) => item.json) });
  if (problems.length > 0) {
    throw new RelayerError(
      'RECEIPT_MISMATCH',
      `the gateway signed a receipt its attestations do not support: ${problems.map((p) => p.message).join('; ')}`,
      'fatal',
    );
  }
  return receipt;
}
