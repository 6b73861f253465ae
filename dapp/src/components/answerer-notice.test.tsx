// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { testConfig } from '../testing/test-setup.js';
import { AnswererNotice } from './answerer-notice.js';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function render(answerer: { mode: string; model: string }) {
  const requested: string[] = [];
  const config = testConfig({
    apiUrl: 'http://api.test',
    fetch: async (input) => {
      requested.push(String(input));
      return json(200, answerer);
    },
  });
  config.session.set({ address: 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq', token: 't' });
  const view = renderWithProviders(<AnswererNotice bot={{ id: 'b1', orgId: '7' }} />, config);
  return { requested, view };
}

describe('the "no model configured" notice on the bot page', () => {
  it('tells the org its answers are composed offline, and how a model is configured', async () => {
    const { requested } = render({ mode: 'offline', model: 'llama3.3-70b' });
    const notice = await screen.findByTestId('answerer-notice');
    expect(notice).toHaveTextContent('No language model is configured.');
    expect(notice).toHaveTextContent('Visitors are not told');
    expect(notice).toHaveTextContent('GATEWAY_UPSTREAM_BASE_URL');
    expect(requested).toEqual(['http://api.test/v1/orgs/7/bots/b1/answerer']);
  });

  it('says every chat is refused when nothing answers', async () => {
    render({ mode: 'none', model: 'llama3.3-70b' });
    expect(await screen.findByTestId('answerer-notice')).toHaveTextContent('every chat is refused');
  });

  it('shows nothing when a language model answers', async () => {
    const { requested, view } = render({ mode: 'model', model: 'llama3.3-70b' });
    await expect.poll(() => requested.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(view.container).toBeEmptyDOMElement();
  });
});
