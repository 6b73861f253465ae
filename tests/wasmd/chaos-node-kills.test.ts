/**
 * Chaos on a real node: the relayer submits to a wasmd node that is killed (SIGKILL) and
 * restarted, on a seeded schedule, at the three moments that threaten exactly-once:
 *   - mid-broadcast: right as the relayer starts a submit (simulate, sign, broadcast);
 *   - mempool: while its transaction waits in the node's mempool (RPC /num_unconfirmed_txs);
 *   - included-unseen: after the block holding it is committed, before the relayer has seen it
 *     (the relayer's client looks for its transaction only every 1.5 s here, to widen that gap).
 * Afterwards the chain must hold every attestation the gateway signed exactly once: ranges
 * contiguous from 1 (0 gaps, 0 duplicates), each Merkle root matching, totals equal to the sums.
 * The relayer runs its default settlement, v2 (one gateway-signed receipt per range); v1 batches
 * keep their own short runs (tests/relayer/relay-to-devnet.test.ts, relay-receipts.test.ts).
 *
 * CHAOS_SEED picks another schedule (printed with the result); CHAOS_KILLS the number of kills.
 */

import type { FaultPoint } from '@privexbot/relayer/pipeline/relay-signer';
import { toPublicReceipt } from '@privexbot/relayer/publish/public-batch';
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

    // What the relayer is doing, from its fault hook (which never throws here: no crash is injected).
    let submits = 0;
    let submitting = false;
    let seqAtSubmit = 0n;
    const faults = async (point: FaultPoint) => {
      if (point === 'before-submit') {
        submits++;
        submitting = true;
        seqAtSubmit = await chainLast().catch(() => seqAtSubmit);
      }
      if (point === 'after-submit') submitting = false;
    };
    const pool = stack.newPool(2);
    const relayer: Relayer = await startRelayer({
      relayerId: 'relayer-chaos',
      gateways: [{ url: gateway.url, token: FEED_TOKEN }],
      // A slow look-up of its own transaction: the gap between inclusion and the relayer
      // seeing it is where a kill tests adoption.
      chain: await connectWasmdAccount(node, 'relayer', { broadcastPollIntervalMs: 1_500 }),
      usageContract: stack.usage,
      pool,
      batchSize: BATCH_SIZE,
      batchAgeMs: 100,
      pollIntervalMs: 50,
      reconcileIntervalMs: 60_000,
      leaseTtlMs: 5_000,
      logger: pino({ level: 'silent' }),
      faults,
      random,
    });

    const mempoolSize = async () => {
      const response = await fetch(`${node.rpcUrl}/num_unconfirmed_txs`);
      const body = (await response.json()) as { result: { total: string } };
      return Number(body.result.total);
    };
    /** Resolves when the phase's moment has come, or after 8 s (then the kill lands anywhere). */
    async function awaitPhase(phase: Phase): Promise<boolean> {
      const started = submits;
      const deadline = Date.now() + 8_000;
      while (Date.now() < deadline) {
        if (phase === 'mid-broadcast' && submitting && submits > started) {
          await sleep(random() * 60);
          return true;
        }
        if (phase === 'mempool' && submitting && (await mempoolSize().catch(() => 0)) > 0) return true;
        if (
          phase === 'included-unseen' &&
          submitting &&
          (await mempoolSize().catch(() => 1)) === 0 &&
          (await chainLast().catch(() => 0n)) > seqAtSubmit
        )
          return true;
        await sleep(10);
      }
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
      const hit = await awaitPhase(phase);
      const key = hit ? phase : `${phase}-missed`;
      hits[key] = (hits[key] ?? 0) + 1;
      await node.kill();
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
