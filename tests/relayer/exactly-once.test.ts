/**
 * Exactly once under faults. Against the devnet (the usage contract's real wasm), a real
 * gateway child process and the embedded PostgreSQL in its own process:
 * - IN_PROCESS_CRASHES times, a relayer is started and abandoned (no cleanup at all: its loops
 *   end, its lease is left to expire, its open transaction dies with its connections) at a
 *   random injection point: in the middle of a batch, before submitting, after submitting but
 *   before recording, in the middle of the recording transaction, or after recording;
 * - KILL9_CRASHES times, a relayer child process (the production bundle, run by plain node as
 *   `npm start` and compose run it) is killed with SIGKILL at a random moment;
 * - every GATEWAY_RESTART_EVERY iterations the gateway itself is killed -9 and restarted.
 * Afterwards a clean relayer drains the backlog and the chain must hold every attestation
 * the gateway signed exactly once: no gap, no duplicate, roots and sums matching. The relayer
 * runs its default settlement, v2: each range settles as one gateway-signed receipt, and a
 * crash between submit and record is recovered by adopting the receipt from the chain.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { queryInTransaction } from '@privexbot/relayer/db/query-in-transaction';
import type { FaultPoint } from '@privexbot/relayer/pipeline/relay-signer';
import { toPublicReceipt } from '@privexbot/relayer/publish/public-batch';
import { type Relayer, startRelayer } from '@privexbot/relayer/start-relayer';
import { attestationFromJson, hashAttestation, merkleRoot } from '@privexbot/schema/attestation';
import { verifyReceiptLeaves } from '@privexbot/schema/audit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleRelayer, RELAYER_NODE_OPTIONS } from '../../scripts/relayer/bundle-relayer.js';
import {
  chainSettledRanges,
  FEED_TOKEN,
  type GatewayProcess,
  type RelayerStack,
  startRelayerStack,
  waitFor,
} from './relayer-stack.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const IN_PROCESS_CRASHES = Number(process.env.RELAYER_HARNESS_CRASHES ?? 200);
const KILL9_CRASHES = Number(process.env.RELAYER_HARNESS_KILL9 ?? 8);
const GATEWAY_RESTART_EVERY = 40;
const POINTS: FaultPoint[] = ['mid-batch', 'before-submit', 'after-submit', 'mid-record', 'after-record'];
const BATCH_SIZE = 5;

class SimulatedCrash extends Error {}

const silent = pino({ level: 'silent' });

describe('exactly once under faults', () => {
  let stack: RelayerStack;
  let gateway: GatewayProcess;
  let chatted = 0;
  let bundle: string;

  beforeAll(async () => {
    // The bundle starts in a fraction of the time tsx needs to compile the sources, every kill.
    bundle = await bundleRelayer();
    stack = await startRelayerStack();
    gateway = await stack.startGateway('gw-faults');
    await stack.registerSigner(gateway.signer);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const signerB64 = () => Buffer.from(gateway.signer, 'hex').toString('base64');
  const chainLast = async () =>
    BigInt(
      (
        await stack.relayerChain.query<{ last_seq: string }>(stack.usage, {
          last_seq: { signer: signerB64() },
        })
      ).last_seq,
    );

  /** Keeps a backlog for the next crash to land in the middle of real work. */
  async function topUp(minimum: number): Promise<void> {
    const backlog = BigInt(chatted) - (await chainLast());
    for (let i = Number(backlog); i < minimum; i++) await gateway.chat(BigInt(1 + (chatted % 3)), chatted++);
  }

  it(`counts every attestation once after ${IN_PROCESS_CRASHES} injected crashes, ${KILL9_CRASHES} kill -9 and gateway restarts`, async () => {
    const started = performance.now();
    const reached = new Map<string, number>();
    let gatewayRestarts = 0;

    for (let i = 0; i < IN_PROCESS_CRASHES; i++) {
      await topUp(BATCH_SIZE * 3);
      let restart: Promise<void> | undefined;
      if (i % GATEWAY_RESTART_EVERY === GATEWAY_RESTART_EVERY / 2) {
        await gateway.kill();
        gatewayRestarts++;
        restart = new Promise((r) => setTimeout(r, 100 + Math.random() * 400)).then(() => gateway.start());
      }
      const point = POINTS[Math.floor(Math.random() * POINTS.length)] as FaultPoint;
      // The first or second time the point is reached; 'mid-batch' only the first: the whole backlog
      // arrives in one page, so a second one never comes and the iteration would only time out.
      let countdown = point === 'mid-batch' ? 1 : 1 + Math.floor(Math.random() * 2);
      const pool = stack.newPool(2);
      let relayer: Relayer | undefined;
      let crashed!: (point: string) => void;
      const crash = new Promise<string>((resolve) => {
        crashed = resolve;
      });
      relayer = await startRelayer({
        relayerId: 'relayer-a',
        gateways: [{ url: gateway.url, token: FEED_TOKEN }],
        chain: stack.relayerChain,
        usageContract: stack.usage,
        pool,
        batchSize: BATCH_SIZE,
        batchAgeMs: 20,
        pollIntervalMs: 20,
        reconcileIntervalMs: 60_000,
        leaseTtlMs: 5_000,
        logger: silent,
        faults: (at) => {
          if (at !== point || --countdown > 0) return;
          relayer?.abandon();
          crashed(at);
          throw new SimulatedCrash(`crash at ${at}`);
        },
      });
      const at = await Promise.race([
        crash,
        new Promise<string>((r) => setTimeout(() => r('timeout'), 2500)),
      ]);
      relayer.abandon();
      reached.set(at, (reached.get(at) ?? 0) + 1);
      await pool.end().catch(() => undefined);
      await restart;
    }
    const inProcessSeconds = (performance.now() - started) / 1000;

    const killStarted = performance.now();
    for (let i = 0; i < KILL9_CRASHES; i++) {
      await topUp(BATCH_SIZE * 6);
      const before = await chainLast();
      const child = spawnRelayer();
      // Kill it while it works: once it has moved the chain, after a random further delay.
      await waitFor(async () => (await chainLast()) > before, 30_000, 'the relayer child to submit');
      await new Promise((r) => setTimeout(r, Math.random() * 1500));
      await killHard(child);
    }
    const kill9Seconds = (performance.now() - killStarted) / 1000;

    // A clean relayer drains what is left.
    const pool = stack.newPool(2);
    const final = await startRelayer({
      relayerId: 'relayer-a',
      gateways: [{ url: gateway.url, token: FEED_TOKEN }],
      chain: stack.relayerChain,
      usageContract: stack.usage,
      pool,
      batchSize: BATCH_SIZE,
      batchAgeMs: 20,
      pollIntervalMs: 20,
      reconcileIntervalMs: 60_000,
      leaseTtlMs: 5_000,
      logger: silent,
    });
    const signed = await gateway.lastSeq();
    await waitFor(async () => (await chainLast()) === signed, 60_000, 'the backlog to drain');
    await waitFor(
      async () => (await final.store.cursor(gateway.signer)) === signed,
      10_000,
      'the cursor to follow',
    );

    // The chain holds every signed attestation exactly once.
    const all = (await gateway.allAttestations()).map((a) => attestationFromJson(a));
    expect(BigInt(all.length)).toBe(signed);
    expect(all.length).toBe(chatted);
    const headers = await chainSettledRanges(stack.relayerChain, stack.usage, signerB64());
    // every range settled as a receipt: the v2 loop is what survived the crashes
    expect(headers.filter((h) => h.kind !== 'receipt')).toEqual([]);
    let next = 1n;
    for (const header of headers) {
      expect(BigInt(header.first_seq)).toBe(next); // no gap, no duplicate
      const slice = all.slice(Number(header.first_seq) - 1, Number(header.last_seq));
      expect(
        Buffer.from(merkleRoot(slice.map((s) => hashAttestation(s.attestation)))).toString('base64'),
      ).toBe(header.root);
      next = BigInt(header.last_seq) + 1n;
    }
    expect(next - 1n).toBe(signed);
    const totals = await stack.relayerChain.query<{
      counters: { messages: string; prompt_tokens: string; completion_tokens: string };
    }>(stack.usage, { totals: {} });
    expect(totals.counters.messages).toBe(String(all.length));
    expect(totals.counters.prompt_tokens).toBe(
      String(all.reduce((s, a) => s + a.attestation.promptTokens, 0)),
    );
    expect(totals.counters.completion_tokens).toBe(
      String(all.reduce((s, a) => s + a.attestation.completionTokens, 0)),
    );

    // The publication has every receipt, and each receipt's lines are the sums of its leaves.
    for (const header of headers) {
      const published = await final.store.publishedReceipt(BigInt(header.id));
      expect(published, `receipt ${header.id}`).toBeDefined();
      if (!published) continue;
      expect(published.header.root).toBe(Buffer.from(header.root, 'base64').toString('hex'));
      const leaves = {
        hashes: toPublicReceipt(published).attestation_hashes,
        attestations: published.attestations,
      };
      expect(verifyReceiptLeaves(published.receipt, leaves)).toEqual([]);
    }
    await final.stop();

    const receiptsByOrigin = await queryInTransaction<{ origin: string; n: string }>(
      pool,
      'SELECT origin, count(*) AS n FROM relayer.receipt GROUP BY origin',
    );
    console.log(
      `[exactly-once] ${all.length} attestations in ${headers.length} receipts; in-process crashes ${IN_PROCESS_CRASHES} in ${inProcessSeconds.toFixed(1)} s ` +
        `(points reached: ${JSON.stringify(Object.fromEntries(reached))}); kill -9 ${KILL9_CRASHES} in ${kill9Seconds.toFixed(1)} s; ` +
        `gateway restarts ${gatewayRestarts}; receipts by origin ${JSON.stringify(Object.fromEntries(receiptsByOrigin.rows.map((r) => [r.origin, r.n])))}`,
    );
    // The crash points must actually have been exercised, or the test proves nothing.
    for (const p of ['before-submit', 'after-submit', 'mid-record'])
      expect(reached.get(p) ?? 0).toBeGreaterThan(0);
    expect(receiptsByOrigin.rows.find((r) => r.origin === 'adopted')).toBeDefined();
  }, 900_000);

  function spawnRelayer(): ChildProcess {
    return spawn(process.execPath, [...RELAYER_NODE_OPTIONS.split(' '), bundle], {
      env: {
        ...process.env,
        RELAYER_ID: 'relayer-a',
        RELAYER_GATEWAYS: JSON.stringify([{ url: gateway.url, token: FEED_TOKEN }]),
        ...stack.relayerChainEnv,
        USAGE_CONTRACT: stack.usage,
        RELAYER_MNEMONIC: stack.relayerMnemonic,
        DATABASE_URL: stack.databaseUrl,
        RELAYER_BATCH_SIZE: String(BATCH_SIZE),
        RELAYER_BATCH_AGE_SECONDS: '0.05',
        RELAYER_POLL_INTERVAL_MS: '20',
        RELAYER_LEASE_TTL_SECONDS: '5',
        RELAYER_PORT: '0',
        RELAYER_LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
      cwd: REPO_ROOT,
    });
  }
});

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
