/**
 * The platform reads an org's plan as its chain reader, which the org must name as an auditor
 * on the billing contract (the dapp offers it right after creating the org). Until it does,
 * the api says exactly that — a 403 CHAIN_READ_NOT_GRANTED naming the reader — instead of a
 * "chain unavailable, try again" that would never succeed. Against the devnet executing the
 * real billing wasm.
 */
import type { DevnetChainClient } from '@privexbot/schema/chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevnetProcess, startDevnetProcess } from '../../testing/start-devnet-process.js';
import { type PlatformTestApi, startPlatformTestApi } from '../bots/test-support/start-platform-test-api.js';
import { ChainPlanQuotaSource } from './chain-plan-quota-source.js';
import { PlanReadNotGrantedError } from './org-plan.js';
import { createFreePlan, createOrg, devnetAccount } from './test-support/devnet-billing.js';

const READER_KEY = 'platform-reader-viewing-key';
let devnet: DevnetProcess;
let alice: DevnetChainClient;
let reader: DevnetChainClient;
let orgId: string;
let api: PlatformTestApi;

beforeAll(async () => {
  devnet = await startDevnetProcess();
  const operator = await devnetAccount(devnet, 'operator');
  [alice, reader] = await Promise.all([devnetAccount(devnet, 'alice'), devnetAccount(devnet, 'bob')]);
  const planId = await createFreePlan(operator, devnet, {
    name: 'Two bots',
    quotas: { messages: 10, bots: 2, knowledge_bytes: 1_000_000 },
  });
  orgId = await createOrg(alice, devnet, 'No reader yet');
  await alice.execute(devnet.contracts.billing, {
    subscribe: { org_id: Number(orgId), plan_id: planId, periods: 1 },
  });
  await reader.execute(devnet.contracts.billing, { set_viewing_key: { key: READER_KEY, padding: null } });
  api = await startPlatformTestApi({
    overrides: {
      planQuotaSource: new ChainPlanQuotaSource(
        reader,
        { billing: devnet.contracts.billing },
        { address: reader.address as string, key: READER_KEY },
      ),
    },
    env: {
      QUOTA_CACHE_SECONDS: '0',
      CHAIN_READER_ADDRESS: reader.address as string,
      CHAIN_READER_VIEWING_KEY: READER_KEY,
    },
  });
}, 180_000);

afterAll(async () => {
  await api?.close();
  await devnet?.stop();
});

describe('the platform chain reader', () => {
  it('is published at GET /v1/platform without signing in, and in the OpenAPI document', async () => {
    const platform = await api.request('get', '/v1/platform');
    expect(platform.status).toBe(200);
    expect(platform.body).toMatchObject({ chainReaderAddress: reader.address, chainId: api.config.chainId });
    const openapi = await api.request('get', '/openapi.json');
    expect(Object.keys(openapi.body.paths)).toContain('/v1/platform');
  });

  it('refuses bot creation with CHAIN_READ_NOT_GRANTED until the org names the reader, then reads the plan', async () => {
    const owner = await api.createOrg(orgId);
    const refused = await api.request('post', `/v1/orgs/${orgId}/bots`, {
      token: owner.token,
      body: { name: 'Too early' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('CHAIN_READ_NOT_GRANTED');
    expect(refused.body.error.message).toContain('grant read access');
    expect(refused.body.error.message).toContain(reader.address);
    expect(refused.body.error.details).toEqual({ readerAddress: reader.address, orgId });
    // The contract's own refusal text never reaches the caller.
    expect(JSON.stringify(refused.body)).not.toContain('may not read');
    expect(await api.db.bot.count({ where: { orgId } })).toBe(0);

    await alice.execute(devnet.contracts.billing, {
      add_org_role: { org_id: Number(orgId), role: 'auditor', address: reader.address },
    });
    for (const name of ['First', 'Second']) {
      const created = await api.request('post', `/v1/orgs/${orgId}/bots`, {
        token: owner.token,
        body: { name },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    // The plan read from the chain allows two bots: the third is the plan's limit, not a read error.
    const third = await api.request('post', `/v1/orgs/${orgId}/bots`, {
      token: owner.token,
      body: { name: 'Third' },
    });
    expect(third.status).toBe(402);
    expect(third.body.error.details.reason).toBe('BOT_LIMIT');
  }, 60_000);

  it('classifies the contract refusal, and an unknown key stays a different failure', async () => {
    const other = await createOrg(alice, devnet, 'Never granted');
    const source = new ChainPlanQuotaSource(
      reader,
      { billing: devnet.contracts.billing },
      { address: reader.address as string, key: READER_KEY },
    );
    await expect(source.planOf(other, new Date())).rejects.toBeInstanceOf(PlanReadNotGrantedError);
    const wrongKey = new ChainPlanQuotaSource(
      reader,
      { billing: devnet.contracts.billing },
      { address: reader.address as string, key: 'not-the-key' },
    );
    await expect(wrongKey.planOf(orgId, new Date())).rejects.not.toBeInstanceOf(PlanReadNotGrantedError);
  });
});
