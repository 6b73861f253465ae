// @vitest-environment jsdom
import { vi } from 'vitest';

vi.hoisted(async () => (await import('../testing/use-node-typed-arrays.js')).useNodeTypedArrays());

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { writeContract } from '../core/actions/write-contract.js';
import type { DappConfig } from '../core/config.js';
import { expectLabelledControls } from '../testing/expect-accessible.js';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { connectedConfig, devnetForFile } from '../testing/test-setup.js';
import BillingPage from './billing-page.js';

// The billing page against the devnet running the real billing wasm with cw20-base as the
// payment token: plans by name, a confirmation with the terms before every signature, the
// current plan marked, one history row per payment, and actions disabled for roles the
// contract would refuse.
const devnet = devnetForFile();

async function aliceWithNewOrg(): Promise<{ config: DappConfig; orgId: string }> {
  const config = await connectedConfig('alice', { devnetUrl: devnet().url });
  const tx = await writeContract(config, { contract: 'billing', name: 'create_org', args: { name: 'Acme' } });
  const orgId = tx.events.flatMap((e) => e.attributes).find((a) => a.key === 'org_id')?.value;
  if (!orgId) throw new Error('create_org returned no org_id');
  config.storage.setItem('privexbot.org', orgId);
  return { config, orgId };
}

async function confirmTerms(user: ReturnType<typeof userEvent.setup>) {
  const dialog = await screen.findByTestId('confirm-transaction');
  const terms = {
    amount: within(dialog).getByTestId('confirm-amount').textContent,
    period: within(dialog).getByTestId('confirm-period').textContent,
    renewal: within(dialog).getByTestId('confirm-renewal').textContent,
  };
  await user.click(within(dialog).getByRole('button', { name: 'Continue to sign' }));
  return terms;
}

describe('billing page on the devnet', () => {
  it('subscribes after a confirmation of the terms, marks the current plan, and shows a token payment as one row', async () => {
    const { config } = await aliceWithNewOrg();
    const { container } = renderWithProviders(<BillingPage />, config);
    const user = userEvent.setup();

    const starter = await screen.findByTestId('plan-Starter', {}, { timeout: 15_000 });
    expect(starter).toHaveTextContent('9.99 payment tokens per 30 days');
    expect(starter).toHaveTextContent('5,000 messages per period');
    expect(starter).toHaveTextContent('or stake 500 SCRT');
    expect(screen.getByTestId('plan-Free')).toHaveTextContent('Free per 30 days');
    // Enterprise is restricted to another org: shown, never buyable, and the reason is given.
    const enterprise = screen.getByTestId('plan-Enterprise');
    expect(within(enterprise).getByRole('button', { name: /^Subscribe/ })).toBeDisabled();
    expect(enterprise).toHaveTextContent('Not offered to this org');
    expect(screen.getByTestId('staking-rule')).toHaveTextContent(
      'while a paid plan is active it is the plan in force',
    );
    expectLabelledControls(container);

    await user.click(within(starter).getByRole('button', { name: /^Subscribe/ }));
    const terms = await confirmTerms(user);
    expect(terms.amount).toBe('9.99 payment tokens now (1 × 9.99 payment tokens)');
    expect(terms.period).toBe('1 × 30 days');
    expect(terms.renewal).toMatch(/9\.99 payment tokens is taken from the org's prepaid balance/);

    await waitFor(
      () =>
        expect(screen.getByTestId('subscription-status')).toHaveTextContent(
          /^Active: Starter via payment, paid until/,
        ),
      {
        timeout: 15_000,
      },
    );
    await waitFor(() =>
      expect(within(screen.getByTestId('plan-Starter')).getByTestId('current-plan')).toBeInTheDocument(),
    );
    expect(screen.getByTestId('plan-renewal')).toHaveTextContent(/^Renews on .+ from the prepaid balance\.$/);
    // Staking on top of a paid plan would not count: it is disabled, with the reason.
    expect(within(screen.getByTestId('plan-Pro')).getByRole('button', { name: /^Stake/ })).toBeDisabled();
    expect(screen.getByTestId('plan-Pro')).toHaveTextContent('A paid plan is in force');
    expect(screen.getByTestId('renewal-check')).toHaveTextContent(
      'does not cover the next renewal: 9.99 payment tokens missing',
    );

    await user.type(screen.getByLabelText(/^Top up/), '9.99');
    expect(screen.getByTestId('renewal-check')).toHaveTextContent(
      /covers the next renewal .* \(including the top-up below\)/,
    );
    await user.click(screen.getByRole('button', { name: 'Deposit' }));
    expect((await confirmTerms(user)).amount).toBe('9.99 payment tokens');
    await waitFor(
      () =>
        expect(screen.getByTestId('renewal-check')).toHaveTextContent(
          /^The balance covers the next renewal \(9\.99/,
        ),
      {
        timeout: 15_000,
      },
    );

    // The subscription's token send records a deposit and a charge in one block: one row.
    const history = await screen.findByTestId('payment-history');
    await waitFor(() => expect(within(history).getAllByRole('row')).toHaveLength(3));
    const [, topUp, subscribe] = within(history).getAllByRole('row');
    expect(subscribe).toHaveTextContent('subscribe × 1 (Starter)');
    expect(subscribe).toHaveTextContent(
      '9.99 payment tokens (paid in and 9.99 payment tokens charged at once)',
    );
    expect(topUp).toHaveTextContent('deposit');
    // Both were sent from this browser: each row names its transaction, with a copy button.
    expect(within(history).getAllByTestId('tx-link')).toHaveLength(2);
    expect(within(history).getAllByRole('button', { name: 'Copy hash' })).toHaveLength(2);
  });

  it('cancelling the confirmation signs nothing', async () => {
    const { config } = await aliceWithNewOrg();
    renderWithProviders(<BillingPage />, config);
    const user = userEvent.setup();
    const free = await screen.findByTestId('plan-Free', {}, { timeout: 15_000 });
    await user.click(within(free).getByRole('button', { name: /^Subscribe/ }));
    const dialog = await screen.findByTestId('confirm-transaction');
    expect(within(dialog).getByTestId('confirm-amount')).toHaveTextContent('Nothing: this plan is free');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('confirm-transaction')).not.toBeInTheDocument();
    expect(await screen.findByTestId('subscription-status')).toHaveTextContent('No active plan.');
  });

  it('shows a member the owner’s actions disabled, each with the reason', async () => {
    const { config: alice, orgId } = await aliceWithNewOrg();
    const bob = await connectedConfig('bob', { devnetUrl: devnet().url });
    const bobAddress = bob.account.get();
    if (bobAddress.status !== 'connected') throw new Error('bob is not connected');
    await writeContract(alice, {
      contract: 'billing',
      name: 'add_org_role',
      args: { org_id: Number(orgId), role: 'member', address: bobAddress.address },
    });
    bob.storage.setItem('privexbot.org', orgId);
    renderWithProviders(<BillingPage />, bob);

    const starter = await screen.findByTestId('plan-Starter', {}, { timeout: 15_000 });
    // Until its role is read, the page refuses too; then it names the role.
    await waitFor(
      () =>
        expect(starter).toHaveTextContent('Only the owner or an admin can choose a plan: you are a member.'),
      { timeout: 15_000 },
    );
    expect(within(starter).getByRole('button', { name: /^Subscribe/ })).toBeDisabled();
    expect(within(starter).getByRole('button', { name: /^Stake/ })).toBeDisabled();
    expect(starter).toHaveTextContent('Only the owner can stake or unstake: you are a member.');
  });

  it('stakes SCRT for a plan and unstakes part of it into the unbonding queue', async () => {
    const { config } = await aliceWithNewOrg();
    renderWithProviders(<BillingPage />, config);
    const user = userEvent.setup();

    const starter = await screen.findByTestId('plan-Starter', {}, { timeout: 15_000 });
    await waitFor(
      () => expect(within(starter).getByRole('button', { name: 'Stake 500 SCRT' })).toBeEnabled(),
      {
        timeout: 15_000,
      },
    );
    await user.click(within(starter).getByRole('button', { name: 'Stake 500 SCRT' }));
    expect((await confirmTerms(user)).amount).toBe('500 SCRT, locked while staked (not spent)');
    await waitFor(
      () =>
        expect(screen.getByTestId('stake-status')).toHaveTextContent(
          /^Staked 500 SCRT for Starter \(plan active\)/,
        ),
      {
        timeout: 15_000,
      },
    );
    expect(screen.getByTestId('subscription-status')).toHaveTextContent(/via stake/);

    await user.type(screen.getByLabelText('Unstake (SCRT)'), '100');
    await user.click(screen.getByRole('button', { name: 'Unstake' }));
    expect((await confirmTerms(user)).renewal).toBe(
      'What stays is below the plan’s stake: the staked plan stops now.',
    );
    await waitFor(() => expect(screen.getByTestId('stake-status')).toHaveTextContent(/^Staked 400 SCRT/), {
      timeout: 15_000,
    });
    expect(screen.getByText(/^100 SCRT released /)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Withdraw unbonded' })).toBeDisabled();
  });
});
