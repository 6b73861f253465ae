import { toHex } from '@cosmjs/encoding';
import { encodeSubmitBatch, merkleRoot } from '@privexbot/schema/attestation';
import type { TxResult } from '@privexbot/schema/chain';
import { ContractError } from '@privexbot/schema/chain/errors';
import type { UsageClient } from '@privexbot/schema/contracts';
import { encodeSubmitReceipt, receiptFromJson, type SignedReceiptJson } from '@privexbot/schema/receipt';
import type { Logger } from 'pino';
import {
  largestRange,
  type SettledRange,
  type SettlementVersion,
  type SignerRegistration,
  settledRangesAfter,
  signerRegistration,
  submitAndConfirm,
} from '../chain/usage-settlement.js';
import type { LeaseFence, QuarantineReason, RelayerStore } from '../db/relayer-store.js';
import type { GatewayFeed } from '../gateway/gateway-feed.js';
import { classifyBatchRejection, RelayerError } from '../loop/relayer-error.js';
import type { StepOutcome } from '../loop/run-step-loop.js';
import type { RelayerMetrics } from '../metrics/relayer-metrics.js';
import { checkGatewayReceipt } from './check-gateway-receipt.js';
import { PendingBatch } from './pending-batch.js';
import { type VerifiedAttestation, verifyFeedPage } from './verify-feed-page.js';

/** Where a test may simulate a crash; a real crash can happen anywhere, these are the interesting places. */
export type FaultPoint = 'mid-batch' | 'before-submit' | 'after-submit' | 'mid-record' | 'after-record';
export type FaultHook = (point: FaultPoint) => void | Promise<void>;

export type SignerState =
  | 'starting'
  | 'standby'
  | 'relaying'
  | 'waiting_registration'
  | 'blocked'
  | 'failing'
  | 'failed'
  | 'stopped';

/** What `/healthz` shows for one signer. */
export interface SignerHealth {
  gateway: string;
  signer?: string;
  state: SignerState;
  cursor: string;
  chainLastSeq?: string;
  gatewayLastSeq?: string;
  lag?: string;
  pending: number;
  oldestPendingSeconds: number;
  blocked?: { seq: string; reason: QuarantineReason; quarantineId: string; message: string; action: string };
  lastError?: string;
}

export interface SignerRelayOptions {
  feed: GatewayFeed;
  usage: UsageClient;
  /** `v2` (receipts) unless the contract lacks `submit_receipt`. */
  settlement: SettlementVersion;
  store: RelayerStore;
  metrics: RelayerMetrics;
  logger: Logger;
  relayerId: string;
  batchSize: number;
  batchAgeMs: number;
  pollIntervalMs: number;
  reconcileIntervalMs: number;
  /** Whether we may submit now, and the proof of it for the database. */
  isLeader: () => boolean;
  fence: () => LeaseFence | undefined;
  /** Pinned signer key from configuration, if any. */
  expectedSigner?: string;
  now?: () => number;
  faults?: FaultHook;
  /** Called after a batch or a receipt is recorded (static publication). */
  onSettled?: (kind: 'batch' | 'receipt', chainId: bigint) => void;
}

/**
 * Relays one gateway's attestations: fetch → verify → range → (v2: the gateway's receipt of the
 * range, checked against the attestations) → submit → confirm → record (the cursor moves in the
 * recording transaction). The chain is the truth: at start, after any failure that may have
 * left our view stale, and periodically, `reconcile` re-reads the contract's last sequence and
 * adopts the batches and receipts the chain has but we did not record.
 */
export class SignerRelay {
  signer: string | undefined;
  state: SignerState = 'starting';
  private cursor = 0n;
  private fetchedUpTo = 0n;
  private chainLastSeq: bigint | undefined;
  private gatewayLastSeq: bigint | undefined;
  private registration: SignerRegistration | undefined;
  private readonly pending: PendingBatch;
  private needsReconcile = true;
  private lastReconcileAt = Number.NEGATIVE_INFINITY;
  private blocked: SignerHealth['blocked'];
  lastError: string | undefined;
  private readonly now: () => number;

  constructor(private readonly o: SignerRelayOptions) {
    this.pending = new PendingBatch(o.batchSize, o.batchAgeMs);
    this.now = o.now ?? Date.now;
  }

  /** Forces a reconciliation before the next step (after any failure). */
  markStale(): void {
    this.needsReconcile = true;
  }

  async step(): Promise<StepOutcome> {
    if (!this.signer) await this.identify();
    const signer = this.signer as string;
    if (!this.o.isLeader()) {
      if (this.state !== 'standby') {
        this.pending.clear();
        this.needsReconcile = true;
        this.state = 'standby';
      }
      return { next: 'sleep', ms: Math.min(this.o.pollIntervalMs, 1000) };
    }
    if (this.needsReconcile || this.now() - this.lastReconcileAt >= this.o.reconcileIntervalMs)
      await this.reconcile();
    if (!this.registration) {
      this.state = 'waiting_registration';
      return { next: 'sleep', ms: Math.min(this.o.reconcileIntervalMs, 5_000) };
    }

    let fullPage = false;
    if (!this.blocked && this.pending.wantsMore) {
      const limit = Math.min(1000, Math.max(this.pending.maxSize, 100));
      const page = await this.o.feed.page(this.fetchedUpTo, limit);
      if (page.signer !== signer) {
        throw new RelayerError(
          'GATEWAY_SIGNER_CHANGED',
          `gateway ${this.o.feed.url} now signs with ${page.signer}, not ${signer}`,
          'fatal',
        );
      }
      this.gatewayLastSeq = page.lastSeq;
      fullPage = page.attestations.length >= limit;
      const verified = verifyFeedPage({
        signer,
        nextSeq: this.fetchedUpTo + 1n,
        entries: page.attestations,
        now: this.now(),
      });
      this.pending.add(verified.accepted);
      this.fetchedUpTo = this.pending.lastSeq ?? this.fetchedUpTo;
      if (verified.accepted.length > 0) await this.o.faults?.('mid-batch');
      if (verified.rejection) {
        const r = verified.rejection;
        await this.quarantine(r.seq, r.reason, r.message, r.raw);
      }
    }
    this.state = this.blocked ? 'blocked' : 'relaying';
    this.updateGauges();

    // A blocked signer still submits what it verified before the refused attestation.
    if (this.pending.size > 0 && (this.pending.isDue(this.now()) || this.blocked)) {
      await this.submitNext();
      return { next: 'continue' };
    }
    if (fullPage && !this.blocked) return { next: 'continue' };
    if (this.blocked) return { next: 'sleep', ms: Math.min(this.o.reconcileIntervalMs, 5_000) };
    const dueIn = this.pending.dueInMs(this.now());
    return {
      next: 'sleep',
      ms: Math.max(1, Math.min(this.o.pollIntervalMs, dueIn ?? this.o.pollIntervalMs)),
    };
  }

  private async identify(): Promise<void> {
    const announced = await this.o.feed.signer();
    if (this.o.expectedSigner && announced !== this.o.expectedSigner) {
      throw new RelayerError(
        'GATEWAY_SIGNER_MISMATCH',
        `gateway ${this.o.feed.url} signs with ${announced}, but the configuration pins ${this.o.expectedSigner}`,
        'fatal',
      );
    }
    this.cursor = await this.o.store.ensureCursor(announced, this.o.feed.url);
    this.fetchedUpTo = this.cursor;
    this.signer = announced;
  }

  /** Brings our cursor in line with the chain; see the class comment. */
  async reconcile(): Promise<void> {
    const signer = this.signer as string;
    this.registration = await signerRegistration(this.o.usage, signer);
    // A range above the contract's ceiling would be refused whole, again and again.
    const ceiling = await largestRange(this.o.usage, this.o.settlement);
    const batchSize = Math.max(1, Math.min(this.o.batchSize, ceiling));
    if (batchSize !== this.pending.maxSize) {
      if (batchSize < this.o.batchSize) {
        this.o.logger.warn(
          { signer, configured: this.o.batchSize, contractMaximum: ceiling, settlement: this.o.settlement },
          `RELAYER_BATCH_SIZE is above the contract's ${this.o.settlement === 'v1' ? 'max_batch_size' : 'max_receipt_lines'}: using the contract's`,
        );
      }
      this.pending.maxSize = batchSize;
    }
    const chainLast = this.registration ? BigInt(this.registration.last_seq) : 0n;
    let cursor = await this.o.store.cursor(signer);
    if (chainLast > cursor) {
      this.o.logger.warn(
        { signer, cursor: `${cursor}`, chainLast: `${chainLast}` },
        'the chain is ahead of the cursor: adopting its batches',
      );
      await this.adopt(cursor, chainLast);
      cursor = await this.o.store.cursor(signer);
    }
    if (chainLast < cursor) {
      throw new RelayerError(
        'CURSOR_AHEAD_OF_CHAIN',
        `the cursor of ${signer} is at ${cursor} but the chain's last sequence is ${chainLast}: wrong chain or contract?`,
        'fatal',
      );
    }
    this.cursor = cursor;
    this.chainLastSeq = chainLast;
    this.pending.clear();
    this.fetchedUpTo = cursor;
    const open = (await this.o.store.openQuarantine(signer))[0];
    this.blocked = open
      ? {
          seq: open.seq,
          reason: open.reason,
          quarantineId: open.id,
          message: open.message,
          action: blockedAction(open.reason, BigInt(open.seq)),
        }
      : undefined;
    this.needsReconcile = false;
    this.lastReconcileAt = this.now();
    this.updateGauges();
  }

  /**
   * Records the batches and receipts that are on chain but not here (we crashed between
   * submitting and recording, or another relayer did). Their headers are found by scanning the
   * newest headers backwards; their attestations are fetched again from the gateway and must
   * rebuild the header's Merkle root exactly; a receipt is asked of the gateway again (it
   * answers the same one), must hash to the header's receipt hash and agree with its leaves.
   */
  private async adopt(cursor: bigint, chainLast: bigint): Promise<void> {
    const signer = this.signer as string;
    const found = await settledRangesAfter(this.o.usage, signer, cursor);
    const contiguous = found.every(
      (range, i) => range.first === (i === 0 ? cursor : (found[i - 1] as SettledRange).last) + 1n,
    );
    if (found.length === 0 || !contiguous || (found.at(-1) as SettledRange).last !== chainLast) {
      throw new RelayerError(
        'ADOPT_INCOMPLETE',
        `could not find the chain's batches and receipts of ${signer} covering ${cursor + 1n}..${chainLast}`,
        'fatal',
      );
    }
    for (const range of found) {
      const items = await this.refetch(range);
      const root = toHex(merkleRoot(items.map((i) => i.hash)));
      if (root !== range.root) {
        throw new RelayerError(
          'ADOPT_MISMATCH',
          `${range.kind} ${range.id}: the gateway's attestations do not rebuild the chain's Merkle root`,
          'fatal',
        );
      }
      if (range.kind === 'batch') {
        await this.record({ kind: 'batch', id: range.id }, items, 'adopted', { height: range.height });
        continue;
      }
      const receipt = checkGatewayReceipt(await this.o.feed.receipt(range.first, range.last), items);
      if (receipt.hash !== range.receiptHash) {
        throw new RelayerError(
          'ADOPT_MISMATCH',
          `receipt ${range.id}: the gateway's receipt of ${range.first}..${range.last} is not the one on chain`,
          'fatal',
        );
      }
      await this.record({ kind: 'receipt', id: range.id, receipt }, items, 'adopted', {
        height: range.height,
      });
    }
  }

  /** The attestations of a settled range, fetched again from the gateway and verified. */
  private async refetch(range: SettledRange): Promise<VerifiedAttestation[]> {
    const signer = this.signer as string;
    const count = Number(range.last - range.first + 1n);
    const items: VerifiedAttestation[] = [];
    while (items.length < count) {
      const next = range.first + BigInt(items.length);
      const page = await this.o.feed.page(next - 1n, count - items.length);
      const verified = verifyFeedPage({
        signer,
        nextSeq: next,
        entries: page.attestations.slice(0, count - items.length),
        now: this.now(),
      });
      if (verified.rejection || verified.accepted.length === 0) {
        throw new RelayerError(
          'ADOPT_MISMATCH',
          `the gateway cannot serve seq ${next} of ${range.kind} ${range.id} as signed: ${verified.rejection?.message ?? 'missing'}`,
          'fatal',
        );
      }
      items.push(...verified.accepted);
    }
    return items;
  }

  private async submitNext(): Promise<void> {
    let items = this.pending.next();
    const first = items[0] as VerifiedAttestation;
    if (this.registration?.revoked_at) {
      await this.quarantine(
        first.seq,
        'revoked_signer',
        `signer was revoked on chain at ${this.registration.revoked_at}`,
        first.json,
      );
      this.pending.clear();
      return;
    }
    let receipt: SignedReceiptJson | undefined;
    if (this.o.settlement === 'v2') {
      const asked = await this.askReceipt(items);
      if (!asked) return; // the gateway signed a longer range before: fetch up to its end first
      ({ receipt, items } = asked);
    }
    await this.o.faults?.('before-submit');
    let submitted: { tx: TxResult; id: bigint };
    try {
      submitted = await submitAndConfirm(
        this.o.usage,
        receipt
          ? { submit_receipt: encodeSubmitReceipt(receiptFromJson(receipt)) }
          : { submit_batch: encodeSubmitBatch(items.map((i) => i.signed)) },
      );
    } catch (error) {
      if (!(error instanceof ContractError)) {
        // The transaction may or may not be in a block: ask the chain before resubmitting.
        this.needsReconcile = true;
        throw new RelayerError(
          'SUBMIT_OUTCOME_UNKNOWN',
          `submitting seq ${first.seq}.. failed: ${messageOf(error)}`,
          'reconcile',
          { cause: error },
        );
      }
      await this.handleRejection(error, items);
      return;
    }
    await this.o.faults?.('after-submit');
    await this.record(
      receipt ? { kind: 'receipt', id: submitted.id, receipt } : { kind: 'batch', id: submitted.id },
      items,
      'submitted',
      { txHash: submitted.tx.txHash, height: submitted.tx.height },
    );
    await this.o.faults?.('after-record');
  }

  /**
   * Settlement v2: the gateway's receipt of the range, checked against the attestations we
   * verified. The gateway signs each range once: if it already signed one starting here (we
   * crashed before submitting it), that range is the one to settle, whatever our batch size.
   */
  private async askReceipt(
    items: VerifiedAttestation[],
  ): Promise<{ receipt: SignedReceiptJson; items: VerifiedAttestation[] } | undefined> {
    const first = (items[0] as VerifiedAttestation).seq;
    const last = (items.at(-1) as VerifiedAttestation).seq;
    try {
      return { receipt: checkGatewayReceipt(await this.o.feed.receipt(first, last), items), items };
    } catch (error) {
      const signed = signedRangeOf(error);
      if (!signed || signed.first !== first || signed.last === last) throw error;
      this.o.logger.info(
        { signer: this.signer, first: `${first}`, last: `${signed.last}` },
        'the gateway signed this range before: settling exactly that range',
      );
      this.pending.pinRangeEnd(signed.last);
      if (signed.last > last) return undefined;
      return this.askReceipt(items.filter((item) => item.seq <= signed.last));
    }
  }

  private async handleRejection(error: ContractError, items: VerifiedAttestation[]): Promise<void> {
    const rejection = classifyBatchRejection(error);
    const first = items[0] as VerifiedAttestation;
    switch (rejection.kind) {
      case 'sequence':
        this.needsReconcile = true;
        throw new RelayerError('SEQUENCE_REJECTED', rejection.message, 'reconcile', { cause: error });
      case 'revoked_signer':
        this.needsReconcile = true;
        await this.quarantine(first.seq, 'revoked_signer', rejection.message, first.json);
        this.pending.clear();
        return;
      case 'unknown_signer':
        this.registration = undefined;
        this.needsReconcile = true;
        this.pending.clear();
        return;
      case 'bad_record': {
        // We verified these ourselves, so this means the contract and we disagree: keep the
        // ones before it, quarantine this one, and let an operator look.
        const bad = items[rejection.index] ?? first;
        this.pending.clear();
        this.pending.add(items.slice(0, rejection.index));
        await this.quarantine(bad.seq, 'rejected_by_contract', rejection.message, bad.json);
        return;
      }
      case 'receipt_too_large':
        // the contract's max_receipt_lines went down since we read it
        this.needsReconcile = true;
        throw new RelayerError('RECEIPT_REFUSED', rejection.message, 'reconcile', { cause: error });
      case 'receipt_refused':
        throw new RelayerError(
          'RECEIPT_REFUSED',
          `the contract refused a receipt we checked against its leaves (${rejection.message}): an operator must compare the gateway, the relayer and the contract`,
          'fatal',
          { cause: error },
        );
      case 'v1_retired':
        throw new RelayerError('V1_RETIRED', `${rejection.message}: set RELAYER_SETTLEMENT=v2`, 'fatal', {
          cause: error,
        });
      case 'unauthorized_relayer':
        throw new RelayerError(
          'RELAYER_NOT_ALLOWED',
          `${rejection.message}: ask the contract admin to add this relayer`,
          'fatal',
          { cause: error },
        );
      default:
        throw new RelayerError('BATCH_REJECTED', rejection.message, 'retry', { cause: error });
    }
  }

  private async record(
    settled: { kind: 'batch'; id: bigint } | { kind: 'receipt'; id: bigint; receipt: SignedReceiptJson },
    items: VerifiedAttestation[],
    origin: 'submitted' | 'adopted',
    tx: { txHash?: string; height?: number },
  ): Promise<void> {
    const signer = this.signer as string;
    const first = (items[0] as VerifiedAttestation).seq;
    const last = (items.at(-1) as VerifiedAttestation).seq;
    let promptTokens = 0n;
    let completionTokens = 0n;
    for (const i of items) {
      promptTokens += BigInt(i.signed.attestation.promptTokens);
      completionTokens += BigInt(i.signed.attestation.completionTokens);
    }
    const fence = this.o.fence();
    const options = {
      recordedBy: this.o.relayerId,
      ...(fence ? { fence } : {}),
      ...(this.o.faults ? { hook: this.o.faults } : {}),
    };
    const onChain = {
      ...(tx.txHash ? { txHash: tx.txHash } : {}),
      ...(tx.height !== undefined ? { height: tx.height } : {}),
    };
    const json = items.map((i) => i.json);
    const outcome =
      settled.kind === 'receipt'
        ? await this.o.store.recordReceipt(
            {
              chainReceiptId: settled.id,
              receipt: settled.receipt,
              count: items.length,
              promptTokens,
              completionTokens,
              ...onChain,
              origin,
            },
            json,
            options,
          )
        : await this.o.store.recordBatch(
            {
              chainBatchId: settled.id,
              signer,
              firstSeq: first,
              lastSeq: last,
              count: items.length,
              merkleRoot: toHex(merkleRoot(items.map((i) => i.hash))),
              promptTokens,
              completionTokens,
              ...onChain,
              origin,
            },
            json,
            options,
          );
    if (origin === 'submitted') this.pending.drop(items.length);
    this.cursor = last;
    this.chainLastSeq =
      this.chainLastSeq === undefined || last > this.chainLastSeq ? last : this.chainLastSeq;
    if (outcome === 'recorded') {
      const metric = settled.kind === 'receipt' ? this.o.metrics.receipts : this.o.metrics.batches;
      metric.inc({ signer, origin });
      this.o.metrics.attestations.inc({ signer }, items.length);
      this.o.logger.info(
        { signer, [settled.kind]: `${settled.id}`, first: `${first}`, last: `${last}`, origin },
        `${settled.kind} recorded`,
      );
      this.o.onSettled?.(settled.kind, settled.id);
    }
    this.updateGauges();
  }

  private async quarantine(
    seq: bigint,
    reason: QuarantineReason,
    message: string,
    raw: unknown,
  ): Promise<void> {
    const signer = this.signer as string;
    const id = await this.o.store.quarantine({
      signer,
      seq,
      gatewayUrl: this.o.feed.url,
      reason,
      message,
      attestation: raw,
    });
    this.blocked = {
      seq: seq.toString(),
      reason,
      quarantineId: id,
      message,
      action: blockedAction(reason, seq),
    };
    this.state = 'blocked';
    this.o.metrics.quarantined.inc({ signer, reason });
    this.o.logger.error(
      { signer, seq: `${seq}`, reason, quarantineId: id, message },
      'attestation quarantined: this signer is blocked until an operator acts',
    );
    this.updateGauges();
  }

  private updateGauges(): void {
    const signer = this.signer;
    if (!signer) return;
    const m = this.o.metrics;
    m.cursor.set({ signer }, Number(this.cursor));
    const head = this.gatewayLastSeq ?? this.fetchedUpTo;
    m.lag.set({ signer }, Number(head > this.cursor ? head - this.cursor : 0n));
    m.oldestPendingSeconds.set({ signer }, this.pending.oldestAgeMs(this.now()) / 1000);
    m.blocked.set({ signer }, this.blocked ? 1 : 0);
  }

  health(): SignerHealth {
    const head = this.gatewayLastSeq;
    return {
      gateway: this.o.feed.url,
      ...(this.signer ? { signer: this.signer } : {}),
      state: this.state,
      cursor: this.cursor.toString(),
      ...(this.chainLastSeq !== undefined ? { chainLastSeq: this.chainLastSeq.toString() } : {}),
      ...(head !== undefined
        ? { gatewayLastSeq: head.toString(), lag: (head > this.cursor ? head - this.cursor : 0n).toString() }
        : {}),
      pending: this.pending.size,
      oldestPendingSeconds: this.pending.oldestAgeMs(this.now()) / 1000,
      ...(this.blocked ? { blocked: this.blocked } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }
}

function blockedAction(reason: QuarantineReason, seq: bigint): string {
  const later = `attestations from seq ${seq} on cannot be counted (the contract refuses gaps)`;
  if (reason === 'revoked_signer') {
    return `the signer is revoked: ${later}, ever. Settle them off chain, then resolve the quarantine entry.`;
  }
  return `${later} until an operator fixes the gateway's record of seq ${seq} and resolves the quarantine entry (relayer/README.md, "Quarantine").`;
}

/** The range of the receipt the gateway already signed, from its `RECEIPT_CONFLICT` refusal. */
function signedRangeOf(error: unknown): { first: bigint; last: bigint } | undefined {
  if (!(error instanceof RelayerError) || error.code !== 'GATEWAY_RECEIPT_CONFLICT') return undefined;
  const details = error.details as { first_seq?: unknown; last_seq?: unknown } | undefined;
  const first = details?.first_seq;
  const last = details?.last_seq;
  if (typeof first !== 'string' || typeof last !== 'string' || !/^\d+$/.test(first) || !/^\d+$/.test(last))
    return undefined;
  return { first: BigInt(first), last: BigInt(last) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
