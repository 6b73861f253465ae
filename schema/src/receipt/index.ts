/**
 * The usage receipt, version 2: one gateway signature over the per-(org, bot, day) sums of a
 * contiguous range of its attestations, with the range's Merkle root. Canonical bytes, hash,
 * secp256k1 signature, aggregation, the `submit_receipt` message and the JSON form.
 * Browser-safe (no node: imports). Errors are the attestation codec's `AttestationError`.
 */
export { aggregateReceiptLines, buildReceipt, SECONDS_PER_DAY } from './aggregate-receipt.js';
export {
  assertValidReceipt,
  compareReceiptLines,
  decodeReceipt,
  decodeReceiptLines,
  encodeReceipt,
  encodeReceiptLines,
  RECEIPT_DOMAIN,
  RECEIPT_HEADER_LENGTH,
  RECEIPT_LINE_LENGTH,
  RECEIPT_VERSION,
  type Receipt,
  type ReceiptLine,
  ROOT_LENGTH,
} from './encode-receipt.js';
export {
  type OrgReceipt,
  orgReceiptSchema,
  type PublicReceipt,
  type PublishedReceiptHeader,
  type PublishedReceiptLine,
  publicReceiptListSchema,
  publicReceiptSchema,
  publishedReceiptHeaderSchema,
} from './published-receipt.js';
export {
  decodeSubmitReceipt,
  encodeSubmitReceipt,
  receiptFromJson,
  receiptToJson,
  type SignedReceipt,
  type SignedReceiptJson,
  type SubmitReceiptMsg,
  signedReceiptJsonSchema,
} from './receipt-json.js';
export { hashReceipt, signReceipt, verifyReceipt } from './sign-receipt.js';
