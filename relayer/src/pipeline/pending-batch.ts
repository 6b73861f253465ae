import type { VerifiedAttestation } from './verify-feed-page.js';

/**
 * Verified attestations of one signer waiting to be submitted, in sequence order. A batch is
 * due when `maxSize` are waiting or the oldest has waited `maxAgeMs`; it holds at most `maxSize`.
 */
export class PendingBatch {
  private items: VerifiedAttestation[] = [];
  /** Settlement v2: the gateway already signed a receipt ending here, so the next range must end here too. */
  private pinnedLast: bigint | undefined;

  constructor(
    /** Set again at each reconciliation: never above the contract's `max_batch_size`. */
    public maxSize: number,
    readonly maxAgeMs: number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** Sequence of the last waiting attestation, or undefined when empty. */
  get lastSeq(): bigint | undefined {
    return this.items.at(-1)?.seq;
  }

  add(items: readonly VerifiedAttestation[]): void {
    const last = this.lastSeq;
    if (last !== undefined && items[0] && items[0].seq !== last + 1n) {
      throw new Error(`pending batch expects seq ${last + 1n}, got ${items[0].seq}`);
    }
    this.items.push(...items);
  }

  /** How long the oldest waiting attestation has waited, 0 when empty. */
  oldestAgeMs(now: number): number {
    const first = this.items[0];
    return first ? Math.max(0, now - first.receivedAt) : 0;
  }

  /**
   * The gateway signed a receipt over `first..=last` before (we crashed before submitting it,
   * or asked with another batch size): it signs no other range starting at `first`, so the
   * next range is exactly that one, however long, and is due once fetched.
   */
  pinRangeEnd(last: bigint): void {
    this.pinnedLast = last;
  }

  /** Whether fetching more is useful: room in the batch, or a pinned range not yet fetched. */
  get wantsMore(): boolean {
    if (this.pinnedLast !== undefined) return (this.lastSeq ?? 0n) < this.pinnedLast;
    return this.items.length < this.maxSize;
  }

  isDue(now: number): boolean {
    if (this.pinnedLast !== undefined) return (this.lastSeq ?? 0n) >= this.pinnedLast;
    return (
      this.items.length >= this.maxSize || (this.items.length > 0 && this.oldestAgeMs(now) >= this.maxAgeMs)
    );
  }

  /** Milliseconds until the batch is due by age; undefined when empty. */
  dueInMs(now: number): number | undefined {
    if (this.items.length === 0) return undefined;
    return Math.max(0, this.maxAgeMs - this.oldestAgeMs(now));
  }

  /** The next batch: the first `maxSize` waiting attestations (not removed until `drop`). */
  next(): VerifiedAttestation[] {
    const pinned = this.pinnedLast;
    if (pinned !== undefined) return this.items.filter((item) => item.seq <= pinned);
    return this.items.slice(0, this.maxSize);
  }

  /** Removes the first `count` items once their batch is recorded. */
  drop(count: number): void {
    this.items.splice(0, count);
    const first = this.items[0]?.seq;
    if (this.pinnedLast !== undefined && (first === undefined || first > this.pinnedLast))
      this.pinnedLast = undefined;
  }

  clear(): void {
    this.items = [];
    this.pinnedLast = undefined;
  }
}
