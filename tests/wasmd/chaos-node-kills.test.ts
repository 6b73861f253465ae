/**
 * Chaos on a real node: the relayer submits to a wasmd node that is killed (SIGKILL) and
 * restarted, on a seeded schedule, at the three moments that threaten exactly-once. The
 * relayer talks to the node through a pass-through (`rpc-watch-proxy.ts`) that shows each of
 * its broadcasts as it happens, so each kill lands at its moment of the relayer's next
 * transaction instead of being waited for from outside:
 *   - mid-broadcast: the broadcast is on its way: killed before the node gets it, or after the
 *     node took it but before its answer reaches the relayer (seeded);
 *   - mempool: the relayer has its hash, the transaction waits in the node's mempool (RPC
 *     /num_unconfirmed_txs);
 *   - included-unseen: the block holding it is committed, the relayer has not seen it yet
 *     (its client looks for its transaction only every 1.5 s here, to widen that gap).
 * Afterwards the chain must hold every attestation the gateway signed exactly once: ranges
 * contiguous from 1 (0 gaps, 0 duplicates), each Merkle root matching, totals equal to the sums.
 * The relayer runs its default settlement, v2 (one gateway-signed receipt per range); v1 batches
 * keep their own short runs (tests/relayer/relay-to-devnet.test.ts, relay-receipts.test.ts).
 *
 * CHAOS_SEED picks another schedule (printed with the result); CHAOS_KILLS the number of kills.
 */

import { toPublicReceipt } from '@privexbot/relayer/publish/public-batch';
import { CHAIN_SUBMIT_POLICY } from '@privexbot/relayer/retry/backoff-policy';
import { type Relayer, startRelayer } from '@privexbot/relayer/start-relayer';
import { attestationFromJson, hashAttestation, merkleRoot } from '@privexbot/schema/attestation';
import { verifyReceiptLeaves } from '@privexbot/schema/audit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWasmdAccount } from '../../scripts/wasmd/deploy-wasmd-platform.js';
import type { WasmdChain } from '../../scripts/wasmd/start-wasmd-chain.js';
import {
  chainSettledRanges,
  FEED_TOKEN,
  type GatewayProcess,
  type RelayerStack,
  startRelayerStack,
  waitFor,
} from '../relayer/relayer-stack.js';
import { startRpcWatch } from './rpc-watch-proxy.js';

const SEED = Number(process.env.CHAOS_SEED ?? 20_261_207);
const KILLS = Number(process.env.CHAOS_KILLS ?? 30);
const PHASES = ['mid-broadcast', 'mempool', 'included-unseen'] as const;
type Phase = (typeof PHASES)[number];
const BATCH_SIZE = 5;
const EXTRA_KILLS = 15;

/** mulberry32: a small seeded PRNG, so a failing schedule can be replayed with its seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('chaos: the node is killed under the relayer', () => {
  let stack: RelayerStack;
  let node: WasmdChain;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    stack = await startRelayerStack({ chain: 'wasmd' });
    node = stack.wasmd as WasmdChain;
    gateway = await stack.startGateway('gw-chaos');
    await stack.registerSigner(gateway.signer);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(`keeps every attestation exactly once through ${KILLS} SIGKILLs of the node`, async () => {
    const random = seeded(SEED);
    const signerB64 = Buffer.from(gateway.signer, 'hex').toString('base64');
    const reader = await stack.readOnlyChain();
    const chainLast = async () =>
      BigInt(
        (await reader.query<{ last_seq: string }>(stack.usage, { last_seq: { signer: signerB64 } })).last_seq,
      );
    let chatted = 0;
    const chat = async (n: number) => {
      for (let i = 0; i < n; i++) await gateway.chat(BigInt(1 + (chatted % 4)), chatted++);
    };

    const watch = await startRpcWatch(node.rpcUrl);
    const pool = stack.newPool(2);
    const relayer: Relayer = await startRelayer({
      relayerId: 'relayer-chaos',
      gateways: [{ url: gateway.url, token: FEED_TOKEN }],
      // A slow look-up of its own transaction: the gap between inclusion and the relayer
      // seeing it is where a kill tests adoption.
      chain: await connectWasmdAccount({ ...node, rpcUrl: watch.url }, 'relayer', {
        broadcastPollIntervalMs: 1_500,
      }),
      usageContract: stack.usage,
      pool,
      batchSize: BATCH_SIZE,
      batchAgeMs: 100,
      pollIntervalMs: 50,
      reconcileIntervalMs: 60_000,
      leaseTtlMs: 5_000,
      logger: pino({ level: 'silent' }),
      random,
      // Back at work within a second of each restart (the default waits up to 30 s after a run
      // of failures); what is retried, reconciled and adopted is the same.
      chainRetryPolicy: { ...CHAIN_SUBMIT_POLICY, initialMs: 100, maxDelayMs: 1_000, maxRetries: 1_000 },
    });

    const mempoolSize = async () => {
      const response = await fetch(`${node.rpcUrl}/num_unconfirmed_txs`);
      const body = (await response.json()) as { result: { total: string } };
      return Number(body.result.total);
    };
    const included = async (hash: string) => {
      const response = await fetch(`${node.rpcUrl}/tx?hash=0x${hash}`);
      return response.ok && ((await response.json()) as { result?: unknown }).result !== undefined;
    };
    /** The hash of the relayer's next transaction the node accepts, as its answer goes back to the relayer. */
    const nextBroadcast = (deadline: number) =>
      new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => {
          watch.afterBroadcast = undefined;
          resolve(undefined);
        }, deadline - Date.now());
        watch.afterBroadcast = (hash) => {
          if (!hash) return false;
          clearTimeout(timer);
          watch.afterBroadcast = undefined;
          resolve(hash);
          return false;
        };
      });
    /**
     * Kills the node at the phase's moment of the relayer's next transaction (true), or, when
     * none came within 8 s, wherever the relayer is then (false).
     */
    async function killAt(phase: Phase): Promise<boolean> {
      const deadline = Date.now() + 8_000;
      if (phase === 'mid-broadcast') {
        const beforeTheNode = random() < 0.5;
        const hit = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), deadline - Date.now());
          const kill = async () => {
            watch.beforeBroadcast = undefined;
            watch.afterBroadcast = undefined;
            clearTimeout(timer);
            await node.kill();
            resolve(true);
            return true;
          };
          if (beforeTheNode) watch.beforeBroadcast = kill;
          else watch.afterBroadcast = kill;
        });
        watch.beforeBroadcast = undefined;
        watch.afterBroadcast = undefined;
        if (!hit) await node.kill();
        return hit;
      }
      while (Date.now() < deadline) {
        const hash = await nextBroadcast(deadline);
        if (!hash) break;
        if (phase === 'mempool') {
          // only the relayer sends transactions: a non-empty mempool holds its own
          if ((await mempoolSize().catch(() => 0)) > 0) {
            await node.kill();
            return true;
          }
          continue;
        }
        const within = Date.now() + 3_000;
        while (Date.now() < within && !(await included(hash).catch(() => false))) await sleep(20);
        if (!watch.seen.has(hash) && (await included(hash).catch(() => false))) {
          await node.kill();
          return true;
        }
      }
      await node.kill();
      return false;
    }

    const hits: Record<string, number> = {};
    const started = performance.now();
    await chat(BATCH_SIZE * 3);
    // KILLS on the seeded schedule, then more (at most EXTRA_KILLS) aimed at any moment the
    // schedule never reached: a fast node can leave one unhit, and the run must cover all three.
    const unhit = () => PHASES.find((phase) => !hits[phase]);
    for (let kill = 0; kill < KILLS || (kill < KILLS + EXTRA_KILLS && unhit()); kill++) {
      const phase =
        kill < KILLS ? (PHASES[Math.floor(random() * PHASES.length)] as Phase) : (unhit() as Phase);
      // Enough backlog that the relayer is always about to submit something.
      if (BigInt(chatted) - (await chainLast()) < BATCH_SIZE * 2) await chat(BATCH_SIZE * 2);
      const hit = await killAt(phase);
      const key = hit ? phase : `${phase}-missed`;
      hits[key] = (hits[key] ?? 0) + 1;
      await sleep(random() * 500);
      await node.start();
    }
    const chaosSeconds = (performance.now() - started) / 1000;

    const signed = await gateway.lastSeq();
    await waitFor(async () => (await chainLast()) === signed, 120_000, 'the backlog to drain');
    await waitFor(
      async () => (await relayer.store.cursor(gateway.signer)) === signed,
      30_000,
      'the cursor to follow',
    );
    await relayer.stop();
    await watch.close();

    const all = (await gateway.allAttestations()).map((a) => attestationFromJson(a));
    expect(all.length).toBe(chatted);
    const headers = await chainSettledRanges(reader, stack.usage, signerB64);
    expect(headers.filter((h) => h.kind !== 'receipt')).toEqual([]);
    let next = 1n;
    let gaps = 0;
    let duplicates = 0;
    for (const header of headers) {
      const first = BigInt(header.first_seq);
      if (first > next) gaps++;
      if (first < next) duplicates++;
      const slice = all.slice(Number(header.first_seq) - 1, Number(header.last_seq));
      expect(
        Buffer.from(merkleRoot(slice.map((s) => hashAttestation(s.attestation)))).toString('base64'),
      ).toBe(header.root);
      next = BigInt(header.last_seq) + 1n;
    }
    const totals = await reader.query<{
      counters: { messages: string; prompt_tokens: string; completion_tokens: string };
    }>(stack.usage, { totals: {} });
    const attested = {
      messages: String(all.length),
      prompt_tokens: String(all.reduce((sum, a) => sum + a.attestation.promptTokens, 0)),
      completion_tokens: String(all.reduce((sum, a) => sum + a.attestation.completionTokens, 0)),
    };
    const origins = await relayer.store.listReceipts({ signer: gateway.signer, limit: 500 });
    const byOrigin = origins.reduce<Record<string, number>>((counts, receipt) => {
      counts[receipt.origin] = (counts[receipt.origin] ?? 0) + 1;
      return counts;
    }, {});
    console.log(
      `[chaos] seed ${SEED}: ${KILLS} node kills in ${chaosSeconds.toFixed(1)} s (${JSON.stringify(hits)}); ` +
        `${all.length} attestations in ${headers.length} receipts ${JSON.stringify(byOrigin)}; gaps ${gaps}, duplicates ${duplicates}`,
    );
    expect({ gaps, duplicates }).toEqual({ gaps: 0, duplicates: 0 });
    expect(next - 1n).toBe(signed);
    expect(totals.counters).toEqual(attested);

    // Every receipt is published, and its lines are the sums of its leaves.
    expect(origins).toHaveLength(headers.length);
    for (const header of headers) {
      const published = await relayer.store.publishedReceipt(BigInt(header.id));
      expect(published, `receipt ${header.id}`).toBeDefined();
      if (!published) continue;
      const leaves = {
        hashes: toPublicReceipt(published).attestation_hashes,
        attestations: published.attestations,
      };
      expect(verifyReceiptLeaves(published.receipt, leaves)).toEqual([]);
    }
    // The schedule must have reached each moment, or the run proves less than it says.
    for (const phase of PHASES) expect(hits[phase] ?? 0).toBeGreaterThan(0);
  }, 900_000);
});
