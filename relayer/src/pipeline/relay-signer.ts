import { toHex } from '@cosmjs/encoding';
import { encodeSubmitBatch, merkleRoot } from '@privexbot/schema/attestation';
import { ContractError } from '@privexbot/schema/chain/errors';
import type { Logger } from 'pino';
import {
  headerRootHex,
  headerSignerHex,
  type SignerRegistration,
  type UsageContract,
} from '../chain/usage-contract.js';
import type { LeaseFence, QuarantineReason, RelayerStore } from '../db/relayer-store.js';
import type { GatewayFeed } from '../gateway/gateway-feed.js';
import { classifyBatchRejection, RelayerError } from '../loop/relayer-error.js';
import type { StepOutcome } from '../loop/run-step-loop.js';
import type { RelayerMetrics } from '../metrics/relayer-metrics.js';
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
  usage: UsageContract;
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
  /** Called after a batch is recorded (static publication). */
  onBatchRecorded?: (chainBatchId: bigint) => void;
}

/**
 * Relays one gateway's attestations: fetch → verify → batch → submit → confirm → record (the
 * cursor moves in the recording transaction). The chain is the truth: at start, after any
 * failure that may have left our view stale, and periodically, `reconcile` re-reads the
 * contract's last sequence and adopts batches the chain has but we did not record.
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
    if (!this.blocked && this.pending.size < this.pending.maxSize) {
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
    this.registration = await this.o.usage.signer(signer);
    // A batch above the contract's ceiling would be refused whole, again and again.
    const ceiling = await this.o.usage.maxBatchSize();
    const batchSize = Math.max(1, Math.min(this.o.batchSize, ceiling));
    if (batchSize !== this.pending.maxSize) {
      if (batchSize < this.o.batchSize) {
        this.o.logger.warn(
          { signer, configured: this.o.batchSize, contractMaximum: ceiling },
          "RELAYER_BATCH_SIZE is above the contract's max_batch_size: using the contract's",
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
   * Records batches that are on chain but not here (we crashed between submitting and
   * recording, or another relayer did). Their headers are found by scanning the newest
   * headers backwards; their contents are fetched again from the gateway and must rebuild
   * the header's Merkle root exactly.
   */
  private async adopt(cursor: bigint, chainLast: bigint): Promise<void> {
    const signer = this.signer as string;
    const found = [];
    let end = await this.o.usage.batchTotal();
    scan: while (end > 0) {
      const start = Math.max(0, end - 100);
      const { batches } = await this.o.usage.batches(start, end - start);
      for (const header of [...batches].reverse()) {
        if (headerSignerHex(header) !== signer) continue;
        if (BigInt(header.last_seq) <= cursor) break scan;
        found.push(header);
        if (BigInt(header.first_seq) === cursor + 1n) break scan;
      }
      end = start;
    }
    found.reverse();
    const covered =
      found.length > 0 &&
      BigInt(found[0]?.first_seq ?? 0) === cursor + 1n &&
      BigInt(found.at(-1)?.last_seq ?? 0) === chainLast;
    if (!covered) {
      throw new RelayerError(
        'ADOPT_INCOMPLETE',
        `could not find the chain's batches of ${signer} covering ${cursor + 1n}..${chainLast}`,
        'fatal',
      );
    }
    for (const header of found) {
      const first = BigInt(header.first_seq);
      const items: VerifiedAttestation[] = [];
      while (items.length < header.count) {
        const page = await this.o.feed.page(first - 1n + BigInt(items.length), header.count - items.length);
        const verified = verifyFeedPage({
          signer,
          nextSeq: first + BigInt(items.length),
          entries: page.attestations.slice(0, header.count - items.length),
          now: this.now(),
        });
        if (verified.rejection || verified.accepted.length === 0) {
          throw new RelayerError(
            'ADOPT_MISMATCH',
            `the gateway cannot serve seq ${first + BigInt(items.length)} of batch ${header.id} as signed: ${verified.rejection?.message ?? 'missing'}`,
            'fatal',
          );
        }
        items.push(...verified.accepted);
      }
      const root = toHex(merkleRoot(items.map((i) => i.hash)));
      if (root !== headerRootHex(header)) {
        throw new RelayerError(
          'ADOPT_MISMATCH',
          `batch ${header.id}: the gateway's attestations do not rebuild the chain's Merkle root`,
          'fatal',
        );
      }
      await this.record(BigInt(header.id), items, 'adopted', { height: header.height });
    }
  }

  private async submitNext(): Promise<void> {
    const items = this.pending.next();
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
    const msg = encodeSubmitBatch(items.map((i) => i.signed));
    await this.o.faults?.('before-submit');
    let submitted: Awaited<ReturnType<UsageContract['submitBatch']>>;
    try {
      submitted = await this.o.usage.submitBatch(msg);
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
    await this.record(submitted.batchId, items, 'submitted', {
      txHash: submitted.tx.txHash,
      height: submitted.tx.height,
    });
    await this.o.faults?.('after-record');
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
    chainBatchId: bigint,
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
    const outcome = await this.o.store.recordBatch(
      {
        chainBatchId,
        signer,
        firstSeq: first,
        lastSeq: last,
        count: items.length,
        merkleRoot: toHex(merkleRoot(items.map((i) => i.hash))),
        promptTokens,
        completionTokens,
        ...(tx.txHash ? { txHash: tx.txHash } : {}),
        ...(tx.height !== undefined ? { height: tx.height } : {}),
        origin,
      },
      items.map((i) => i.json),
      {
        recordedBy: this.o.relayerId,
        ...(fence ? { fence } : {}),
        ...(this.o.faults ? { hook: this.o.faults } : {}),
      },
    );
    if (origin === 'submitted') this.pending.drop(items.length);
    this.cursor = last;
    this.chainLastSeq =
      this.chainLastSeq === undefined || last > this.chainLastSeq ? last : this.chainLastSeq;
    if (outcome === 'recorded') {
      this.o.metrics.batches.inc({ signer, origin });
      this.o.metrics.attestations.inc({ signer }, items.length);
      this.o.logger.info(
        { signer, batch: `${chainBatchId}`, first: `${first}`, last: `${last}`, origin },
        'batch recorded',
      );
      this.o.onBatchRecorded?.(chainBatchId);
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
