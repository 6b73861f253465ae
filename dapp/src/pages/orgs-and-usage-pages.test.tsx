// @vitest-environment jsdom
import { vi } from 'vitest';

vi.hoisted(async () => (await import('../testing/use-node-typed-arrays.js')).useNodeTypedArrays());

import { devOnlyAccount } from '@privexbot/schema/chain';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { executeContract } from '../core/actions/execute-contract.js';
import { expectLabelledControls } from '../testing/expect-accessible.js';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { connectedConfig, devnetForFile } from '../testing/test-setup.js';
import AuditorPage from './auditor-page.js';
import OrgsPage from './orgs-page.js';
import UsagePage from './usage-page.js';

// The orgs and usage pages against the devnet's real billing and usage contracts.
const devnet = devnetForFile();
const connected = (role: 'alice' | 'bob') => connectedConfig(role, { devnetUrl: devnet().url });

describe('orgs page on the devnet', () => {
  it('creates an org on chain, selects it, and manages its roles', async () => {
    const config = await connected('alice');
    const { container } = renderWithProviders(<OrgsPage />, config);
    const user = userEvent.setup();
    expectLabelledControls(container);

    await user.type(screen.getByLabelText('Name'), 'Acme Support');
    await user.click(screen.getByRole('button', { name: 'Create on chain' }));
    const list = await screen.findByTestId('org-list', {}, { timeout: 15_000 });
    await waitFor(() => expect(list).toHaveTextContent('Acme Support'));
    // The new org is selected: its member table shows alice as owner.
    const table = await screen.findByTestId('member-table', {}, { timeout: 15_000 });
    expect(within(table).getByText(devOnlyAccount('alice').address).closest('tr')).toHaveTextContent('owner');

    const bob = devOnlyAccount('bob').address;
    await user.type(screen.getByLabelText('Address'), bob);
    await user.selectOptions(screen.getByLabelText('Role'), 'auditor');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(
      () =>
        expect(within(screen.getByTestId('member-table')).getByText(bob).closest('tr')).toHaveTextContent(
          'auditor',
        ),
      {
        timeout: 15_000,
      },
    );

    await user.click(screen.getByRole('button', { name: `Remove auditor ${bob}` }));
    await waitFor(() => expect(within(screen.getByTestId('member-table')).queryByText(bob)).toBeNull(), {
      timeout: 15_000,
    });
  });

  it('disables adding a role for a non-admin, with the contract’s rule as the reason', async () => {
    const alice = await connected('alice');
    const aliceView = renderWithProviders(<OrgsPage />, alice);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'Alice only');
    await user.click(screen.getByRole('button', { name: 'Create on chain' }));
    await screen.findByTestId('member-table', {}, { timeout: 15_000 });
    const orgId = alice.storage.getItem('privexbot.org');
    aliceView.unmount();

    const bob = await connected('bob');
    bob.storage.setItem('privexbot.org', orgId ?? '');
    const { container } = renderWithProviders(<OrgsPage />, bob);
    const bobView = within(container);
    await bobView.findByTestId('member-table', {}, { timeout: 15_000 });
    await user.type(bobView.getByLabelText('Address'), devOnlyAccount('bob').address);
    // The contract would refuse: the button is disabled before anything is signed, and says why.
    const add = bobView.getByRole('button', { name: 'Add' });
    expect(add).toBeDisabled();
    expect(add).toHaveAccessibleDescription(
      'Only the owner or an admin can add or remove members and auditors: you hold no role in this org.',
    );
  });
});

describe('usage page on the devnet', () => {
  it('reads the org’s private on-chain counters with a permit and says the api side needs a sign-in', async () => {
    const config = await connected('alice');
    const orgsView = renderWithProviders(<OrgsPage />, config);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'Usage org');
    await user.click(screen.getByRole('button', { name: 'Create on chain' }));
    await screen.findByTestId('member-table', {}, { timeout: 15_000 });
    orgsView.unmount();

    renderWithProviders(<UsagePage />, config);
    const onChain = await screen.findByTestId('on-chain-state');
    await waitFor(() => expect(onChain).toHaveTextContent('0 messages, 0 tokens.'), { timeout: 15_000 });
    expect(screen.getByTestId('off-chain-state')).toHaveTextContent("Sign in to read the api's counters.");
    expect(screen.getByTestId('empty')).toHaveTextContent('No usage in this period.');
  });
});

describe('auditor page on the devnet', () => {
  it('runs the audit in the browser against the usage contract, publicly and with a connected auditor’s permit', async () => {
    const config = await connected('alice');
    const { container } = renderWithProviders(<AuditorPage />, config);
    const user = userEvent.setup();
    expectLabelledControls(container);

    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByTestId('audit-verdict', {}, { timeout: 15_000 })).toHaveTextContent('Pass');
    expect(screen.getByText(/^0 batches, 0 attestation hashes checked/)).toBeInTheDocument();
    expect(screen.getByTestId('empty')).toHaveTextContent('No batch is on chain yet.');
    expect(screen.queryByTestId('audit-notice')).toBeNull();

    // Allowing dev signers is stated before the verdict.
    await user.click(screen.getByLabelText('Allow dev signers (development only)'));
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(screen.getByTestId('audit-notice')).toHaveTextContent(/^DEV SIGNERS ALLOWED/));
    await user.click(screen.getByLabelText('Allow dev signers (development only)'));

    await user.type(screen.getByLabelText('Org id (optional)'), 'x1');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('An org id is a number.');

    await user.clear(screen.getByLabelText('Org id (optional)'));
    await user.type(screen.getByLabelText('Query permit (JSON, optional)'), 'not json');
    await user.type(screen.getByLabelText('Org id (optional)'), '1');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The permit is not valid JSON.');

    // Org 1 is the operator's demo org: alice may not read its counters, and the page says so.
    await user.clear(screen.getByLabelText('Query permit (JSON, optional)'));
    await user.click(screen.getByRole('button', { name: 'Verify as the connected auditor' }));
    expect(await screen.findByRole('alert', {}, { timeout: 15_000 })).toHaveTextContent(
      /may not read the usage of org 1/,
    );

    const tx = await executeContract(config, {
      contract: 'billing',
      msg: { create_org: { name: 'Audited' } },
    });
    const ownOrg = tx.events.flatMap((e) => e.attributes).find((a) => a.key === 'org_id')?.value ?? '';
    await user.clear(screen.getByLabelText('Org id (optional)'));
    await user.type(screen.getByLabelText('Org id (optional)'), ownOrg);
    await user.click(screen.getByRole('button', { name: 'Verify as the connected auditor' }));
    await waitFor(() => expect(screen.getByTestId('audit-verdict')).toHaveTextContent('Pass'), {
      timeout: 15_000,
    });
  });
});
