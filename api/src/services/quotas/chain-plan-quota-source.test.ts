import { randomBytes, randomUUID } from 'node:crypto';
import {
  createAttestationSigner,
  encodeSubmitBatch,
  generateSignerKey,
  type SignedAttestation,
} from '@privexbot/schema/attestation';
import type { DevnetChainClient } from '@privexbot/schema/chain';
import { nativeFetch } from '@privexbot/schema/fetch';
import { type LlmStandin, startLlmStandin } from '@privexbot/test-support/llm-standin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevnetProcess, startDevnetProcess } from '../../testing/start-devnet-process.js';
import {
  type PlatformTestApi,
  startPlatformTestApi,
  TEST_PUBLIC_URL,
} from '../bots/test-support/start-platform-test-api.js';
import { ChainPlanQuotaSource } from './chain-plan-quota-source.js';
import { utcDayOf } from './org-plan.js';
import { createFreePlan, createOrg, devnetAccount } from './test-support/devnet-billing.js';

/**
 * Quotas read from the devnet executing the real billing and usage wasm: a plan created by
 * the operator, an org subscribed to it, usage counted on chain from signed attestations
 * submitted by the relayer account, the platform's reader (an auditor with viewing keys).
 */
const READER_KEY = 'api-reader-viewing-key';
let devnet: DevnetProcess;
let operator: DevnetChainClient;
let alice: DevnetChainClient;
let relayer: DevnetChainClient;
let reader: DevnetChainClient;
let orgId: string;
let unpaidOrgId: string;
const signerKey = generateSignerKey();
const signer = createAttestationSigner(signerKey);
let nextSeq = 1n;

/** What the relayer does: `count` signed attestations of answers for the org, on chain. */
async function countOnChain(count: number): Promise<void> {
  const records: SignedAttestation[] = [];
  for (let i = 0; i < count; i++) {
    const attestation = {
      v: 1 as const,
      signer: signer.publicKey,
      seq: nextSeq++,
      org: BigInt(orgId),
      bot: randomUUID(),
      ts: BigInt(Math.floor(Date.now() / 1000)),
      promptTokens: 20,
      completionTokens: 10,
      reqHash: new Uint8Array(randomBytes(32)),
      model: 'test-model',
    };
    records.push({ attestation, signature: signer.sign(attestation) });
  }
  await relayer.execute(devnet.contracts.usage, { submit_batch: encodeSubmitBatch(records) });
}

beforeAll(async () => {
  devnet = await startDevnetProcess();
  [operator, alice, relayer, reader] = await Promise.all([
    devnetAccount(devnet, 'operator'),
    devnetAccount(devnet, 'alice'),
    devnetAccount(devnet, 'relayer'),
    devnetAccount(devnet, 'bob'),
  ]);
  const planId = await createFreePlan(operator, devnet, {
    name: 'Ten messages',
    quotas: { messages: 10, bots: 3, knowledge_bytes: 1_000_000 },
  });
  orgId = await createOrg(alice, devnet, 'Quota Org');
  unpaidOrgId = await createOrg(alice, devnet, 'Unpaid Org');
  await alice.execute(devnet.contracts.billing, {
    subscribe: { org_id: Number(orgId), plan_id: planId, periods: 1 },
  });
  // The platform's reader is an auditor of the orgs, with a viewing key on both contracts.
  for (const org of [orgId, unpaidOrgId])
    await alice.execute(devnet.contracts.billing, {
      add_org_role: { org_id: Number(org), role: 'auditor', address: reader.address },
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
}, 180_000);

afterAll(async () => {
  await devnet?.stop();
});

function quotaSource(key = READER_KEY): ChainPlanQuotaSource {
  return new ChainPlanQuotaSource(
    reader,
    { billing: devnet.contracts.billing, usage: devnet.contracts.usage },
    { address: reader.address as string, key },
  );
}

describe('ChainPlanQuotaSource on the devnet', () => {
  it('reads the subscribed plan, an unpaid org, and the usage counted on chain', async () => {
    const source = quotaSource();
    const now = new Date();
    const plan = await source.planOf(orgId, now);
    expect(plan).toMatchObject({
      active: true,
      quotas: { messages: 10, bots: 3, knowledgeBytes: 1_000_000 },
    });
    expect(plan.periodStart.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(plan.periodEnd.getTime()).toBeGreaterThan(now.getTime());
    expect((await source.planOf(unpaidOrgId, now)).active).toBe(false);

    const today = utcDayOf(now);
    expect(await source.chainMessagesUsed(orgId, today, today)).toBe(0);
    await countOnChain(2);
    expect(await source.chainMessagesUsed(orgId, today, today)).toBe(2);
    await expect(quotaSource('a-wrong-key').planOf(orgId, now)).rejects.toThrow(
      /billing subscription query failed/,
    );
  }, 60_000);
});

describe('chat quotas from the chain', () => {
  let standin: LlmStandin;
  let api: PlatformTestApi;
  beforeAll(async () => {
    standin = await startLlmStandin({ port: 0, ttftMs: 1, tokenDelayMs: 0, answerTokens: 4 });
    api = await startPlatformTestApi({
      overrides: { planQuotaSource: quotaSource() },
      env: { LLM_BASE_URL: standin.url, QUOTA_CACHE_SECONDS: '0' },
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await standin?.close();
  });

  async function publishedBot(org: string): Promise<string> {
    const owner = await api.createOrg(org);
    const botId = await api.createBot(owner);
    await api.request('post', `/v1/orgs/${org}/bots/${botId}/publish`, { token: owner.token });
    return botId;
  }

  async function chat(botId: string): Promise<{ status: number; body: string }> {
    const response = await nativeFetch(`${api.baseUrl}/v1/bots/${botId}/chat`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: TEST_PUBLIC_URL,
        'sec-fetch-site': 'same-origin',
      },
      body: JSON.stringify({ message: 'What does the plan include?' }),
    });
    return { status: response.status, body: await response.text() };
  }

  it('answers while the plan has messages left, records 70/85/95 % warnings, then answers 402', async () => {
    const botId = await publishedBot(orgId);
    // 2 messages already on chain (previous test); 5 more: 7 of 10.
    await countOnChain(5);
    const first = await chat(botId);
    expect(first.status).toBe(200);
    expect(first.body).toContain('event: done');
    // The relayer catches up with that answer and another bot's: 9 of 10.
    await countOnChain(2);
    expect((await chat(botId)).status).toBe(200);
    await countOnChain(1);
    const refused = await chat(botId);
    expect(refused.status).toBe(402);
    expect(JSON.parse(refused.body).error).toMatchObject({
      code: 'QUOTA_EXHAUSTED',
      details: { reason: 'MESSAGES_EXHAUSTED', used: 10, limit: 10 },
    });
    const warnings = await api.db.quotaWarning.findMany({
      where: { orgId },
      orderBy: { thresholdPct: 'asc' },
    });
    expect(warnings.map((w) => [w.thresholdPct, w.messagesUsed, w.messagesLimit])).toEqual([
      [70, 8, 10],
      [85, 10, 10],
      [95, 10, 10],
    ]);
  }, 60_000);

  it('refuses an org without an active plan with 402, for new bots and for chats', async () => {
    const owner = await api.createOrg(unpaidOrgId);
    const creation = await api.request('post', `/v1/orgs/${unpaidOrgId}/bots`, {
      token: owner.token,
      body: { name: 'Helpdesk' },
    });
    expect(creation.status).toBe(402);
    expect(creation.body.error.details).toMatchObject({ reason: 'BOT_LIMIT', limit: 0 });
    // A bot made while a plan was active (written directly: the plan is gone now).
    const { id: botId } = await api.db.bot.create({
      data: {
        orgId: unpaidOrgId,
        name: 'Older bot',
        model: 'default',
        embedder: 'local-hash-384',
        createdBy: owner.owner.address,
        allowedOrigins: [],
        published: true,
        publishedAt: new Date(),
      },
    });
    const refused = await chat(botId);
    expect(refused.status).toBe(402);
    expect(JSON.parse(refused.body).error.details.reason).toBe('NO_ACTIVE_PLAN');
  }, 60_000);
});
