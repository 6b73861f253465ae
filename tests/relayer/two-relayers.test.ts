import { migrateRelayerSchema } from '@privexbot/relayer/db/migrate-relayer-schema';
import { queryInTransaction } from '@privexbot/relayer/db/query-in-transaction';
import { RelayerStore } from '@privexbot/relayer/db/relayer-store';
import { LeaderLease } from '@privexbot/relayer/election/leader-lease';
import { type Relayer, SUBMITTER_ROLE, startRelayer } from '@privexbot/relayer/start-relayer';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chainSettledRanges,
  FEED_TOKEN,
  type GatewayProcess,
  type RelayerStack,
  startRelayerStack,
  waitFor,
} from './relayer-stack.js';

const silent = pino({ level: 'silent' });

describe('two relayers on the embedded database, one submitting', () => {
  let stack: RelayerStack;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    stack = await startRelayerStack();
    gateway = await stack.startGateway('gw-two');
    await stack.registerSigner(gateway.signer);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const start = (relayerId: string) =>
    startRelayer({
      relayerId,
      gateways: [{ url: gateway.url, token: FEED_TOKEN }],
      chain: stack.relayerChain,
      usageContract: stack.usage,
      pool: stack.newPool(2),
      batchSize: 5,
      batchAgeMs: 100,
      pollIntervalMs: 30,
      reconcileIntervalMs: 2_000,
      leaseTtlMs: 1_500,
      logger: silent,
    });

  it('elects one leader; the standby takes over when the leader dies; every attestation counted once', async () => {
    const a = await start('relayer-a');
    const b = await start('relayer-b');
    const relayers: Relayer[] = [a, b];
    let bothLeaders = 0;
    let samples = 0;
    let samplerError: unknown;
    const sampler = setInterval(() => {
      Promise.all(relayers.map((r) => r.health())).then(
        (all) => {
          samples++;
          if (all.filter((h) => h.leader).length > 1) bothLeaders++;
        },
        (error: unknown) => {
          samplerError = error;
        },
      );
    }, 50);
    try {
      for (let i = 0; i < 20; i++) await gateway.chat(1n, i);
      const signerB64 = Buffer.from(gateway.signer, 'hex').toString('base64');
      const chainLast = async () =>
        (
          await stack.relayerChain.query<{ last_seq: string }>(stack.usage, {
            last_seq: { signer: signerB64 },
          })
        ).last_seq;
      await waitFor(async () => (await chainLast()) === '20', 20_000, 'the first 20');

      const [ha, hb] = await Promise.all([a.health(), b.health()]);
      expect([ha.leader, hb.leader].filter(Boolean)).toHaveLength(1);
      const leader = ha.leader ? a : b;
      const standby = ha.leader ? b : a;
      expect((await standby.health()).status).toBe('standby');

      // The leader dies without a word: its lease must expire before the standby submits.
      leader.abandon();
      for (let i = 20; i < 35; i++) await gateway.chat(2n, i);
      await waitFor(async () => (await standby.health()).leader, 10_000, 'the standby to take the lease');
      await waitFor(async () => (await chainLast()) === '35', 20_000, 'the next 15');
      const recordedBy = await queryInTransaction<{ recorded_by: string; n: string }>(
        stack.newPool(1),
        `SELECT recorded_by, count(*) AS n FROM (SELECT recorded_by FROM relayer.batch UNION ALL SELECT recorded_by FROM relayer.receipt) AS settled
         GROUP BY recorded_by ORDER BY recorded_by`,
      );
      expect(recordedBy.rows.map((r) => r.recorded_by).sort()).toEqual(['relayer-a', 'relayer-b']);
      const headers = await chainSettledRanges(stack.relayerChain, stack.usage);
      // the loop settles with receipts (v2) unless told otherwise
      expect(headers.map((h) => h.kind)).toEqual(headers.map(() => 'receipt'));
      let next = 1;
      for (const h of headers) {
        expect(Number(h.first_seq)).toBe(next);
        next = Number(h.last_seq) + 1;
      }
      expect(next - 1).toBe(35);
      expect(bothLeaders).toBe(0);
      expect(samplerError).toBeUndefined();
      expect(samples).toBeGreaterThan(10);
      await standby.stop();
    } finally {
      clearInterval(sampler);
      a.abandon();
      b.abandon();
    }
  });

  it('fences a deposed leader out of the database', async () => {
    const pool = stack.newPool(2);
    await migrateRelayerSchema(pool);
    const old = new LeaderLease(pool, 'fence-test', 'relayer-old', 60_000);
    expect(await old.refresh()).toBe(true);
    const oldFence = old.fence();
    const usurper = new LeaderLease(pool, 'fence-test', 'relayer-new', 60_000);
    expect(await usurper.refresh()).toBe(false); // the lease is not expired
    await queryInTransaction(
      pool,
      "UPDATE relayer.leader_lease SET expires_at = now() WHERE role = 'fence-test'",
    );
    expect(await usurper.refresh()).toBe(true);
    expect(usurper.fence()?.token).toBe((oldFence?.token ?? 0n) + 1n);
    expect(await old.refresh()).toBe(false); // renewal refused: the token moved on
    // A write with the old fence is refused even if the old leader did not notice yet.
    const store = new RelayerStore(pool);
    await store.ensureCursor(`02${'11'.repeat(32)}`, 'http://example');
    const attempt = store.recordBatch(
      {
        chainBatchId: 1_000_000n,
        signer: `02${'11'.repeat(32)}`,
        firstSeq: 1n,
        lastSeq: 1n,
        count: 1,
        merkleRoot: '00',
        promptTokens: 0n,
        completionTokens: 0n,
        origin: 'submitted',
      },
      [{} as never],
      {
        recordedBy: 'relayer-old',
        fence: { ...(oldFence as NonNullable<typeof oldFence>), role: 'fence-test' },
      },
    );
    await expect(attempt).rejects.toMatchObject({ code: 'LOST_LEADERSHIP' });
    expect(SUBMITTER_ROLE).toBe('submitter');
  });
});
