/**
 * Two relayer processes on one database, as two machines would run them: each is
 * `relayer/src/main.ts` with its own id and connection pool. One holds the submitter lease;
 * when it is killed with SIGKILL (no goodbye, its connections cut by the kernel) the other takes
 * the lease once it expires and settles the rest. The chain must hold every attestation once,
 * in order. In `npm test` this file runs on the embedded database (ts step) and on the
 * PostgreSQL server (postgres step), where the two processes are two real sessions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { queryInTransaction } from '@privexbot/relayer/db/query-in-transaction';
import { SUBMITTER_ROLE } from '@privexbot/relayer/start-relayer';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chainSettledRanges,
  FEED_TOKEN,
  type GatewayProcess,
  RELAYER_MAIN,
  type RelayerStack,
  startRelayerStack,
  waitFor,
} from './relayer-stack.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('two relayer processes', () => {
  let stack: RelayerStack;
  let gateway: GatewayProcess;
  let pool: pg.Pool;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startRelayerStack();
    gateway = await stack.startGateway('gw-two-processes');
    await stack.registerSigner(gateway.signer);
    pool = stack.newPool(1);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await pool?.end();
    await stack?.close();
  });

  function spawnRelayer(id: string): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', RELAYER_MAIN], {
      env: {
        ...process.env,
        RELAYER_ID: id,
        RELAYER_GATEWAYS: JSON.stringify([{ url: gateway.url, token: FEED_TOKEN }]),
        ...stack.relayerChainEnv,
        USAGE_CONTRACT: stack.usage,
        RELAYER_MNEMONIC: stack.relayerMnemonic,
        DATABASE_URL: stack.databaseUrl,
        RELAYER_BATCH_SIZE: '5',
        RELAYER_BATCH_AGE_SECONDS: '0.1',
        RELAYER_POLL_INTERVAL_MS: '30',
        RELAYER_LEASE_TTL_SECONDS: '2',
        RELAYER_PORT: '0',
        RELAYER_LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
      cwd: REPO_ROOT,
    });
    children.push(child);
    return child;
  }

  const signerB64 = () => Buffer.from(gateway.signer, 'hex').toString('base64');
  const chainLast = async () =>
    Number(
      (
        await stack.relayerChain.query<{ last_seq: string }>(stack.usage, {
          last_seq: { signer: signerB64() },
        })
      ).last_seq,
    );
  /** The live lease holder, by the database's clock, or undefined. */
  const holder = async () =>
    (
      await queryInTransaction<{ holder: string }>(
        pool,
        'SELECT holder FROM relayer.leader_lease WHERE role = $1 AND expires_at > now()',
        [SUBMITTER_ROLE],
      )
    ).rows[0]?.holder;

  it('elects one, survives its kill -9, and settles every attestation once', async () => {
    const processes = new Map([
      ['relayer-a', spawnRelayer('relayer-a')],
      ['relayer-b', spawnRelayer('relayer-b')],
    ]);
    for (let i = 0; i < 20; i++) await gateway.chat(1n, i);
    await waitFor(async () => (await chainLast()) === 20, 60_000, 'the first 20 settled');

    const first = await holder();
    expect(first === 'relayer-a' || first === 'relayer-b').toBe(true);
    const leader = processes.get(first as string) as ChildProcess;
    const exited = new Promise((resolve) => leader.once('exit', resolve));
    leader.kill('SIGKILL');
    await exited;

    for (let i = 20; i < 35; i++) await gateway.chat(2n, i);
    await waitFor(async () => (await chainLast()) === 35, 60_000, 'the standby to settle the next 15');
    const second = await holder();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);

    const recordedBy = await queryInTransaction<{ recorded_by: string }>(
      pool,
      `SELECT recorded_by FROM relayer.batch UNION SELECT recorded_by FROM relayer.receipt ORDER BY recorded_by`,
    );
    expect(recordedBy.rows.map((r) => r.recorded_by)).toEqual(['relayer-a', 'relayer-b']);
    const headers = await chainSettledRanges(stack.relayerChain, stack.usage);
    // the loop settles with receipts (v2) unless told otherwise
    expect(headers.map((h) => h.kind)).toEqual(headers.map(() => 'receipt'));
    let next = 1;
    for (const h of headers) {
      expect(Number(h.first_seq)).toBe(next);
      next = Number(h.last_seq) + 1;
    }
    expect(next - 1).toBe(35);
  }, 240_000);
});
