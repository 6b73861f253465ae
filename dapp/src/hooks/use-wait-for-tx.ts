import { type UseQueryResult, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { WaitForTxReturnType } from '../core/actions/wait-for-tx.js';
import type { BaseError } from '../core/errors.js';
import { invalidateChainQueries, waitForTxQueryOptions } from '../core/query/chain-query-options.js';
import { useConfig } from './config-provider.js';

export interface UseWaitForTxParameters {
  txHash: string | undefined;
  timeoutMs?: number;
}
export type UseWaitForTxReturnType = UseQueryResult<WaitForTxReturnType, BaseError>;

/** Waits for a transaction sent elsewhere (another tab, a hash from a link), then refreshes chain reads. */
export function useWaitForTx(parameters: UseWaitForTxParameters): UseWaitForTxReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  const result = useQuery(waitForTxQueryOptions(config, parameters));
  const includedAt = result.data?.height;
  useEffect(() => {
    if (includedAt !== undefined) void invalidateChainQueries(queryClient, config);
  }, [includedAt, queryClient, config]);
  return result;
}
