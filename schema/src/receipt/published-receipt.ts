import { z } from 'zod';
import { signedAttestationJsonSchema } from '../attestation/attestation-json.js';
import { signedReceiptJsonSchema } from './receipt-json.js';

/**
 * How the relayer publishes a settled receipt (settlement v2), and what the audit reads.
 *
 * Public (`GET /receipts/:id`, static `receipts/<id>.json`): the header the chain holds plus the
 * range's attestation hashes in sequence order, so anyone rebuilds `root` (`merkleRoot`) and
 * checks `count`. Nothing about any org: the receipt's per-(org, bot, day) lines stay out of
 * the public form, as the contract keeps an org's counters behind a permit.
 *
 * An org's readers (`POST /orgs/:org/attestations`, same proof of role as for batches): the
 * org's attestations of the receipt, each with its position and Merkle proof against `root`,
 * and the org's own lines of the receipt, which the auditor compares with the sums of its leaves.
 */

const hex = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `must be ${bytes} bytes of lowercase hex`);
const decimal = z.string().regex(/^(0|[1-9]\d*)$/, 'must be a decimal string');

export const publishedReceiptHeaderSchema = z.strictObject({
  /** the receipt id on chain (the usage contract's `receipts` query) */
  id: decimal,
  signer: hex(33),
  first_seq: decimal,
  last_seq: decimal,
  /** answers settled: `last_seq - first_seq + 1` */
  count: z.number().int().positive(),
  root: hex(32),
  /** the digest the gateway signed; the chain's header holds the same */
  receipt_hash: hex(32),
  prompt_tokens: decimal,
  completion_tokens: decimal,
  tx_hash: z.string().nullable(),
  height: decimal.nullable(),
  /** `submitted` by this relayer, or `adopted`: found on chain when reconciling after a crash */
  origin: z.enum(['submitted', 'adopted']),
});
export type PublishedReceiptHeader = z.infer<typeof publishedReceiptHeaderSchema>;

/** The public form of one receipt. */
// strict: a public form that carries anything more (an org's lines) is refused, not ignored
export const publicReceiptSchema = z.strictObject({
  receipt: publishedReceiptHeaderSchema,
  attestation_hashes: z.array(hex(32)).min(1),
});
export type PublicReceipt = z.infer<typeof publicReceiptSchema>;

/** `GET /receipts?signer=&from=&after=&limit=`: headers in receipt id order. */
export const publicReceiptListSchema = z.object({
  receipts: z.array(publishedReceiptHeaderSchema),
});

const receiptLineSchema = signedReceiptJsonSchema.shape.lines.element;
export type PublishedReceiptLine = z.infer<typeof receiptLineSchema>;

/** An org's share of one receipt, for its owner, admins and auditors only. */
export const orgReceiptSchema = z.object({
  receipt: publishedReceiptHeaderSchema,
  /** the receipt's lines of this org, as the gateway signed them */
  lines: z.array(receiptLineSchema),
  attestations: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      attestation: signedAttestationJsonSchema,
      proof: z.array(z.object({ sibling: hex(32), side: z.enum(['left', 'right']) })),
    }),
  ),
});
export type OrgReceipt = z.infer<typeof orgReceiptSchema>;
