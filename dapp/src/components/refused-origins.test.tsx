// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { testConfig } from '../testing/test-setup.js';
import { RefusedOrigins } from './refused-origins.js';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function render(refusals: unknown[]) {
  const requested: string[] = [];
  const config = testConfig({
    apiUrl: 'http://api.test',
    fetch: async (input) => {
      requested.push(String(input));
      return json(200, { refusals });
    },
  });
  config.session.set({ address: 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq', token: 't' });
  renderWithProviders(<RefusedOrigins bot={{ id: 'b1', orgId: '7' }} />, config);
  return requested;
}

describe('refused websites on the embed card', () => {
  it('tells the owner which websites were refused and how to allow them', async () => {
    const requested = render([
      { origin: 'http://127.0.0.1:8080', count: 3, lastSeenAt: '2026-12-07T08:00:00.000Z' },
    ]);
    const section = await screen.findByTestId('refused-origins');
    expect(await screen.findByText('http://127.0.0.1:8080')).toBeInTheDocument();
    expect(section).toHaveTextContent('3 times');
    expect(section).toHaveTextContent('Add an origin above to allow it.');
    expect(requested).toEqual(['http://api.test/v1/orgs/7/bots/b1/embed-refusals']);
  });

  it('says plainly when no website was refused', async () => {
    render([]);
    expect(await screen.findByTestId('empty')).toHaveTextContent('No website was refused');
  });
});
