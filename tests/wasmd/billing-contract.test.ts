/**
 * The billing contract on a real wasmd node, through the product's cosmjs adapter: every execute
 * and query message (what the devnet suites and the ChainClient suite cover, and the rest), the
 * refusals that guard money and roles, staking delegated to the node's real validator, and the
 * accounting invariant: what the contract holds of each asset equals what it owes (org balances
 * + revenue, and for the stake denom the stakes and unbonding entries it keeps).
 */
import { readFileSync } from 'node:fs';
import { getContractDir } from '@oraichain/common-contracts-build';
import type { ChainClient } from '@privexbot/schema/chain';
import { type BillingTypes, billingClient } from '@privexbot/schema/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWasmdPlatform, type WasmdTestPlatform } from './start-wasmd-platform.js';

const UNITS = 1_000_000n;

describe('the billing contract on a wasmd node', () => {
  let node: WasmdTestPlatform;
  let operator: ChainClient;
  let alice: ChainClient;
  let bob: ChainClient;
  let stranger: ChainClient;
  let address: { operator: string; alice: string; bob: string; stranger: string };
  let orgId: number;
  let nativePlan: number;
  let nativePlanB: number;

  beforeAll(async () => {
    node = await startWasmdPlatform();
    operator = await node.client('operator');
    alice = await node.client('alice');
    bob = await node.client('bob');
    // the relayer account plays someone with no role in any org
    stranger = await node.client('relayer');
    address = {
      operator: node.chain.account('operator').address,
      alice: node.chain.account('alice').address,
      bob: node.chain.account('bob').address,
      stranger: node.chain.account('relayer').address,
    };
  });
  afterAll(() => node?.close());

  const billing = (client: ChainClient) => billingClient(client, node.billing);
  // the adapters give a refusal for want of a role its own class (UnauthorizedError)
  const UNAUTHORIZED = { code: 'UNAUTHORIZED' };
  const refused = (pattern: RegExp) => ({
    code: 'CONTRACT_ERROR',
    contractMessage: expect.stringMatching(pattern),
  });
  const native = (amount: bigint) => ({ denom: node.chain.denom, amount: amount.toString() });
  const nativeAsset = (): BillingTypes.Asset => ({ native: { denom: node.chain.denom } });
  const plan = (overrides: Partial<BillingTypes.PlanInput> = {}): BillingTypes.PlanInput => ({
    name: 'Native Monthly',
    price: { asset: nativeAsset(), amount: (5n * UNITS).toString() },
    period_seconds: 30 * 24 * 3600,
    quotas: { messages: 1000, bots: 2, knowledge_bytes: 1_000_000 },
    stake_amount: null,
    restricted_to: null,
    ...overrides,
  });
  async function createPlan(input: BillingTypes.PlanInput): Promise<number> {
    const tx = await billing(operator).execute('create_plan', { plan: input });
    const id = Number(tx.events.flatMap((e) => e.attributes).find((a) => a.key === 'plan_id')?.value);
    expect(id).toBeGreaterThan(0);
    return id;
  }
  const byKey = (who: 'alice' | 'bob' | 'stranger', key: string): BillingTypes.QueryAuth => ({
    viewing_key: { address: address[who], key },
  });

  it('answers config, plans and plan as deployed, with the wasm account prefix for permits', async () => {
    const config = await billing(stranger).query('config', {});
    expect(config).toMatchObject({
      admin: address.operator,
      treasury: address.operator,
      native_denom: node.chain.denom,
      usage_contract: node.usage,
      stake_denom: node.chain.denom,
      validator: null,
      address_prefix: 'wasm',
      // the deploy CLI's default cap on orgs created per address
      max_orgs_per_creator: 50,
    });
    expect(config.accepted_tokens.map((t) => t.address)).toEqual([node.token]);
    const { plans } = await billing(stranger).query('plans', { include_retired: null });
    expect(plans.map((p) => p.name)).toEqual(['Free', 'Starter', 'Pro', 'Enterprise']);
    const starter = plans.find((p) => p.name === 'Starter') as BillingTypes.PlanResponse;
    expect(await billing(stranger).query('plan', { id: starter.id })).toEqual(starter);
    await expect(billing(stranger).query('plan', { id: 999 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/plan 999 not found/),
    });
  });

  it('administers itself: update_config, add_accepted_token, the two-step admin hand-over; others are refused', async () => {
    await billing(operator).execute('update_config', { treasury: address.bob, usage_contract: null });
    expect((await billing(alice).query('config', {})).treasury).toBe(address.bob);
    await expect(
      billing(alice).execute('update_config', { treasury: address.alice, usage_contract: null }),
    ).rejects.toMatchObject(UNAUTHORIZED);

    const cw20 = await operator.upload(new Uint8Array(readFileSync(getContractDir('cw20-base'))));
    const { address: second } = await operator.instantiate({
      codeId: cw20.codeId,
      label: 'second payment token',
      admin: address.operator,
      msg: { name: 'Second', symbol: 'SECOND', decimals: 6, initial_balances: [] },
    });
    await billing(operator).execute('add_accepted_token', { token: { address: second, code_hash: null } });
    await expect(
      billing(operator).execute('add_accepted_token', { token: { address: second, code_hash: null } }),
    ).rejects.toMatchObject(refused(/already accepted/));
    expect((await billing(alice).query('config', {})).accepted_tokens.map((t) => t.address)).toEqual([
      node.token,
      second,
    ]);

    await expect(billing(alice).execute('accept_admin', {})).rejects.toMatchObject(
      refused(/no pending proposal/),
    );
    await billing(operator).execute('propose_admin', { admin: address.alice });
    expect((await billing(bob).query('config', {})).pending_admin).toBe(address.alice);
    await expect(billing(bob).execute('accept_admin', {})).rejects.toMatchObject(UNAUTHORIZED);
    await billing(alice).execute('accept_admin', {});
    await expect(
      billing(operator).execute('propose_admin', { admin: address.operator }),
    ).rejects.toMatchObject(UNAUTHORIZED);
    await billing(alice).execute('propose_admin', { admin: address.operator });
    await billing(operator).execute('accept_admin', {});
    expect(await billing(bob).query('config', {})).toMatchObject({
      admin: address.operator,
      pending_admin: null,
    });
  });

  it('manages an org: rename, roles, orgs_of, find_org, two-step ownership; refuses outsiders', async () => {
    ({ orgId } = await billing(alice).createOrg('Café Zürich'));
    await billing(alice).execute('rename_org', { org_id: orgId, name: 'Café Zürich 東京' });
    await expect(billing(bob).execute('rename_org', { org_id: orgId, name: 'Taken' })).rejects.toMatchObject(
      UNAUTHORIZED,
    );
    await billing(alice).execute('add_org_role', { org_id: orgId, role: 'admin', address: address.bob });
    await billing(bob).execute('add_org_role', { org_id: orgId, role: 'member', address: address.stranger });
    await billing(bob).execute('add_org_role', { org_id: orgId, role: 'auditor', address: address.operator });
    await expect(
      billing(bob).execute('add_org_role', { org_id: orgId, role: 'admin', address: address.stranger }),
    ).rejects.toMatchObject(UNAUTHORIZED);
    await expect(
      billing(alice).execute('add_org_role', { org_id: orgId, role: 'admin', address: address.bob }),
    ).rejects.toMatchObject(refused(/already has role/));
    expect(await billing(stranger).query('org', { id: orgId })).toEqual({
      id: orgId,
      name: 'Café Zürich 東京',
      owner: address.alice,
      admins: [address.bob],
      members: [address.stranger],
      auditors: [address.operator],
      pending_owner: null,
    });
    const bobsOrgs = await billing(stranger).query('orgs_of', {
      address: address.bob,
      start: null,
      limit: null,
    });
    expect(bobsOrgs.orgs).toContainEqual({
      org_id: orgId,
      name: 'Café Zürich 東京',
      is_owner: false,
      is_pending_owner: false,
      roles: ['admin'],
    });

    // a member may leave on their own; removing a role no one has is refused
    await billing(stranger).execute('remove_org_role', {
      org_id: orgId,
      role: 'member',
      address: address.stranger,
    });
    await expect(
      billing(alice).execute('remove_org_role', { org_id: orgId, role: 'member', address: address.stranger }),
    ).rejects.toMatchObject(refused(/does not have role/));
    expect(
      (await billing(stranger).query('orgs_of', { address: address.stranger, start: null, limit: null }))
        .total,
    ).toBe(0);

    await billing(alice).execute('propose_org_owner', { org_id: orgId, new_owner: address.bob });
    await expect(billing(stranger).execute('accept_org_ownership', { org_id: orgId })).rejects.toMatchObject(
      UNAUTHORIZED,
    );
    await billing(bob).execute('accept_org_ownership', { org_id: orgId });
    expect((await billing(alice).query('org', { id: orgId })).owner).toBe(address.bob);
    await billing(bob).execute('propose_org_owner', { org_id: orgId, new_owner: address.alice });
    await billing(alice).execute('accept_org_ownership', { org_id: orgId });
    const found = await billing(stranger).query('find_org', { id: orgId });
    expect(found.org?.owner).toBe(address.alice);
    const missing = await billing(stranger).query('find_org', { id: found.org_count + 1 });
    expect(missing.org).toBeNull();
    await expect(billing(stranger).query('org', { id: found.org_count + 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/org \d+ not found/),
    });
  });

  it('caps the orgs one address creates; the admin alone sets the cap; another address still creates', async () => {
    await expect(
      billing(stranger).execute('update_config', {
        treasury: null,
        usage_contract: null,
        max_orgs_per_creator: 1,
      }),
    ).rejects.toMatchObject(UNAUTHORIZED);
    const setCap = (cap: number) =>
      billing(operator).execute('update_config', {
        treasury: null,
        usage_contract: null,
        max_orgs_per_creator: cap,
      });
    await expect(setCap(0)).rejects.toMatchObject(refused(/invalid max_orgs_per_creator: at least 1/));
    // The stranger (the relayer account) has created no org yet.
    await setCap(2);
    try {
      await billing(stranger).createOrg('Spam 1');
      await billing(stranger).createOrg('Spam 2');
      const { org_count } = await billing(stranger).query('find_org', { id: 1 });
      await expect(billing(stranger).createOrg('Spam 3')).rejects.toMatchObject(
        refused(
          new RegExp(`^${address.stranger} has already created 2 orgs, the most one address may create`),
        ),
      );
      expect((await billing(stranger).query('find_org', { id: 1 })).org_count).toBe(org_count);
      expect((await billing(bob).createOrg('Not spam')).orgId).toBe(org_count + 1);
    } finally {
      await setCap(50);
    }
  });

  it('creates, updates and retires plans; a retired or restricted plan is not sold', async () => {
    await expect(billing(alice).execute('create_plan', { plan: plan() })).rejects.toMatchObject(UNAUTHORIZED);
    await expect(
      billing(operator).execute('create_plan', { plan: plan({ period_seconds: 0 }) }),
    ).rejects.toMatchObject(refused(/period_seconds/));
    nativePlan = await createPlan(plan({ stake_amount: (100n * UNITS).toString() }));
    nativePlanB = await createPlan(
      plan({ name: 'Native Pro', price: { asset: nativeAsset(), amount: (9n * UNITS).toString() } }),
    );
    const retiring = await createPlan(plan({ name: 'Going away' }));
    await billing(operator).execute('update_plan', {
      plan_id: nativePlan,
      plan: plan({ name: 'Native Monthly v2', stake_amount: (100n * UNITS).toString() }),
    });
    expect((await billing(alice).query('plan', { id: nativePlan })).name).toBe('Native Monthly v2');
    await billing(operator).execute('retire_plan', { plan_id: retiring });
    const active = (await billing(alice).query('plans', { include_retired: null })).plans.map((p) => p.id);
    const all = (await billing(alice).query('plans', { include_retired: true })).plans.map((p) => p.id);
    expect(active).not.toContain(retiring);
    expect(all).toContain(retiring);
    await expect(
      billing(alice).subscribe({
        org_id: orgId,
        plan_id: retiring,
        periods: 1,
        payment: { native: native(5n * UNITS) },
      }),
    ).rejects.toMatchObject(refused(/retired/));
    const enterprise = (await billing(alice).query('plans', { include_retired: null })).plans.find(
      (p) => p.name === 'Enterprise',
    );
    await expect(
      billing(alice).execute('subscribe', { org_id: orgId, plan_id: enterprise?.id as number, periods: 1 }),
    ).rejects.toMatchObject(refused(/not offered/));
  });

  it('sells a subscription for native coins: deposit, subscribe, cancel, resume, change plan, withdraw', async () => {
    const before = BigInt((await stranger.nativeBalance(node.billing)).amount);
    // anyone may top up an org's balance
    await billing(stranger).deposit({ org_id: orgId, payment: { native: native(3n * UNITS) } });
    await billing(alice).subscribe({
      org_id: orgId,
      plan_id: nativePlan,
      periods: 2,
      payment: { native: native(8n * UNITS) },
    });
    await expect(
      billing(alice).execute('subscribe', { org_id: orgId, plan_id: nativePlan, periods: 1 }),
    ).rejects.toMatchObject(refused(/already has an active subscription/));
    expect(BigInt((await stranger.nativeBalance(node.billing)).amount)).toBe(before + 11n * UNITS);

    expect(await billing(stranger).query('org_plan', { org_id: orgId })).toMatchObject({
      active: true,
      plan_id: nativePlan,
      via: 'payment',
    });
    await billing(alice).execute('set_viewing_key', { key: 'alice-billing-key-0123456789', padding: null });
    const auth = byKey('alice', 'alice-billing-key-0123456789');
    let subscription = await billing(alice).query('subscription', { org_id: orgId, auth });
    // 11 paid in, the first period (5) charged: 6 left, which covers the next renewal
    expect(subscription).toMatchObject({
      active: true,
      plan_id: nativePlan,
      via: 'payment',
      balances: [{ asset: nativeAsset(), amount: (6n * UNITS).toString() }],
      next_renewal: { asset: nativeAsset(), amount: (5n * UNITS).toString() },
      covers_next_renewal: true,
    });

    await billing(bob).execute('cancel_subscription', { org_id: orgId });
    subscription = await billing(alice).query('subscription', { org_id: orgId, auth });
    expect(subscription.paid?.cancel_at_period_end).toBe(true);
    expect(subscription.next_renewal).toBeNull();
    await billing(alice).execute('resume_subscription', { org_id: orgId });
    expect(
      (await billing(alice).query('subscription', { org_id: orgId, auth })).paid?.cancel_at_period_end,
    ).toBe(false);

    // an upgrade mid-period is charged now, prorated, from the balance
    await billing(alice).execute('change_plan', { org_id: orgId, plan_id: nativePlanB });
    await expect(
      billing(alice).execute('change_plan', { org_id: orgId, plan_id: nativePlanB }),
    ).rejects.toMatchObject(refused(/already on plan/));
    subscription = await billing(alice).query('subscription', { org_id: orgId, auth });
    expect(subscription.plan_id).toBe(nativePlanB);
    const left = BigInt(subscription.balances[0]?.amount ?? '0');
    expect(left).toBeLessThan(6n * UNITS);

    await expect(
      billing(bob).execute('withdraw_balance', { org_id: orgId, asset: nativeAsset(), amount: null }),
    ).rejects.toMatchObject(UNAUTHORIZED);
    await expect(
      billing(alice).execute('withdraw_balance', {
        org_id: orgId,
        asset: nativeAsset(),
        amount: (left + 1n).toString(),
      }),
    ).rejects.toMatchObject(refused(/insufficient balance/));
    const contractBefore = BigInt((await stranger.nativeBalance(node.billing)).amount);
    await billing(alice).execute('withdraw_balance', { org_id: orgId, asset: nativeAsset(), amount: null });
    expect(BigInt((await stranger.nativeBalance(node.billing)).amount)).toBe(contractBefore - left);

    const history = await billing(alice).query('payment_history', {
      org_id: orgId,
      start: null,
      limit: null,
      auth,
    });
    expect(history.entries.map((e) => e.kind)).toEqual([
      'deposit',
      'deposit',
      'subscribe',
      'plan_change',
      'withdrawal',
    ]);
    expect(history.total).toBe(5);
    expect(history.entries[0]).toMatchObject({ account: address.stranger, amount: (3n * UNITS).toString() });
    const page = await billing(alice).query('payment_history', { org_id: orgId, start: 3, limit: 1, auth });
    expect(page.entries.map((e) => e.kind)).toEqual(['plan_change']);
  });

  it('renews a short period lazily from the prepaid balance as blocks pass', async () => {
    const shortPlan = await createPlan(
      plan({ name: 'Every 2 s', period_seconds: 2, price: { asset: nativeAsset(), amount: '1000' } }),
    );
    const { orgId: shortOrg } = await billing(bob).createOrg('Short periods');
    await billing(bob).subscribe({
      org_id: shortOrg,
      plan_id: shortPlan,
      periods: 5,
      payment: { native: native(5000n) },
    });
    await billing(bob).execute('set_viewing_key', { key: 'bob-billing-key-0123456789', padding: null });
    const auth = byKey('bob', 'bob-billing-key-0123456789');
    const first = await billing(bob).query('subscription', { org_id: shortOrg, auth });
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const later = await billing(bob).query('subscription', { org_id: shortOrg, auth });
    expect(later.active).toBe(true);
    expect(BigInt(later.paid?.paid_until ?? 0)).toBeGreaterThan(BigInt(first.paid?.paid_until ?? 0));
    expect(BigInt(later.balances[0]?.amount ?? 0)).toBeLessThan(BigInt(first.balances[0]?.amount ?? 0));
    // a write applies (and records) the renewals the query computed
    await billing(bob).deposit({ org_id: shortOrg, payment: { native: native(1n) } });
    const history = await billing(bob).query('payment_history', {
      org_id: shortOrg,
      start: null,
      limit: null,
      auth,
    });
    expect(history.entries.map((e) => e.kind)).toContain('renewal');
  });

  it('pays with the token by Send: subscribe and deposit; revenue goes to the treasury, admin only', async () => {
    const { orgId: tokenOrg } = await billing(alice).createOrg('Token payer');
    const starter = (await billing(alice).query('plans', { include_retired: null })).plans.find(
      (p) => p.name === 'Starter',
    );
    await billing(alice).subscribe({
      org_id: tokenOrg,
      plan_id: starter?.id as number,
      periods: 1,
      payment: { token: node.token, amount: starter?.price.amount as string },
    });
    await billing(alice).deposit({ org_id: tokenOrg, payment: { token: node.token, amount: '1234' } });
    const tokenAsset = { token: { address: node.token } };
    const totals = await billing(stranger).query('totals', {});
    const tokenTotals = totals.assets.find((a) => JSON.stringify(a.asset) === JSON.stringify(tokenAsset));
    expect(tokenTotals).toMatchObject({ org_balances: '1234', revenue: starter?.price.amount });

    await expect(
      billing(alice).execute('withdraw_revenue', { asset: tokenAsset, amount: null }),
    ).rejects.toMatchObject(UNAUTHORIZED);
    // the treasury is bob since the administration test
    const treasuryBefore = BigInt(await stranger.tokenBalance(node.token, address.bob));
    await billing(operator).execute('withdraw_revenue', { asset: tokenAsset, amount: '1000' });
    expect(BigInt(await stranger.tokenBalance(node.token, address.bob))).toBe(treasuryBefore + 1000n);
    const after = (await billing(stranger).query('totals', {})).assets.find(
      (a) => JSON.stringify(a.asset) === JSON.stringify(tokenAsset),
    );
    expect(BigInt(after?.revenue ?? 0)).toBe(BigInt(starter?.price.amount ?? 0) - 1000n);
  });

  it('activates a plan by staking, unstakes into a cooldown, and refuses what is not due', async () => {
    const { orgId: stakeOrg } = await billing(alice).createOrg('Staker');
    await expect(
      billing(alice).execute(
        'stake',
        { org_id: stakeOrg, plan_id: nativePlan },
        { funds: [native(10n * UNITS)] },
      ),
    ).rejects.toMatchObject(refused(/below/));
    await expect(
      billing(alice).execute(
        'stake',
        { org_id: stakeOrg, plan_id: nativePlanB },
        { funds: [native(100n * UNITS)] },
      ),
    ).rejects.toMatchObject(refused(/cannot be activated by staking/));
    await billing(alice).execute(
      'stake',
      { org_id: stakeOrg, plan_id: nativePlan },
      { funds: [native(100n * UNITS)] },
    );
    expect(await billing(stranger).query('org_plan', { org_id: stakeOrg })).toMatchObject({
      active: true,
      plan_id: nativePlan,
      via: 'stake',
    });
    const auth = byKey('alice', 'alice-billing-key-0123456789');
    await billing(alice).execute('unstake', { org_id: stakeOrg, amount: (40n * UNITS).toString() });
    const stake = await billing(alice).query('stake', { org_id: stakeOrg, auth });
    expect(stake).toMatchObject({ amount: (60n * UNITS).toString(), active: false });
    expect(stake.unbonding).toEqual([
      { amount: (40n * UNITS).toString(), release_at: expect.any(String), from_delegation: false },
    ]);
    // 21 days of cooldown as deployed: nothing to withdraw yet
    await expect(billing(alice).execute('withdraw_unbonded', { org_id: stakeOrg })).rejects.toMatchObject(
      refused(/nothing to withdraw/i),
    );
    // no validator configured: rewards cannot be claimed
    await expect(billing(stranger).execute('claim_staking_rewards', {})).rejects.toMatchObject(
      refused(/validator/i),
    );
  });

  it('delegates stake to the node validator and undelegates it, with rewards claimable', async () => {
    const { codeId } = node.deployment.contracts.billing;
    const { address: delegating } = await operator.instantiate({
      codeId: codeId as number,
      label: 'billing with a validator',
      admin: address.operator,
      msg: {
        admin: null,
        treasury: address.operator,
        accepted_tokens: [],
        native_denom: node.chain.denom,
        usage_contract: null,
        staking: {
          stake_denom: node.chain.denom,
          unbonding_seconds: 1_814_400,
          validator: node.chain.validator,
        },
        address_prefix: 'wasm',
      } satisfies BillingTypes.InstantiateMsg,
    });
    const contract = (client: ChainClient) => billingClient(client, delegating);
    const tx = await contract(operator).execute('create_plan', {
      plan: plan({ stake_amount: (50n * UNITS).toString() }),
    });
    const planId = Number(tx.events.flatMap((e) => e.attributes).find((a) => a.key === 'plan_id')?.value);
    const { orgId: stakeOrg } = await contract(alice).createOrg('Delegator');
    await contract(alice).execute(
      'stake',
      { org_id: stakeOrg, plan_id: planId },
      { funds: [native(50n * UNITS)] },
    );
    expect(await delegatedBy(delegating)).toBe(50n * UNITS);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await contract(stranger).execute('claim_staking_rewards', {});
    await contract(alice).execute('unstake', { org_id: stakeOrg, amount: (20n * UNITS).toString() });
    expect(await delegatedBy(delegating)).toBe(30n * UNITS);
    const totals = await contract(stranger).query('totals', {});
    expect(totals).toMatchObject({
      staked: (30n * UNITS).toString(),
      delegated: (30n * UNITS).toString(),
      unbonding: (20n * UNITS).toString(),
      unbonding_from_delegation: (20n * UNITS).toString(),
    });
  });

  it('answers private queries by viewing key, permit and auditor role; refuses others and revoked permits', async () => {
    // a key the contract makes is returned in the response data, and reads what the account may read
    const created = await billing(alice).execute('create_viewing_key', {
      entropy: 'alice entropy',
      padding: null,
    });
    const { key } = JSON.parse(Buffer.from(created.data ?? '', 'base64').toString()) as { key: string };
    expect(
      (await billing(stranger).query('subscription', { org_id: orgId, auth: byKey('alice', key) })).org_id,
    ).toBe(orgId);
    // a valid key of someone without a role in the org reads nothing
    await billing(stranger).execute('set_viewing_key', { key: 'stranger-key-0123456789', padding: null });
    await expect(
      billing(stranger).query('subscription', {
        org_id: orgId,
        auth: byKey('stranger', 'stranger-key-0123456789'),
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/may not read org/) });
    await expect(
      billing(alice).query('subscription', { org_id: orgId, auth: byKey('alice', 'wrong-key-0123456789') }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/wrong viewing key/) });
    // the operator is the org's auditor (roles test): a permit of theirs reads it
    const auditorPermit = await node.permit('operator', node.billing, ['billing']);
    expect(
      (await billing(stranger).query('stake', { org_id: orgId, auth: { permit: auditorPermit } })).org_id,
    ).toBe(orgId);
    const permit = await node.permit('alice', node.billing, ['billing']);
    expect((await billing(stranger).query('subscription', { org_id: orgId, auth: { permit } })).org_id).toBe(
      orgId,
    );
    await billing(alice).execute('revoke_permit', { permit_name: 'test-alice', padding: null });
    await expect(
      billing(stranger).query('subscription', { org_id: orgId, auth: { permit } }),
    ).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
    const usagePermit = await node.permit('bob', node.usage, ['billing']);
    await expect(
      billing(stranger).query('subscription', { org_id: orgId, auth: { permit: usagePermit } }),
    ).rejects.toMatchObject({ code: 'CONTRACT_ERROR' });
  });

  it('keeps the accounting invariant: holdings of each asset = org balances + revenue (+ stakes)', async () => {
    const totals = await billing(stranger).query('totals', {});
    for (const asset of totals.assets) {
      const owed = BigInt(asset.org_balances) + BigInt(asset.revenue);
      if ('token' in asset.asset) {
        expect(BigInt(await stranger.tokenBalance(asset.asset.token.address, node.billing))).toBe(owed);
      } else {
        // no validator on this deployment: stakes and unbonding entries stay in the contract
        const held = BigInt((await stranger.nativeBalance(node.billing, asset.asset.native.denom)).amount);
        expect(held).toBe(owed + BigInt(totals.staked) + BigInt(totals.unbonding));
        expect(totals.delegated).toBe('0');
      }
    }
    expect(totals.assets.length).toBeGreaterThanOrEqual(2);
  });

  /** What a contract has delegated, from the node's staking module (REST). */
  async function delegatedBy(delegator: string): Promise<bigint> {
    const response = await fetch(`${node.chain.restUrl}/cosmos/staking/v1beta1/delegations/${delegator}`);
    const body = (await response.json()) as { delegation_responses?: { balance: { amount: string } }[] };
    return (body.delegation_responses ?? []).reduce((sum, d) => sum + BigInt(d.balance.amount), 0n);
  }
});
