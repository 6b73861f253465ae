// @vitest-environment jsdom
import { vi } from 'vitest';

vi.hoisted(async () => (await import('../testing/use-node-typed-arrays.js')).useNodeTypedArrays());

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { executeContract } from '../core/actions/execute-contract.js';
import type { DappConfig } from '../core/config.js';
import { expectLabelledControls } from '../testing/expect-accessible.js';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { connectedConfig, devnetForFile } from '../testing/test-setup.js';
import BillingPage from './billing-page.js';

// The billing page against the devnet running the real billing wasm with cw20-base as the
// payment token: subscribe by token send, the renewal check before signing, a deposit, stake
// and unstake, and the payment history with its transactions.
const devnet = devnetForFile();

async function aliceWithNewOrg(): Promise<{ config: DappConfig; orgId: string }> {
  const config = await connectedConfig('alice', { devnetUrl: devnet().url });
  const tx = await executeContract(config, { contract: 'billing', msg: { create_org: { name: 'Acme' } } });
  const orgId = tx.events.flatMap((e) => e.attributes).find((a) => a.key === 'org_id')?.value;
  if (!orgId) throw new Error('create_org returned no org_id');
  config.storage.setItem('privexbot.org', orgId);
  return { config, orgId };
}

describe('billing page on the devnet', () => {
  it('subscribes with one token send, says before signing whether a top-up covers the renewal, and lists payments', async () => {
    const { config } = await aliceWithNewOrg();
    const { container } = renderWithProviders(<BillingPage />, config);
    const user = userEvent.setup();

    const starter = await screen.findByTestId('plan-Starter', {}, { timeout: 15_000 });
    expect(starter).toHaveTextContent('9.99 payment tokens per 30 days');
    expect(starter).toHaveTextContent('5,000 messages per period');
    expect(starter).toHaveTextContent('or stake 500 SCRT');
    expectLabelledControls(container);

    await user.click(within(starter).getByRole('button', { name: /^Subscribe/ }));
    await waitFor(
      () =>
        expect(screen.getByTestId('subscription-status')).toHaveTextContent(/^Active: plan #\d+ via payment/),
      {
        timeout: 15_000,
      },
    );
    // One period was paid from the send; nothing is left for the next renewal.
    expect(screen.getByTestId('renewal-check')).toHaveTextContent(
      'does not cover the next renewal: 9.99 payment tokens missing',
    );

    await user.type(screen.getByLabelText(/^Top up/), '9.99');
    expect(screen.getByTestId('renewal-check')).toHaveTextContent(
      /covers the next renewal .* \(including the top-up below\)/,
    );
    await user.click(screen.getByRole('button', { name: 'Deposit' }));
    await waitFor(
      () =>
        expect(screen.getByTestId('renewal-check')).toHaveTextContent(
          /^The balance covers the next renewal \(9\.99/,
        ),
      {
        timeout: 15_000,
      },
    );

    const history = await screen.findByTestId('payment-history');
    await waitFor(() => expect(within(history).getAllByRole('row')).toHaveLength(3));
    expect(history).toHaveTextContent('deposit');
    expect(history).toHaveTextContent('subscribe × 1');
    // Both payments were sent from this browser: each row names its transaction.
    expect(within(history).getAllByTestId('tx-link')).toHaveLength(2);
  });

  it('stakes SCRT for a plan and unstakes part of it into the unbonding queue', async () => {
    const { config } = await aliceWithNewOrg();
    renderWithProviders(<BillingPage />, config);
    const user = userEvent.setup();

    const starter = await screen.findByTestId('plan-Starter', {}, { timeout: 15_000 });
    await user.click(within(starter).getByRole('button', { name: 'Stake 500 SCRT' }));
    await waitFor(
      () =>
        expect(screen.getByTestId('stake-status')).toHaveTextContent(
          /^Staked 500 SCRT for plan #\d+ \(plan active\)/,
        ),
      {
        timeout: 15_000,
      },
    );
    expect(screen.getByTestId('subscription-status')).toHaveTextContent(/via stake/);

    await user.type(screen.getByLabelText('Unstake (SCRT)'), '100');
    await user.click(screen.getByRole('button', { name: 'Unstake' }));
    await waitFor(() => expect(screen.getByTestId('stake-status')).toHaveTextContent(/^Staked 400 SCRT/), {
      timeout: 15_000,
    });
    expect(screen.getByText(/^100 SCRT released /)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Withdraw unbonded' })).toBeDisabled();
  });
});
