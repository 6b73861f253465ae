import { type FileHandle, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { attestationFromJson } from '@privexbot/schema/attestation';
import {
  buildReceipt,
  receiptFromJson,
  receiptToJson,
  type SignedReceiptJson,
  signReceipt,
} from '@privexbot/schema/receipt';
import type { AttestationLog } from './attestation-log.js';
import { GatewayError } from './gateway-error.js';

/** Most attestations one receipt covers: the range is read and summed in memory. */
export const MAX_RECEIPT_RANGE = 20_000;

/**
 * The gateway's signed receipts (settlement v2): on a relayer's request, one receipt over a
 * range of its own attestation log, built from that log alone, never from figures the relayer
 * sends. Receipts partition the sequence numbers: the first may start anywhere (where v1
 * settlement stopped), each later one continues the last, and a range is receipted once, so
 * the gateway never signs two receipts that could both count the same answer. Asking again for
 * a range already receipted returns the very same receipt (a relayer that crashed before
 * submitting asks again). Every receipt is fsynced to `receipts-<signer>.jsonl` before it is
 * returned, so after a crash the gateway still answers the same; a torn last line (a crash
 * mid-write, never returned to anyone) is dropped at open. The attestations stay in their log:
 * the audit needs every one.
 */
export class RangeReceipts {
  private readonly byFirst = new Map<string, SignedReceiptJson>();
  private readonly ordered: SignedReceiptJson[] = [];
  /** Requests are served one at a time: two asking for the same new range get one receipt. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    private readonly log: AttestationLog,
    private readonly privateKey: Uint8Array,
  ) {}

  static async open(dataDir: string, log: AttestationLog, privateKey: Uint8Array): Promise<RangeReceipts> {
    const path = join(dataDir, `receipts-${log.signerHex}.jsonl`);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const whole = text.slice(0, text.lastIndexOf('\n') + 1);
    const handle = await open(path, 'a+');
    if (whole.length < text.length) {
      await handle.truncate(Buffer.byteLength(whole));
      await handle.datasync();
    }
    const receipts = new RangeReceipts(handle, log, privateKey);
    for (const line of whole.split('\n').filter(Boolean)) {
      const json = JSON.parse(line) as SignedReceiptJson;
      // parsing checks the hash against the fields: a damaged file stops the gateway
      receiptFromJson(json);
      if (json.signer !== log.signerHex) throw new Error(`${path}: a receipt of another signer`);
      receipts.remember(json);
    }
    return receipts;
  }

  /** Last sequence number covered by a receipt, 0 before the first. */
  get lastReceiptedSeq(): bigint {
    const last = this.ordered[this.ordered.length - 1];
    return last ? BigInt(last.last_seq) : 0n;
  }

  /** The receipt over `first..=last`: the stored one, or a new one continuing the last. */
  receiptFor(first: bigint, last: bigint): Promise<SignedReceiptJson> {
    const next = this.queue.then(() => this.issue(first, last));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async issue(first: bigint, last: bigint): Promise<SignedReceiptJson> {
    if (first < 1n || last < first) {
      throw new GatewayError('INVALID_REQUEST', 'the range must satisfy 1 <= first_seq <= last_seq');
    }
    if (last - first + 1n > BigInt(MAX_RECEIPT_RANGE)) {
      throw new GatewayError('INVALID_REQUEST', `a receipt covers at most ${MAX_RECEIPT_RANGE} attestations`);
    }
    const stored = this.byFirst.get(first.toString());
    if (stored && stored.last_seq === last.toString()) return stored;
    const receipted = this.lastReceiptedSeq;
    if (first <= receipted) {
      const existing = this.covering(first);
      throw new GatewayError(
        'RECEIPT_CONFLICT',
        `seq ${first} is already receipted in ${existing?.first_seq}..${existing?.last_seq}; ask for that range`,
        { first_seq: existing?.first_seq, last_seq: existing?.last_seq },
      );
    }
    if (receipted > 0n && first !== receipted + 1n) {
      throw new GatewayError(
        'RECEIPT_NOT_CONTIGUOUS',
        `the next receipt must start at seq ${receipted + 1n}, right after the last one`,
        { next_first_seq: (receipted + 1n).toString() },
      );
    }
    if (last > this.log.lastSeq) {
      throw new GatewayError(
        'RANGE_NOT_ATTESTED',
        `seq ${last} is not attested yet (the log ends at ${this.log.lastSeq})`,
        { last_attested_seq: this.log.lastSeq.toString() },
      );
    }
    const lines = await this.log.readAfter(first - 1n, Number(last - first + 1n));
    const attestations = lines.map((line) => attestationFromJson(JSON.parse(line)).attestation);
    const receipt = buildReceipt(attestations);
    const json = receiptToJson({ receipt, signature: signReceipt(receipt, this.privateKey) });
    await this.handle.write(`${JSON.stringify(json)}\n`);
    await this.handle.datasync();
    this.remember(json);
    return json;
  }

  private remember(json: SignedReceiptJson): void {
    const expected = this.lastReceiptedSeq + 1n;
    if (this.ordered.length > 0 && BigInt(json.first_seq) !== expected) {
      throw new Error(`the receipt log is out of order at seq ${json.first_seq}`);
    }
    this.ordered.push(json);
    this.byFirst.set(json.first_seq, json);
  }

  private covering(seq: bigint): SignedReceiptJson | undefined {
    return this.ordered.find((r) => BigInt(r.first_seq) <= seq && seq <= BigInt(r.last_seq));
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle.close();
  }
}
