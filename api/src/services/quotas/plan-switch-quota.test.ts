import { randomBytes, randomUUID } from 'node:crypto';
import {
  createAttestationSigner,
  encodeSubmitBatch,
  generateSignerKey,
  type SignedAttestation,
} from '@privexbot/schema/attestation';
import type { DevnetChainClient } from '@privexbot/schema/chain';
import { billingClient } from '@privexbot/schema/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../http/app-error.js';
import { type DevnetProcess, startDevnetProcess } from '../../testing/start-devnet-process.js';
import { startTestDatabase, type TestDatabase } from '../../testing/start-test-database.js';
import { CachedPlanQuotas } from './cached-plan-quotas.js';
import { ChainPlanQuotaSource } from './chain-plan-quota-source.js';
import { checkMessageQuota } from './check-message-quota.js';
import { createOrg, devnetAccount, requiredAttribute } from './test-support/devnet-billing.js';

/**
 * Quotas follow the subscription's real period across plan changes, on the devnet executing
 * the real billing and usage wasm: an upgrade from a 30-day to a 7-day plan mid-period, a
 * downgrade to a two-year plan at the boundary, and usage counted on chain more than a year
 * into that period. The period start comes from the billing contract (`period_start`), never
 * from `paid_until - period`, which broke each of these.
 */
const DAY = 86_400;
const READER_KEY = 'plan-switch-reader-key';
let devnet: DevnetProcess;
let database: TestDatabase;
let operator: DevnetChainClient;
let alice: DevnetChainClient;
let relayer: DevnetChainClient;
let reader: DevnetChainClient;
let orgId: string;
const plans: Record<'monthly' | 'weekly' | 'twoYears', number> = { monthly: 0, weekly: 0, twoYears: 0 };
const signer = createAttestationSigner(generateSignerKey());
let nextSeq = 1n;

async function chainNow(): Promise<Date> {
  return new Date(Number(BigInt((await operator.status()).timeNs) / 1_000_000n));
}

/** `count` answers counted on chain at the chain's current time, as the relayer submits them. */
async function countOnChain(count: number): Promise<void> {
  const ts = BigInt(Math.floor((await chainNow()).getTime() / 1000));
  const records: SignedAttestation[] = [];
  for (let i = 0; i < count; i++) {
    const attestation = {
      v: 1 as const,
      signer: signer.publicKey,
      seq: nextSeq++,
      org: BigInt(orgId),
      bot: randomUUID(),
      ts,
      promptTokens: 20,
      completionTokens: 10,
      reqHash: new Uint8Array(randomBytes(32)),
      model: 'test-model',
    };
    records.push({ attestation, signature: signer.sign(attestation) });
  }
  await relayer.execute(devnet.contracts.usage, { submit_batch: encodeSubmitBatch(records) });
}

async function createPlan(
  name: string,
  price: string,
  periodDays: number,
  messages: number,
): Promise<number> {
  const created = await operator.execute(devnet.contracts.billing, {
    create_plan: {
      plan: {
        name,
        price: { asset: { token: { address: devnet.contracts.token } }, amount: price },
        period_seconds: periodDays * DAY,
        quotas: { messages, bots: 3, knowledge_bytes: 1_000_000 },
        stake_amount: null,
        restricted_to: null,
      },
    },
  });
  return Number(requiredAttribute(created, 'plan_id'));
}

beforeAll(async () => {
  [devnet, database] = await Promise.all([startDevnetProcess(), startTestDatabase()]);
  [operator, alice, relayer, reader] = await Promise.all([
    devnetAccount(devnet, 'operator'),
    devnetAccount(devnet, 'alice'),
    devnetAccount(devnet, 'relayer'),
    devnetAccount(devnet, 'bob'),
  ]);
  plans.monthly = await createPlan('Monthly', '100', 30, 10);
  plans.weekly = await createPlan('Weekly', '100', 7, 5);
  plans.twoYears = await createPlan('Two years', '10', 730, 20);
  orgId = await createOrg(alice, devnet, 'Switching Org');
  await alice.execute(devnet.contracts.billing, {
    add_org_role: { org_id: Number(orgId), role: 'auditor', address: reader.address },
  });
  for (const contract of [devnet.contracts.billing, devnet.contracts.usage])
    await reader.execute(contract, { set_viewing_key: { key: READER_KEY, padding: null } });
  await operator.execute(devnet.contracts.usage, {
    register_signer: {
      pubkey: Buffer.from(signer.publicKey).toString('base64'),
      attestation_hash: Buffer.alloc(32, 7).toString('base64'),
      mode: 'dev',
    },
  });
  await database.prisma.org.create({
    data: { id: orgId, name: 'Switching Org', owner: alice.address as string, syncedAt: new Date() },
  });
}, 180_000);

afterAll(async () => {
  await database?.close();
  await devnet?.stop();
});

describe('quotas across plan changes, on the devnet', () => {
  const source = () =>
    new ChainPlanQuotaSource(
      reader,
      { billing: devnet.contracts.billing, usage: devnet.contracts.usage },
      { address: reader.address as string, key: READER_KEY },
    );

  /** What a chat turn checks, at the chain's time: the plan, the usage, then 402 or not. */
  async function quotaNow() {
    const now = await chainNow();
    const cached = new CachedPlanQuotas(source(), 0);
    const plan = await cached.planOf(orgId, now);
    const used = await cached.chainMessagesUsed(orgId, plan, now);
    const check = await checkMessageQuota({
      db: database.prisma,
      orgId,
      plan,
      offChainMessages: 0,
      onChainMessages: used ?? null,
      heldMessages: 0,
      now,
    }).then(
      () => 'admitted' as const,
      (error: unknown) => error,
    );
    return { plan, used, check };
  }

  function expectExhausted(check: unknown, used: number, limit: number): void {
    expect(check).toBeInstanceOf(AppError);
    expect((check as AppError).status).toBe(402);
    expect((check as AppError).code).toBe('QUOTA_EXHAUSTED');
    expect((check as AppError).details).toMatchObject({ reason: 'MESSAGES_EXHAUSTED', used, limit });
  }

  it('upgrade to a shorter period keeps the period; a downgrade to two years starts one at the boundary', async () => {
    await alice.faucet({ token: '10000' });
    const t0 = await chainNow();
    await billingClient(alice, devnet.contracts.billing).subscribe({
      org_id: Number(orgId),
      plan_id: plans.monthly,
      periods: 1,
      payment: { token: devnet.contracts.token, amount: '1000' },
    });
    await countOnChain(3);
    let q = await quotaNow();
    expect(q.plan.planId).toBe(plans.monthly);
    expect(q.plan.quotas.messages).toBe(10);
    expect(Math.abs(q.plan.periodStart.getTime() - t0.getTime())).toBeLessThan(60_000);
    expect(q.used).toBe(3);
    expect(q.check).toBe('admitted');

    // Ten days in, an upgrade to the weekly plan (5 messages) takes effect at once. The old
    // code put the period start 13 days ahead (paid_until - 7 days) and every chat got 503.
    await operator.advanceTime({ seconds: 10 * DAY });
    await alice.execute(devnet.contracts.billing, {
      change_plan: { org_id: Number(orgId), plan_id: plans.weekly },
    });
    q = await quotaNow();
    expect(q.plan.planId).toBe(plans.weekly);
    expect(q.plan.quotas.messages).toBe(5);
    expect(Math.abs(q.plan.periodStart.getTime() - t0.getTime())).toBeLessThan(60_000);
    expect(q.used).toBe(3);
    expect(q.check).toBe('admitted');
    await countOnChain(1);
    expect((await quotaNow()).check).toBe('admitted');
    await countOnChain(1);
    q = await quotaNow();
    expect(q.used).toBe(5);
    expectExhausted(q.check, 5, 5);

    // A downgrade to the two-year plan waits for the boundary (day 30); from there a new
    // period of 730 days begins with its own quota and nothing of the old period's usage.
    await alice.execute(devnet.contracts.billing, {
      change_plan: { org_id: Number(orgId), plan_id: plans.twoYears },
    });
    expectExhausted((await quotaNow()).check, 5, 5);
    await operator.advanceTime({ seconds: 21 * DAY });
    q = await quotaNow();
    expect(q.plan.planId).toBe(plans.twoYears);
    expect(q.plan.quotas.messages).toBe(20);
    const boundary = t0.getTime() + 30 * DAY * 1000;
    expect(Math.abs(q.plan.periodStart.getTime() - boundary)).toBeLessThan(60_000);
    expect(q.used).toBe(0);
    await countOnChain(12);

    // More than a year into the period: one usage query would exceed the contract's 366-day
    // range (DayRangeTooLong, a 503 before); the usage of the whole period still counts.
    await operator.advanceTime({ seconds: 400 * DAY });
    await countOnChain(7);
    q = await quotaNow();
    expect(q.plan.planId).toBe(plans.twoYears);
    expect(q.used).toBe(19);
    expect(q.check).toBe('admitted');
    await countOnChain(1);
    q = await quotaNow();
    expect(q.used).toBe(20);
    expectExhausted(q.check, 20, 20);
  }, 120_000);
});
