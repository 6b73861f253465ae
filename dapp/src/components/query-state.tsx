/**
 * The three states every data view has besides its data: loading, error and empty. Errors show
 * the short message of the dapp's error types; a route the api lacks gets its own wording.
 */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiRouteMissingError, type BaseError, errorMessage } from '../core/errors.js';

export function Loading({ label }: { label: string }) {
  return (
    <p className="status" role="status" aria-live="polite" data-testid="loading">
      {label}
    </p>
  );
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const missing = error instanceof ApiRouteMissingError;
  return (
    <div className="error" role="alert" data-testid={missing ? 'route-missing' : 'error'}>
      <p>{errorMessage(error)}</p>
      {missing ? <p>This page needs a newer api; everything else keeps working.</p> : null}
      {onRetry && !missing ? (
        <button type="button" className="secondary" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="empty" data-testid="empty">
      {children}
    </p>
  );
}

export interface QueryStateProps<T> {
  query: UseQueryResult<T, BaseError>;
  loading: string;
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  /** shown while the query is disabled (its inputs are not known yet) */
  idle?: ReactNode;
  children: (data: T) => ReactNode;
}

export function QueryState<T>({ query, loading, empty, isEmpty, idle, children }: QueryStateProps<T>) {
  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending) {
    return query.fetchStatus === 'idle' ? (idle ?? null) : <Loading label={loading} />;
  }
  if (isEmpty?.(query.data)) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}
