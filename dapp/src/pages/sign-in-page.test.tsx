// @vitest-environment jsdom
import { vi } from 'vitest';

vi.hoisted(async () => (await import('../testing/use-node-typed-arrays.js')).useNodeTypedArrays());

import { devOnlyAccount } from '@privexbot/schema/chain';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes.js';
import { expectLabelledControls } from '../testing/expect-accessible.js';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { startSignInServer } from '../testing/sign-in-server.js';
import { startedForFile, testConfig } from '../testing/test-setup.js';

const server = startedForFile(startSignInServer, (started) => started.close());

/** No Keplr in the window; dev keys offered or not. */
const configWithoutKeplr = (devKeysAllowed: boolean) =>
  testConfig({ apiUrl: server().url, devKeysAllowed, getKeplr: () => undefined });

describe('sign-in page', () => {
  it('offers Keplr and, on the devnet, clearly marked dev keys; every control is labelled', () => {
    const config = configWithoutKeplr(true);
    const { container } = renderWithProviders(<AppRoutes />, config, { path: '/sign-in' });
    expect(screen.getByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Connect Keplr' })).toBeEnabled();
    expect(screen.getByRole('group', { name: 'Development keys (devnet only)' })).toHaveTextContent(
      /publicly known/,
    );
    expect(screen.getByLabelText('Dev account')).toHaveValue('alice');
    expectLabelledControls(container);
  });

  it('hides dev keys where they are not allowed', () => {
    const config = configWithoutKeplr(false);
    renderWithProviders(<AppRoutes />, config, { path: '/sign-in' });
    expect(screen.queryByRole('group', { name: /Development keys/ })).toBeNull();
  });

  it('explains a missing Keplr in an alert', async () => {
    const config = configWithoutKeplr(true);
    renderWithProviders(<AppRoutes />, config, { path: '/sign-in' });
    await userEvent.click(screen.getByRole('button', { name: 'Connect Keplr' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Keplr was not found.');
  });

  it('goes through connect and sign-in with the keyboard alone, marking the dev key everywhere', async () => {
    const config = configWithoutKeplr(true);
    renderWithProviders(<AppRoutes />, config, { path: '/sign-in' });
    const user = userEvent.setup();
    const devButton = screen.getByRole('button', { name: 'Use dev key' });
    // Tab until the dev-key button has focus, then press Enter.
    for (let i = 0; i < 20 && document.activeElement !== devButton; i += 1) await user.tab();
    expect(devButton).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(await screen.findByTestId('connected-address')).toHaveTextContent(devOnlyAccount('alice').address);
    expect(screen.getByTestId('dev-key-banner')).toHaveTextContent('Development key (DEV KEY: alice)');

    const signIn = screen.getByRole('button', { name: 'Sign in' });
    signIn.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(config.session.get()?.address).toBe(devOnlyAccount('alice').address));
  });
});
