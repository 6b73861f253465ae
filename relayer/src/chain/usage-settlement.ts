import { fromBase64, fromHex, toBase64, toHex } from '@cosmjs/encoding';
import type { SubmitBatchMsg } from '@privexbot/schema/attestation';
import type { TxResult } from '@privexbot/schema/chain';
import { ChainError, ContractError } from '@privexbot/schema/chain/errors';
import { eventAttribute, type UsageClient, type UsageTypes } from '@privexbot/schema/contracts';
import type { SubmitReceiptMsg } from '@privexbot/schema/receipt';

/**
 * What the relayer asks of the usage contract, over the generated client of
 * `@privexbot/schema/contracts` (any ChainClient adapter). Keys are hex in the relayer and
 * base64 on the wire; this is the one place that converts.
 */

/** `v1`: one `submit_batch` carrying every attestation; `v2`: one signed receipt per range. */
export type SettlementVersion = 'v1' | 'v2';

export type SignerRegistration = UsageTypes.SignerResponse;

/** The signer's registration, or undefined when the contract does not know the key. */
export async function signerRegistration(
  usage: UsageClient,
  signerHex: string,
): Promise<SignerRegistration | undefined> {
  try {
    return await usage.query('signer', { pubkey: toBase64(fromHex(signerHex)) });
  } catch (error) {
    if (error instanceof ChainError && error.code === 'NOT_FOUND') return undefined;
    if (error instanceof ContractError && /unknown signer|not found/i.test(error.contractMessage))
      return undefined;
    throw error;
  }
}

/**
 * Most answers one submission may settle: a batch above `max_batch_size` is refused whole; a
 * receipt has at most one line per answer, so a range within `max_receipt_lines` always fits.
 */
export async function largestRange(usage: UsageClient, version: SettlementVersion): Promise<number> {
  const config = await usage.query('config', {});
  return Number(version === 'v1' ? config.max_batch_size : config.max_receipt_lines);
}

/** A range of one signer settled on chain: a v1 batch or a v2 receipt. */
export interface SettledRange {
  kind: 'batch' | 'receipt';
  /** its id on chain (batches and receipts are counted apart) */
  id: bigint;
  first: bigint;
  last: bigint;
  /** Merkle root over the range's attestation hashes, hex */
  root: string;
  /** the signed receipt's hash, hex (receipts only) */
  receiptHash?: string;
  height: number;
}

/**
 * The chain's settled ranges of `signerHex` after `cursor`, in sequence order, batches and
 * receipts alike (a signer may have changed settlement version). Each list is scanned from its
 * newest header backwards until a header of this signer at or below the cursor.
 */
export async function settledRangesAfter(
  usage: UsageClient,
  signerHex: string,
  cursor: bigint,
): Promise<SettledRange[]> {
  const signer = toBase64(fromHex(signerHex));
  const lists: HeaderPage[] = [
    async (start, limit) => {
      const { batches, total } = await usage.query('batches', { start, limit });
      return { total, headers: batches.map((h) => ({ ...h, kind: 'batch' as const, root: h.merkle_root })) };
    },
    async (start, limit) => {
      const { receipts, total } = await usage.query('receipts', { start, limit });
      return { total, headers: receipts.map((h) => ({ ...h, kind: 'receipt' as const })) };
    },
  ];
  const found: SettledRange[] = [];
  for (const page of lists) {
    let end = (await page(0, 1)).total;
    scan: while (end > 0) {
      const start = Math.max(0, end - 100);
      for (const header of (await page(start, end - start)).headers.reverse()) {
        if (header.signer !== signer) continue;
        const range = settledRange(header);
        if (range.last <= cursor) break scan;
        found.push(range);
      }
      end = start;
    }
  }
  return found.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
}

/** What a batch header and a receipt header have in common, their root named alike. */
interface RangeHeader {
  kind: SettledRange['kind'];
  id: number;
  signer: string;
  first_seq: string;
  last_seq: string;
  root: string;
  receipt_hash?: string;
  height: number;
}

/** One page of a header list (batches or receipts) and the list's length. */
type HeaderPage = (start: number, limit: number) => Promise<{ total: number; headers: RangeHeader[] }>;

function settledRange(h: RangeHeader): SettledRange {
  return {
    kind: h.kind,
    id: BigInt(h.id),
    first: BigInt(h.first_seq),
    last: BigInt(h.last_seq),
    root: toHex(fromBase64(h.root)),
    ...(h.receipt_hash === undefined ? {} : { receiptHash: toHex(fromBase64(h.receipt_hash)) }),
    height: h.height,
  };
}

/**
 * Submits a batch or a receipt and waits until its transaction is in a block; returns the id
 * the contract assigned (its `batch_id` or `receipt_id` attribute).
 */
export async function submitAndConfirm(
  usage: UsageClient,
  submission: { submit_batch: SubmitBatchMsg } | { submit_receipt: SubmitReceiptMsg },
): Promise<{ tx: TxResult; id: bigint }> {
  const [sent, key] =
    'submit_batch' in submission
      ? [await usage.submitBatch(submission.submit_batch), 'batch_id']
      : [await usage.submitReceipt(submission.submit_receipt), 'receipt_id'];
  const tx = await usage.chain.waitForTx(sent.txHash, { timeoutMs: 60_000 });
  const id = eventAttribute(tx, key) ?? eventAttribute(sent, key);
  if (id === undefined) throw new Error(`transaction ${tx.txHash} carries no ${key} attribute`);
  return { tx, id: BigInt(id) };
}
