import type pg from 'pg';
import { queryInTransaction } from '../db/query-in-transaction.js';
import type { LeaseFence } from '../db/relayer-store.js';

/**
 * Who submits, when several relayers share one database: a lease row with an expiry and a
 * fencing token (relayer/README.md, "Election"), not a session advisory lock. An advisory lock
 * belongs to a database session, and the embedded database (pglite-socket) multiplexes every
 * connection onto ONE session, where two "sessions" would both hold it; poolers in transaction
 * mode break it the same way. A row in a table behaves the same on every PostgreSQL.
 *
 * - Acquire: take the row when it is expired, or when it names our own id (a restarted
 *   process re-takes its lease at once). Every acquisition increments the token.
 * - Renew: extend the expiry only if the row still holds our token.
 * - Fence: the recording transaction checks the token, so a paused former leader can never
 *   write a batch after a successor took over. The chain's per-signer sequence makes a
 *   double submission impossible anyway; the lease only keeps the standby from wasting fees.
 * Expiry is measured with the database's clock, so relayers' clocks need not agree.
 */
export class LeaderLease {
  private token: bigint | undefined;
  /** Local deadline (monotonic ms) after which we stop acting as leader without a renewal. */
  private validUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  onChange: (isLeader: boolean) => void = () => {};

  constructor(
    private readonly pool: pg.Pool,
    readonly role: string,
    readonly holder: string,
    readonly ttlMs: number,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {}

  isLeader(): boolean {
    return this.token !== undefined && this.monotonicNow() < this.validUntil;
  }

  fence(): LeaseFence | undefined {
    return this.token === undefined ? undefined : { role: this.role, holder: this.holder, token: this.token };
  }

  /** One acquisition or renewal attempt; returns whether we hold the lease afterwards. */
  async refresh(): Promise<boolean> {
    const startedAt = this.monotonicNow();
    const was = this.isLeader();
    try {
      const token = this.token === undefined ? await this.acquire() : await this.renew(this.token);
      this.token = token;
      // Leave a third of the lease as margin: we stop acting before the row can expire.
      this.validUntil = token === undefined ? 0 : startedAt + (this.ttlMs * 2) / 3;
    } catch {
      // The database is unreachable: keep acting only until the local deadline passes.
    }
    const now = this.isLeader();
    if (now !== was) this.onChange(now);
    return now;
  }

  private async acquire(): Promise<bigint | undefined> {
    const { rows } = await queryInTransaction<{ token: string }>(
      this.pool,
      `INSERT INTO relayer.leader_lease AS l (role, holder, token, expires_at)
       VALUES ($1, $2, 1, now() + $3 * interval '1 millisecond')
       ON CONFLICT (role) DO UPDATE
         SET holder = EXCLUDED.holder, token = l.token + 1, expires_at = EXCLUDED.expires_at
         WHERE l.expires_at <= now() OR l.holder = EXCLUDED.holder
       RETURNING token`,
      [this.role, this.holder, this.ttlMs],
    );
    return rows[0] ? BigInt(rows[0].token) : undefined;
  }

  private async renew(token: bigint): Promise<bigint | undefined> {
    const { rows } = await queryInTransaction<{ token: string }>(
      this.pool,
      `UPDATE relayer.leader_lease SET expires_at = now() + $4 * interval '1 millisecond'
       WHERE role = $1 AND holder = $2 AND token = $3 RETURNING token`,
      [this.role, this.holder, token.toString(), this.ttlMs],
    );
    return rows[0] ? BigInt(rows[0].token) : undefined;
  }

  /** Refreshes now and then every third of the lease. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(
      () => {
        this.renewing ??= this.refresh().then(() => {
          this.renewing = undefined;
        });
      },
      Math.max(50, Math.floor(this.ttlMs / 3)),
    );
    this.timer.unref();
  }

  /** Stops renewing; the lease lapses at its expiry (what a crash does). */
  stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Graceful hand-over: stop renewing and expire the row now so a standby takes over at once. */
  async release(): Promise<void> {
    this.stopRenewing();
    await this.renewing;
    const token = this.token;
    this.token = undefined;
    this.validUntil = 0;
    if (token === undefined) return;
    await queryInTransaction(
      this.pool,
      'UPDATE relayer.leader_lease SET expires_at = now() WHERE role = $1 AND holder = $2 AND token = $3',
      [this.role, this.holder, token.toString()],
    );
  }
}
