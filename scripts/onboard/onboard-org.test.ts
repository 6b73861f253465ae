/**
 * Onboarding on the devnet running the real billing wasm: a new owner's org ends up on the Free
 * plan (or a paid one, paid by the token Send) with the platform reader as auditor; a rerun
 * changes nothing; a plan restricted to another org is refused before anything is signed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  connectDevnet,
  type DevnetChainClient,
  devOnlyAccount,
  mnemonicSigner,
} from '@privexbot/schema/chain';
import { billingClient } from '@privexbot/schema/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath } from '../devnet/deploy-contracts.js';
import { type RunningDevnet, startDevnet } from '../devnet/index.js';
import { onboardOrg } from './onboard-org.js';

const artifactsDir =
  process.env.PRIVEXBOT_ARTIFACTS_DIR ?? fileURLToPath(new URL('../../contracts/artifacts', import.meta.url));
const built =
  existsSync(artifactPath(artifactsDir, 'billing')) && existsSync(artifactPath(artifactsDir, 'usage'));
const reader = devOnlyAccount('operator').address;

describe.runIf(built)('onboarding an org', () => {
  let devnet: RunningDevnet;
  let alice: DevnetChainClient;
  let billing: string;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0, artifactsDir });
    alice = await connectDevnet({
      url: devnet.url,
      signer: await mnemonicSigner(devOnlyAccount('alice').mnemonic),
    });
    const address = (await alice.status()).contracts.billing?.address;
    if (!address) throw new Error('no billing contract');
    billing = address;
  }, 120_000);
  afterAll(async () => {
    await devnet?.close();
  });

  it('creates the org, subscribes it to Free and grants the reader, in three transactions; a rerun sends none', async () => {
    const result = await onboardOrg({ chain: alice, billing, name: 'Acme', readerAddress: reader });
    expect(result.transactions.map((t) => t.step)).toEqual(['create_org', 'subscribe', 'grant_reader']);
    const client = billingClient(alice, billing);
    const plan = await client.query('org_plan', { org_id: result.orgId });
    expect(plan).toMatchObject({ active: true, plan_id: result.planId, via: 'payment' });
    expect((await client.query('plan', { id: result.planId })).name).toBe('Free');
    expect((await client.query('org', { id: result.orgId })).auditors).toEqual([reader]);

    const again = await onboardOrg({ chain: alice, billing, orgId: result.orgId, readerAddress: reader });
    expect(again.transactions).toEqual([]);
  });

  it('pays a paid plan with the token Send', async () => {
    const result = await onboardOrg({
      chain: alice,
      billing,
      name: 'Paid',
      plan: 'starter',
      readerAddress: reader,
    });
    const client = billingClient(alice, billing);
    expect((await client.query('plan', { id: result.planId })).name).toBe('Starter');
    expect(await client.query('org_plan', { org_id: result.orgId })).toMatchObject({
      active: true,
      via: 'payment',
    });
  });

  it('refuses a plan not offered to the org, and an unknown plan, before signing anything', async () => {
    const before = (
      await billingClient(alice, billing).query('orgs_of', { address: devOnlyAccount('alice').address })
    ).total;
    await expect(
      onboardOrg({ chain: alice, billing, name: 'Big', plan: 'Enterprise', readerAddress: reader }),
    ).rejects.toThrow('plan Enterprise is not offered to a new org');
    await expect(
      onboardOrg({ chain: alice, billing, name: 'X', plan: 'Gold', readerAddress: reader }),
    ).rejects.toThrow('no plan named "Gold": the contract offers Free, Starter, Pro, Enterprise');
    expect(
      (await billingClient(alice, billing).query('orgs_of', { address: devOnlyAccount('alice').address }))
        .total,
    ).toBe(before);
  });
});
