/**
 * A usage contract deployed before settlement v2 is migrated on a real wasmd node by its chain
 * admin, through the product's cosmjs `ChainClient.migrate`: the old code (v1 batches, JSON
 * counters; `legacy-usage-wasm.ts`) settles batches, anyone but the admin is refused the
 * migration, and after it the same contract settles v2 receipts continuing the signer's
 * sequence, reading the old counters and the new ones together, each exactly once.
 */

import { readFileSync } from 'node:fs';
import {
  type Attestation,
  encodeSubmitBatch,
  generateSignerKey,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import { type ChainClient, UnauthorizedError } from '@privexbot/schema/chain';
import { billingClient, type UsageClient, usageClient } from '@privexbot/schema/contracts';
import { buildReceipt, encodeSubmitReceipt, signReceipt } from '@privexbot/schema/receipt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath } from '../../scripts/devnet/deploy-contracts.js';
import { legacyUsageWasm } from './legacy-usage-wasm.js';
import { artifactsDir, startWasmdPlatform, type WasmdTestPlatform } from './start-wasmd-platform.js';

const BOTS = ['3d9f1c2a-7b4e-4f10-8a6c-2e5d7f9b1c3a', 'c0ffee00-1234-4abc-9def-0123456789ab'];
const DAY = 86_400;

describe('the usage contract migrated from v1 code on a wasmd node', () => {
  let node: WasmdTestPlatform;
  let operator: ChainClient;
  let relayer: ChainClient;
  let alice: ChainClient;
  let usage: string;
  let org: number;
  let legacyCodeId: number;
  const gateway = generateSignerKey();
  const signer = Buffer.from(signerPublicKey(gateway)).toString('base64');
  const now = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    // Built (once per machine) before the node starts: a client left idle through a build finds
    // its kept-alive connection closed by the node's RPC server.
    const legacyWasm = legacyUsageWasm();
    node = await startWasmdPlatform();
    operator = await node.client('operator');
    relayer = await node.client('relayer');
    alice = await node.client('alice');
    org = (await billingClient(alice, node.billing).createOrg('Migrated Org')).orgId;
    before = [...answers(1n, 3, DAY), ...answers(4n, 4, DAY)];
    after = answers(8n, 5, 60);
    const stored = await operator.upload(legacyWasm);
    legacyCodeId = stored.codeId;
    ({ address: usage } = await operator.instantiate({
      codeId: stored.codeId,
      label: 'usage before receipts',
      admin: operator.address as string,
      msg: { billing: { address: node.billing }, relayers: [relayer.address] },
    }));
    await usageClient(operator, usage).registerSigner({
      pubkey: signer,
      attestationHash: Buffer.alloc(32, 5).toString('base64'),
      mode: 'dev',
    });
  }, 900_000);
  afterAll(() => node?.close());

  /** `count` answers from sequence `from`, `ago` seconds before the test started. */
  function answers(from: bigint, count: number, ago: number): Attestation[] {
    return Array.from({ length: count }, (_, i) => ({
      v: 1,
      signer: signerPublicKey(gateway),
      seq: from + BigInt(i),
      org: BigInt(org),
      bot: BOTS[i % 2] as string,
      ts: BigInt(now - ago - i),
      promptTokens: 10 + i,
      completionTokens: 2 * i + 1,
      reqHash: new Uint8Array(32).fill(Number(from) + i),
      model: 'offline-answerer',
    }));
  }
  const signedBatch = (atts: Attestation[]) =>
    encodeSubmitBatch(atts.map((a) => ({ attestation: a, signature: signAttestation(a, gateway) })));
  const sums = (atts: Attestation[]) => ({
    messages: String(atts.length),
    prompt_tokens: String(atts.reduce((n, a) => n + a.promptTokens, 0)),
    completion_tokens: String(atts.reduce((n, a) => n + a.completionTokens, 0)),
  });
  /** What the counters must say per UTC day: the sums of the day's answers. */
  const byDay = (atts: Attestation[]) =>
    [...new Set(atts.map((a) => Math.floor(Number(a.ts) / DAY)))]
      .sort((a, b) => a - b)
      .map((day) => ({ day, counters: sums(atts.filter((a) => Math.floor(Number(a.ts) / DAY) === day)) }));
  async function orgDays(client: UsageClient) {
    const permit = await node.permit('alice', usage, ['usage']);
    const today = Math.floor(now / DAY);
    return client.query('org_usage', { org_id: org, from_day: today - 2, to_day: today, auth: { permit } });
  }

  // a day ago, before the migration; the last minute, after it (once the org exists)
  let before: Attestation[];
  let after: Attestation[];

  it('settles v1 batches on the old code, which has no receipts', async () => {
    const old = usageClient(relayer, usage);
    await old.submitBatch(signedBatch(before.slice(0, 3)));
    await old.submitBatch(signedBatch(before.slice(3)));
    expect(await old.lastSeq(signer)).toBe(7n);
    expect((await orgDays(old)).days).toEqual(byDay(before));
    await expect(old.query('receipts', { start: 0, limit: 10 })).rejects.toMatchObject({
      code: 'CONTRACT_ERROR',
    });
  });

  it("refuses a migration by anyone but the contract's chain admin, and changes nothing", async () => {
    const current = await operator.upload(new Uint8Array(readFileSync(artifactPath(artifactsDir, 'usage'))));
    const migration = { contract: usage, codeId: current.codeId, msg: {} };
    for (const stranger of [relayer, alice]) {
      const refused = await stranger.migrate(migration).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(UnauthorizedError);
    }
    // still the old code: it knows no receipts
    await expect(usageClient(alice, usage).query('receipts', { start: 0, limit: 10 })).rejects.toMatchObject({
      code: 'CONTRACT_ERROR',
    });
    const tx = await operator.migrate(migration);
    const attributes = tx.events.flatMap((e) => e.attributes.map((a) => `${e.type}.${a.key}=${a.value}`));
    expect(attributes).toContain(`migrate.code_id=${current.codeId}`);
    expect(attributes).toContain('wasm.legacy_counters=true');
    expect(current.codeId).not.toBe(legacyCodeId);
  });

  it('settles a receipt continuing the batches, and reads old and new counters exactly once', async () => {
    const migrated = usageClient(relayer, usage);
    const receipt = buildReceipt(after);
    const tx = await migrated.submitReceipt(
      encodeSubmitReceipt({ receipt, signature: signReceipt(receipt, gateway) }),
    );
    expect(tx.events.flatMap((e) => e.attributes).find((a) => a.key === 'receipt_id')?.value).toBe('0');
    expect(await migrated.lastSeq(signer)).toBe(12n);
    // the v1 history is still there, and the receipt's header beside it
    const { batches } = await migrated.query('batches', { start: 0, limit: 10 });
    expect(batches.map((b) => [b.first_seq, b.last_seq])).toEqual([
      ['1', '3'],
      ['4', '7'],
    ]);
    const { receipts } = await migrated.query('receipts', { start: 0, limit: 10 });
    expect(receipts.map((r) => [r.first_seq, r.last_seq, r.answers])).toEqual([['8', '12', '5']]);

    const usageNow = await orgDays(migrated);
    expect(usageNow.days).toEqual(byDay([...before, ...after]));
    expect(usageNow.days.length).toBeGreaterThanOrEqual(2);
    expect(usageNow.total).toEqual(sums([...before, ...after]));
    expect(await migrated.query('totals', {})).toEqual({
      batches: 2,
      receipts: 1,
      counters: sums([...before, ...after]),
    });
    // each bot: its old JSON counters plus its compact ones
    const permit = await node.permit('alice', usage, ['usage']);
    for (const [index, bot] of BOTS.entries()) {
      const mine = (atts: Attestation[]) => atts.filter((a) => a.bot === BOTS[index]);
      const botUsage = await migrated.query('bot_usage', {
        org_id: org,
        bot,
        from_day: Math.floor(now / DAY) - 2,
        to_day: Math.floor(now / DAY),
        auth: { permit },
      });
      expect(botUsage.total).toEqual(sums([...mine(before), ...mine(after)]));
    }
  });

  it('refuses the migrated contract a replay of an old batch or the receipt', async () => {
    const migrated = usageClient(relayer, usage);
    await expect(migrated.submitBatch(signedBatch(before.slice(3)))).rejects.toMatchObject({
      code: 'CONTRACT_ERROR',
    });
    const receipt = buildReceipt(after);
    await expect(
      migrated.submitReceipt(encodeSubmitReceipt({ receipt, signature: signReceipt(receipt, gateway) })),
    ).rejects.toMatchObject({ code: 'CONTRACT_ERROR', message: expect.stringMatching(/replay/) });
    expect((await migrated.query('totals', {})).counters.messages).toBe('12');
  });
});
