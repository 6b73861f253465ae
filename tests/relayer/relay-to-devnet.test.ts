import { serveRelayerHttp } from '@privexbot/relayer/http/serve-relayer-http';
import { type Relayer, startRelayer } from '@privexbot/relayer/start-relayer';
import { auditBatches } from '@privexbot/schema/audit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chainBatches,
  FEED_TOKEN,
  type GatewayProcess,
  type RelayerStack,
  startRelayerStack,
  TEST_CHAIN,
  waitFor,
} from './relayer-stack.js';

const silent = pino({ level: 'silent' });

describe(`relaying a real gateway onto the ${TEST_CHAIN}`, () => {
  let stack: RelayerStack;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    stack = await startRelayerStack();
    gateway = await stack.startGateway('gw-honest');
    await stack.registerSigner(gateway.signer);
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function relayer(overrides: Partial<Parameters<typeof startRelayer>[0]> = {}): Promise<Relayer> {
    return startRelayer({
      relayerId: 'relayer-a',
      gateways: [{ url: gateway.url, token: FEED_TOKEN }],
      chain: stack.relayerChain,
      usageContract: stack.usage,
      // the short v1 run: per-attestation batches stay supported (receipts: relay-receipts.test.ts)
      settlement: 'v1',
      pool: stack.newPool(),
      batchSize: 4,
      batchAgeMs: 200,
      pollIntervalMs: 50,
      reconcileIntervalMs: 60_000,
      leaseTtlMs: 3000,
      logger: silent,
      ...overrides,
    });
  }

  it('batches by size and age, counts each attestation once, and publishes what auditors need', async () => {
    for (let i = 0; i < 10; i++) await gateway.chat(1n, i);
    const r = await relayer();
    const http = await serveRelayerHttp(r, { host: '127.0.0.1', port: 0, logger: silent });
    try {
      const lastSeq = () =>
        stack.relayerChain.query<{ last_seq: string }>(stack.usage, {
          last_seq: { signer: Buffer.from(gateway.signer, 'hex').toString('base64') },
        });
      await waitFor(async () => (await lastSeq()).last_seq === '10', 20_000, 'ten attestations on chain');
      await waitFor(
        async () => (await r.store.cursor(gateway.signer)) === 10n,
        5_000,
        'the cursor to follow',
      );
      const headers = (await chainBatches(stack.relayerChain, stack.usage)).filter(
        (h) => Buffer.from(h.signer, 'base64').toString('hex') === gateway.signer,
      );
      // 10 attestations with batches of at most 4: two full batches, and the rest once old enough.
      expect(headers.map((h) => h.count)).toEqual([4, 4, 2]);

      const health = (await (await fetch(`${http.url}/healthz`)).json()) as {
        status: string;
        signers: { cursor: string; state: string }[];
      };
      expect(health.status).toBe('ok');
      expect(health.signers[0]).toMatchObject({ cursor: '10', state: 'relaying' });
      const metrics = await (await fetch(`${http.url}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`relayer_attestations_relayed_total\\{signer="${gateway.signer}"\\} 10`),
      );
      expect(metrics).toContain('relayer_is_leader 1');

      const list = (await (await fetch(`${http.url}/batches?signer=${gateway.signer}&from=5`)).json()) as {
        batches: { id: string }[];
      };
      expect(list.batches.map((b) => Number(b.id))).toEqual(headers.slice(1).map((h) => h.id));
      const published = new Map();
      for (const h of headers) published.set(h.id, await (await fetch(`${http.url}/batches/${h.id}`)).json());
      const registration = await stack.relayerChain.query<{
        mode: 'dev';
        revoked_at: null;
        last_seq: string;
      }>(stack.usage, {
        signer: { pubkey: Buffer.from(gateway.signer, 'hex').toString('base64') },
      });
      const report = auditBatches({
        headers,
        published,
        signers: new Map([[gateway.signer, registration]]),
        complete: false,
        allowDevSigners: true,
      });
      expect(report.problems).toEqual([]);
      expect(report.leavesChecked).toBe(10);

      const bad = await fetch(`${http.url}/batches/not-a-number`, { headers: { 'x-request-id': 'req-1' } });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({
        error: {
          code: 'INVALID_REQUEST',
          message: 'the batch id must be a decimal integer',
          details: { field: 'id' },
          requestId: 'req-1',
        },
      });
      const missing = await fetch(`${http.url}/batches/99999`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('access-control-allow-origin')).toBe('*');
      expect((await fetch(`${http.url}/batches?limit=0`)).status).toBe(400);
    } finally {
      await r.stop();
      await http.close();
    }
  });

  it('adopts a batch the chain has but the database does not (crash after submit), then carries on', async () => {
    // Someone (a relayer that crashed before recording) submitted seq 11..13 straight to the chain.
    for (let i = 10; i < 16; i++) await gateway.chat(1n, i);
    const { encodeSubmitBatch, attestationFromJson } = await import('@privexbot/schema/attestation');
    const all = await gateway.allAttestations();
    const msg = encodeSubmitBatch(all.slice(10, 13).map((a) => attestationFromJson(a)));
    await stack.relayerChain.execute(stack.usage, { submit_batch: msg });

    const r = await relayer();
    try {
      const signerB64 = Buffer.from(gateway.signer, 'hex').toString('base64');
      await waitFor(
        async () =>
          (
            await stack.relayerChain.query<{ last_seq: string }>(stack.usage, {
              last_seq: { signer: signerB64 },
            })
          ).last_seq === '16',
        20_000,
        'all 16 on chain',
      );
      await waitFor(async () => (await r.store.cursor(gateway.signer)) === 16n, 5000, 'cursor at 16');
      const origins = await r.store.listBatches({ signer: gateway.signer, limit: 100 });
      expect(origins.map((b) => [b.first_seq, b.last_seq, b.origin])).toEqual([
        ['1', '4', 'submitted'],
        ['5', '8', 'submitted'],
        ['9', '10', 'submitted'],
        ['11', '13', 'adopted'],
        ['14', '16', 'submitted'],
      ]);
    } finally {
      await r.stop();
    }
  });

  it("keeps batches within the contract's max_batch_size even when configured larger", async () => {
    for (let i = 16; i < 23; i++) await gateway.chat(1n, i);
    await stack.operator.execute(stack.usage, {
      update_config: { billing: null, max_batch_size: 3, max_future_skew_secs: null },
    });
    const r = await relayer({ batchSize: 50 });
    try {
      await waitFor(async () => (await r.store.cursor(gateway.signer)) === 23n, 20_000, 'cursor at 23');
      const batches = await r.store.listBatches({ signer: gateway.signer, fromSeq: 17n, limit: 100 });
      expect(batches.map((b) => [b.first_seq, b.last_seq])).toEqual([
        ['17', '19'],
        ['20', '22'],
        ['23', '23'],
      ]);
    } finally {
      await r.stop();
      await stack.operator.execute(stack.usage, {
        update_config: { billing: null, max_batch_size: 200, max_future_skew_secs: null },
      });
    }
  });

  it('reads the chain through a read-only client too (no signer needed to reconcile)', async () => {
    const readOnly = await stack.readOnlyChain();
    const headers = await chainBatches(readOnly, stack.usage);
    expect(headers.length).toBeGreaterThanOrEqual(5);
  });
});
