// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DappConfig } from '../core/config.js';
import { expectLabelledControls } from '../testing/expect-accessible.js';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { testConfig } from '../testing/test-setup.js';
import BotsPage from './bots-page.js';

const address = 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq';

/** A config whose api answers `GET /v1/orgs/1/bots` with `respond()`; a signed-in session; org 1 selected. */
function configAnswering(respond: () => Response | Promise<Response>): DappConfig {
  const config = testConfig({
    apiUrl: 'http://api.test',
    fetch: async (input) => {
      if (String(input) === 'http://api.test/v1/orgs/1/bots') return respond();
      return new Response(JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND', message: 'no route' } }), {
        status: 404,
      });
    },
  });
  config.session.set({ address, token: 't' });
  config.storage.setItem('privexbot.org', '1');
  return config;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('bots page states', () => {
  it('asks for sign-in without a session', () => {
    const config = configAnswering(() => json(200, { bots: [] }));
    config.session.set(undefined);
    renderWithProviders(<BotsPage />, config);
    expect(screen.getByTestId('needs-sign-in')).toHaveTextContent('Sign in to see this page.');
  });

  it('shows loading, then the empty state', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    renderWithProviders(
      <BotsPage />,
      configAnswering(async () => {
        await gate;
        return json(200, { bots: [] });
      }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Loading bots…');
    release();
    expect(await screen.findByTestId('empty')).toHaveTextContent('No bots yet');
  });

  it('lists bots with links to their pages', async () => {
    const bot = {
      id: 'b1',
      orgId: '1',
      name: 'Support',
      model: 'default',
      allowedOrigins: ['https://a.example'],
    };
    const { container } = renderWithProviders(
      <BotsPage />,
      configAnswering(() => json(200, { bots: [bot] })),
    );
    expect(await screen.findByRole('link', { name: 'Support' })).toHaveAttribute('href', '/bots/b1');
    expectLabelledControls(container);
  });

  it('shows the api’s error message, and a missing route as such', async () => {
    renderWithProviders(
      <BotsPage />,
      configAnswering(() =>
        json(403, {
          error: { code: 'FORBIDDEN', message: 'You are not a member of this org.', requestId: 'r' },
        }),
      ),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('You are not a member of this org.');
  });

  it('says the api lacks the route when it answers ROUTE_NOT_FOUND', async () => {
    renderWithProviders(
      <BotsPage />,
      configAnswering(() => json(404, { error: { code: 'ROUTE_NOT_FOUND', message: 'no route' } })),
    );
    expect(await screen.findByTestId('route-missing')).toHaveTextContent(
      'The api does not offer GET /v1/orgs/1/bots yet.',
    );
  });

  it('shows "New bot" disabled, with the reason, to an account holding no role that lets it build bots', async () => {
    renderWithProviders(
      <BotsPage />,
      configAnswering(() => json(200, { bots: [] })),
    );
    const button = await screen.findByTestId('new-bot');
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      'Only the owner, an admin or a member can create, change or delete bots: you hold no role in this org.',
    );
  });
});
