import { serveRelayerHttp } from '@privexbot/relayer/http/serve-relayer-http';
import { type Relayer, startRelayer } from '@privexbot/relayer/start-relayer';
import { makeAttestation, testSignerKey } from '@privexbot/relayer/testing/make-attestations';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_TOKEN, type RelayerStack, startRelayerStack, waitFor } from './relayer-stack.js';
import { serveFeed } from './serve-feed.js';

const silent = pino({ level: 'silent' });

type Feed = Awaited<ReturnType<typeof serveFeed>>;

describe('permanently rejected attestations are quarantined and reported, never dropped', () => {
  let stack: RelayerStack;
  const keys = {
    forged: testSignerKey(21),
    tampered: testSignerKey(22),
    wrongSigner: testSignerKey(23),
    gap: testSignerKey(24),
    revoked: testSignerKey(25),
  };
  const impostor = testSignerKey(29);
  const feeds = {} as Record<keyof typeof keys, Feed>;
  let relayer: Relayer;
  let http: Awaited<ReturnType<typeof serveRelayerHttp>>;

  beforeAll(async () => {
    stack = await startRelayerStack();
    for (const [name, key] of Object.entries(keys) as [keyof typeof keys, (typeof keys)['forged']][]) {
      feeds[name] = await serveFeed(key.hex, FEED_TOKEN, key.privateKey);
      await stack.registerSigner(key.hex);
      for (let seq = 1n; seq <= 2n; seq++) feeds[name].entries.push(makeAttestation(key, seq));
    }
    const f = feeds;
    // seq 3 of "forged" carries the signature of another attestation.
    f.forged.entries.push({
      ...makeAttestation(keys.forged, 3n),
      signature: makeAttestation(keys.forged, 4n).signature,
    });
    f.forged.entries.push(makeAttestation(keys.forged, 4n));
    // seq 3 of "tampered" had its tokens changed after signing.
    f.tampered.entries.push({ ...makeAttestation(keys.tampered, 3n), completion_tokens: 100_000 });
    // seq 3 of "wrongSigner" is signed by a key that is not this gateway's.
    f.wrongSigner.entries.push(makeAttestation(impostor, 3n));
    // "gap" skips seq 3.
    f.gap.entries.push(makeAttestation(keys.gap, 4n));

    relayer = await startRelayer({
      relayerId: 'relayer-q',
      gateways: Object.values(feeds).map((feed) => ({ url: feed.url, token: FEED_TOKEN })),
      chain: stack.relayerChain,
      usageContract: stack.usage,
      pool: stack.newPool(4),
      batchSize: 10,
      batchAgeMs: 100,
      pollIntervalMs: 50,
      reconcileIntervalMs: 500,
      leaseTtlMs: 3000,
      logger: silent,
    });
    http = await serveRelayerHttp(relayer, { host: '127.0.0.1', port: 0, logger: silent });
  });
  afterAll(async () => {
    await relayer?.stop();
    await http?.close();
    for (const feed of Object.values(feeds)) await feed?.close();
    await stack?.close();
  });

  const lastSeq = async (hex: string) =>
    (
      await stack.relayerChain.query<{ last_seq: string }>(stack.usage, {
        last_seq: { signer: Buffer.from(hex, 'hex').toString('base64') },
      })
    ).last_seq;

  it('counts what precedes the bad attestation, quarantines it with its reason, and blocks the signer', async () => {
    const expected = {
      forged: 'bad_signature',
      tampered: 'tampered',
      wrongSigner: 'wrong_signer',
      gap: 'sequence_gap',
    } as const;
    await waitFor(
      async () => (await relayer.store.openQuarantine()).length >= 4,
      20_000,
      'four quarantine entries',
    );
    const open = await relayer.store.openQuarantine();
    for (const [name, reason] of Object.entries(expected) as [keyof typeof expected, string][]) {
      const key = keys[name];
      expect(await lastSeq(key.hex)).toBe('2');
      const entry = open.find((q) => q.signer === key.hex);
      expect(entry, name).toMatchObject({ reason, seq: name === 'gap' ? '4' : '3' });
    }
    const health = await fetch(`${http.url}/healthz`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as {
      status: string;
      signers: { signer: string; state: string; blocked?: { action: string } }[];
    };
    expect(body.status).toBe('degraded');
    const forged = body.signers.find((s) => s.signer === keys.forged.hex);
    expect(forged).toMatchObject({ state: 'blocked' });
    expect(forged?.blocked?.action).toMatch(/cannot be counted \(the contract refuses gaps\)/);
    const metrics = await (await fetch(`${http.url}/metrics`)).text();
    expect(metrics).toContain(
      `relayer_quarantined_total{signer="${keys.forged.hex}",reason="bad_signature"} 1`,
    );
    expect(metrics).toContain(`relayer_signer_blocked{signer="${keys.gap.hex}"} 1`);
  });

  it('quarantines the attestations of a revoked signer and says they can never be counted', async () => {
    await waitFor(
      async () => (await lastSeq(keys.revoked.hex)) === '2',
      10_000,
      'seq 1..2 of the soon revoked signer',
    );
    await stack.operator.execute(stack.usage, {
      revoke_signer: { pubkey: Buffer.from(keys.revoked.publicKey).toString('base64') },
    });
    feeds.revoked.entries.push(makeAttestation(keys.revoked, 3n), makeAttestation(keys.revoked, 4n));
    await waitFor(
      async () =>
        (await relayer.store.openQuarantine(keys.revoked.hex)).some((q) => q.reason === 'revoked_signer'),
      10_000,
      'the revoked signer to be quarantined',
    );
    expect(await lastSeq(keys.revoked.hex)).toBe('2');
    const health = (await (await fetch(`${http.url}/healthz`)).json()) as {
      signers: { signer: string; blocked?: { seq: string; action: string } }[];
    };
    const revoked = health.signers.find((s) => s.signer === keys.revoked.hex);
    expect(revoked?.blocked).toMatchObject({ seq: '3' });
    expect(revoked?.blocked?.action).toMatch(/revoked.*ever/);
  });

  it('resumes once an operator fixes the feed and resolves the entry', async () => {
    const entry = (await relayer.store.openQuarantine(keys.forged.hex))[0];
    if (!entry) throw new Error('no quarantine entry for the forged feed');
    feeds.forged.entries[2] = makeAttestation(keys.forged, 3n);
    expect(await relayer.store.resolveQuarantine(entry.id, 'restored the gateway log')).toBe(true);
    await waitFor(async () => (await lastSeq(keys.forged.hex)) === '4', 10_000, 'seq 3..4 after the fix');
    expect(await relayer.store.openQuarantine(keys.forged.hex)).toEqual([]);
    // The other blocked signers stay blocked: nothing was skipped for them.
    expect(await lastSeq(keys.gap.hex)).toBe('2');
  });
});
