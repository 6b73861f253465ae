// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { testConfig } from '../testing/test-setup.js';
import { QuotaNotices } from './quota-notices.js';

function render(notices: unknown[]) {
  const config = testConfig({
    apiUrl: 'http://api.test',
    fetch: async (input) =>
      String(input) === 'http://api.test/v1/orgs/3/quota-notices'
        ? new Response(JSON.stringify({ notices }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          })
        : new Response('{}', { status: 404 }),
  });
  config.session.set({ address: 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq', token: 't' });
  return renderWithProviders(<QuotaNotices orgId="3" />, config);
}

const notice = (thresholdPct: number, used: number, periodStart = '2026-12-01T00:00:00.000Z') => ({
  quota: 'messages',
  thresholdPct,
  used,
  limit: 1000,
  periodStart,
  crossedAt: '2026-12-05T10:00:00.000Z',
});

describe('quota notices on the usage page', () => {
  it('says the highest mark crossed this period, with the marks before it', async () => {
    render([notice(95, 951), notice(85, 851), notice(70, 700), notice(95, 990, '2026-11-01T00:00:00.000Z')]);
    const shown = await screen.findByTestId('quota-notice');
    expect(shown).toHaveTextContent('95 % of this period’s messages used (951 of 1000).');
    expect(shown).toHaveTextContent('The bots stop answering at 100 %');
    expect(shown.textContent?.match(/ % on /g)).toHaveLength(3); // last period's mark is not repeated
  });

  it('shows nothing while no mark was crossed', async () => {
    const { container } = render([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByTestId('quota-notice')).toBeNull();
    expect(container.textContent).toBe('');
  });
});
