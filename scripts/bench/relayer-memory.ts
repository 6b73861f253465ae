/**
 * Relayer resident memory while relaying a million attestations.
 * Goal (issue 5): flat after warm-up, <= 150 MB.
 *
 * The relayer here is the real one (verification, batching, PostgreSQL recording in the
 * embedded database in its own process, the step loop). Two parts are fast paths, so that a
 * million attestations take minutes rather than hours: the gateway is the synthetic feed of
 * relayer-synthetic-feed.ts (its own process), and the chain is an in-memory usage contract in
 * this process (`MemoryUsageChain`: checks signer, sequence continuity and batch size like the
 * contract, keeps O(1) state, does not re-verify signatures). The devnet's own memory and
 * speed are not what this measures.
 *
 *   npx tsx scripts/bench/relayer-memory.ts [--count 1000000] [--batch-size 1000]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { SubmitBatchMsg } from '@privexbot/schema/attestation';
import type { ChainClient, TxResult } from '@privexbot/schema/chain';
import pg from 'pg';
import { pino } from 'pino';
import { startRelayer } from '../../relayer/src/start-relayer.js';
import { spawnEmbeddedDatabase } from '../db/spawn-embedded-database.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string', default: '1000' },
  },
});
const count = Number(values.count);
const batchSize = Number(values['batch-size']);
const TOKEN = 'bench-feed-token-0123456789';

/**
 * A contract refusal shaped like the schema's ContractError (code CONTRACT_ERROR,
 * contractMessage). Defined here so this process does not load @privexbot/schema/chain's
 * runtime: it pulls in secretjs (~65 MB resident), a constant the chain adapter adds, not
 * the relayer's own memory.
 */
class ContractError extends Error {
  readonly code = 'CONTRACT_ERROR';
  readonly details = undefined;
  constructor(readonly contractMessage: string) {
    super(`contract error: ${contractMessage}`);
  }
}

/** The usage contract's batch rules, in memory, with constant-size state. */
class MemoryUsageChain implements ChainClient {
  readonly chainId = 'memory-1';
  readonly address = 'relayer';
  private lastSeq = new Map<string, bigint>();
  private recent: object[] = [];
  private total = 0;
  private height = 1;
  constructor(signer: string) {
    this.lastSeq.set(signer, 0n);
  }
  async nativeBalance() {
    return { denom: 'uscrt', amount: '0' };
  }
  async tokenBalance() {
    return '0';
  }
  async sendToken(): Promise<TxResult> {
    throw new Error('not supported');
  }
  async upload(): Promise<never> {
    throw new Error('not supported');
  }
  async instantiate(): Promise<never> {
    throw new Error('not supported');
  }
  async query<T>(_contract: string, msg: Record<string, Record<string, unknown>>): Promise<T> {
    if (msg.signer) {
      const last = this.lastSeq.get(msg.signer.pubkey as string);
      if (last === undefined) throw new ContractError('unknown signer');
      return { pubkey: msg.signer.pubkey, mode: 'dev', revoked_at: null, last_seq: last.toString() } as T;
    }
    if (msg.last_seq)
      return { last_seq: (this.lastSeq.get(msg.last_seq.signer as string) ?? 0n).toString() } as T;
    if (msg.batches) {
      const start = Number(msg.batches.start ?? 0);
      const limit = Number(msg.batches.limit ?? 30);
      const offset = this.total - this.recent.length;
      return {
        batches: this.recent.slice(Math.max(0, start - offset), Math.max(0, start - offset + limit)),
        total: this.total,
      } as T;
    }
    throw new ContractError('unsupported query');
  }
  async execute(_contract: string, msg: { submit_batch?: SubmitBatchMsg }): Promise<TxResult> {
    const batch = msg.submit_batch;
    if (!batch) throw new ContractError('unsupported message');
    const last = this.lastSeq.get(batch.signer);
    if (last === undefined) throw new ContractError(`unknown signer ${batch.signer}`);
    const first = BigInt(batch.first_seq);
    if (first <= last)
      throw new ContractError(
        `sequence replay: first_seq ${first} but the signer's last sequence is already ${last}`,
      );
    if (first !== last + 1n)
      throw new ContractError(
        `sequence gap: first_seq ${first} but the next expected sequence is ${last + 1n}`,
      );
    if (batch.attestations.length === 0 || batch.attestations.length > 1000)
      throw new ContractError('bad batch size');
    const lastSeq = first + BigInt(batch.attestations.length) - 1n;
    this.lastSeq.set(batch.signer, lastSeq);
    const id = this.total++;
    this.recent.push({
      id,
      signer: batch.signer,
      first_seq: `${first}`,
      last_seq: `${lastSeq}`,
      count: batch.attestations.length,
      merkle_root: '',
      height: this.height,
    });
    if (this.recent.length > 100) this.recent.shift();
    return {
      txHash: `tx${id}`,
      height: this.height++,
      events: [{ type: 'wasm', attributes: [{ key: 'batch_id', value: String(id) }] }],
    };
  }
  async waitForTx(txHash: string): Promise<TxResult> {
    const id = txHash.slice(2);
    return {
      txHash,
      height: this.height,
      events: [{ type: 'wasm', attributes: [{ key: 'batch_id', value: id }] }],
    };
  }
}

const temp = mkdtempSync(join(tmpdir(), 'privexbot-memory-'));
const feedProcess = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    join(import.meta.dirname, 'relayer-synthetic-feed.ts'),
    '--count',
    String(count),
    '--token',
    TOKEN,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], cwd: join(import.meta.dirname, '..', '..') },
);
const feed = await new Promise<{ url: string; signer: string }>((resolve) => {
  createInterface({ input: feedProcess.stdout as NonNullable<typeof feedProcess.stdout> }).once(
    'line',
    (line) => resolve(JSON.parse(line)),
  );
});
const db = await spawnEmbeddedDatabase({ port: 0, dataDir: join(temp, 'db'), maxConnections: 4 });
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
const chain = new MemoryUsageChain(Buffer.from(feed.signer, 'hex').toString('base64'));
const relayer = await startRelayer({
  relayerId: 'bench',
  gateways: [{ url: feed.url, token: TOKEN }],
  chain,
  usageContract: 'usage',
  pool,
  batchSize,
  batchAgeMs: 1000,
  pollIntervalMs: 10,
  reconcileIntervalMs: 3_600_000,
  leaseTtlMs: 30_000,
  logger: pino({ level: 'warn' }),
});

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const samples: { counted: number; rss: number }[] = [];
const start = performance.now();
let nextReport = count / 10;
console.log(`relaying ${count} attestations in batches of ${batchSize}`);
for (;;) {
  await new Promise((r) => setTimeout(r, 2000));
  const counted = Number(await relayer.store.cursor(feed.signer));
  const { rss, heapUsed } = process.memoryUsage();
  samples.push({ counted, rss });
  if (counted >= nextReport || counted >= count) {
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `${String(counted).padStart(8)} relayed  rss ${mb(rss)} MB  heap ${mb(heapUsed)} MB  ${(counted / seconds).toFixed(0)}/s  load ${loadavg()[0]?.toFixed(1)}`,
    );
    while (nextReport <= counted) nextReport += count / 10;
  }
  if (counted >= count) break;
}
const warm = samples.filter((s) => s.counted >= count / 10);
const warmRss = warm.map((s) => s.rss);
console.log(
  `resident memory after warm-up (>= ${count / 10} relayed): min ${mb(Math.min(...warmRss))} MB, max ${mb(Math.max(...warmRss))} MB, ` +
    `final ${mb(warmRss.at(-1) ?? 0)} MB (goal: flat, <= 150 MB); ${((performance.now() - start) / 1000).toFixed(0)} s total`,
);
await relayer.stop();
await pool.end();
feedProcess.kill('SIGTERM');
await db.close();
rmSync(temp, { recursive: true, force: true });
process.exit(0);
