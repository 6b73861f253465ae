// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useBot } from '../hooks/use-bots.js';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { testConfig } from '../testing/test-setup.js';
import { ReembedProgress } from './reembed-progress.js';

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/** The bot page's own read of the bot, which must pick up the switched embedder. */
function BotRead() {
  useBot({ orgId: '7', botId: 'b1' });
  return null;
}

describe('re-embedding progress on the bot page', () => {
  it('follows the background re-embedding until the bot switches, then reads the bot again', async () => {
    // What the api reports on successive polls: under way, nearly done, switched.
    const states = [
      { embedder: 'local-minilm-384', chunksDone: 2, chunksTotal: 5 },
      { embedder: 'local-minilm-384', chunksDone: 4, chunksTotal: 5 },
      null,
    ];
    let polls = 0;
    const requested: string[] = [];
    const config = testConfig({
      apiUrl: 'http://api.test',
      fetch: async (input) => {
        const url = String(input);
        requested.push(url);
        if (url.endsWith('/reembedding'))
          return json({
            embedder: 'local-hash-384',
            reembedding: states[Math.min(polls++, states.length - 1)],
          });
        return json({});
      },
    });
    config.session.set({ address: 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq', token: 't' });
    renderWithProviders(
      <>
        <BotRead />
        <ReembedProgress bot={{ id: 'b1', orgId: '7' }} />
      </>,
      config,
    );
    const botReads = () => requested.filter((url) => url.endsWith('/v1/orgs/7/bots/b1')).length;

    const bar = await screen.findByTestId('reembed-progress');
    await expect.poll(botReads).toBe(1);
    expect(bar).toHaveTextContent('Re-embedding with local-minilm-384: 2 of 5 passages');
    expect(bar.querySelector('progress')).toHaveAttribute('value', '2');
    await expect
      .poll(() => screen.queryByTestId('reembed-progress')?.textContent ?? '', { timeout: 5000 })
      .toContain('4 of 5');
    await expect.poll(() => screen.queryByTestId('reembed-progress'), { timeout: 5000 }).toBeNull();
    await expect.poll(botReads).toBe(2);
  });
});
