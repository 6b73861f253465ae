/**
 * The usage contract on a real wasmd node, through the product's cosmjs adapter: every execute
 * and query message, the refusals that guard the counters, and the accounting invariant (the
 * global totals equal the sum of the batch headers and the sum of every org's usage).
 */
import {
  type Attestation,
  encodeSubmitBatch,
  generateSignerKey,
  signAttestation,
  signerPublicKey,
} from '@privexbot/schema/attestation';
import type { ChainClient } from '@privexbot/schema/chain';
import { billingClient, usageClient } from '@privexbot/schema/contracts';
import { buildReceipt, encodeSubmitReceipt, type Receipt, signReceipt } from '@privexbot/schema/receipt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWasmdPlatform, type WasmdTestPlatform } from './start-wasmd-platform.js';

const BOTS = ['7b0c6a3e-5f1d-4c2a-9e8b-1d2c3b4a5f60', '0f5f2c1e-2a4b-4c6d-8e0f-1a2b3c4d5e6f'];

describe('the usage contract on a wasmd node', () => {
  let node: WasmdTestPlatform;
  let operator: ChainClient;
  let relayer: ChainClient;
  let alice: ChainClient;
  let bob: ChainClient;
  const orgs: number[] = [];
  const gateway = generateSignerKey();
  const signer = Buffer.from(signerPublicKey(gateway)).toString('base64');
  let nextSeq = 1n;

  beforeAll(async () => {
    node = await startWasmdPlatform();
    operator = await node.client('operator');
    relayer = await node.client('relayer');
    alice = await node.client('alice');
    bob = await node.client('bob');
    for (const name of ['Counted One', 'Counted Two']) {
      orgs.push((await billingClient(alice, node.billing).createOrg(name)).orgId);
    }
    await usageClient(operator, node.usage).registerSigner({
      pubkey: signer,
      attestationHash: Buffer.alloc(32, 3).toString('base64'),
      mode: 'dev',
    });
  });
  afterAll(() => node?.close());

  /** `count` attestations continuing the signer's sequence, spread over orgs and bots. */
  function answers(count: number, from = nextSeq): Attestation[] {
    const now = BigInt(Math.floor(Date.now() / 1000));
    return Array.from({ length: count }, (_, i) => {
      const seq = from + BigInt(i);
      return {
        v: 1,
        signer: signerPublicKey(gateway),
        seq,
        org: BigInt(orgs[Number(seq) % orgs.length] as number),
        bot: BOTS[Math.floor(Number(seq) / 2) % BOTS.length] as string,
        ts: now,
        promptTokens: 7 * Number(seq),
        completionTokens: 3 + Number(seq % 5n),
        reqHash: new Uint8Array(32).fill(Number(seq % 255n)),
        model: 'offline-answerer',
      };
    });
  }
  /** A batch of `count` attestations continuing the signer's sequence. */
  function batch(count: number) {
    return encodeSubmitBatch(
      answers(count).map((a) => ({ attestation: a, signature: signAttestation(a, gateway) })),
    );
  }
  /** `submit_receipt` over `receipt`, signed by the gateway. */
  function receiptMsg(receipt: Receipt) {
    return encodeSubmitReceipt({ receipt, signature: signReceipt(receipt, gateway) });
  }
  async function submit(client: ChainClient, count: number) {
    const msg = batch(count);
    const tx = await usageClient(client, node.usage).submitBatch(msg);
    nextSeq += BigInt(count);
    return tx;
  }

  it('answers its public queries: config, relayers, signer, signers, last_seq', async () => {
    const usage = usageClient(bob, node.usage);
    expect((await usage.query('config', {})).billing.address).toBe(node.billing);
    expect((await usage.query('relayers', {})).relayers).toEqual([node.chain.account('relayer').address]);
    expect(await usage.query('signer', { pubkey: signer })).toMatchObject({ mode: 'dev', revoked_at: null });
    expect((await usage.query('signers', { start: null, limit: null })).total).toBe(1);
    expect(await usage.lastSeq(signer)).toBe(0n);
  });

  it('counts batches from the relayer, refuses a replay and a non-relayer', async () => {
    const first = batch(4);
    await usageClient(relayer, node.usage).submitBatch(first);
    nextSeq += 4n;
    await submit(relayer, 6);
    // the same signed batch again: its sequence is behind the chain's, nothing is counted twice
    await expect(usageClient(relayer, node.usage).submitBatch(first)).rejects.toMatchObject({
      code: 'CONTRACT_ERROR',
    });
    const saved = nextSeq;
    await expect(submit(bob, 2)).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
    nextSeq = saved;
    const usage = usageClient(bob, node.usage);
    expect(await usage.lastSeq(signer)).toBe(10n);
    const { batches } = await usage.query('batches', { start: null, limit: null });
    expect(batches.map((b) => [b.first_seq, b.last_seq])).toEqual([
      ['1', '4'],
      ['5', '10'],
    ]);
    expect((await usage.query('batch', { id: batches[1]?.id as number })).count).toBe(6);
  });

  it('adds and removes a relayer, and changes the batch ceiling', async () => {
    const admin = usageClient(operator, node.usage);
    await admin.execute('add_relayer', { address: node.chain.account('bob').address });
    await submit(bob, 2);
    await admin.execute('remove_relayer', { address: node.chain.account('bob').address });
    const saved = nextSeq;
    await expect(submit(bob, 1)).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
    nextSeq = saved;
    await admin.execute('update_config', { billing: null, max_batch_size: 3, max_future_skew_secs: null });
    expect((await admin.query('config', {})).max_batch_size).toBe(3);
    await expect(submit(relayer, 4)).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
    nextSeq = saved;
    await submit(relayer, 3);
    await admin.execute('update_config', { billing: null, max_batch_size: 200, max_future_skew_secs: null });
    await expect(
      usageClient(alice, node.usage).execute('add_relayer', { address: node.chain.account('alice').address }),
    ).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
  });

  it('hands the admin role over in two steps and back', async () => {
    const aliceAddress = node.chain.account('alice').address;
    await usageClient(operator, node.usage).execute('transfer_admin', { new_admin: aliceAddress });
    await usageClient(alice, node.usage).execute('accept_admin', {});
    await expect(
      usageClient(operator, node.usage).execute('add_relayer', { address: aliceAddress }),
    ).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
    await usageClient(alice, node.usage).execute('transfer_admin', {
      new_admin: node.chain.account('operator').address,
    });
    await usageClient(operator, node.usage).execute('accept_admin', {});
    expect((await usageClient(bob, node.usage).query('config', {})).admin).toBe(
      node.chain.account('operator').address,
    );
  });

  it('answers private usage by viewing key and by permit, and forgets a revoked permit', async () => {
    const usage = usageClient(alice, node.usage);
    const created = await usage.execute('create_viewing_key', {
      entropy: 'some entropy for a key',
      padding: null,
    });
    expect(created.txHash).toMatch(/^[0-9A-F]{64}$/);
    await usage.execute('set_viewing_key', { key: 'alice-usage-key-0123456789', padding: null });
    const byKey = {
      viewing_key: { address: node.chain.account('alice').address, key: 'alice-usage-key-0123456789' },
    };
    const day = Math.floor(Date.now() / 86_400_000);
    const orgUsage = await usage.query('org_usage', {
      org_id: orgs[0] as number,
      from_day: day - 1,
      to_day: day + 1,
      auth: byKey,
    });
    expect(BigInt(orgUsage.total.messages)).toBeGreaterThan(0n);
    const bots = await usage.query('org_bots', {
      org_id: orgs[0] as number,
      auth: byKey,
      start: null,
      limit: null,
    });
    expect([...bots.bots].sort()).toEqual([...BOTS].sort());
    const botUsage = await usage.query('bot_usage', {
      org_id: orgs[0] as number,
      bot: BOTS[0] as string,
      from_day: day - 1,
      to_day: day + 1,
      auth: byKey,
    });
    expect(BigInt(botUsage.total.messages)).toBeLessThanOrEqual(BigInt(orgUsage.total.messages));
    await expect(
      usage.query('org_usage', {
        org_id: orgs[0] as number,
        from_day: day,
        to_day: day,
        auth: { viewing_key: { address: node.chain.account('alice').address, key: 'wrong-key-0123456789' } },
      }),
    ).rejects.toMatchObject({ code: expect.any(String) });

    const permit = await node.permit('alice', node.usage, ['usage']);
    const byPermit = await usage.query('org_usage', {
      org_id: orgs[1] as number,
      from_day: day - 1,
      to_day: day + 1,
      auth: { permit },
    });
    expect(BigInt(byPermit.total.messages)).toBeGreaterThan(0n);
    await usage.execute('revoke_permit', { permit_name: 'test-alice', padding: null });
    await expect(
      usage.query('org_usage', {
        org_id: orgs[1] as number,
        from_day: day - 1,
        to_day: day + 1,
        auth: { permit },
      }),
    ).rejects.toMatchObject({ code: expect.any(String) });
  });

  it('settles receipts that continue the batches; refuses a gap, an overlap, a replay, a forged delta and funds', async () => {
    const usage = usageClient(relayer, node.usage);
    const refusal = (pattern: RegExp) => ({
      code: 'CONTRACT_ERROR',
      message: expect.stringMatching(pattern),
    });
    const first = buildReceipt(answers(5));
    const settled = await usage.submitReceipt(receiptMsg(first));
    expect(settled.events.flatMap((e) => e.attributes).find((a) => a.key === 'receipt_id')?.value).toBe('0');
    nextSeq += 5n;
    await expect(usage.submitReceipt(receiptMsg(first))).rejects.toMatchObject(refusal(/sequence replay/));
    const overlap = buildReceipt(answers(3, nextSeq - 1n));
    await expect(usage.submitReceipt(receiptMsg(overlap))).rejects.toMatchObject(refusal(/sequence overlap/));
    const gap = buildReceipt(answers(3, nextSeq + 1n));
    await expect(usage.submitReceipt(receiptMsg(gap))).rejects.toMatchObject(refusal(/sequence gap/));
    const next = buildReceipt(answers(4));
    const genuine = receiptMsg(next);
    const [line, ...rest] = next.lines;
    if (!line) throw new Error('a receipt has lines');
    const inflated: Receipt = {
      ...next,
      lines: [{ ...line, promptTokens: line.promptTokens + 1000n }, ...rest],
    };
    const forged = {
      ...genuine,
      lines: encodeSubmitReceipt({ receipt: inflated, signature: new Uint8Array(64) }).lines,
    };
    await expect(usage.submitReceipt(forged)).rejects.toMatchObject(
      refusal(/receipt signature does not match/),
    );
    await expect(
      relayer.execute(
        node.usage,
        { submit_receipt: genuine },
        { funds: [{ denom: node.chain.denom, amount: '1' }] },
      ),
    ).rejects.toMatchObject(refusal(/accepts no funds/));
    await usage.submitReceipt(genuine);
    nextSeq += 4n;
    const reader = usageClient(bob, node.usage);
    expect(await reader.lastSeq(signer)).toBe(nextSeq - 1n);
    const { receipts, total } = await reader.query('receipts', { start: null, limit: null });
    expect(total).toBe(2);
    expect(receipts.map((r) => [r.first_seq, r.last_seq, r.answers])).toEqual([
      [first.firstSeq.toString(), first.lastSeq.toString(), '5'],
      [next.firstSeq.toString(), next.lastSeq.toString(), '4'],
    ]);
  });

  it('refuses a revoked signer', async () => {
    await usageClient(operator, node.usage).execute('revoke_signer', { pubkey: signer });
    expect(
      (await usageClient(bob, node.usage).query('signer', { pubkey: signer })).revoked_at,
    ).not.toBeNull();
    const saved = nextSeq;
    await expect(submit(relayer, 1)).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
    nextSeq = saved;
  });

  it('keeps the accounting invariant: totals = sum of batches and receipts = sum of every org', async () => {
    const usage = usageClient(alice, node.usage);
    const totals = await usage.query('totals', {});
    const { batches } = await usage.query('batches', { start: null, limit: null });
    const { receipts } = await usage.query('receipts', { start: null, limit: null });
    const sum = (values: string[]) => values.reduce((s, v) => s + BigInt(v), 0n).toString();
    expect(totals.batches).toBe(batches.length);
    expect(totals.receipts).toBe(receipts.length);
    const headers = [...batches.map((b) => ({ ...b, answers: String(b.count) })), ...receipts];
    expect(totals.counters.messages).toBe(sum(headers.map((h) => h.answers)));
    expect(totals.counters.prompt_tokens).toBe(sum(headers.map((h) => h.prompt_tokens)));
    expect(totals.counters.completion_tokens).toBe(sum(headers.map((h) => h.completion_tokens)));
    expect(totals.counters.messages).toBe(String(nextSeq - 1n));
    const day = Math.floor(Date.now() / 86_400_000);
    const auth = {
      viewing_key: { address: node.chain.account('alice').address, key: 'alice-usage-key-0123456789' },
    };
    const perOrg = await Promise.all(
      orgs.map((org) => usage.query('org_usage', { org_id: org, from_day: day - 1, to_day: day + 1, auth })),
    );
    expect(sum(perOrg.map((u) => u.total.messages))).toBe(totals.counters.messages);
    expect(sum(perOrg.map((u) => u.total.prompt_tokens))).toBe(totals.counters.prompt_tokens);
    expect(sum(perOrg.map((u) => u.total.completion_tokens))).toBe(totals.counters.completion_tokens);
  });
});
