// @vitest-environment jsdom
import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { testConfig } from '../testing/test-setup.js';
import { WebsiteCrawl } from './website-crawl.js';

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

const view = (crawl: Record<string, unknown>) => ({
  id: 'w1',
  name: 'docs.example.org',
  pagesStored: 12,
  recrawlIntervalMinutes: null,
  crawl: {
    status: 'running',
    cancelRequested: false,
    pagesFound: 20,
    pagesFetched: 12,
    pagesUnchanged: 0,
    pagesSkipped: 2,
    pagesFailed: 1,
    error: null,
    ...crawl,
  },
  skipped: [{ url: 'https://docs.example.org/private/x', reason: 'ROBOTS_DISALLOWED', detail: null }],
  failed: [
    { url: 'https://docs.example.org/gone', reason: 'HTTP_404', detail: 'the server answered HTTP 404' },
  ],
});

describe('website crawl progress on the bot sources', () => {
  it('shows the counts with reasons while the crawl runs, and cancels it', async () => {
    const requests: string[] = [];
    let cancelled = false;
    const config = testConfig({
      apiUrl: 'http://api.test',
      fetch: async (input, init) => {
        const url = String(input);
        requests.push(`${init?.method ?? 'GET'} ${url}`);
        if (url.endsWith('/cancel')) {
          cancelled = true;
          return json(view({ cancelRequested: true }));
        }
        return json(cancelled ? view({ status: 'cancelled', cancelRequested: true }) : view({}));
      },
    });
    config.session.set({ address: 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq', token: 't' });
    renderWithProviders(<WebsiteCrawl orgId="7" botId="b1" websiteId="w1" />, config);

    const counts = await screen.findByTestId('crawl-counts');
    expect(counts).toHaveTextContent(
      'Crawl running: 20 found, 12 fetched, 0 unchanged, 2 skipped, 1 failed; 12 pages in the knowledge',
    );
    expect(screen.getByTestId('crawl-skipped')).toHaveTextContent(
      "https://docs.example.org/private/x: The site's robots.txt asks crawlers not to read this page.",
    );
    expect(screen.getByTestId('crawl-failed')).toHaveTextContent(
      'https://docs.example.org/gone: The page does not exist (404). (the server answered HTTP 404)',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Cancel crawl' }));
    await expect.poll(() => requests).toContain('POST http://api.test/v1/orgs/7/bots/b1/websites/w1/cancel');
    await expect
      .poll(() => screen.getByTestId('crawl-counts').textContent ?? '', { timeout: 5000 })
      .toContain('Crawl cancelled');
    expect(screen.getByRole('button', { name: 'Crawl again' })).toBeEnabled();
  });

  it('sets the re-crawl schedule, refusing what the api would refuse and showing what it refuses', async () => {
    const patches: unknown[] = [];
    let interval: number | null = null;
    let forbidden = false;
    const config = testConfig({
      apiUrl: 'http://api.test',
      fetch: async (input, init) => {
        if (init?.method === 'PATCH') {
          if (forbidden)
            return new Response(
              JSON.stringify({
                error: {
                  code: 'FORBIDDEN',
                  message: 'your role may not change the knowledge',
                  requestId: 'r1',
                },
              }),
              { status: 403, headers: { 'content-type': 'application/json' } },
            );
          const body = JSON.parse(String(init.body)) as { recrawlIntervalMinutes: number | null };
          patches.push(body);
          interval = body.recrawlIntervalMinutes;
        }
        return json({
          ...view({ status: 'done' }),
          recrawlIntervalMinutes: interval,
          nextCrawlAt: interval ? '2026-12-08T10:00:00.000Z' : null,
        });
      },
    });
    config.session.set({ address: 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq', token: 't' });
    renderWithProviders(<WebsiteCrawl orgId="7" botId="b1" websiteId="w1" />, config);

    expect(await screen.findByTestId('recrawl-current')).toHaveTextContent('Re-crawled only when asked.');
    const field = screen.getByLabelText('Re-crawl every (minutes; empty: only when asked)');
    const save = screen.getByRole('button', { name: 'Save schedule' });

    fireEvent.change(field, { target: { value: '30' } });
    fireEvent.click(save);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Re-crawl at most hourly: at least 60 minutes.',
    );
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(patches).toEqual([]);

    fireEvent.change(field, { target: { value: '120' } });
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(save);
    await expect
      .poll(() => screen.getByTestId('recrawl-current').textContent ?? '')
      .toContain('Re-crawled every 120 minutes; next crawl');
    expect(patches).toEqual([{ recrawlIntervalMinutes: 120 }]);

    fireEvent.change(field, { target: { value: '' } });
    fireEvent.click(save);
    await expect
      .poll(() => screen.getByTestId('recrawl-current').textContent ?? '')
      .toBe('Re-crawled only when asked.');
    expect(patches).toEqual([{ recrawlIntervalMinutes: 120 }, { recrawlIntervalMinutes: null }]);

    forbidden = true;
    fireEvent.change(field, { target: { value: '60' } });
    fireEvent.click(save);
    expect(await screen.findByRole('alert')).toHaveTextContent('your role may not change the knowledge');
    expect(screen.getByTestId('recrawl-current')).toHaveTextContent('Re-crawled only when asked.');
  });
});
