// @vitest-environment jsdom
import type { UseQueryResult } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError, ApiRouteMissingError, type BaseError } from '../core/errors.js';
import '../testing/render-with-providers.js';
import { QueryState } from './query-state.js';

function query<T>(state: Partial<UseQueryResult<T, BaseError>>): UseQueryResult<T, BaseError> {
  return {
    isError: false,
    isPending: false,
    fetchStatus: 'idle',
    data: undefined,
    error: null,
    refetch: vi.fn(),
    ...state,
  } as unknown as UseQueryResult<T, BaseError>;
}

describe('QueryState', () => {
  it('announces loading politely', () => {
    render(
      <QueryState query={query({ isPending: true, fetchStatus: 'fetching' })} loading="Loading bots…">
        {() => 'data'}
      </QueryState>,
    );
    expect(screen.getByRole('status')).toHaveTextContent('Loading bots…');
  });

  it('renders nothing while disabled, instead of a spinner that never ends', () => {
    const { container } = render(
      <QueryState query={query({ isPending: true, fetchStatus: 'idle' })} loading="Loading…">
        {() => 'data'}
      </QueryState>,
    );
    expect(container).toBeEmptyDOMElement();
  });

  it('shows the short message of an error as an alert, with a retry that refetches', async () => {
    const failing = query<string[]>({
      isError: true,
      error: new ApiRequestError({ status: 403, code: 'FORBIDDEN', message: 'Only admins can do that.' }),
    });
    render(
      <QueryState query={failing} loading="…">
        {() => 'data'}
      </QueryState>,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Only admins can do that.');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(failing.refetch).toHaveBeenCalledTimes(1);
  });

  it('says plainly when the api lacks the route, without a pointless retry', () => {
    render(
      <QueryState
        query={query({ isError: true, error: new ApiRouteMissingError('GET /v1/orgs/1/bots') })}
        loading="…"
      >
        {() => 'data'}
      </QueryState>,
    );
    expect(screen.getByTestId('route-missing')).toHaveTextContent(
      'The api does not offer GET /v1/orgs/1/bots yet.',
    );
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('renders the empty state or the data', () => {
    const { rerender } = render(
      <QueryState
        query={query({ data: [] as string[] })}
        loading="…"
        isEmpty={(d) => d.length === 0}
        empty="No bots yet."
      >
        {(d) => d.join(',')}
      </QueryState>,
    );
    expect(screen.getByTestId('empty')).toHaveTextContent('No bots yet.');
    rerender(
      <QueryState
        query={query({ data: ['a', 'b'] })}
        loading="…"
        isEmpty={(d) => d.length === 0}
        empty="No bots yet."
      >
        {(d) => d.join(',')}
      </QueryState>,
    );
    expect(screen.getByText('a,b')).toBeInTheDocument();
  });
});
