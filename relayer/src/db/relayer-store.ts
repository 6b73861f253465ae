import type { SignedAttestationJson } from '@privexbot/schema/attestation';
import type { PublishedReceiptHeader, SignedReceiptJson } from '@privexbot/schema/receipt';
import type pg from 'pg';
import { RelayerError } from '../loop/relayer-error.js';
import { queryInTransaction } from './query-in-transaction.js';

/** A batch as the chain stored it, plus how we learned of it. */
export interface BatchRecord {
  chainBatchId: bigint;
  signer: string;
  firstSeq: bigint;
  lastSeq: bigint;
  count: number;
  merkleRoot: string;
  promptTokens: bigint;
  completionTokens: bigint;
  txHash?: string;
  height?: number;
  origin: 'submitted' | 'adopted';
}

/** A receipt as the chain stored it (settlement v2), the signed receipt, and how we learned of it. */
export interface ReceiptRecord {
  chainReceiptId: bigint;
  receipt: SignedReceiptJson;
  count: number;
  promptTokens: bigint;
  completionTokens: bigint;
  txHash?: string;
  height?: number;
  origin: 'submitted' | 'adopted';
}

/** A recorded receipt with its attestations in sequence order. */
export interface PublishedReceipt {
  header: PublishedReceiptHeader;
  receipt: SignedReceiptJson;
  attestations: SignedAttestationJson[];
}

/** Proof that the writer still holds the leader lease; checked inside the recording transaction. */
export interface LeaseFence {
  role: string;
  holder: string;
  token: bigint;
}

export interface QuarantineEntry {
  signer: string;
  seq: bigint;
  gatewayUrl: string;
  reason: QuarantineReason;
  message: string;
  attestation?: unknown;
}

export type QuarantineReason =
  | 'bad_signature'
  | 'tampered'
  | 'malformed'
  | 'wrong_signer'
  | 'sequence_gap'
  | 'revoked_signer'
  | 'rejected_by_contract';

export interface QuarantineRow {
  id: string;
  signer: string;
  seq: string;
  gateway_url: string;
  reason: QuarantineReason;
  message: string;
  created_at: Date;
  resolved_at: Date | null;
}

export interface PublishedBatch {
  batch: {
    id: string;
    signer: string;
    first_seq: string;
    last_seq: string;
    count: number;
    merkle_root: string;
    prompt_tokens: string;
    completion_tokens: string;
    tx_hash: string | null;
    height: string | null;
    origin: 'submitted' | 'adopted';
  };
  attestations: SignedAttestationJson[];
}

/** Points where a test may simulate a crash inside the recording transaction. */
export type RecordHook = (point: 'mid-record') => void | Promise<void>;

export interface RecordOptions {
  fence?: LeaseFence;
  hook?: RecordHook;
  recordedBy: string;
}

/**
 * Every SQL statement of the relayer. Each method is one short transaction at most: no chain
 * or gateway call ever runs inside one (the embedded database runs one transaction at a time).
 */
export class RelayerStore {
  constructor(private readonly pool: pg.Pool) {}

  /** The cursor of a signer, created at 0 on first sight. */
  async ensureCursor(signer: string, gatewayUrl: string): Promise<bigint> {
    const { rows } = await queryInTransaction<{ last_seq: string }>(
      this.pool,
      `INSERT INTO relayer.relayer_cursor (signer, gateway_url) VALUES ($1, $2)
       ON CONFLICT (signer) DO UPDATE SET gateway_url = EXCLUDED.gateway_url
       RETURNING last_seq`,
      [signer, gatewayUrl],
    );
    return BigInt(rows[0]?.last_seq ?? '0');
  }

  async cursor(signer: string): Promise<bigint> {
    const { rows } = await queryInTransaction<{ last_seq: string }>(
      this.pool,
      'SELECT last_seq FROM relayer.relayer_cursor WHERE signer = $1',
      [signer],
    );
    return BigInt(rows[0]?.last_seq ?? '0');
  }

  async cursors(): Promise<{ signer: string; gatewayUrl: string; lastSeq: bigint }[]> {
    const { rows } = await queryInTransaction<{ signer: string; gateway_url: string; last_seq: string }>(
      this.pool,
      'SELECT signer, gateway_url, last_seq FROM relayer.relayer_cursor ORDER BY signer',
    );
    return rows.map((r) => ({ signer: r.signer, gatewayUrl: r.gateway_url, lastSeq: BigInt(r.last_seq) }));
  }

  /**
   * Records a batch the chain accepted, its attestations, and moves the signer's cursor to
   * its last sequence, all in one transaction: either the batch is published and counted as
   * relayed, or nothing changed. Idempotent: recording the same chain batch again is a no-op.
   * The cursor only moves from `first_seq - 1` to `last_seq`; anything else means another
   * writer got there first or a batch is missing here, and the caller must reconcile.
   */
  async recordBatch(
    batch: BatchRecord,
    attestations: readonly SignedAttestationJson[],
    options: RecordOptions,
  ): Promise<'recorded' | 'already-recorded'> {
    return this.recordSettled(
      {
        label: `batch ${batch.chainBatchId}`,
        signer: batch.signer,
        firstSeq: batch.firstSeq,
        lastSeq: batch.lastSeq,
        count: batch.count,
        insertHeader: {
          text: `INSERT INTO relayer.batch (chain_batch_id, signer, first_seq, last_seq, count, merkle_root, prompt_tokens,
                   completion_tokens, tx_hash, height, origin, recorded_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT DO NOTHING`,
          values: [
            batch.chainBatchId.toString(),
            batch.signer,
            batch.firstSeq.toString(),
            batch.lastSeq.toString(),
            batch.count,
            batch.merkleRoot,
            batch.promptTokens.toString(),
            batch.completionTokens.toString(),
            batch.txHash ?? null,
            batch.height ?? null,
            batch.origin,
            options.recordedBy,
          ],
        },
        attestationColumn: 'chain_batch_id',
        chainId: batch.chainBatchId,
      },
      attestations,
      options,
    );
  }

  /** Records a receipt the chain accepted (settlement v2), exactly as `recordBatch` records a batch. */
  async recordReceipt(
    record: ReceiptRecord,
    attestations: readonly SignedAttestationJson[],
    options: RecordOptions,
  ): Promise<'recorded' | 'already-recorded'> {
    const r = record.receipt;
    return this.recordSettled(
      {
        label: `receipt ${record.chainReceiptId}`,
        signer: r.signer,
        firstSeq: BigInt(r.first_seq),
        lastSeq: BigInt(r.last_seq),
        count: record.count,
        insertHeader: {
          text: `INSERT INTO relayer.receipt (chain_receipt_id, signer, first_seq, last_seq, count, merkle_root, receipt_hash,
                   receipt, prompt_tokens, completion_tokens, tx_hash, height, origin, recorded_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                 ON CONFLICT DO NOTHING`,
          values: [
            record.chainReceiptId.toString(),
            r.signer,
            r.first_seq,
            r.last_seq,
            record.count,
            r.root,
            r.hash,
            JSON.stringify(r),
            record.promptTokens.toString(),
            record.completionTokens.toString(),
            record.txHash ?? null,
            record.height ?? null,
            record.origin,
            options.recordedBy,
          ],
        },
        attestationColumn: 'chain_receipt_id',
        chainId: record.chainReceiptId,
      },
      attestations,
      options,
    );
  }

  /**
   * One transaction: fence check, the header (idempotent on its chain id), its attestations,
   * and the cursor from `first_seq - 1` to `last_seq`. Anything else means another writer got
   * there first or a settlement is missing here, and the caller must reconcile.
   */
  private async recordSettled(
    settled: {
      label: string;
      signer: string;
      firstSeq: bigint;
      lastSeq: bigint;
      count: number;
      insertHeader: { text: string; values: unknown[] };
      attestationColumn: 'chain_batch_id' | 'chain_receipt_id';
      chainId: bigint;
    },
    attestations: readonly SignedAttestationJson[],
    options: RecordOptions,
  ): Promise<'recorded' | 'already-recorded'> {
    if (attestations.length !== settled.count) {
      throw new RelayerError(
        'BATCH_MISMATCH',
        `${settled.label} has ${settled.count} attestations, got ${attestations.length}`,
        'reconcile',
      );
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (options.fence) {
        const held = await client.query(
          'SELECT 1 FROM relayer.leader_lease WHERE role = $1 AND holder = $2 AND token = $3 AND expires_at > now() FOR UPDATE',
          [options.fence.role, options.fence.holder, options.fence.token.toString()],
        );
        if (held.rowCount !== 1) {
          throw new RelayerError(
            'LOST_LEADERSHIP',
            `the leader lease was lost before ${settled.label} could be recorded`,
            'reconcile',
          );
        }
      }
      const inserted = await client.query(settled.insertHeader.text, settled.insertHeader.values);
      if (inserted.rowCount === 0) {
        await client.query('ROLLBACK');
        return 'already-recorded';
      }
      await client.query(
        `INSERT INTO relayer.batch_attestation (signer, seq, ${settled.attestationColumn}, attestation)
         SELECT $1, s, $2, a FROM unnest($3::bigint[], $4::jsonb[]) AS t(s, a)`,
        [
          settled.signer,
          settled.chainId.toString(),
          attestations.map((a) => a.seq),
          attestations.map((a) => JSON.stringify(a)),
        ],
      );
      await options.hook?.('mid-record');
      const moved = await client.query(
        `UPDATE relayer.relayer_cursor SET last_seq = $2, updated_at = now()
         WHERE signer = $1 AND last_seq = $3`,
        [settled.signer, settled.lastSeq.toString(), (settled.firstSeq - 1n).toString()],
      );
      if (moved.rowCount !== 1) {
        throw new RelayerError(
          'CURSOR_MOVED',
          `the cursor of ${settled.signer} is not at ${settled.firstSeq - 1n}; reconciling before recording ${settled.label}`,
          'reconcile',
        );
      }
      await client.query('COMMIT');
      return 'recorded';
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Files an attestation as permanently refused; returns the id of the open entry (new or existing). */
  async quarantine(entry: QuarantineEntry): Promise<string> {
    const { rows } = await queryInTransaction<{ id: string }>(
      this.pool,
      `INSERT INTO relayer.quarantine (signer, seq, gateway_url, reason, message, attestation)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (signer, seq, reason) WHERE resolved_at IS NULL DO NOTHING
       RETURNING id`,
      [
        entry.signer,
        entry.seq.toString(),
        entry.gatewayUrl,
        entry.reason,
        entry.message,
        entry.attestation === undefined ? null : JSON.stringify(entry.attestation),
      ],
    );
    if (rows[0]) return rows[0].id;
    const existing = await queryInTransaction<{ id: string }>(
      this.pool,
      'SELECT id FROM relayer.quarantine WHERE signer = $1 AND seq = $2 AND reason = $3 AND resolved_at IS NULL',
      [entry.signer, entry.seq.toString(), entry.reason],
    );
    return existing.rows[0]?.id ?? '0';
  }

  async openQuarantine(signer?: string): Promise<QuarantineRow[]> {
    const { rows } = await queryInTransaction<QuarantineRow>(
      this.pool,
      `SELECT id, signer, seq, gateway_url, reason, message, created_at, resolved_at FROM relayer.quarantine
       WHERE resolved_at IS NULL AND ($1::text IS NULL OR signer = $1) ORDER BY signer, seq, id`,
      [signer ?? null],
    );
    return rows;
  }

  /** An operator's decision on a quarantined attestation; the relayer retries that signer from its cursor. */
  async resolveQuarantine(id: string, resolution: string): Promise<boolean> {
    const { rowCount } = await queryInTransaction(
      this.pool,
      'UPDATE relayer.quarantine SET resolved_at = now(), resolution = $2 WHERE id = $1 AND resolved_at IS NULL',
      [id, resolution],
    );
    return rowCount === 1;
  }

  async publishedBatch(chainBatchId: bigint): Promise<PublishedBatch | undefined> {
    const { rows } = await queryInTransaction(
      this.pool,
      `SELECT chain_batch_id::text AS id, signer, first_seq::text, last_seq::text, count, merkle_root,
              prompt_tokens::text, completion_tokens::text, tx_hash, height::text, origin
       FROM relayer.batch WHERE chain_batch_id = $1`,
      [chainBatchId.toString()],
    );
    const batch = rows[0] as PublishedBatch['batch'] | undefined;
    if (!batch) return undefined;
    const atts = await queryInTransaction<{ attestation: SignedAttestationJson }>(
      this.pool,
      'SELECT attestation FROM relayer.batch_attestation WHERE chain_batch_id = $1 ORDER BY seq',
      [chainBatchId.toString()],
    );
    return { batch, attestations: atts.rows.map((r) => r.attestation) };
  }

  /** Ids of the batches holding at least one attestation of `org`, after `afterId`, in id order. */
  async batchIdsOfOrg(org: string, options: { afterId?: bigint; limit: number }): Promise<bigint[]> {
    const { rows } = await queryInTransaction<{ id: string }>(
      this.pool,
      `SELECT DISTINCT chain_batch_id AS id FROM relayer.batch_attestation
       WHERE attestation->>'org' = $1 AND chain_batch_id > $2
       ORDER BY chain_batch_id LIMIT $3`,
      [org, (options.afterId ?? -1n).toString(), options.limit],
    );
    return rows.map((r) => BigInt(r.id));
  }

  /** Batch headers of one signer (or all) whose range ends at or after `fromSeq`, in sequence order. */
  async listBatches(options: { signer?: string; fromSeq?: bigint; afterId?: bigint; limit: number }) {
    const { rows } = await queryInTransaction(
      this.pool,
      `SELECT chain_batch_id::text AS id, signer, first_seq::text, last_seq::text, count, merkle_root,
              prompt_tokens::text, completion_tokens::text, tx_hash, height::text, origin
       FROM relayer.batch
       WHERE ($1::text IS NULL OR signer = $1) AND last_seq >= $2 AND chain_batch_id > $3
       ORDER BY chain_batch_id LIMIT $4`,
      [
        options.signer ?? null,
        (options.fromSeq ?? 0n).toString(),
        (options.afterId ?? -1n).toString(),
        options.limit,
      ],
    );
    return rows as PublishedBatch['batch'][];
  }

  async publishedReceipt(chainReceiptId: bigint): Promise<PublishedReceipt | undefined> {
    const { rows } = await queryInTransaction<PublishedReceiptHeader & { receipt: SignedReceiptJson }>(
      this.pool,
      `SELECT ${RECEIPT_HEADER_COLUMNS}, receipt FROM relayer.receipt WHERE chain_receipt_id = $1`,
      [chainReceiptId.toString()],
    );
    const row = rows[0];
    if (!row) return undefined;
    const { receipt, ...header } = row;
    const atts = await queryInTransaction<{ attestation: SignedAttestationJson }>(
      this.pool,
      'SELECT attestation FROM relayer.batch_attestation WHERE chain_receipt_id = $1 ORDER BY seq',
      [chainReceiptId.toString()],
    );
    return { header, receipt, attestations: atts.rows.map((r) => r.attestation) };
  }

  /** Ids of the receipts holding at least one attestation of `org`, after `afterId`, in id order. */
  async receiptIdsOfOrg(org: string, options: { afterId?: bigint; limit: number }): Promise<bigint[]> {
    const { rows } = await queryInTransaction<{ id: string }>(
      this.pool,
      `SELECT DISTINCT chain_receipt_id AS id FROM relayer.batch_attestation
       WHERE attestation->>'org' = $1 AND chain_receipt_id IS NOT NULL AND chain_receipt_id > $2
       ORDER BY chain_receipt_id LIMIT $3`,
      [org, (options.afterId ?? -1n).toString(), options.limit],
    );
    return rows.map((r) => BigInt(r.id));
  }

  /** Receipt headers of one signer (or all) whose range ends at or after `fromSeq`, in receipt id order. */
  async listReceipts(options: {
    signer?: string;
    fromSeq?: bigint;
    afterId?: bigint;
    limit: number;
  }): Promise<PublishedReceiptHeader[]> {
    const { rows } = await queryInTransaction<PublishedReceiptHeader>(
      this.pool,
      `SELECT ${RECEIPT_HEADER_COLUMNS} FROM relayer.receipt
       WHERE ($1::text IS NULL OR signer = $1) AND last_seq >= $2 AND chain_receipt_id > $3
       ORDER BY chain_receipt_id LIMIT $4`,
      [
        options.signer ?? null,
        (options.fromSeq ?? 0n).toString(),
        (options.afterId ?? -1n).toString(),
        options.limit,
      ],
    );
    return rows;
  }
}

/** The columns of `relayer.receipt` in the published header's names (`publishedReceiptHeaderSchema`). */
const RECEIPT_HEADER_COLUMNS = `chain_receipt_id::text AS id, signer, first_seq::text, last_seq::text, count,
  merkle_root AS root, receipt_hash, prompt_tokens::text, completion_tokens::text, tx_hash, height::text, origin`;
