import { describe, expect, it } from 'vitest';
import { signedInToServer } from '../../testing/test-setup.js';
import { ApiRequestError } from '../errors.js';
import { getOffChainUsage } from './get-off-chain-usage.js';

/**
 * Against a local server with the api's `GET /v1/orgs/:orgId/usage` contract
 * (api/src/routes/org-usage.ts): calendar days in and out; the page counts unix days.
 */
const asked: string[] = [];

const config = signedInToServer((request, response) => {
  asked.push(request.url ?? '');
  response.setHeader('content-type', 'application/json');
  const url = new URL(request.url ?? '/', 'http://x');
  if (url.searchParams.get('fromDay') === '2020-01-01') {
    response.writeHead(400).end(
      JSON.stringify({
        error: {
          code: 'RANGE_TOO_LONG',
          message: 'at most 366 days per request',
          details: { maxDays: 366 },
        },
      }),
    );
    return;
  }
  response.end(
    JSON.stringify({
      days: [
        {
          day: '2026-11-21',
          conversations: 1,
          messages: 2,
          promptTokens: 30,
          completionTokens: 12,
          leads: 1,
        },
      ],
    }),
  );
});

describe('getOffChainUsage', () => {
  it('asks for calendar days and returns the usage contract’s day numbers', async () => {
    const day = Date.UTC(2026, 10, 21) / 86_400_000;
    const days = await getOffChainUsage(config(), { orgId: '4', fromDay: day - 6, toDay: day });
    expect(asked.at(-1)).toBe('/v1/orgs/4/usage?fromDay=2026-11-15&toDay=2026-11-21');
    expect(days).toEqual([
      { day, conversations: 1, messages: 2, promptTokens: 30, completionTokens: 12, leads: 1 },
    ]);
  });

  it('passes the api’s refusal on with its code', async () => {
    const from = Date.UTC(2020, 0, 1) / 86_400_000;
    const refused = getOffChainUsage(config(), { orgId: '4', fromDay: from, toDay: from + 400 });
    await expect(refused).rejects.toBeInstanceOf(ApiRequestError);
    await expect(refused).rejects.toMatchObject({ code: 'RANGE_TOO_LONG' });
  });
});
