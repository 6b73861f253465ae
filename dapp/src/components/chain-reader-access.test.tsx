// @vitest-environment jsdom
import { vi } from 'vitest';

vi.hoisted(async () => (await import('../testing/use-node-typed-arrays.js')).useNodeTypedArrays());

import { devOnlyAccount } from '@privexbot/schema/chain';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import OrgsPage from '../pages/orgs-page.js';
import { expectLabelledControls } from '../testing/expect-accessible.js';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { connectedConfig, devnetForFile, serverForFile } from '../testing/test-setup.js';

/**
 * The org page's "let PrivexBot read this org's plan and usage" step, against the devnet's
 * real billing contract; the api's public `GET /v1/platform` is served locally, naming bob
 * as the platform's chain reader.
 */
const reader = devOnlyAccount('bob').address;
const devnet = devnetForFile();
const apiUrl = serverForFile((request, response) => {
  response.setHeader('access-control-allow-origin', '*');
  response.setHeader('content-type', 'application/json');
  if (request.method === 'GET' && request.url === '/v1/platform') {
    response.end(
      JSON.stringify({ chainReaderAddress: reader, chainId: 'privexbot-devnet-1', billingContract: null }),
    );
    return;
  }
  response.writeHead(404).end(JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND', message: 'no route' } }));
});

const connected = (role: 'alice' | 'bob') =>
  connectedConfig(role, { devnetUrl: devnet().url, apiUrl: apiUrl() });

describe('granting the platform read access to an org', () => {
  it('is offered right after the org is created, can be put off, and then granted in one transaction', async () => {
    const config = await connected('alice');
    const { container } = renderWithProviders(<OrgsPage />, config);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'Reader org');
    await user.click(screen.getByRole('button', { name: 'Create on chain' }));

    const consent = await screen.findByTestId('reader-consent', {}, { timeout: 15_000 });
    expect(within(consent).getByRole('heading')).toHaveTextContent(
      'Let PrivexBot read this org’s plan and usage',
    );
    expect(within(consent).getByTestId('reader-address')).toHaveTextContent(reader);
    expect(consent).toHaveTextContent('An auditor can only read');
    expectLabelledControls(container);

    await user.click(within(consent).getByRole('button', { name: 'Not now' }));
    const later = screen.getByTestId('reader-status');
    expect(later).toHaveTextContent('bots cannot be created until you grant read access');
    // Nothing happened on chain: the reader is not in the member table.
    expect(within(screen.getByTestId('member-table')).queryByText(reader)).toBeNull();

    await user.click(within(later).getByRole('button', { name: 'Grant read access' }));
    await waitFor(
      () =>
        expect(screen.getByTestId('reader-status')).toHaveTextContent(
          'PrivexBot can read this org’s plan and usage',
        ),
      { timeout: 15_000 },
    );
    expect(within(screen.getByTestId('member-table')).getByText(reader).closest('tr')).toHaveTextContent(
      'auditor',
    );
  });

  it('tells a member who may not grant it whom to ask', async () => {
    const alice = await connected('alice');
    const aliceView = renderWithProviders(<OrgsPage />, alice);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'Ask the owner');
    await user.click(screen.getByRole('button', { name: 'Create on chain' }));
    await screen.findByTestId('reader-consent', {}, { timeout: 15_000 });
    const orgId = alice.storage.getItem('privexbot.org');
    aliceView.unmount();

    const bob = await connected('bob');
    bob.storage.setItem('privexbot.org', orgId ?? '');
    renderWithProviders(<OrgsPage />, bob);
    const status = await screen.findByTestId('reader-status', {}, { timeout: 15_000 });
    expect(status).toHaveTextContent('ask an owner or admin to grant it read access');
    // The consent card offers no button; the onboarding checklist's one is disabled, saying why.
    expect(screen.queryByTestId('grant-reader')).toBeNull();
    const checklistGrant = await screen.findByTestId('onboarding-grant-reader');
    expect(checklistGrant).toBeDisabled();
    expect(checklistGrant).toHaveAccessibleDescription(
      /^Only the owner or an admin can add or remove members and auditors/,
    );
  });
});
